"""督办提醒 (SPEC §4.7): each duty rule at its edges, as of explicit dates, on a fresh database each."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import update

from app.ledgers import LedgerRefused, engine
from app.ledgers.work import ACTIVITIES, HOUSING, SUPPORT
from app.models import Problem
from app.services import baobao as bs
from app.services import duties, plans, stats
from app.services import problems as ps
from app.services.households import MemberData, load_household, save_household
from tests.conftest import family
from tests.ledgers.helpers import cadre, unit_id

TODAY = dt.date.today()
LONG_AGO = dt.date(2024, 1, 1)

# Every list a test reads is also counted, and the counts must agree (首页 and the 月报 count alone).
pytestmark = pytest.mark.usefixtures("counts_agree")


def subjects(db, rule: str, as_of: dt.date = TODAY) -> list:
    return [f.subject_id for f in duties.findings(db, as_of).of_rule(rule)]


def member(name: str, relation: str, n: int, **kw) -> MemberData:
    from tests.io.registers import pid

    return MemberData(name=name, relation=relation, sex="男", id_number=pid(900 + n), labour=kw.pop("labour", "普通劳动力"),
                      employment=kw.pop("employment", "县内务工"), **kw)


# ------------------------------------------------------------------------------------------ 包保


def test_a_point_of_49_households_is_held_by_a_member_but_one_of_50_needs_a_leading_town_leader(db, place,
                                                                                                 add_household):
    """At 49 households a 镇级主要领导 who is a plain member is enough; at 50 only one who leads (牵头) is."""
    _village, big, _small = place
    leader = cadre(db, "郑镇长", "镇级主要领导", "镇长")
    for i in range(49):
        add_household(f"户{i}", point=big)
    bs.assign_point(db, big, leader, "成员", LONG_AGO)
    assert big not in subjects(db, "包保-安置点")
    add_household("第五十户", point=big)
    found = duties.findings(db, TODAY).of_rule("包保-安置点")
    assert [f.subject_id for f in found] == [big]
    assert "镇级主要领导牵头" in found[0].message
    assert stats.stats(db)["baobao"]["points_50plus_without_town_leader"] == 1
    assert not next(p for p in bs.point_coverage(db) if p.point_id == big).ok
    current = bs.point_assignments(db, big, current_only=True)[0]
    bs.set_point_role(db, current.id, "牵头", TODAY)
    assert big not in subjects(db, "包保-安置点")
    assert stats.stats(db)["baobao"]["points_50plus_without_town_leader"] == 0
    history = bs.point_assignments(db, big)
    assert [(a.role, a.end) for a in history] == [("牵头", None), ("成员", TODAY)]


def test_a_small_point_needs_a_link_leader_or_higher(db, place, add_household):
    """A point under 50 with only a 村干部 is a finding; a 联系村党政班子成员 clears it."""
    _village, big, _small = place
    add_household("张一", point=big)
    bs.assign_point(db, big, cadre(db, "村干部甲", "村干部"), "牵头", LONG_AGO)
    assert subjects(db, "包保-安置点") == [big]
    bs.assign_point(db, big, cadre(db, "联系领导", "联系村党政班子成员"), "成员", LONG_AGO)
    assert subjects(db, "包保-安置点") == []


def test_key_households_need_exactly_one_cadre_in_force_on_the_date(db, add_household):
    """A 三特户 without a cadre is a finding; after assignment it is not; as of a day before the assignment it is."""
    hid = add_household("钱低收", tags=("低收入户",), registered_on=LONG_AGO)
    plain = add_household("周普通", registered_on=LONG_AGO)
    assert subjects(db, "包保-一对一") == [hid]
    start = TODAY - dt.timedelta(days=10)
    bs.assign_households(db, [hid], cadre(db), start)
    assert subjects(db, "包保-一对一") == []
    assert subjects(db, "包保-一对一", start - dt.timedelta(days=1)) == [hid]
    assert plain not in subjects(db, "包保-一对一")


def test_sick_members_and_pupils_need_classified_baobao(db, add_household):
    """A 长期慢性病 member asks for 因病 分类包保, a 在校生 for 因学; the department's assignment clears each."""
    members = family("王病", 1) + [member("王学生", "之子", 1, employment="在校生", labour="无劳动力")]
    members[1].health = "长期慢性病"
    hid = add_household("王病", members=members)
    assert subjects(db, "分类包保-因病") == [hid]
    assert subjects(db, "分类包保-因学") == [hid]
    bs.assign_unit(db, [hid], unit_id(db, "镇社事办"), "因病", LONG_AGO)
    assert subjects(db, "分类包保-因病") == []
    assert subjects(db, "分类包保-因学") == [hid]


