"""Starting the GUI: the application object (font, Chinese Qt dialogs, style), then the database, then the
main window. Nothing here runs at import time."""

from __future__ import annotations

import gc
import os
import sys
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QLocale, QTimer, QTranslator
from PySide6.QtGui import QFont, QFontDatabase, QIcon
from PySide6.QtWidgets import QApplication

from app import APP_NAME, config
from app.resources import bundled_font, resources_dir

_keep: list[object] = []  # translators must outlive the call that installs them
SMOKE_ENV = "HOUFU_SMOKE_SECONDS"  # for checking a built bundle: quit this many seconds after the window shows


def setup_application(app: QApplication) -> str:
    """Font, translations and style for an application object; returns the UI font family."""
    app.setApplicationName(APP_NAME)
    app.setOrganizationName("Houfu")
    app.setWindowIcon(QIcon(str(resources_dir() / "icons" / "houfu-256.png")))
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    family = ""
    font_id = QFontDatabase.addApplicationFont(str(bundled_font()))
    if font_id >= 0:
        families = QFontDatabase.applicationFontFamilies(font_id)
        family = families[0] if families else ""
    if family:
        font = QFont(family, 10)
        app.setFont(font)
    translations = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    for name in ("qtbase_zh_CN", "qt_zh_CN"):
        tr = QTranslator(app)
        if tr.load(name, translations):
            app.installTranslator(tr)
            _keep.append(tr)
    qss = resources_dir() / "style.qss"
    if qss.exists():
        # @resources@ stands for the resources folder (images the style sheet draws, e.g. spin box arrows).
        app.setStyleSheet(qss.read_text(encoding="utf-8").replace("@resources@", resources_dir().as_posix()))
    return family


def make_application(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv[:1])
    setup_application(app)
    return app


def freeze_startup() -> None:
    """Leave the objects that exist now — the modules imported, their classes and tables — out of every later
    cyclic collection: they live as long as the process, and full passes over them took half the time of
    building the main window and a fifth of 首页's first findings. Call once, after the imports."""
    gc.freeze()


def run_gui(db_path: Path | None = None) -> int:
    """Open the GUI on db_path (or the default database); returns the process exit status.

    One instance per database file; the app password (if set) is asked first; a restore chosen on the
    数据安全 page closes the window, replaces the file with nothing open, and reopens it."""
    from app.ui.data_safety import restore_and_reopen
    from app.ui.errors import install_exception_hooks, warn
    from app.ui.main_window import MainWindow
    from app.ui.password import IdleLock, ask_password_at_launch
    from app.ui.single_instance import InstanceGuard, bring_forward
    from app.ui.startup import open_for_gui

    freeze_startup()
    app = make_application()
    install_exception_hooks()
    path = Path(db_path or config.default_db_path()).absolute()
    guard = InstanceGuard(path)
    if not guard.acquire():
        if not guard.notified:
            warn(None, "已经打开", guard.busy_message())
        return 0
    current: dict = {}
    guard.activation_requested.connect(lambda: current.get("window") and bring_forward(current["window"]))
    try:
        db = open_for_gui(path)
        if db is not None and db.path.absolute() != path:
            # Another file was chosen on the welcome screen: that is the file this window must hold.
            other = InstanceGuard(db.path)
            if not other.acquire():
                db.close()
                if not other.notified:
                    warn(None, "已经打开", other.busy_message())
                return 0
            guard.release()
            guard, path = other, other.db_path
            guard.activation_requested.connect(
                lambda: current.get("window") and bring_forward(current["window"]))
        if db is None or not ask_password_at_launch(db):
            if db is not None:
                db.close()
            return 0
        status = 0
        while db is not None:
            window = MainWindow(db)
            current["window"] = window
            lock = IdleLock(db, window)
            pending: list[Path] = []
            window.safety.restore_requested.connect(
                lambda source, w=window: (pending.append(source), w.close()))
            window.show()
            if os.environ.get(SMOKE_ENV):
                print("已显示主窗口", file=sys.stderr, flush=True)
                QTimer.singleShot(int(float(os.environ[SMOKE_ENV]) * 1000), lambda: app.exit(0))
            status = app.exec()
            lock.stop()
            db.close()
            window.deleteLater()
            if not pending:
                break
            db = restore_and_reopen(path, pending[0])
        return status
    finally:
        guard.release()
