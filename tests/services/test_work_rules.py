"""The rules specific to the ledgers of work done: the archive follows housing and employment entries (with
history saying why), the once-a-year 融合共建 rule, meeting decisions becoming tasks, exact money totals,
plan completion and 责任分解, and an assessment that can be traced to its records."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import openpyxl
import pytest

from app import vocab
from app.io.ledger_export import export_assessment
from app.ledgers import LEDGERS, LedgerQuery, LedgerRefused, engine
from app.services import assessment, funds, history, households, meetings, plans
from tests.ledgers.helpers import unit_id

TODAY = dt.date.today()


def members_of(db, household_id):
    return engine.ref_choices(db, "member", household_id=household_id)


def test_placing_a_no_house_household_updates_its_archive_and_history(db, add_household):
    """A 无房户 placed in a 公租房 is no longer 无房 (nor a 三无户 for that reason); the history names the ledger."""
    hid = add_household("孙无房", housing="无房")
    assert households.load_household(db, hid).housing_status == "无房"
    engine.save(db, LEDGERS["housing"], None, {"date": TODAY, "household_id": hid, "kind": "无房户安置",
                                                "placement": "公租房", "detail": "安置小区3栋"})
    assert households.load_household(db, hid).housing_status == "公租房"
    rows = history.household_history(db, hid)
    assert rows[0].field == "住房情况" and (rows[0].old, rows[0].new) == ("无房", "公租房")
    assert rows[0].reason == "住房台账：公租房安置"
    (row,) = households.fetch_rows(db, [hid])
    assert not row.key_flags & vocab.TAG_BITS["无房户"]


def test_a_no_house_placement_needs_its_placement(db, add_household):
    """无房户安置 without 安置房源 is refused naming the field, and the archive is untouched."""
    hid = add_household("孙无房", housing="无房")
    with pytest.raises(LedgerRefused) as refused:
        engine.save(db, LEDGERS["housing"], None, {"date": TODAY, "household_id": hid, "kind": "无房户安置"})
    assert "“安置房源”" in str(refused.value)
    assert households.load_household(db, hid).housing_status == "无房"


def test_a_completed_leak_repair_clears_the_leak(db, add_household):
    """A completed 漏水维修 sets 房屋漏水 to 否 with the reason in the history."""
    hid = add_household("周漏水")
    data = households.load_household(db, hid)
    data.house_leaks = True
    households.save_household(db, data)
    engine.save(db, LEDGERS["housing"], None, {"date": TODAY, "household_id": hid, "kind": "漏水维修",
                                                "completed": True, "detail": "屋面防水"})
    assert households.load_household(db, hid).house_leaks is False
    assert history.household_history(db, hid)[0].reason == "住房台账：漏水维修完成"


def test_an_employment_placement_updates_the_member(db, add_household):
    """就业安置 with an employment value changes that member's 就业情况, with the reason in the history."""
    hid = add_household("王明华")
    spouse = members_of(db, hid)[1]
    engine.save(db, LEDGERS["employment"], None, {
        "date": TODAY, "household_id": hid, "member_id": spouse.id, "kind": "就业安置",
        "detail": "县工业园区服装厂", "employment": "县内务工"})
    member = next(m for m in households.load_household(db, hid).members if m.id == spouse.id)
    assert member.employment == "县内务工"
    row = history.household_history(db, hid)[0]
    assert (row.field, row.old, row.new) == ("就业情况", "在家务农", "县内务工")
    assert row.reason == "就业创业台账：就业安置（县工业园区服装厂）"


def test_an_employment_record_for_another_households_member_is_refused(db, add_household):
    """A member must belong to the chosen household; nothing is written otherwise."""
    first, second = add_household("王明华"), add_household("李四")
    other = members_of(db, second)[0]
    with pytest.raises(LedgerRefused) as refused:
        engine.save(db, LEDGERS["employment"], None, {"date": TODAY, "household_id": first,
                                                       "member_id": other.id, "kind": "技能培训"})
    assert "不属于所选的户" in str(refused.value)
    assert engine.query(db, LEDGERS["employment"]).ids == []


