"""Figures as of a month's end (SPEC §4.8): registration and departure dates, deaths, 包保 reassignment and
fields changed after the month end; `stats --month` of a past month does not move when later work is added."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import update

from app.cli import main
from app.models import ChangeLog, Household, HouseholdAssignment, Member, Problem, Visit
from app.services import asof, baobao
from app.services.households import load_household, save_household
from tests.ledgers.helpers import cadre

JUNE, JULY = "2025-06", "2025-07"
MAY = "2025-05"


def backdate(db, hid: int, registered: dt.date, *, left: dt.date | None = None, status: str = "在册") -> None:
    """The household (its members and its history so far) as if typed in on the day it registered."""
    stamp = dt.datetime.combine(registered, dt.time(9))
    with db.write() as s:
        s.execute(update(ChangeLog).where(ChangeLog.household_id == hid).values(at=stamp))
        s.execute(update(Household).where(Household.id == hid).values(
            registered_on=registered, left_on=left, status=status, created_at=stamp, updated_at=stamp))
        s.execute(update(Member).where(Member.household_id == hid).values(created_at=stamp))


def month(db, m: str) -> dict:
    with db.read() as s:
        return asof.figures(s, asof.month_end(m), month=m)


@pytest.fixture
def two(db, add_household):
    """Two households of 清江村 registered in March 2025."""
    a, b = add_household("王明华"), add_household("张国强")
    backdate(db, a, dt.date(2025, 3, 10))
    backdate(db, b, dt.date(2025, 3, 12))
    return a, b


def test_households_count_from_registration_to_departure(db, add_household, two):
    """A household registered in July is not in June; one that left in June is in May but not in June."""
    late, gone = add_household("李后来"), add_household("赵离开")
    backdate(db, late, dt.date(2025, 7, 5))
    backdate(db, gone, dt.date(2025, 1, 2), left=dt.date(2025, 6, 15), status="整户迁出")
    assert [month(db, m)["households"] for m in (MAY, JUNE, JULY)] == [3, 2, 3]
    assert month(db, MAY)["members"] == 6 and month(db, JUNE)["members"] == 4
    assert month(db, JUNE)["movements"]["households_out"] == 1
    assert month(db, JULY)["movements"]["households_in"] == 1
    assert month(db, JUNE)["villages"]["清江村"] == {"households": 2, "members": 4}


def test_a_death_counts_in_its_month_and_the_person_leaves_the_register(db, two):
    """A spouse who died on 10 June is a member in May, not at June's end, and a death of June."""
    data = load_household(db, two[0])
    data.members[1].status, data.members[1].status_date = "死亡", dt.date(2025, 6, 10)
    save_household(db, data)
    may, june = month(db, MAY), month(db, JUNE)
    assert (may["members"], june["members"]) == (4, 3)
    assert (may["movements"]["deaths"], june["movements"]["deaths"]) == (0, 1)


def test_a_baby_counts_from_birth_and_a_member_added_later_from_the_day_added(db, two):
    """A child born in June (typed in later) is in June's register and births; an adult added today is not."""
    import dataclasses

    data = load_household(db, two[0])
    head = data.members[0]
    baby = dataclasses.replace(head, id=None, name="王小宝", relation="之子", id_number="",
                               birth_date=dt.date(2025, 6, 3), labour="无劳动力", employment="无")
    bride = dataclasses.replace(head, id=None, name="刘新娘", relation="儿媳", id_number="", sex="女",
                                birth_date=dt.date(1998, 2, 1))
    data.members = [*data.members, baby, bride]
    save_household(db, data)
    may, june = month(db, MAY), month(db, JUNE)
    assert (may["members"], june["members"]) == (4, 5)
    assert june["movements"]["births"] == 1 and june["movements"]["members_in"] == 0


def test_visits_due_follow_the_cadre_in_force_at_the_month_end(db, add_household):
    """Reassigned on 10 July: June's visit is due from the first cadre (who visited), July's from the second."""
    hid = add_household("钱低收", tags=("低收入户",))
    backdate(db, hid, dt.date(2025, 1, 5))
    first, second = cadre(db, "张建国"), cadre(db, "李卫东")
    baobao.assign_households(db, [hid], first, dt.date(2025, 2, 1))
    baobao.assign_households(db, [hid], second, dt.date(2025, 7, 10))
    with db.write() as s:
        s.add(Visit(date=dt.date(2025, 6, 20), cadre_id=first, household_id=hid, way="入户"))
        s.add(Visit(date=dt.date(2025, 7, 5), cadre_id=first, household_id=hid, way="入户"))
    june, july = month(db, JUNE), month(db, JULY)
    assert june["visits"] == {"month": JUNE, "due": 1, "done": 1}
    assert july["visits"] == {"month": JULY, "due": 1, "done": 0}  # the first cadre's July visit is not the new cadre's
    assert june["baobao"]["key_households_uncovered"] == 0
    assert month(db, "2025-01")["baobao"]["key_households_uncovered"] == 1
    with db.read() as s:
        assert s.query(HouseholdAssignment).count() == 2


