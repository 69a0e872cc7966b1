"""From launch to an open database: first-run choices, opening problems explained, the town setup."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.db import Database, DatabaseError, create_database, open_database
from app.services import town
from app.ui import file_dialogs
from app.ui.errors import info, warn
from app.ui.org_page import TownSetupDialog
from app.ui.taskman import run_blocking
from app.ui.widgets import primary_button

DEMO_HOUSEHOLDS = 2000


class WelcomeDialog(QDialog):
    """Shown when there is no database yet: start empty, try demo data, or open an existing file."""

    NEW, DEMO, OPEN = 1, 2, 3

    def __init__(self, path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("欢迎使用搬迁群众后续扶持台账")
        self.choice = 0
        layout = QVBoxLayout(self)
        text = QLabel(f"还没有数据库文件：\n{path}\n\n请选择：")
        text.setWordWrap(True)
        layout.addWidget(text)
        for label, value, primary in (("新建空数据库（正式使用）", self.NEW, True),
                                      (f"生成演示数据试用（{DEMO_HOUSEHOLDS} 户）", self.DEMO, False),
                                      ("打开已有的数据库文件……", self.OPEN, False)):
            button = primary_button(label) if primary else QPushButton(label)
            button.setMinimumHeight(36)
            button.clicked.connect(lambda _=False, v=value: self._choose(v))
            layout.addWidget(button)
        quit_button = QPushButton("退出")
        quit_button.clicked.connect(self.reject)
        layout.addWidget(quit_button)
        self.resize(460, 300)

    def _choose(self, value: int) -> None:
        self.choice = value
        self.accept()


def _make_demo(path: Path) -> Database:
    from app import demo

    def work(progress, _cancelled) -> Database:
        db = create_database(path)
        town.seed_reference_data(db)
        def step(done: int, total: int) -> None:
            progress(done / max(total, 1), f"正在生成演示数据（{done}/{total} 户）……")

        demo.generate(db, DEMO_HOUSEHOLDS, progress=step)
        return db

    return run_blocking(work, "正在生成演示数据……", show_after_ms=0)


def _open(path: Path) -> Database:
    """open_database on the database worker: an upgrade (backup + migrations) can take a while."""
    return run_blocking(lambda _progress, _cancelled: open_database(path), "正在打开数据库……")


def open_for_gui(path: Path) -> Database | None:
    """The database to work on, or None when the clerk chose to quit."""
    path = Path(path)
    while True:
        if not path.exists():
            welcome = WelcomeDialog(path)
            if welcome.exec() != QDialog.DialogCode.Accepted:
                return None
            if welcome.choice == WelcomeDialog.OPEN:
                chosen = file_dialogs.get_open_path(None, "打开数据库文件", path.parent,
                                                    "数据库文件 (*.db *.sqlite);;所有文件 (*)")
                if not chosen:
                    continue
                path = Path(chosen)
                continue
            try:
                if welcome.choice == WelcomeDialog.DEMO:
                    db = _make_demo(path)
                else:
                    db = create_database(path)
                    town.seed_reference_data(db)
            except DatabaseError as exc:
                warn(None, "无法新建数据库", str(exc))
                return None
        else:
            try:
                db = _open(path)
            except DatabaseError as exc:
                from app.ui.data_safety import offer_restore_after_failure

                db = offer_restore_after_failure(path, str(exc))
                if db is None:
                    return None
        if db.upgraded_from:
            info(None, "数据库已升级", f"数据库已升级到新版本的格式。升级前的备份保存在：\n{db.backup_path}")
        if db.readonly:
            info(None, "只读打开", db.readonly_reason)
        elif not town.load_town(db).is_set_up:
            TownSetupDialog(db).exec()
        return db

