"""Every save is acknowledged: a line in the status bar, and the saved row selected — even when a filter
would have hidden it (the filter is cleared, and the status bar says so)."""

from __future__ import annotations

import pytest

from app.ui.ledger_page import LedgerForm
from app.ui.main_window import MainWindow
from tests.conftest import type_into
from tests.ledgers.helpers import answer


@pytest.fixture
def window(qtbot, db, place):
    w = MainWindow(db)
    qtbot.addWidget(w)
    w.resize(1366, 705)
    w.show()
    return w


def loaded(qtbot, page, action):
    with qtbot.waitSignal(page.loaded, timeout=5000):
        action()


def test_a_new_household_behind_a_search_filter_is_shown_and_selected(qtbot, db, place, add_household, window):
    add_household("王明华")
    page = window.show_page("户档案")
    loaded(qtbot, page, lambda: page.apply_filter(text="王明华"))
    assert page.model.rowCount() == 1
    editor = page.editor_for(None)
    editor.show()
    editor.village_combo.set_value(place[0])
    editor.housing_combo.set_value("自有安置房")
    from app.services.households import MemberData

    editor.members_model.append(MemberData(name="赵新户", relation="户主", sex="男"))
    with qtbot.waitSignal(page.loaded, timeout=5000):
        assert editor.save()
    qtbot.waitUntil(lambda: page.selected_id() is not None, timeout=5000)
    assert page.search.text() == ""  # the filter that hid it is cleared
    assert page.model.rowCount() == 2
    rows = page.view.selectionModel().selectedRows()
    assert page.model.data(page.model.index(rows[0].row(), 1)) == "赵新户"
    message = window.statusBar().currentMessage()
    assert "已保存户档案：赵新户" in message and "已清除筛选" in message


def test_saving_a_household_says_so_and_keeps_it_selected(qtbot, db, add_household, window):
    hid = add_household("王明华")
    page = window.show_page("户档案")
    loaded(qtbot, page, page.refresh)
    editor = page.editor_for(hid)
    editor.show()
    editor.phone_edit.setText("13800000000")
    with qtbot.waitSignal(page.loaded, timeout=5000):
        assert editor.save()
    assert page.selected_id() == hid
    message = window.statusBar().currentMessage()
    assert message.startswith("已保存户档案：王明华") and "已清除筛选" not in message


def test_a_ledger_record_saved_behind_a_filter_is_shown_and_selected(qtbot, db, add_household, window):
    hid = add_household("李两者")
    page = window.show_page("问题台账")
    loaded(qtbot, page, lambda: page.apply_filter(text="没有这样的问题"))
    assert page.model.rowCount() == 0

    def fill(form: LedgerForm) -> None:
        focus = form.widgets["focus_area"]
        focus.setCurrentIndex(focus.findData("住房保障"))
        type_into(form.widgets["description"], "屋顶漏雨")

    answer(LedgerForm, fill)
    with qtbot.waitSignal(page.loaded, timeout=5000):
        saved_id = page.register(household_id=hid)
    qtbot.waitUntil(lambda: page.selected_id() == saved_id, timeout=5000)
    assert page.search.text() == ""
    message = window.statusBar().currentMessage()
    assert "已保存：问题台账记录" in message and "已清除筛选" in message
