"""包保 (SPEC §4.3): coverage of key households and points, bulk assignment, reassignment with history,
分类包保, and each cadre's load — agreeing with `stats`."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text

from app.ledgers import LedgerRefused
from app.services import baobao as bs
from app.services import people, stats
from tests.ledgers.helpers import cadre, key_households, unit_id

TODAY = dt.date.today()
DAY = dt.timedelta(days=1)


def test_a_fresh_archive_lists_every_key_household_as_uncovered(db, add_household):
    """With no 包保 yet every 三特户 and 三无户 is uncovered, ordinary households are not, and stats agrees."""
    homes = key_households(add_household)
    coverage = bs.coverage(db)
    uncovered = {h.household_id for h in coverage.uncovered}
    assert uncovered == {homes["低收入"], homes["无房"], homes["两者"]}
    figures = stats.stats(db)["baobao"]
    assert figures["key_households"] == 3 and figures["key_households_uncovered"] == 3


def test_bulk_assignment_covers_the_households(db, add_household):
    """One cadre given to several key households at once covers them all."""
    homes = key_households(add_household)
    c = cadre(db)
    result = bs.assign_households(db, [homes["低收入"], homes["无房"]], c, TODAY)
    assert (result.assigned, result.reassigned, result.unchanged) == (2, 0, 0)
    assert [h.household_id for h in bs.coverage(db).uncovered] == [homes["两者"]]
    assert stats.stats(db)["baobao"]["key_households_uncovered"] == 1
    again = bs.assign_households(db, [homes["低收入"]], c, TODAY)
    assert again.unchanged == 1 and again.changed == 0


def test_reassignment_ends_the_old_cadre_and_keeps_history(db, add_household):
    """Reassigning ends the old assignment on the new start date; the history shows both cadres."""
    hid = add_household("钱低收", tags=("低收入户",))
    first, second = cadre(db, "张一"), cadre(db, "李二")
    bs.assign_households(db, [hid], first, TODAY - 40 * DAY)
    result = bs.assign_households(db, [hid], second, TODAY - 5 * DAY)
    assert result.reassigned == 1
    history = bs.household_history(db, hid)
    assert [(h.who.split("（")[0], h.start, h.end) for h in history] == [
        ("李二", TODAY - 5 * DAY, None), ("张一", TODAY - 40 * DAY, TODAY - 5 * DAY)]
    assert bs.fetch_households(db, [hid])[0].cadre == "李二"


def test_reassignment_cannot_start_before_the_current_one(db, add_household):
    """A new start date earlier than the current assignment's is refused, and nothing changes."""
    hid = add_household("钱低收", tags=("低收入户",))
    bs.assign_households(db, [hid], cadre(db, "张一"), TODAY - 5 * DAY)
    with pytest.raises(LedgerRefused, match="不能早于"):
        bs.assign_households(db, [hid], cadre(db, "李二"), TODAY - 10 * DAY)
    assert bs.fetch_households(db, [hid])[0].cadre == "张一"


def test_ending_a_key_households_cadre_makes_it_uncovered(db, add_household):
    """Ending the one-to-one 包保 of a key household lists it as uncovered again."""
    hid = add_household("孙无房", housing="无房")
    bs.assign_households(db, [hid], cadre(db), TODAY - 5 * DAY)
    assert bs.coverage(db).uncovered == []
    assert bs.end_households(db, [hid], TODAY) == 1
    assert [h.household_id for h in bs.coverage(db).uncovered] == [hid]


def test_an_inactive_cadre_cannot_be_assigned(db, add_household):
    """A deactivated cadre is refused by name; deactivating ends their 包保 so the household shows uncovered."""
    hid = add_household("钱低收", tags=("低收入户",))
    c = cadre(db, "王停用")
    bs.assign_households(db, [hid], c, TODAY)
    ended = people.set_cadre_active(db, c, False)
    assert ended.households == 1
    assert [h.household_id for h in bs.coverage(db).uncovered] == [hid]
    with pytest.raises(LedgerRefused, match="王停用已停用"):
        bs.assign_households(db, [hid], c, TODAY)