def test_subsidies_need_an_amount(db, add_household):
    """创业一次性补贴 without an amount is refused naming 补贴金额."""
    hid = add_household()
    with pytest.raises(LedgerRefused) as refused:
        engine.save(db, LEDGERS["employment"], None, {"date": TODAY, "household_id": hid,
                                                       "member_id": members_of(db, hid)[0].id,
                                                       "kind": "创业一次性补贴"})
    assert "“补贴金额（元）”" in str(refused.value)


def test_the_activity_rule_shows_which_points_are_behind_this_year(db, place):
    """A point without a 融合共建 activity this year is behind; one activity puts it right, and the row says
    which of the point's activities of the year it is."""
    _village, big, _small = place
    ledger = LEDGERS["activities"]
    engine.save(db, ledger, None, {"date": TODAY, "kind": "居民融合共建活动", "title": "邻里一家亲",
                                   "settlement_point_id": big})
    with pytest.raises(LedgerRefused):
        engine.save(db, ledger, None, {"date": TODAY, "kind": "居民融合共建活动", "title": "无点"})
    second = engine.save(db, ledger, None, {"date": TODAY, "kind": "居民融合共建活动", "title": "第二次",
                                            "settlement_point_id": big}).id
    (row,) = engine.fetch_rows(db, ledger, [second])
    assert row.labels["fusion"] == f"该点{TODAY.year}年第 2 次"


def test_a_meeting_decision_becomes_a_plan_item_or_a_problem_in_one_step(db):
    """A decision becomes a plan item of its year (plan created) or a problem owned by its unit; never twice."""
    meeting = engine.save(db, LEDGERS["meetings"], None, {"date": TODAY, "title": "第一次调度会", "chair": "王镇长"}).id
    unit = unit_id(db, "镇人社中心")
    d1 = meetings.save_decision(db, meeting, "完成技能培训 200 人次", unit, dt.date(TODAY.year, 12, 31))
    d2 = meetings.save_decision(db, meeting, "解决安置点路灯不亮", unit, TODAY + dt.timedelta(days=30))
    item = meetings.to_plan_item(db, d1, focus_area="创业就业", target_value=200, target_unit="人次")
    problem = meetings.to_problem(db, d2, focus_area="环境整治")
    statuses = plans.item_statuses(db, TODAY.year, plans.month_text(TODAY.year, TODAY.month))
    assert [s.id for s in statuses] == [item] and statuses[0].unit == "镇人社中心"
    assert engine.load(db, LEDGERS["problems"], problem).values["description"] == "解决安置点路灯不亮"
    with pytest.raises(LedgerRefused):
        meetings.to_problem(db, d1, focus_area="创业就业")
    assert [d.became for d in meetings.decisions(db, meeting)] == ["已转为计划任务", "已转为问题"]
    (row,) = engine.fetch_rows(db, LEDGERS["meetings"], [meeting])
    assert "（已转计划）" in row.labels["decisions"]


def test_fund_totals_are_exact_by_source_village_and_month(db, place, add_household):
    """Totals keep every 分: 0.10 + 0.20 is 0.30 exactly, split by source, village and month."""
    village = place[0]
    hid = add_household()
    ledger = LEDGERS["funds"]
    engine.save(db, ledger, None, {"date": dt.date(2026, 1, 5), "source": "县级财政", "kind": "其他",
                                   "amount": "0.10", "village_id": village})
    engine.save(db, ledger, None, {"date": dt.date(2026, 2, 5), "source": "县级财政", "kind": "其他",
                                   "amount": "0.20", "household_id": hid})
    engine.save(db, ledger, None, {"date": dt.date(2026, 2, 6), "source": "社会捐助", "kind": "临时困难补助",
                                   "amount": "1500.55"})
    t = funds.totals(db)
    assert t.total == Decimal("1500.85") and t.count == 3
    assert t.by_source == {"社会捐助": Decimal("1500.55"), "县级财政": Decimal("0.30")}
    assert t.by_village == {"未落到村": Decimal("1500.55"), "清江村": Decimal("0.30")}
    assert t.by_month == {"2026-01": Decimal("0.10"), "2026-02": Decimal("1500.75")}
    assert funds.totals(db, LedgerQuery(filters={"source": "县级财政"})).total == Decimal("0.30")


