"""The whole archive path through the main window, as a clerk walks it."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from app.services import households as hs
from app.services.history import household_history
from app.ui.household.dialogs import MemberDialog
from app.ui.household.editor import HouseholdEditor
from app.ui.main_window import MainWindow
from tests.ui.qt_helpers import answer, double_click_row, on_modal, type_text


def test_find_by_id_fragment_edit_member_save_and_see_it(qtbot, db, add_household):
    """Find a household by part of an ID, change a member's name, save: the list and history show it."""
    add_household("张国强")
    target = add_household("赵志刚")
    fragment = hs.load_household(db, target).members[1].id_number[6:14]
    window = MainWindow(db)
    qtbot.addWidget(window)
    window.show()
    page = window.households
    qtbot.waitUntil(lambda: page.model.rowCount() == 2)

    with qtbot.waitSignal(page.loaded, timeout=3000):
        type_text(qtbot, page.search, fragment)
    assert page.model.rowCount() == 1

    def rename_spouse(member: MemberDialog) -> None:
        member.name_edit.selectAll()
        type_text(qtbot, member.name_edit, "李秀兰")
        qtbot.mouseClick(member.ok_button, Qt.MouseButton.LeftButton)

    def edit(editor: HouseholdEditor) -> None:
        editor.tabs.setCurrentIndex(1)
        with on_modal(MemberDialog, rename_spouse):
            double_click_row(qtbot, editor.members_view, 1)
        qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)

    with qtbot.waitSignal(page.loaded, timeout=5000), on_modal(HouseholdEditor, edit):
        double_click_row(qtbot, page.view, 0)

    with qtbot.waitSignal(page.loaded, timeout=3000):
        page.search.clear()
        type_text(qtbot, page.search, "李秀兰")
    assert page.model.rowCount() == 1
    assert page.model.household_id(0) == target
    change = [r for r in household_history(db, target) if r.field == "姓名"]
    assert change and (change[0].old, change[0].new) == ("李秀英", "李秀兰")


def test_cancel_discards_the_edit(qtbot, db, add_household):
    """Editing then cancelling (and choosing 不保存) leaves the household exactly as it was."""
    hid = add_household("赵志刚")
    before = hs.load_household(db, hid)
    window = MainWindow(db)
    qtbot.addWidget(window)
    window.show()
    page = window.households
    qtbot.waitUntil(lambda: page.model.rowCount() == 1)

    asked = []

    def edit_then_cancel(editor: HouseholdEditor) -> None:
        type_text(qtbot, editor.phone_edit, "13900001111")
        with on_modal(QMessageBox, answer("不保存", asked)):
            qtbot.mouseClick(editor.cancel_button, Qt.MouseButton.LeftButton)

    with on_modal(HouseholdEditor, edit_then_cancel):
        double_click_row(qtbot, page.view, 0)
    assert asked and "保存" in asked[0]
    assert hs.load_household(db, hid) == before


def test_reused_editor_shows_the_second_household_not_the_first(qtbot, db, add_household):
    """Opening one household, closing, then another shows the second one's data and history only."""
    first = add_household("张国强", phone="13811112222")
    second = add_household("赵志刚", phone="13933334444")
    editor = HouseholdEditor(db, first)
    qtbot.addWidget(editor)
    assert editor.phone_edit.text() == "13811112222"
    editor.load(second)
    assert editor.phone_edit.text() == "13933334444"
    assert "赵志刚" in editor.windowTitle()
    assert not editor.is_dirty()
    assert editor.members_model.member(0).name == "赵志刚"


def test_visit_and_problem_buttons_act_on_the_selected_household(qtbot, db, add_household, monkeypatch):
    """记录走访 and 登记问题 on the household list open those forms for the selected household."""
    from app.ui.ledger_problems import ProblemsPage
    from app.ui.visits_page import VisitsPage

    hid = add_household("赵志刚")
    visits, problems = [], []
    monkeypatch.setattr(VisitsPage, "record_visit", lambda self, household_id=None: visits.append(household_id))
    monkeypatch.setattr(ProblemsPage, "register", lambda self, **kw: problems.append(kw["household_id"]))
    window = MainWindow(db)
    qtbot.addWidget(window)
    page = window.households
    qtbot.waitUntil(lambda: page.model.rowCount() == 1)
    page.view.selectRow(0)
    qtbot.mouseClick(page.visit_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(page.problem_button, Qt.MouseButton.LeftButton)
    assert visits == [hid] and problems == [hid]