def test_fields_changed_after_the_month_end_are_undone(db, add_household, two, place):
    """Today's edits (village, housing, declared tags) do not change June: the history gives June's values."""
    from app.services import town


    other = town.save_village(db, town.VillageData(name="石门村"))
    before = month(db, JUNE)
    data = load_household(db, two[0])
    data.village_id, data.settlement_point_id = other, None
    data.housing_status = "无房"
    data.declared_tags = {"困难户"}
    save_household(db, data)
    with db.read() as s:
        today = asof.figures(s, dt.date.today())
    assert today["key_groups"]["无房户"] == 1 and today["key_groups"]["困难户"] == 1
    assert today["villages"]["石门村"]["households"] == 1
    assert month(db, JUNE) == before
    assert before["key_groups"]["无房户"] == 0 and before["villages"]["清江村"]["households"] == 2


def test_problems_open_at_the_month_end_and_overdue_then(db, two):
    """A problem resolved in July was open (and overdue) at June's end; one found in July was not there."""
    with db.write() as s:
        s.add(Problem(found_date=dt.date(2025, 5, 2), source="走访", focus_area="住房保障", description="漏水",
                      deadline=dt.date(2025, 6, 1), status="已解决", resolved_date=dt.date(2025, 7, 3),
                      household_id=two[0]))
        s.add(Problem(found_date=dt.date(2025, 7, 2), source="走访", focus_area="住房保障", description="路灯坏"))
    assert month(db, JUNE)["problems"] == {"open": 1, "overdue": 1}
    assert month(db, JULY)["problems"] == {"open": 1, "overdue": 0}


def test_stats_month_does_not_change_when_later_work_is_added(db, add_household, two, capsys):
    """`stats --month` for June prints the same JSON after households, visits and problems are added later."""
    path = str(db.path)

    def june() -> dict:
        assert main(["--db", path, "stats", "--month", JUNE, "--json"]) == 0
        return json.loads(capsys.readouterr().out)

    first = june()
    assert first["households"] == 2 and first["as_of"] == "2025-06-30"
    add_household("新来户")
    with db.write() as s:
        s.add(Visit(date=dt.date.today(), household_id=two[0], way="电话"))
        s.add(Problem(found_date=dt.date.today(), source="走访", focus_area="住房保障", description="新问题"))
    assert june() == first
    assert main(["--db", path, "stats", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["households"] == 3  # plain `stats` is today


def test_point_leadership_is_counted_as_it_stood(db, add_household, place):
    """A 50-household point led by a town leader from July lacks one at June's end, not at July's."""
    from app.models import Household
    from tests.conftest import family

    leader = cadre(db, "刘镇长", rank="镇级主要领导", post="镇长")
    ids = [add_household(f"户{i}", members=family(f"户{i}", 100 + i, spouse=None)) for i in range(50)]
    with db.write() as s:
        s.execute(update(Household).where(Household.id.in_(ids)).values(registered_on=dt.date(2025, 1, 1)))
    baobao.assign_point(db, place[1], leader, "牵头", dt.date(2025, 7, 1))
    june, july = month(db, JUNE)["baobao"], month(db, JULY)["baobao"]
    assert (june["points_50plus"], june["points_50plus_without_town_leader"]) == (1, 1)
    assert (july["points_50plus"], july["points_50plus_without_town_leader"]) == (1, 0)


def test_a_month_before_anything_was_registered_is_empty_but_prints(db, tmp_path, capsys):
    """A month before the register began has no households; its 月报 still prints (exit 0)."""
    assert month(db, "2001-01")["households"] == 0
    out = tmp_path / "m.pdf"
    db_path = str(db.path)
    assert main(["--db", db_path, "report", "monthly", "--month", "2001-01", "--out", str(out)]) == 0
    assert out.read_bytes().startswith(b"%PDF")


def test_labour_force_by_village_counts_members_on_the_register_by_capacity_then(db, add_household, two, place,
                                                                               capsys):
    """`stats --json` lists each village's 劳动力 by labour capacity over members 在册; `stats --month` counts
    them as they stood at the month end: a capacity changed later and a death later are undone."""
    from app.services import town

    town.save_village(db, town.VillageData(name="白沙村"))
    code = main(["--db", str(db.path), "stats", "--json"])
    today = json.loads(capsys.readouterr().out)["labour_force"]
    assert code == 0
    assert today["清江村"] == {"labour_force": 4, "by_labour": {"普通劳动力": 2, "技能劳动力": 0, "弱劳动力": 2,
                                                                "半劳动力": 0, "丧失劳动力": 0, "无劳动力": 0}}
    assert today["白沙村"]["labour_force"] == 0  # every village is listed
    data = load_household(db, two[0])
    data.members[0].labour = "丧失劳动力"
    data.members[1].status, data.members[1].status_date = "死亡", dt.date.today()
    save_household(db, data)
    now = month(db, f"{dt.date.today():%Y-%m}")["labour_force"]["清江村"]
    assert now["labour_force"] == 2 and now["by_labour"]["丧失劳动力"] == 1 and now["by_labour"]["弱劳动力"] == 1
    from app.services.stats import stats

    assert stats(db)["labour_force"]["清江村"] == now
    june = month(db, JUNE)["labour_force"]["清江村"]
    assert june == today["清江村"]
    assert main(["--db", str(db.path), "stats", "--month", JUNE, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["labour_force"]["清江村"] == today["清江村"]