# ------------------------------------------------------------------------------------------ visits


def test_a_one_to_one_household_is_behind_until_its_own_cadre_visits_this_month(db, add_household):
    """A visit by another cadre does not count; the household's own cadre's visit this month does.
    Mid-month it is a reminder, at the month's end a finding."""
    hid = add_household("钱低收", tags=("低收入户",), registered_on=LONG_AGO)
    own, other = cadre(db, "包保干部"), cadre(db, "别的干部")
    bs.assign_households(db, [hid], own, LONG_AGO)
    from app.models import Visit

    as_of = dt.date(2026, 6, 15)
    with db.write() as s:
        s.add(Visit(date=dt.date(2026, 6, 3), cadre_id=other, household_id=hid, way="入户"))
        s.add(Visit(date=dt.date(2026, 5, 20), cadre_id=own, household_id=hid, way="入户"))
    found = duties.findings(db, as_of).of_rule("走访")
    assert [(f.subject_id, f.severity, f.owner, f.since) for f in found] == [(hid, "提醒", "包保干部", dt.date(2026, 5, 20))]
    assert duties.findings(db, dt.date(2026, 6, 30)).of_rule("走访")[0].severity == "问题"
    with db.write() as s:
        s.add(Visit(date=dt.date(2026, 6, 10), cadre_id=own, household_id=hid, way="电话"))
    assert subjects(db, "走访", as_of) == []
    assert subjects(db, "走访", dt.date(2026, 7, 1)) == [hid]


def test_an_activity_on_31_december_counts_for_its_year(db, place, add_household):
    """A 融合共建 activity on 31 December keeps the point off the list at the year's end and after; a point
    without one is a reminder in the fourth quarter and a finding once the year is over."""
    _village, big, small = place
    add_household("甲", point=big, registered_on=LONG_AGO)
    add_household("乙", point=small, registered_on=LONG_AGO)
    engine.save(db, ACTIVITIES, None, {"date": dt.date(2025, 12, 31), "kind": "居民融合共建活动",
                                       "title": "邻里节", "settlement_point_id": big}, today=TODAY)
    assert duties.findings(db, dt.date(2025, 9, 30)).of_rule("融合共建") == []  # before the fourth quarter
    q4 = duties.findings(db, dt.date(2025, 10, 1)).of_rule("融合共建")
    assert [(f.subject_id, f.severity) for f in q4] == [(big, "提醒"), (small, "提醒")]
    year_end = duties.findings(db, dt.date(2025, 12, 31)).of_rule("融合共建")
    assert [(f.subject_id, f.severity) for f in year_end] == [(small, "问题")]
    after = duties.findings(db, dt.date(2026, 1, 15)).of_rule("融合共建")
    assert [(f.subject_id, f.severity) for f in after] == [(small, "问题")]
    assert "2025年全年未开展" in after[0].message


# ------------------------------------------------------------------------------------------ 应保尽保