def test_plan_completion_comes_from_progress_and_shows_who_is_behind(db):
    """Completion is the sum of monthly progress over the target; an item short of its due share by the month
    is behind, and the 责任分解 lists its unit and person first."""
    year = 2026
    pid = plans.plan_id(db, year)
    hr, ag = unit_id(db, "镇人社中心"), unit_id(db, "镇农业中心")
    training = plans.save_item(db, plans.ItemData(pid, "创业就业", "技能培训", "200", "人次", hr,
                                                  responsible_person="张三", deadline=dt.date(2026, 12, 31)))
    industry = plans.save_item(db, plans.ItemData(pid, "产业扶持", "产业覆盖", "10", "户", ag,
                                                  responsible_person="李四", deadline=dt.date(2026, 6, 30)))
    plans.record_progress(db, training, "2026-01", "20")
    plans.record_progress(db, training, "2026-03", "30")
    plans.record_progress(db, training, "2026-03", "40")  # a month entered again replaces its figure
    plans.record_progress(db, industry, "2026-02", "12")
    statuses = {s.id: s for s in plans.item_statuses(db, year, "2026-06", today=dt.date(2026, 6, 15))}
    assert statuses[training].done == Decimal(60) and statuses[training].percent == "30%"
    assert statuses[training].behind and statuses[training].shortfall == Decimal("40.00")  # 100 due by June
    assert statuses[industry].completion == 1 and not statuses[industry].behind
    by_unit = plans.decompose(statuses.values(), "unit")
    assert (by_unit[0].name, by_unit[0].behind, by_unit[0].behind_titles) == ("镇人社中心", 1, ["技能培训"])
    assert plans.decompose(statuses.values(), "person")[0].name == "张三"
    only_hr = plans.item_statuses(db, year, "2026-06", unit_id=hr, today=dt.date(2026, 6, 15))
    assert [s.id for s in only_hr] == [training]
    with pytest.raises(LedgerRefused) as refused:
        plans.save_item(db, plans.ItemData(pid, "", "", "0", "", None))
    assert {e.field for e in refused.value.errors} == {"focus_area", "title", "target_value", "unit_id"}


def test_the_assessment_is_explained_by_its_records(db, place, add_household, tmp_path):
    """A village's score is made of parts whose evidence names the records; weights come from settings,
    and the export has one row per subject."""
    village = place[0]
    hid = add_household("王明华")
    unit = unit_id(db, "镇督查室")
    late = engine.save(db, LEDGERS["problems"], None, {
        "found_date": dt.date(2026, 1, 5), "source": "走访", "focus_area": "住房保障", "description": "屋顶漏水",
        "household_id": hid, "unit_id": unit, "deadline": dt.date(2026, 2, 1), "status": "待办"}).id
    inspected = engine.save(db, LEDGERS["inspections"], None, {
        "date": dt.date(2026, 3, 1), "village_id": village, "issues_found": "2", "findings": "台账不全"}).id
    assessment.save_weights(db, {"plan": 0, "visits": 0, "problems": 50, "archive": 25, "inspections": 25})
    subjects = assessment.assess(db, 2026, today=dt.date(2026, 6, 30))
    qj = next(s for s in subjects if s.kind == "村" and s.id == village)
    problems = qj.part("problems")
    assert problems.score == Decimal("0.0") and problems.weight == 50
    assert [(e.kind, e.record_id, e.counts) for e in problems.evidence] == [("问题", late, False)]
    assert qj.part("archive").score == Decimal("100.0")
    inspections = qj.part("inspections")
    assert inspections.score == Decimal(90) and inspections.evidence[0].record_id == inspected
    assert qj.total == Decimal("47.5")  # (0×50 + 100×25 + 90×25) / 100
    assert "问题按期办结 0.0 分 × 权重 50" in qj.explain()
    out = tmp_path / "考核.xlsx"
    assert export_assessment(db, 2026, out, today=dt.date(2026, 6, 30)) == len(subjects)
    ws = openpyxl.load_workbook(out).active
    assert ws["A1"].value == "清江镇2026年度搬迁群众后续扶持目标考核"
    with pytest.raises(LedgerRefused):
        assessment.save_weights(db, {k: 0 for k in assessment.DEFAULT_WEIGHTS})
