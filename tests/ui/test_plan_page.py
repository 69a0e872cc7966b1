"""年度计划 as the clerk uses it: add an item, enter a month's progress, and see in one screen what 镇人社中心
is behind on this month."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from PySide6.QtCore import Qt

from app.services import plans
from app.ui.plan_page import RED, ItemDialog, PlanPage, ProgressDialog
from tests.conftest import type_into
from tests.ledgers.helpers import answer, unit_id

TODAY = dt.date(2026, 6, 15)


def make_plan(db) -> dict[str, int]:
    pid = plans.plan_id(db, 2026)
    hr, ag = unit_id(db, "镇人社中心"), unit_id(db, "镇农业中心")
    training = plans.save_item(db, plans.ItemData(pid, "创业就业", "技能培训", "200", "人次", hr,
                                                  responsible_person="张三", deadline=dt.date(2026, 12, 31)))
    jobs = plans.save_item(db, plans.ItemData(pid, "创业就业", "转移就业", "10", "人", hr,
                                              responsible_person="张三", deadline=dt.date(2026, 12, 31)))
    industry = plans.save_item(db, plans.ItemData(pid, "产业扶持", "产业覆盖", "10", "户", ag,
                                                  responsible_person="李四", deadline=dt.date(2026, 6, 30)))
    plans.record_progress(db, training, "2026-02", "20")
    plans.record_progress(db, jobs, "2026-05", "10")
    plans.record_progress(db, industry, "2026-03", "3")
    return {"training": training, "jobs": jobs, "industry": industry}


def shown(qtbot, db) -> PlanPage:
    page = PlanPage(db, today=TODAY)
    qtbot.addWidget(page)
    page.resize(1180, 700)
    with qtbot.waitSignal(page.loaded, timeout=3000):
        page.show()
    return page


def test_clicking_a_unit_shows_what_it_is_behind_on_this_month(qtbot, db):
    """Clicking 镇人社中心 in the 责任分解 leaves its items, the behind one first and in red."""
    make_plan(db)
    page = shown(qtbot, db)
    assert page.month.currentData() == "2026-06"
    names = [g.name for g in page.groups_model.rows]
    row = names.index("镇人社中心")
    assert page.groups_model.rows[row].behind == 1
    page.groups_view.clicked.emit(page.groups_model.index(row, 0))
    titles = [s.title for s in page.items_model.rows]
    assert titles == ["技能培训", "转移就业"]
    assert page.items_title.text() == "镇人社中心 的任务 2 项，至6月落后或逾期 1 项"
    brush = page.items_model.data(page.items_model.index(0, 1), Qt.ItemDataRole.ForegroundRole)
    assert brush.color() == RED
    state_col = [c.label for c in page.items_model.columns].index("推进情况")
    assert page.items_model.data(page.items_model.index(0, state_col)) == "落后（差 80）"


def test_by_person_decomposition(qtbot, db):
    """按责任人分解 lists 张三 and 李四 with their behind counts."""
    make_plan(db)
    page = shown(qtbot, db)
    page.by.setCurrentIndex(page.by.findData("person"))
    assert {g.name: g.behind for g in page.groups_model.rows} == {"张三": 1, "李四": 1}


def test_a_new_item_and_its_progress_are_entered_from_the_page(qtbot, db):
    """新增任务 then 填报进度: the completion is computed from what was entered."""
    page = shown(qtbot, db)

    def fill(d: ItemDialog) -> None:
        d.focus.setCurrentIndex(d.focus.findData("宣传引导"))
        type_into(d.title, "政策宣讲")
        type_into(d.target, "20")
        type_into(d.target_unit, "场")
        d.unit.setCurrentIndex(d.unit.findData(unit_id(db, "镇水利移民站")))

    answer(ItemDialog, fill)
    page.new_button.click()
    assert [s.title for s in page.items_model.rows] == ["政策宣讲"]
    page.items_view.selectRow(0)
    answer(ProgressDialog, lambda d: type_into(d.value, "5"))
    page.progress_button.click()
    (item,) = page.items_model.rows
    assert item.done == Decimal(5) and item.percent == "25%"


def test_a_blank_item_is_refused_naming_the_fields(qtbot, db):
    """Saving an empty item keeps the dialog open with each missing field named; nothing is saved."""
    page = shown(qtbot, db)
    seen: list[str] = []

    def press(d: ItemDialog) -> None:
        d.save_button.click()
        seen.extend(d.banner.messages())

    answer(ItemDialog, lambda d: None, accept_with=press)
    page.new_button.click()
    assert any("“所属领域”" in m for m in seen) and any("“责任单位”" in m for m in seen)
    assert page.items_model.rowCount() == 0