def test_a_support_record_that_ended_last_month_leaves_the_household_uncovered(db, add_household):
    """兜底 in force covers the household; one that ended last month does not, and says since when."""
    hid = add_household("钱低收", tags=("低收入户",))
    first_of_month = TODAY.replace(day=1)
    last_month_end = first_of_month - dt.timedelta(days=1)
    engine.save(db, SUPPORT, None, {"household_id": hid, "kind": "低保", "amount": "500",
                                    "start_date": LONG_AGO, "end_date": last_month_end}, today=TODAY)
    assert subjects(db, "应保尽保", last_month_end) == []
    found = duties.findings(db, TODAY).of_rule("应保尽保")
    assert [(f.subject_id, f.since) for f in found] == [(hid, first_of_month)]
    assert "低收入户" in found[0].message and last_month_end.isoformat() in found[0].message
    engine.save(db, SUPPORT, None, {"household_id": hid, "kind": "临时救助", "amount": "800",
                                    "start_date": first_of_month}, today=TODAY)
    assert subjects(db, "应保尽保") == []


def test_a_household_without_labour_needs_support_but_an_ordinary_one_does_not(db, add_household):
    """无劳动力户 (derived from the members' labour) is checked; an ordinary household is not."""
    weak = add_household("老人户", members=[member("孤老", "户主", 1, labour="丧失劳动力", employment="无")])
    add_household("周普通")
    assert subjects(db, "应保尽保") == [weak]


def test_a_closed_support_finding_stays_closed_until_the_household_changes(db, add_household):
    """不符合条件 with a reason closes the finding (kept with who and when); an unrelated edit keeps it
    closed; a change to the members' labour reopens it."""
    hid = add_household("钱低收", tags=("低收入户",))
    with pytest.raises(LedgerRefused, match="原因"):
        duties.close(db, "应保尽保", hid, "  ", "刘文书")
    with pytest.raises(LedgerRefused, match="不能手工关闭"):
        duties.close(db, "问题-逾期", hid, "不需要", "刘文书")
    closure = duties.close(db, "应保尽保", hid, "不符合条件：家庭年收入超过低保标准", "刘文书")
    found = duties.findings(db, TODAY)
    assert found.of_rule("应保尽保") == [] and found.closed["应保尽保"] == 1
    assert found.by_rule["应保尽保"] == 0
    kept = duties.closures(db, "应保尽保")
    assert [(c.reason, c.closed_by, c.holds) for c in kept] == [("不符合条件：家庭年收入超过低保标准", "刘文书", True)]
    assert kept[0].closed_at.date() == TODAY and closure.id == kept[0].id

    data = load_household(db, hid)
    data.phone = "13800001111"
    save_household(db, data)
    assert subjects(db, "应保尽保") == []

    data = load_household(db, hid)
    data.members[0].labour = "丧失劳动力"
    save_household(db, data)
    assert subjects(db, "应保尽保") == [hid]
    assert duties.closures(db, "应保尽保")[0].holds is False


# ------------------------------------------------------------------------------------------ housing


def test_a_leaking_house_is_listed_until_its_repair_is_completed(db, add_household):
    """A leak with a repair still in progress is listed (with the repair's date); a completed repair clears it."""
    hid = add_household("漏水户")
    data = load_household(db, hid)
    data.house_leaks = True
    save_household(db, data)
    repair = engine.save(db, HOUSING, None, {"date": TODAY - dt.timedelta(days=30), "household_id": hid,
                                             "kind": "漏水维修", "completed": False}, today=TODAY)
    found = duties.findings(db, TODAY).of_rule("住房-漏水")
    assert [f.subject_id for f in found] == [hid]
    assert found[0].since == TODAY - dt.timedelta(days=30) and "已 30 天" in found[0].message
    engine.save(db, HOUSING, repair.id, {"completed": True}, today=TODAY)
    assert subjects(db, "住房-漏水") == []


def test_a_no_house_household_is_listed_until_placed(db, add_household):
    """无房户 without a placement is a finding; a 公租房 placement clears it."""
    hid = add_household("孙无房", housing="无房")
    assert subjects(db, "住房-无房") == [hid]
    engine.save(db, HOUSING, None, {"date": TODAY, "household_id": hid, "kind": "无房户安置",
                                    "placement": "公租房"}, today=TODAY)
    assert subjects(db, "住房-无房") == []


