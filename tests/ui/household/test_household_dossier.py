"""The household window as the 一户一档: its 包保, visits and problems, and the 记录走访 / 登记问题 buttons that
open the shared forms for this household and show the result in the window."""

from __future__ import annotations

import datetime as dt

import pytest

from app.services import baobao as bs
from app.ui.ledger_page import LedgerForm
from app.ui.main_window import MainWindow
from app.ui.visits_page import VisitForm
from tests.conftest import type_into
from tests.ledgers.helpers import answer, cadre

TODAY = dt.date.today()


@pytest.fixture
def window(qtbot, db):
    w = MainWindow(db)
    qtbot.addWidget(w)
    w.resize(1366, 705)
    w.show()
    return w


def test_the_window_shows_the_households_baobao_and_header(qtbot, db, add_household, window):
    hid = add_household("钱低收", tags=("低收入户",))
    c = cadre(db, "张包保")
    bs.assign_households(db, [hid], c, TODAY.replace(day=1))
    editor = window.households.editor_for(hid)
    editor.show()
    assert "张包保" in editor.dossier_tabs.cadre_label.text()
    assert editor.dossier_tabs.baobao_model.rowCount() == 1
    header = editor.dossier_tabs.header_label.text()
    assert "清江村" in header and "新寨安置点" in header and "低收入户" in header
    assert editor.visit_button.isEnabled() and editor.problem_button.isEnabled()


def test_a_new_household_cannot_record_a_visit_yet(qtbot, db, place, window):
    editor = window.households.editor_for(None)
    editor.show()
    assert not editor.visit_button.isEnabled()
    assert "保存后" in editor.dossier_tabs.visits_hint.text()


def test_record_a_visit_from_the_window_and_see_it_listed(qtbot, db, add_household, window):
    hid = add_household("孙无房", housing="无房")
    c = cadre(db, "张包保")
    bs.assign_households(db, [hid], c, TODAY.replace(day=1))
    editor = window.households.editor_for(hid)
    editor.show()
    assert editor.dossier_tabs.visits_model.rowCount() == 0
    proposed = []

    def fill(form: VisitForm) -> None:
        proposed.append(form.widgets["household_id"].value())
        type_into(form.widgets["findings"], "了解就业情况")

    answer(VisitForm, fill)
    editor.visit_button.click()
    assert proposed == [hid]  # the form came prefilled with this household
    model = editor.dossier_tabs.visits_model
    assert model.rowCount() == 1
    assert model.data(model.index(0, 3)) == "了解就业情况"
    assert editor.tabs.currentWidget() is editor.dossier_tabs.visits_page
    assert "走访（1）" in editor.tabs.tabText(editor.tabs.currentIndex())


def test_register_a_problem_from_the_window_and_see_it_under_problems(qtbot, db, add_household, window):
    hid = add_household("李两者")

    def fill(form: LedgerForm) -> None:
        assert form.widgets["household_id"].value() == hid
        focus = form.widgets["focus_area"]
        focus.setCurrentIndex(focus.findData("住房保障"))
        type_into(form.widgets["description"], "屋顶漏雨")

    answer(LedgerForm, fill)
    editor = window.households.editor_for(hid)
    editor.show()
    editor.problem_button.click()
    model = editor.dossier_tabs.problems_model
    assert model.rowCount() == 1
    assert model.data(model.index(0, 4)) == "屋顶漏雨"
    assert model.data(model.index(0, 0)) in ("待办", "办理中")
    assert editor.tabs.currentWidget() is editor.dossier_tabs.problems_page
    assert "1 未办结" in editor.tabs.tabText(editor.tabs.currentIndex())


def test_print_card_closes_the_window_and_builds_the_card(qtbot, db, add_household, window):
    hid = add_household("周普通")
    editor = window.households.editor_for(hid)
    editor.show()
    editor.print_button.click()
    assert not editor.isVisible()
    assert window.current_page() is window.report
    assert window.report.wait(20000)
    qtbot.waitUntil(lambda: window.report.result is not None, timeout=20000)
    assert window.report.result.pages >= 1


def test_the_visit_form_opens_centred_on_the_household_window(qtbot, db, add_household, window):
    hid = add_household("孙无房")
    editor = window.households.editor_for(hid)
    editor.show()
    editor.activateWindow()
    centres = []

    def fill(form: VisitForm) -> None:
        centres.append(form.frameGeometry().center())
        type_into(form.widgets["findings"], "了解情况")

    answer(VisitForm, fill)
    editor.visit_button.click()
    assert centres and (centres[0] - editor.frameGeometry().center()).manhattanLength() < 40
