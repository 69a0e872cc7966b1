"""Tables fit their window at 1366×705: columns shrink (never below their header), long text is elided with
the full text as tooltip, and the clerk hides or shows columns from the header's menu, remembered."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import QApplication, QToolTip

from app.services import problems as ps
from app.ui.main_window import MainWindow
from app.ui.table_columns import TableColumns, settings
from tests.ledgers.helpers import unit_id

LONG = "安置点东侧护坡在雨季出现多处裂缝，部分群众房屋后墙受到威胁，需要尽快组织排查并落实整治资金"


@pytest.fixture(autouse=True)
def fresh_settings():
    store = settings()
    store.remove("columns")
    store.sync()
    yield
    store.remove("columns")
    store.sync()


@pytest.fixture
def window(qtbot, db):
    w = MainWindow(db)
    qtbot.addWidget(w)
    w.resize(1366, 705)
    w.show()
    return w


def shown_problems(qtbot, window):
    page = window.show_page("问题台账")
    with qtbot.waitSignal(page.loaded, timeout=5000):
        page.refresh()
    QApplication.processEvents()
    return page


def visible_columns(view) -> list[str]:
    model = view.model()
    return [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount()) if not view.isColumnHidden(c)]


def test_every_visible_column_of_the_problem_ledger_fits_at_1366(qtbot, db, add_household, window):
    ps.register(db, {"found_date": dt.date.today(), "source": "走访", "focus_area": "住房保障",
                     "description": LONG, "household_id": add_household("王明华"), "unit_id": unit_id(db)})
    page = shown_problems(qtbot, window)
    view, header = page.view, page.view.horizontalHeader()
    for name in ("村", "安置点", "问题来源", "办结日期"):
        assert name in visible_columns(view)
    right = max(header.sectionViewportPosition(c) + header.sectionSize(c)
                for c in range(header.count()) if not view.isColumnHidden(c))
    assert right <= view.viewport().width() + 1
    fm = header.fontMetrics()
    for c in range(header.count()):
        if not view.isColumnHidden(c):
            assert fm.horizontalAdvance(view.model().headerData(c, Qt.Orientation.Horizontal)) <= header.sectionSize(c)


def test_long_text_is_elided_with_the_full_text_as_tooltip(qtbot, db, add_household, window):
    ps.register(db, {"found_date": dt.date.today(), "source": "走访", "focus_area": "住房保障",
                     "description": LONG, "household_id": add_household("王明华"), "unit_id": unit_id(db)})
    page = shown_problems(qtbot, window)
    view = page.view
    col = [view.model().headerData(c, Qt.Orientation.Horizontal) for c in range(view.model().columnCount())].index("问题描述")
    index = view.model().index(0, col)
    columns = view.findChild(TableColumns)
    assert columns.is_elided(index)
    pos = view.visualRect(index).center()
    event = QHelpEvent(QEvent.Type.ToolTip, pos, view.viewport().mapToGlobal(pos))
    QApplication.sendEvent(view.viewport(), event)
    assert QToolTip.text() == LONG


def test_hidden_columns_are_remembered_and_can_be_shown_again(qtbot, db, window):
    page = shown_problems(qtbot, window)
    columns = page.view.findChild(TableColumns)
    menu = columns.menu(None)
    action = next(a for a in menu.actions() if a.text() == "村")
    action.setChecked(False)
    assert "村" not in visible_columns(page.view)

    again = MainWindow(db)  # a new session of the program
    qtbot.addWidget(again)
    again.resize(1366, 705)
    again.show()
    other = shown_problems(qtbot, again)
    assert "村" not in visible_columns(other.view)
    other_columns = other.view.findChild(TableColumns)
    next(a for a in other_columns.menu(None).actions() if a.text() == "显示全部列").trigger()
    assert "村" in visible_columns(other.view)


def test_the_last_column_cannot_be_hidden(qtbot, db, window):
    page = shown_problems(qtbot, window)
    columns = page.view.findChild(TableColumns)
    labels = columns.labels()
    for col in range(len(labels)):
        columns.set_hidden(col, True)
    assert len(visible_columns(page.view)) == 1
