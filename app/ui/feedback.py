"""Telling the clerk that a save worked: a brief line in the main window's status bar, and the saved row
selected in its table (see LedgerPage, HouseholdListPage and the other pages' after-save steps)."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QMainWindow, QTableView, QWidget

SHOW_MSECS = 8000
FILTER_CLEARED = "（已清除筛选，以显示刚保存的记录）"


def main_window(widget: QWidget | None) -> QMainWindow | None:
    """The main window a widget (or the dialog it opened) belongs to."""
    w = widget
    while w is not None:
        if isinstance(w, QMainWindow):
            return w
        w = w.parentWidget()
    return next((t for t in QApplication.topLevelWidgets() if isinstance(t, QMainWindow) and t.isVisible()), None)


def tell(widget: QWidget | None, text: str, msecs: int = SHOW_MSECS) -> None:
    """Show text in the status bar for a few seconds (nothing when the page stands alone)."""
    window = main_window(widget)
    if window is not None:
        window.statusBar().showMessage(text, msecs)


def select_row(view: QTableView, row: int) -> None:
    """Select a row and bring it into view."""
    view.selectRow(row)
    view.scrollTo(view.model().index(row, 0))


def select_id(view: QTableView, item_id: object, *, attr: str = "id") -> bool:
    """Select the row of a RowsModel whose item has this id (True when found)."""
    rows = getattr(view.model(), "rows", [])
    for i, item in enumerate(rows):
        if getattr(item, attr, None) == item_id:
            select_row(view, i)
            return True
    return False


def saved(view: QTableView, item_id: object, text: str, *, unhide=None) -> None:
    """After a save on a RowsModel page: select the saved row and say so. `unhide()` is called (once) when
    a filter hides the row, and should show the rows again."""
    if not select_id(view, item_id) and unhide is not None:
        unhide()
        if select_id(view, item_id):
            text += FILTER_CLEARED
    tell(view, text)


def center_on(dialog: QWidget, anchor: QWidget | None) -> None:
    """Put a dialog over the middle of the window it was opened from — the active window when the opener is
    a page not on screen (a form opened from the household window), kept on the screen."""
    target = anchor.window() if anchor is not None and anchor.window().isVisible() else None
    active = QApplication.activeWindow()
    if active is not None and active is not dialog and (target is None or active.isModal()):
        target = active
    if target is None or target is dialog:
        return
    frame = dialog.frameGeometry()
    frame.moveCenter(target.frameGeometry().center())
    screen = target.screen().availableGeometry() if target.screen() else None
    if screen is not None:
        frame.moveLeft(max(screen.left(), min(frame.left(), screen.right() - frame.width())))
        frame.moveTop(max(screen.top(), min(frame.top(), screen.bottom() - frame.height())))
    dialog.move(frame.topLeft())
