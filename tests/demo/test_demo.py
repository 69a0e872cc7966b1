"""Tests of app.demo: the synthetic data of `demo` is complete, valid, realistic and reproducible."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

import pytest
from sqlalchemy import func, select, text

from app import demo, vocab
from app.db import create_database
from app.models import (
    Cadre,
    Household,
    HouseholdAssignment,
    HouseholdTag,
    Member,
    PlanItem,
    PlanProgress,
    PointAssignment,
    SettlementPoint,
    TownProfile,
    Village,
    Visit,
)
from app.rules import HouseholdFacts, MemberFacts, check_id
from app.services.derived import derive

N = 300
TODAY = dt.date(2025, 6, 18)

LEDGER_TABLES = (
    "villages", "settlement_points", "units", "cadres", "household_tags", "point_assignments",
    "household_assignments", "unit_assignments", "visits", "problems", "problem_progress", "employment_records",
    "support_records", "housing_records", "fund_records", "projects", "activities", "party_records", "meetings",
    "meeting_decisions", "inspections", "plans", "plan_items", "plan_progress",
)


@pytest.fixture
def fresh(tmp_path):
    """A new, empty database file."""
    database = create_database(tmp_path / "x.db")
    yield database
    database.close()


@pytest.fixture
def filled(fresh):
    """The fresh database filled with N demo households as of TODAY; yields (db, summary)."""
    summary = demo.generate(fresh, N, seed=7, today=TODAY)
    return fresh, summary


def _dump(db) -> dict[str, list[tuple]]:
    """Every table's rows in primary-key order, without the created_at/updated_at stamps and the town's random
    uid (each database's own)."""
    out = {}
    with db.engine.connect() as conn:
        tables = [r[0] for r in conn.execute(text(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name"))]
        for table in tables:
            cols = [r[1] for r in conn.execute(text(f"PRAGMA table_info({table})"))
                    if r[1] not in ("created_at", "updated_at") and (table, r[1]) != ("towns", "uid")]
            out[table] = list(conn.execute(text(f"SELECT {', '.join(cols)} FROM {table} ORDER BY 1")))
    return out


def test_counts_match_the_requested_number_of_households(filled):
    """The database holds exactly N households and the summary counts what is in the tables."""
    db, summary = filled
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(Household)) == N
        assert s.scalar(select(func.count()).select_from(Member)) == summary.members
        assert s.scalar(select(func.count()).select_from(Visit)) == summary.visits
        assert s.scalar(select(func.count()).select_from(Village)) == summary.villages >= 4
    assert summary.households == N
    assert 3.5 <= summary.members / N <= 4.5


def test_every_present_id_is_valid_unique_and_agrees_with_sex_and_birth_date(filled):
    """Each ID present passes check_id, is held by one person only, and matches the recorded sex and birth date."""
    db, _ = filled
    with db.read() as s:
        rows = s.execute(select(Member.id_number, Member.sex, Member.birth_date).where(Member.id_number != "")).all()
    assert rows
    assert len({r.id_number for r in rows}) == len(rows)
    for number, sex, birth in rows:
        check = check_id(number)
        assert check.ok, (number, check.error)
        assert (check.sex, check.birth_date) == (sex, birth)


def test_each_household_has_one_head_except_a_few_flagged_imperfect_ones(filled):
    """Households 在册 have exactly one 在册 户主, except a handful that the archive check marks 不一致."""
    db, _ = filled
    with db.read() as s:
        heads = Counter(s.scalars(
            select(Member.household_id).where(Member.relation == vocab.HEAD, Member.status == vocab.MEMBER_ACTIVE)))
        households = s.execute(select(Household.id, Household.archive_state)
                               .where(Household.status == vocab.HOUSEHOLD_ACTIVE)).all()
    odd = [(hid, state) for hid, state in households if heads[hid] != 1]
    assert 1 <= len(odd) <= max(3, N // 50)
    assert all(state == vocab.ARCHIVE_INCONSISTENT for _, state in odd)


def test_the_work_plans_three_big_points_hold_over_50_households(filled):
    """翁昭村山宝沟, 清江村新寨 and 新街村新街 are 集中 points with more than 50 households each."""
    db, _ = filled
    with db.read() as s:
        for village, point in demo.BIG_POINTS:
            kind, count = s.execute(
                select(SettlementPoint.kind, func.count(Household.id))
                .join(Village, Village.id == SettlementPoint.village_id)
                .join(Household, Household.settlement_point_id == SettlementPoint.id)
                .where(Village.name == village, SettlementPoint.name == point,
                       Household.status == vocab.HOUSEHOLD_ACTIVE)
                .group_by(SettlementPoint.id)).one()
            assert kind == "集中"
            assert count > 50, (village, point, count)


def test_cached_columns_equal_a_fresh_derive(filled):
    """key_flags, archive_state, head_name, member_count and search_text equal derive() on the stored data."""
    db, _ = filled
    with db.read() as s:
        households = s.scalars(select(Household).order_by(Household.id)).all()
        tags = defaultdict(set)
        for hid, tag in s.execute(select(HouseholdTag.household_id, HouseholdTag.tag)):
            tags[hid].add(tag)
        members = defaultdict(list)
        for m in s.scalars(select(Member).order_by(Member.household_id, Member.sort_order)):
            members[m.household_id].append(m)
    assert any(h.key_flags for h in households)
    for h in households[::3]:
        ms = members[h.id]
        facts = HouseholdFacts(
            members=[MemberFacts(m.name, m.relation, m.sex, m.id_number, m.birth_date, m.labour, m.status, m.id)
                     for m in ms],
            village=str(h.village_id), settlement_point=str(h.settlement_point_id),
            housing_status=h.housing_status or None, land_mu=h.land_mu, declared_tags=frozenset(tags[h.id]),
            household_size=h.household_size,
        )
        cache = derive(facts, archive_no=h.archive_no, phone=h.phone, member_phones=[m.phone for m in ms])
        assert (h.key_flags, h.archive_state, h.head_name, h.member_count, h.search_text) == (
            cache.key_flags, cache.archive_state, cache.head_name, cache.member_count, cache.search_text), h.archive_no


def test_every_ledger_and_reference_table_has_rows(filled):
    """Villages, points, cadres, 包保, visits, every ledger and the year's plan all have rows."""
    db, _ = filled
    with db.engine.connect() as conn:
        empty = [t for t in LEDGER_TABLES if not conn.execute(text(f"SELECT COUNT(*) FROM {t}")).scalar()]
    assert empty == []


def test_same_seed_gives_the_same_data_and_another_seed_does_not(tmp_path):
    """Two databases filled with the same seed and date are identical (timestamps aside); another seed differs."""
    dumps = []
    for name, seed in (("a.db", 3), ("b.db", 3), ("c.db", 4)):
        db = create_database(tmp_path / name)
        try:
            demo.generate(db, 120, seed=seed, today=TODAY)
            dumps.append(_dump(db))
        finally:
            db.close()
    assert dumps[0] == dumps[1]
    assert dumps[0]["members"] != dumps[2]["members"]


def test_a_database_that_has_households_is_refused(filled):
    """A second generate on a database with households raises DemoError and writes nothing."""
    db, _ = filled
    with pytest.raises(demo.DemoError, match="已有"):
        demo.generate(db, 10, seed=1, today=TODAY)
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(Household)) == N


def test_a_household_count_below_one_is_refused(fresh):
    """Zero households is a DemoError in Chinese, not a crash."""
    with pytest.raises(demo.DemoError, match="正整数"):
        demo.generate(fresh, 0)


def test_the_blank_town_profile_is_filled_with_the_leading_group(filled):
    """The town profile gets the town, county, station, leading group, office director and contact phone."""
    db, _ = filled
    with db.read() as s:
        profile = s.get(TownProfile, 1)
    assert (profile.town_name, profile.county_name, profile.station_name) == ("清江镇", "某县", "清江镇水利移民站")
    assert profile.leader and profile.deputy_leaders and profile.group_members and profile.office_director
    assert profile.daily_contact and len(profile.contact_phone) == 11


def test_an_existing_town_name_is_kept(fresh):
    """A town named before demo keeps its name; the data is generated around it."""
    from app.services import town

    town.seed_reference_data(fresh)
    town.save_town(fresh, town.TownData(town_name="青山镇", county_name="某某县"))
    demo.generate(fresh, 60, seed=1, today=TODAY)
    with fresh.read() as s:
        profile = s.get(TownProfile, 1)
        addresses = s.scalars(select(Household.address).limit(5)).all()
    assert (profile.town_name, profile.county_name) == ("青山镇", "某某县")
    assert all(a.startswith("青山镇") for a in addresses)


def test_cadres_cover_every_rank_and_most_key_households_but_not_all(filled):
    """Every rank has cadres; most key households have one current cadre, a few are left uncovered on purpose."""
    db, summary = filled
    with db.read() as s:
        ranks = set(s.scalars(select(Cadre.rank)))
        cadres = s.scalar(select(func.count()).select_from(Cadre))
        current = Counter(s.scalars(select(HouseholdAssignment.household_id)
                                    .where(HouseholdAssignment.end_date.is_(None))))
        ended = s.scalar(select(func.count()).where(HouseholdAssignment.end_date.is_not(None)))
        key = set(s.scalars(select(Household.id).where(
            Household.status == vocab.HOUSEHOLD_ACTIVE,
            Household.key_flags.op("&")(vocab.SANTE_MASK | vocab.SANWU_MASK) != 0)))
        phones = s.scalars(select(Cadre.phone)).all()
    assert ranks == set(vocab.CADRE_RANKS)
    assert cadres >= 20
    assert set(current.values()) == {1}
    covered = key & set(current)
    assert set(current) <= key
    assert 0 < len(key) - len(covered) <= 0.1 * len(key)
    assert summary.key_households == len(key)
    assert ended > 0
    assert all(len(p) == 11 and p.isdigit() for p in phones)


def test_big_points_are_led_by_town_leaders_with_one_deliberate_gap(filled):
    """Of the 50户以上集中安置点, all but one or two have a 镇级主要领导 leading them (牵头); one gap has a
    镇级主要领导 who is only a member, which §4.3 does not count."""
    db, _ = filled
    with db.read() as s:
        sizes = dict(s.execute(select(Household.settlement_point_id, func.count())
                               .where(Household.status == vocab.HOUSEHOLD_ACTIVE)
                               .group_by(Household.settlement_point_id)).all())
        big = [pid for pid, kind in s.execute(select(SettlementPoint.id, SettlementPoint.kind))
               if kind == "集中" and sizes.get(pid, 0) >= vocab.POINT_LEADER_THRESHOLD]
        town_leaders = select(PointAssignment.settlement_point_id).join(Cadre, Cadre.id == PointAssignment.cadre_id) \
            .where(PointAssignment.end_date.is_(None), Cadre.rank == vocab.CADRE_RANKS[0])
        led = set(s.scalars(town_leaders.where(PointAssignment.role == "牵头")))
        members = set(s.scalars(town_leaders.where(PointAssignment.role == "成员")))
    gaps = [pid for pid in big if pid not in led]
    assert len(big) >= 3
    assert 1 <= len(gaps) <= 2
    assert any(pid in members for pid in gaps)


def test_most_covered_households_are_visited_this_month_by_their_cadre(filled):
    """About 85% of households under one-to-one 包保 have a visit by their cadre in the current month."""
    db, _ = filled
    month_start = TODAY.replace(day=1)
    with db.read() as s:
        due = dict(s.execute(select(HouseholdAssignment.household_id, HouseholdAssignment.cadre_id)
                             .where(HouseholdAssignment.end_date.is_(None))).all())
        done = {(hid, cid) for hid, cid in s.execute(
            select(Visit.household_id, Visit.cadre_id).where(Visit.date >= month_start, Visit.date <= TODAY))}
        latest = s.scalar(select(func.max(Visit.date)))
        ways = set(s.scalars(select(Visit.way)))
    share = sum((hid, cid) in done for hid, cid in due.items()) / len(due)
    assert 0.7 <= share < 1.0
    assert latest <= TODAY
    assert ways == set(vocab.VISIT_WAYS)


def test_the_years_plan_has_items_under_every_focus_area_with_monthly_progress(filled):
    """This year's 年度计划 has items in all eight focus areas; those the ledgers measure take their progress
    from them, each other (手填) item has progress for every month so far."""
    db, _ = filled
    with db.read() as s:
        items = s.scalars(select(PlanItem)).all()
        months = defaultdict(set)
        for item_id, month in s.execute(select(PlanProgress.item_id, PlanProgress.month)):
            months[item_id].add(month)
    assert {i.focus_area for i in items} == set(vocab.FOCUS_AREAS)
    expected = {f"{TODAY.year}-{m:02d}" for m in range(1, TODAY.month + 1)}
    assert any(item.measure for item in items)
    for item in items:
        assert item.target_value > 0 and item.unit_id and item.responsible_person and item.deadline
        assert months[item.id] == (set() if item.measure else expected)


def test_some_archives_are_deliberately_imperfect(filled):
    """A small share of archives miss an ID or the land, or record a wrong household size."""
    db, _ = filled
    with db.read() as s:
        states = Counter(s.scalars(select(Household.archive_state)))
        missing_id = s.scalar(select(func.count()).where(Member.id_number == ""))
        mismatch = s.scalar(select(func.count()).where(
            Household.status == vocab.HOUSEHOLD_ACTIVE, Household.household_size != Household.member_count))
    assert states[vocab.ARCHIVE_COMPLETE] >= 0.9 * N
    assert states[vocab.ARCHIVE_INCONSISTENT] >= 1
    assert 1 <= missing_id <= 0.05 * N
    assert mismatch >= 1


def test_progress_is_reported_up_to_the_total(fresh):
    """The progress callback ends with (N, N) and never goes backwards."""
    calls = []
    demo.generate(fresh, 50, seed=2, today=TODAY, progress=lambda done, total: calls.append((done, total)))
    assert calls[-1] == (50, 50)
    assert [c[0] for c in calls] == sorted(c[0] for c in calls)