# ------------------------------------------------------------------------------------------ problems


def _problem(db, found: dt.date, deadline: dt.date | None, *, unit: bool = True, priority: str = "一般",
             text: str = "垃圾积存") -> int:
    raw = {"found_date": found, "source": "督查", "focus_area": "环境整治", "description": text,
           "deadline": deadline, "priority": priority}
    if unit:
        raw["unit_id"] = unit_id(db, "镇水利移民站")
    return ps.register(db, raw, today=TODAY).id


def test_problem_deadlines_at_their_edges(db):
    """Due today or within 7 days is 临期; the day after the deadline is 逾期; 8 days ahead is neither."""
    as_of = TODAY
    found = TODAY - dt.timedelta(days=30)
    today_due = _problem(db, found, as_of, text="今天到期")
    week = _problem(db, found, as_of + dt.timedelta(days=7), text="七天")
    eight = _problem(db, found, as_of + dt.timedelta(days=8), text="八天")
    late = _problem(db, found, as_of - dt.timedelta(days=1), text="昨天到期")
    assert subjects(db, "问题-临期", as_of) == [today_due, week]
    overdue = duties.findings(db, as_of).of_rule("问题-逾期")
    assert [f.subject_id for f in overdue] == [late] and "已逾期 1 天" in overdue[0].message
    assert eight not in subjects(db, "问题-临期", as_of) + subjects(db, "问题-逾期", as_of)


def test_a_problem_resolved_later_was_open_as_of_an_earlier_date(db):
    """As of a past date, a problem solved since still counts as overdue then."""
    pid = _problem(db, TODAY - dt.timedelta(days=40), TODAY - dt.timedelta(days=20))
    ps.resolve(db, pid, TODAY - dt.timedelta(days=5), "已清运", today=TODAY)
    assert subjects(db, "问题-逾期", TODAY) == []
    assert subjects(db, "问题-逾期", TODAY - dt.timedelta(days=10)) == [pid]


def test_urgent_problems_come_first_and_ownerless_or_reasonless_ones_are_findings(db):
    """紧急 overdue problems are listed before 一般 ones; a problem with no owner, and a 暂无法解决 one
    without a reason (as a damaged file may hold), are findings."""
    found = TODAY - dt.timedelta(days=30)
    normal = _problem(db, found, TODAY - dt.timedelta(days=10), text="一般问题")
    urgent = _problem(db, found, TODAY - dt.timedelta(days=2), priority="紧急", text="紧急问题")
    nobody = _problem(db, found, None, unit=False, text="无人负责")
    result = duties.findings(db, TODAY)
    assert [f.subject_id for f in result.of_rule("问题-逾期")] == [urgent, normal]
    assert result.of_rule("问题-逾期")[0].subject.startswith("【紧急】")
    assert [f.subject_id for f in result.of_rule("问题-无责任人")] == [nobody]
    with db.write() as s:
        s.execute(update(Problem).where(Problem.id == normal).values(status="暂无法解决", unresolvable_reason="",
                                                                     resolved_date=TODAY))
    assert subjects(db, "问题-无理由") == [normal]
    from app.ledgers import PROBLEMS

    assert engine.query(db, PROBLEMS, today=TODAY).ids[0] == urgent


# ------------------------------------------------------------------------------------------ plans


