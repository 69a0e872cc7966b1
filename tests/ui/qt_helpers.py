"""Driving Qt the way a clerk does, for the GUI tests: typing Chinese, clicking rows, answering modal dialogs."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget


@contextmanager
def on_modal(kind: type[QWidget], action: Callable[[QWidget], None], timeout: float = 5.0) -> Iterator[dict]:
    """Run action on the next modal window of this kind while the code under test waits in its exec()."""
    state: dict = {"seen": None, "error": None}
    deadline = time.monotonic() + timeout

    def poll() -> None:
        widget = QApplication.activeModalWidget()
        if isinstance(widget, kind) and widget.isVisible():
            state["seen"] = widget
            try:
                action(widget)
            except BaseException as exc:  # a failing check must not leave the modal loop hanging
                state["error"] = exc
            if widget.isVisible():
                widget.reject()
            return
        if time.monotonic() < deadline:
            QTimer.singleShot(10, poll)

    QTimer.singleShot(0, poll)
    yield state
    if state["error"] is not None:
        raise state["error"]
    assert state["seen"] is not None, f"no {kind.__name__} appeared"


def click_box_button(box: QMessageBox, text: str) -> None:
    for button in box.buttons():
        if button.text() == text:
            button.click()
            return
    raise AssertionError(f"no button {text!r} among {[b.text() for b in box.buttons()]}")


def answer(text: str, seen: list[str] | None = None) -> Callable[[QMessageBox], None]:
    """A message-box handler that records what the box said and clicks the button named text."""

    def handle(box: QMessageBox) -> None:
        if seen is not None:
            seen.append(f"{box.text()}\n{box.informativeText()}")
        click_box_button(box, text)

    return handle


def type_text(qtbot, widget: QWidget, text: str) -> None:
    """Type as the clerk does: ASCII by key clicks, Chinese committed by the input method (QTest cannot)."""
    for chunk in re.findall(r"[\x00-\x7f]+|[^\x00-\x7f]+", text):
        if chunk.isascii():
            QTest.keyClicks(widget, chunk)
        else:
            event = QInputMethodEvent()
            event.setCommitString(chunk)
            QApplication.sendEvent(widget, event)


def double_click_row(qtbot, view, row: int) -> None:
    rect = view.visualRect(view.model().index(row, 0))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def select_row(qtbot, view, row: int) -> None:
    rect = view.visualRect(view.model().index(row, 0))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
