"""File dialogs (app.ui.file_dialogs): showing the folder of the open database keeps the database's locks.

Qt's stock dialog opened every listed file to guess its type; on Linux closing those descriptors dropped all
of the program's POSIX locks on houfu.db and houfu.db-shm (seen in /proc/locks), after which another
process could delete the write-ahead log under the running program."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QFileSystemModel
from sqlalchemy import text

from app.db import create_database
from app.services import town
from app.ui import file_dialogs
from tests.proc_locks import linux_only, own_locks

APP_UI = Path(__file__).resolve().parents[2] / "app" / "ui"


@pytest.fixture
def open_db(tmp_path):
    """The program's database, open and written to (WAL in use), in a folder with other files too."""
    db = create_database(tmp_path / "houfu.db")
    town.seed_reference_data(db)
    with db.write() as s:
        s.execute(text("INSERT INTO settings (key, value) VALUES ('t', '1')"))
    (tmp_path / "台账.xlsx").write_bytes(b"PK\x03\x04 not really")
    (tmp_path / "说明").write_text("无扩展名", encoding="utf-8")
    yield db
    db.close()


def listed(dialog: QFileDialog, folder: Path, names: list[str]) -> bool:
    """Whether the dialog's model has loaded folder and worked out the type of each named (visible) file; the
    model types every file of a folder at once, also those the name filter hides."""
    model = dialog.findChild(QFileSystemModel)
    if model is None:
        return False
    return all(model.type(model.index(str(folder / n))) for n in names)


def test_every_file_dialog_goes_through_the_helper():
    """No page builds its own QFileDialog (or calls its static functions): only app/ui/file_dialogs.py."""
    users = sorted(str(p.relative_to(APP_UI)) for p in APP_UI.rglob("*.py")
                   if p.name != "file_dialogs.py" and "QFileDialog" in p.read_text(encoding="utf-8"))
    assert users == []


@linux_only
@pytest.mark.parametrize("kind", ["save", "open"])
def test_showing_the_database_folder_keeps_the_database_locks(qtbot, open_db, tmp_path, kind):
    """A save dialog (导出) and an open dialog on the database's folder list every file, types included, and
    the process still holds every lock it held on houfu.db and houfu.db-shm."""
    db_path = open_db.path
    names = ["台账.xlsx"] if kind == "save" else ["houfu.db", "houfu.db-wal", "houfu.db-shm", "台账.xlsx", "说明"]
    before = own_locks(db_path)
    assert {f for f, *_ in before} >= {"houfu.db", "houfu.db-shm"}
    seen: dict[str, object] = {}

    def inspect() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, QFileDialog):
            QTimer.singleShot(20, inspect)
            return
        try:
            qtbot.waitUntil(lambda: listed(dialog, tmp_path, names), timeout=10000)
            qtbot.wait(200)  # let any further work of the model run
            model = dialog.findChild(QFileSystemModel)
            seen["types"] = {n: model.type(model.index(str(tmp_path / n))) for n in names}
            seen["locks"] = own_locks(db_path)
        finally:
            dialog.reject()

    QTimer.singleShot(0, inspect)
    if kind == "save":
        chosen = file_dialogs.get_save_path(None, "导出问题台账", tmp_path / "问题台账.xlsx", "Excel 工作簿 (*.xlsx)")
    else:
        chosen = file_dialogs.get_open_path(None, "选择文件", tmp_path, "所有文件 (*)")
    assert chosen == ""
    assert seen["locks"] == before
    assert seen["types"]["台账.xlsx"] == "Excel 工作簿"
    if kind == "open":
        assert seen["types"]["houfu.db"] == "数据库文件" and seen["types"]["说明"] == "文件"
    # the database still works, and another connection's close does not take its write-ahead log away
    import sqlite3

    other = sqlite3.connect(db_path)
    other.execute("SELECT count(*) FROM settings").fetchone()
    other.close()
    assert Path(f"{db_path}-wal").exists() and Path(f"{db_path}-shm").exists()


def test_save_dialogs_start_from_an_absolute_path(qtbot, tmp_path, monkeypatch):
    """A bare default name lands in the folder used last (else 文档 or home), never the working directory."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(file_dialogs, "_last_folder", None)
    start = file_dialogs.default_save_path("问题台账_20260501.xlsx")
    assert start.is_absolute() and start.parent != tmp_path and start.parent.is_dir()
    used = tmp_path / "导出"
    used.mkdir()
    monkeypatch.setattr(file_dialogs, "_last_folder", used)
    assert file_dialogs.default_save_path("x.xlsx") == used / "x.xlsx"
    dialog = file_dialogs.make_dialog(None, "导出", "x.xlsx", "Excel 工作簿 (*.xlsx)", QFileDialog.FileMode.AnyFile,
                                      save=True)
    qtbot.addWidget(dialog)
    assert Path(dialog.directory().absolutePath()) == used
    assert dialog.testOption(QFileDialog.Option.DontUseNativeDialog)
    assert dialog.testOption(QFileDialog.Option.DontResolveSymlinks)


def test_choosing_the_open_database_as_an_input_is_refused(qtbot, open_db, monkeypatch):
    """Picking houfu.db or its -shm as a file to read (attachment, register, backup) is refused with a
    sentence: reading it outside SQLite would drop the program's own locks."""
    shown: list[str] = []
    monkeypatch.setattr("app.ui.errors.warn", lambda _p, _t, text: shown.append(text))
    for name in ("houfu.db", "houfu.db-shm"):
        assert file_dialogs.database_file_among([str(open_db.path.parent / name)]) is not None
    assert file_dialogs.database_file_among([str(open_db.path.parent / "台账.xlsx")]) is None

    def accept_db() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, QFileDialog):
            QTimer.singleShot(20, accept_db)
            return
        dialog.selectFile(str(open_db.path))
        dialog.accept()

    QTimer.singleShot(0, accept_db)
    assert file_dialogs.get_open_paths(None, "添加附件", open_db.path.parent, "所有文件 (*)") == []
    assert len(shown) == 1 and "正在使用的数据库" in shown[0]