def test_a_plan_item_measured_by_trainings_counts_the_ledger_and_refuses_typed_progress(db, add_household):
    """An item measured by 技能培训 counts the employment ledger's trainings of its year; typed progress is
    refused for it; an item without a 责任人 is a finding."""
    from app.ledgers.work import EMPLOYMENT

    hid = add_household("培训户")
    mid = engine.ref_choices(db, "member", household_id=hid)[0].id
    year = TODAY.year
    pid = plans.plan_id(db, year)
    measured = plans.save_item(db, plans.ItemData(pid, "创业就业", "技能培训", "4", "人次", unit_id(db, "镇人社中心"),
                                                  None, "沈主任", dt.date(year, 12, 31), measure="training"))
    plans.save_item(db, plans.ItemData(pid, "住房保障", "漏水维修", "3", "户", unit_id(db, "镇村建中心")))
    for day in (dt.date(year - 1, 12, 30), dt.date(year, 1, 2), TODAY):
        engine.save(db, EMPLOYMENT, None, {"date": day, "household_id": hid, "member_id": mid,
                                           "kind": "技能培训"}, today=TODAY)
    month = f"{TODAY.year:04d}-{TODAY.month:02d}"
    st = next(s for s in plans.item_statuses(db, year, month, today=TODAY) if s.id == measured)
    assert st.done == Decimal(2) and st.source.startswith("技能培训") and st.this_month >= 1
    with pytest.raises(LedgerRefused, match="自动统计"):
        plans.record_progress(db, measured, month, "3")
    assert [f.subject for f in duties.findings(db, TODAY).of_rule("计划-无责任")] == ["住房保障：漏水维修"]


def test_deleting_a_plan_item_keeps_the_problems_that_served_it(db):
    """A problem linked to a plan item keeps its record when the item is deleted; the link is cleared."""
    pid = plans.plan_id(db, TODAY.year)
    item = plans.save_item(db, plans.ItemData(pid, "环境整治", "清运垃圾", "5", "次", unit_id(db, "镇水利移民站")))
    problem = ps.register(db, {"found_date": TODAY, "source": "督查", "focus_area": "环境整治",
                               "description": "垃圾", "plan_item_id": item}, today=TODAY).id
    assert engine.load(db, ps.PROBLEMS, problem).labels["plan_item_id"].endswith("清运垃圾")
    plans.delete_item(db, item)
    assert engine.load(db, ps.PROBLEMS, problem).values["plan_item_id"] is None


# ------------------------------------------------------------------------------------------ the whole


def test_stats_count_employment_and_party_members_from_the_members(db, add_household):
    """stats --json's employment and party_members count members 在册 of households 在册."""
    members = family("党员户", 1)
    members[0].party_member = True
    add_household("党员户", members=members)
    add_household("普通户")
    figures = stats.stats(db)
    assert figures["party_members"] == 1
    assert figures["employment"]["县内务工"] == 2 and figures["employment"]["在家务农"] == 2
    assert sum(figures["employment"].values()) == figures["members"] == 4


def test_by_rule_counts_distinct_subjects_and_every_rule_is_reported(db, add_household):
    """by_rule names every declared rule (0 when clear) and counts subjects, not lines."""
    add_household("钱低收", tags=("低收入户",))
    result = duties.findings(db, TODAY)
    assert list(result.by_rule) == [c.code for c in duties.CHECKS]
    assert set(duties.RULE_ORDER) <= set(result.by_rule)
    assert result.by_rule["包保-一对一"] == 1 and result.by_rule["问题-逾期"] == 0
    for f in result.items:
        assert f.severity in ("提醒", "问题") and f.message and f.rule in result.by_rule


def test_a_rule_is_a_declaration(db, add_household):
    """Registering a new check adds its findings and its count, with nothing else to change."""
    from app.services.duties import base

    hid = add_household("周普通")

    def run(s, as_of):
        return [duties.Finding("测试-新规则", "问题", "周普通", "household", hid, "", None, "请办理")]

    check = duties.register(duties.Check("测试-新规则", "新规则", "问题", "household", run))
    try:
        result = duties.findings(db, TODAY)
        assert result.by_rule["测试-新规则"] == 1 and result.of_rule("测试-新规则")[0].subject_id == hid
        assert list(result.by_rule)[-1] == "测试-新规则"  # a rule outside the SPEC's list comes last
    finally:
        base.CHECKS.remove(check)

