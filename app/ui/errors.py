"""The GUI side of error handling: a Chinese dialog for the clerk, the details in the log file."""

from __future__ import annotations

import sys
import threading

from PySide6.QtWidgets import QApplication, QMessageBox

from app.errors import log_exception, unexpected_message


def show_unexpected(exc: BaseException, parent=None) -> None:
    """Log an unforeseen exception and tell the clerk in one sentence; never show a traceback.
    A DatabaseError (disk full, damaged file …) already is that sentence and is shown as it is."""
    from app.db import DatabaseError

    if isinstance(exc, DatabaseError):
        if QApplication.instance() is not None:
            warn(parent or QApplication.activeWindow(), "无法完成", str(exc))
        return
    log_exception(exc, "图形界面")
    if QApplication.instance() is None:
        return
    box = QMessageBox(QMessageBox.Icon.Critical, "出错了", unexpected_message(exc), QMessageBox.StandardButton.Ok,
                      parent or QApplication.activeWindow())
    box.button(QMessageBox.StandardButton.Ok).setText("确定")
    box.exec()


def install_exception_hooks() -> None:
    """Route uncaught exceptions (GUI thread and worker threads) to the log and the dialog."""

    def hook(exc_type, exc, tb):
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        show_unexpected(exc)

    sys.excepthook = hook
    threading.excepthook = lambda args: log_exception(args.exc_value, "后台线程")


def warn(parent, title: str, text: str) -> None:
    box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, parent)
    box.button(QMessageBox.StandardButton.Ok).setText("确定")
    box.exec()


def info(parent, title: str, text: str) -> None:
    box = QMessageBox(QMessageBox.Icon.Information, title, text, QMessageBox.StandardButton.Ok, parent)
    box.button(QMessageBox.StandardButton.Ok).setText("确定")
    box.exec()


def confirm(parent, title: str, text: str, yes: str = "确定", no: str = "取消") -> bool:
    box = QMessageBox(QMessageBox.Icon.Question, title, text,
                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, parent)
    box.button(QMessageBox.StandardButton.Yes).setText(yes)
    box.button(QMessageBox.StandardButton.No).setText(no)
    box.setDefaultButton(QMessageBox.StandardButton.No)
    return box.exec() == QMessageBox.StandardButton.Yes
