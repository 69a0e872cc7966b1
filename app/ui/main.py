"""Starting the GUI: the application object (font, Chinese Qt dialogs, style), then the database, then the
main window. Nothing here runs at import time."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from app import APP_NAME, config
from app.resources import bundled_font, resources_dir

_keep: list[object] = []  # translators must outlive the call that installs them


def setup_application(app: QApplication) -> str:
    """Font, translations and style for an application object; returns the UI font family."""
    app.setApplicationName(APP_NAME)
    app.setOrganizationName("Houfu")
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
        app.setStyleSheet(qss.read_text(encoding="utf-8"))
    return family


def make_application(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv[:1])
    setup_application(app)
    return app


def run_gui(db_path: Path | None = None) -> int:
    """Open the GUI on db_path (or the default database); returns the process exit status."""
    from app.ui.errors import install_exception_hooks
    from app.ui.startup import open_for_gui
    from app.ui.main_window import MainWindow

    app = make_application()
    install_exception_hooks()
    db = open_for_gui(db_path or config.default_db_path())
    if db is None:
        return 0
    window = MainWindow(db)
    window.show()
    status = app.exec()
    db.close()
    return status