def test_two_current_cadres_are_reported_even_though_the_index_forbids_it(db, add_household):
    """A file edited outside the program with two current cadres on one key household is reported."""
    hid = add_household("钱低收", tags=("低收入户",))
    a, b = cadre(db, "张一"), cadre(db, "李二")
    bs.assign_households(db, [hid], a, TODAY)
    with db.write() as s:
        s.execute(text("DROP INDEX uq_household_assignments_current"))
        s.execute(text("INSERT INTO household_assignments (household_id, cadre_id, start_date, created_at, "
                       "updated_at) VALUES (:h, :c, :d, :d, :d)"), {"h": hid, "c": b, "d": TODAY})
    coverage = bs.coverage(db)
    assert [h.household_id for h in coverage.double] == [hid]
    assert "张一" in bs.fetch_households(db, [hid])[0].cadre and "李二" in bs.fetch_households(db, [hid])[0].cadre


def _fill_point(add_household, point: int, n: int) -> None:
    for i in range(n):
        add_household(f"户{i}", point=point)


def test_a_big_point_needs_a_town_leader(db, place, add_household):
    """A 集中 point with 50 households needs a 镇级主要领导: a 镇班子成员 is not enough, the leader is."""
    _village, big, _small = place
    _fill_point(add_household, big, 50)
    (point,) = [p for p in bs.point_coverage(db) if p.point_id == big]
    assert not point.ok and "镇级主要领导" in point.problem
    bs.assign_point(db, big, cadre(db, "副镇长", "镇班子成员"), "牵头", TODAY)
    assert not [p for p in bs.point_coverage(db) if p.point_id == big][0].ok
    assert stats.stats(db)["baobao"]["points_50plus_without_town_leader"] == 1
    bs.assign_point(db, big, cadre(db, "镇长", "镇级主要领导"), "牵头", TODAY)
    assert [p for p in bs.point_coverage(db) if p.point_id == big][0].ok
    assert stats.stats(db)["baobao"] == {**stats.stats(db)["baobao"], "points_50plus": 1,
                                         "points_50plus_without_town_leader": 0}


def test_a_small_point_needs_a_link_leader_or_higher(db, place, add_household):
    """A point under 50 households is satisfied by a 联系村党政班子成员 (or higher), not by a 村干部."""
    _village, _big, small = place
    _fill_point(add_household, small, 3)
    bs.assign_point(db, small, cadre(db, "村主任", "村干部"), "牵头", TODAY)
    assert not [p for p in bs.point_coverage(db) if p.point_id == small][0].ok
    bs.assign_point(db, small, cadre(db, "联系领导", "联系村党政班子成员"), "牵头", TODAY)
    point = [p for p in bs.point_coverage(db) if p.point_id == small][0]
    assert point.ok and "联系领导" in point.leaders and "村主任" not in point.leaders


def test_unit_baobao_by_reason(db, add_household):
    """A department takes households for a reason; repeating it adds nothing; ending keeps the record."""
    hid = add_household("病户")
    unit = unit_id(db, "镇社事办")
    assert bs.assign_unit(db, [hid], unit, "因病", TODAY) == 1
    assert bs.assign_unit(db, [hid], unit, "因病", TODAY) == 0
    (row,) = bs.unit_assignments(db)
    assert (row.unit, row.reason, row.household_id) == ("镇社事办", "因病", hid)
    assert bs.end_unit_assignments(db, [row.id], TODAY) == 1
    assert bs.unit_assignments(db) == []
    assert len(bs.unit_assignments(db, current_only=False)) == 1
    with pytest.raises(LedgerRefused, match="包保原因"):
        bs.assign_unit(db, [hid], unit, "", TODAY)


def test_each_cadres_load(db, place, add_household):
    """The load lists each cadre's points and households, key ones counted apart."""
    homes = key_households(add_household)
    c = cadre(db, "赵包保", "联系村党政班子成员")
    bs.assign_households(db, [homes["低收入"], homes["普通"]], c, TODAY)
    bs.assign_point(db, place[1], c, "牵头", TODAY)
    load = next(x for x in bs.cadre_loads(db, f"{TODAY:%Y-%m}") if x.cadre_id == c)
    assert (load.households, load.key_households, load.visited) == (2, 1, 0)
    assert "新寨安置点（牵头）" in load.points


def test_a_future_start_date_is_refused(db, add_household):
    """包保 cannot start tomorrow."""
    hid = add_household("钱低收", tags=("低收入户",))
    with pytest.raises(LedgerRefused, match="不能晚于今天"):
        bs.assign_households(db, [hid], cadre(db), TODAY + DAY)
