"""The work ledgers' own screens as a clerk uses them: a 无房户 placed from the 住房 form is no longer 无房;
the 活动 page names the points behind on the yearly rule; the 资金 page totals exactly; a 调度会 decision
becomes a plan item or a problem with two clicks; and every declared ledger has a navigation page."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from PySide6.QtWidgets import QComboBox

from app.ledgers import LEDGERS, engine
from app.services import households, meetings, plans
from app.ui.ledger_page import LedgerForm, LedgerPage
from app.ui.ledger_pages import WorkPages
from app.ui.ledger_work import ActivitiesPage, ConvertDialog, FundsPage, MeetingsPage
from tests.conftest import type_into
from tests.ledgers.helpers import answer, silence_messages, unit_id

TODAY = dt.date.today()


def shown(qtbot, page):
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.loaded, timeout=3000):
        page.show()
    return page


def test_placing_a_household_from_the_housing_form_updates_its_archive(qtbot, db, add_household):
    """The clerk picks the household, 无房户安置 and 公租房 and saves: the archive's 住房情况 is 公租房."""
    hid = add_household("孙无房", housing="无房")
    page = shown(qtbot, LedgerPage(db, LEDGERS["housing"]))

    def fill(form: LedgerForm) -> None:
        form.widgets["household_id"].set_value(hid, "孙无房")
        for key, value in (("kind", "无房户安置"), ("placement", "公租房")):
            combo: QComboBox = form.widgets[key]
            combo.setCurrentIndex(combo.findData(value))
        type_into(form.widgets["detail"], "安置小区3栋")

    answer(LedgerForm, fill)
    with qtbot.waitSignal(page.loaded, timeout=3000):
        page.new_button.click()
    assert page.model.rowCount() == 1
    assert households.load_household(db, hid).housing_status == "公租房"


def test_the_employment_form_offers_the_chosen_households_members(qtbot, db, add_household):
    """Choosing the household fills 家庭成员 with its members only; a placement updates that member."""
    hid = add_household("王明华")
    add_household("李四")
    page = shown(qtbot, LedgerPage(db, LEDGERS["employment"]))
    seen: list[str] = []

    def fill(form: LedgerForm) -> None:
        form.widgets["household_id"].set_value(hid, "王明华")
        members: QComboBox = form.widgets["member_id"]
        seen.extend(members.itemText(i) for i in range(members.count()))
        members.setCurrentIndex(2)  # the spouse
        for key, value in (("kind", "就业安置"), ("employment", "省外务工")):
            combo: QComboBox = form.widgets[key]
            combo.setCurrentIndex(combo.findData(value))

    answer(LedgerForm, fill)
    with qtbot.waitSignal(page.loaded, timeout=3000):
        page.new_button.click()
    assert seen == ["（请选择）", "王明华（户主）", "李秀英（配偶）"]
    spouse = households.load_household(db, hid).members[1]
    assert spouse.employment == "省外务工"


def test_the_activities_page_names_the_points_behind_this_year(qtbot, db, place, add_household):
    """A point with households and no 融合共建 activity this year is named in red; recording one clears it."""
    _village, big, _small = place
    add_household("王明华", point=big)
    page = shown(qtbot, ActivitiesPage(db))
    assert "尚未开展居民融合共建活动的安置点 1 个" in page.rule.text() and "新寨安置点" in page.rule.text()
    engine.save(db, LEDGERS["activities"], None, {"date": TODAY, "kind": "居民融合共建活动", "title": "邻里一家亲",
                                                  "settlement_point_id": big})
    with qtbot.waitSignal(page.loaded, timeout=3000):
        page.refresh()
    assert "都已开展居民融合共建活动" in page.rule.text()


def test_the_funds_page_totals_what_the_filters_select(qtbot, db, place):
    """合计 and the by-source tab add the amounts exactly, and follow the source filter."""
    ledger = LEDGERS["funds"]
    for source, amount in (("县级财政", "0.10"), ("县级财政", "0.20"), ("社会捐助", "100.00")):
        engine.save(db, ledger, None, {"date": TODAY, "source": source, "kind": "其他", "amount": amount,
                                       "village_id": place[0]})
    page = shown(qtbot, FundsPage(db))
    qtbot.waitUntil(lambda: page.totals is not None and page.totals.count == 3, timeout=3000)
    assert "100.30" in page.totals_label.text()
    assert page.tables["source"].rows == [("社会捐助", "100.00"), ("县级财政", "0.30")]
    combo = page.filter_combos["source"]
    combo.setCurrentIndex(combo.findData("县级财政"))
    qtbot.waitUntil(lambda: page.totals.count == 2, timeout=3000)
    assert page.totals.total == Decimal("0.30")


def test_a_meeting_decision_becomes_a_plan_item_with_two_clicks(qtbot, db, monkeypatch):
    """Select the meeting, select its decision, 转为计划任务, pick the area: the plan has the item."""
    meeting = engine.save(db, LEDGERS["meetings"], None, {"date": TODAY, "title": "调度会", "chair": "王镇长"}).id
    meetings.save_decision(db, meeting, "完成技能培训 200 人次", unit_id(db, "镇人社中心"), dt.date(TODAY.year, 12, 31))
    silence_messages(monkeypatch, "app.ui.ledger_work")
    page = shown(qtbot, MeetingsPage(db))
    page.view.selectRow(0)
    assert page.decisions_model.rowCount() == 1
    page.decisions_view.selectRow(0)
    assert page.to_plan.isEnabled()

    def fill(d: ConvertDialog) -> None:
        d.focus.setCurrentIndex(d.focus.findData("创业就业"))
        d.target.setText("200")
        d.target_unit.setText("人次")

    answer(ConvertDialog, fill)
    page.to_plan.click()
    items = plans.item_statuses(db, TODAY.year, plans.month_text(TODAY.year, TODAY.month))
    assert [(i.title, i.target, i.unit) for i in items] == [("完成技能培训 200 人次", Decimal("200.00"), "镇人社中心")]
    page.view.selectRow(0)
    qtbot.waitUntil(lambda: page.decisions_model.rowCount() == 1 and page.decisions_model.rows[0][1].became != "",
                    timeout=3000)
    page.decisions_view.selectRow(0)
    assert not page.to_problem.isEnabled()


def test_every_declared_ledger_has_a_navigation_page(qtbot, db):
    """Each declared ledger has a page (走访 and 问题台账 in the navigation, the rest as 工作台账 tabs), then
    年度计划 and 年度考核, without touching the window."""
    pages = WorkPages(db)
    names = [name for name, _page in pages.nav_pages()]
    tabs = [pages.work_ledgers.tabText(i) for i in range(pages.work_ledgers.count())]
    for ledger in LEDGERS.values():
        assert ledger.nav in names or ledger.nav in tabs
    assert "走访" in names and "问题台账" in names and "就业创业" in tabs and "督查" in tabs
    assert names[-3:] == ["年度计划", "年度考核", "干部与单位"]
    for _name, page in pages.nav_pages():
        qtbot.addWidget(page)
