"""The 直补 rule of SPEC §11 at its edges: the pure function and its SQL form give the same answer."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.models import Member, SubsidyFacts
from app.rules.subsidy import (
    DEAD,
    ENDED,
    MOVED,
    NOT_STARTED,
    REDUCED,
    CountySettings,
    PersonFacts,
    exclusion,
    half_start,
    last_ended_start,
    normalize_account,
    support_end,
)
from app.services import subsidy
from app.services.subsidy_roster import reason_at, should_reduce_in

D = dt.date
CURRENT = D(2006, 7, 1)

# (label, facts, year, half, years, expected reason or None when paid)
CASES = [
    ("现状人口 2026 上半年", PersonFacts(True, start_on=CURRENT), 2026, 1, 20, None),
    ("现状人口 2026 下半年", PersonFacts(True, start_on=CURRENT), 2026, 2, 20, ENDED),
    ("死亡于半年第一天", PersonFacts(True, start_on=CURRENT, member_status="死亡", status_date=D(2025, 7, 1)),
     2025, 2, 20, DEAD),
    ("死亡于第二天", PersonFacts(True, start_on=CURRENT, member_status="死亡", status_date=D(2025, 7, 2)),
     2025, 2, 20, None),
    ("死亡于第二天，下一个半年", PersonFacts(True, start_on=CURRENT, member_status="死亡", status_date=D(2025, 7, 2)),
     2026, 1, 20, DEAD),
    ("迁出无日期", PersonFacts(True, start_on=CURRENT, member_status="迁出"), 2025, 1, 20, MOVED),
    ("原迁 半年中搬迁", PersonFacts(True, start_on=D(2015, 4, 10)), 2015, 1, 20, NOT_STARTED),
    ("原迁 搬迁后第一个半年", PersonFacts(True, start_on=D(2015, 4, 10)), 2015, 2, 20, None),
    ("原迁 最后一个半年", PersonFacts(True, start_on=D(2015, 4, 10)), 2035, 1, 20, None),
    ("原迁 期满", PersonFacts(True, start_on=D(2015, 4, 10)), 2035, 2, 20, ENDED),
    ("县定25年 2026 下半年", PersonFacts(True, start_on=CURRENT), 2026, 2, 25, None),
    ("县定25年 2031 上半年", PersonFacts(True, start_on=CURRENT), 2031, 1, 25, None),
    ("县定25年 2031 下半年", PersonFacts(True, start_on=CURRENT), 2031, 2, 25, ENDED),
    ("核减于半年第一天", PersonFacts(True, "核减", D(2025, 7, 1), CURRENT), 2025, 2, 20, REDUCED),
    ("核减于第二天", PersonFacts(True, "核减", D(2025, 7, 2), CURRENT), 2025, 2, 20, None),
    ("闰日起始", PersonFacts(True, start_on=D(2008, 2, 29)), 2028, 1, 20, None),
    ("闰日起始 期满", PersonFacts(True, start_on=D(2008, 2, 29)), 2028, 2, 20, ENDED),
]


@pytest.mark.parametrize("label, person, year, half, years, expected", CASES, ids=[c[0] for c in CASES])
def test_pure_rule_edges(label, person, year, half, years, expected):
    assert exclusion(person, half_start(year, half), years) == expected


def test_sql_form_agrees_with_the_pure_rule(db, add_household):
    hid = add_household(members=None)
    ids = []
    with db.write() as s:
        template = s.scalars(select(Member).where(Member.household_id == hid)).first()
        for i, (_label, person, *_rest) in enumerate(CASES):
            m = Member(household_id=hid, name=f"人{i}", relation="其他", id_number=f"X{i}",
                       status=person.member_status, status_date=person.status_date, sort_order=10 + i)
            s.add(m)
            s.flush()
            s.add(SubsidyFacts(member_id=m.id, on_roster=person.on_roster, category="现状人口",
                               start_on=person.start_on, state=person.state, reduced_on=person.reduced_on,
                               account="6228480000000000001", bank="农行", reduced_reason="死亡"))
            ids.append(m.id)
        assert template is not None
    for member_id, (label, person, year, half, years, expected) in zip(ids, CASES):
        with db.read() as s:
            county = CountySettings(Decimal(600), years)
            got = s.scalar(select(reason_at(half_start(year, half), county))
                           .select_from(SubsidyFacts).join(Member, Member.id == SubsidyFacts.member_id)
                           .where(SubsidyFacts.member_id == member_id))
        assert got == expected, label


def test_archive_death_without_reduction_is_not_paid_and_raises_the_finding_until_reduced(db, add_household):
    hid = add_household()
    with db.write() as s:
        member = s.scalars(select(Member).where(Member.household_id == hid)).first()
        member.status, member.status_date = "死亡", D(2026, 3, 15)
        member_id = member.id
    subsidy.save_facts(db, member_id, subsidy.FactsData(category="现状人口", account="6228 4800 0000 0000 123"))
    day = half_start(2026, 2)
    with db.read() as s:
        assert [f.member_id for f in should_reduce_in(s, day)] == [member_id]
        assert s.scalar(select(reason_at(day, subsidy.county_settings(s))).select_from(SubsidyFacts)
                        .join(Member, Member.id == SubsidyFacts.member_id)) == DEAD
    prefilled = subsidy.reduce_prefill(db, member_id)
    assert prefilled == (D(2026, 3, 15), "死亡")
    subsidy.reduce(db, member_id, *prefilled)
    with db.read() as s:
        assert should_reduce_in(s, day) == []
        assert s.scalar(select(reason_at(day, subsidy.county_settings(s))).select_from(SubsidyFacts)
                        .join(Member, Member.id == SubsidyFacts.member_id)) == REDUCED


def test_account_numbers():
    assert normalize_account("6228 4800 1234 5678 901") == ("6228480012345678901", None)
    assert normalize_account("1234")[1] is not None
    assert normalize_account(6.22848e18)[1] is not None
    assert normalize_account("") == ("", None)
    assert support_end(D(2006, 7, 1), 20) == D(2026, 7, 1)


LEAP_STARTS = [D(2008, 2, 28), D(2008, 2, 29), D(2008, 3, 1), D(2007, 2, 28), D(2007, 3, 1), D(2006, 7, 1)]
LEAP_DAYS = [D(2026, 6, 30), D(2026, 7, 1), D(2027, 2, 28), D(2027, 3, 1), D(2028, 2, 28), D(2028, 2, 29),
             D(2028, 3, 1), D(2029, 2, 28), D(2029, 3, 1)]


def test_period_end_in_sql_agrees_with_the_pure_rule_on_any_day_around_29_february(db, add_household):
    """The query tests the end of support by comparing the start with one date (no date arithmetic in SQL);
    on month-end days (the 月报's roster size) and around 29 February it still ends on the same day."""
    hid = add_household(members=None)
    with db.write() as s:
        ids = []
        for i, start in enumerate(LEAP_STARTS):
            m = Member(household_id=hid, name=f"闰{i}", relation="其他", id_number=f"L{i}", sort_order=50 + i)
            s.add(m)
            s.flush()
            s.add(SubsidyFacts(member_id=m.id, on_roster=True, category="原迁人口", start_on=start,
                               account="6228480000000000001", bank="农行"))
            ids.append(m.id)
    ended = 0
    for years in (19, 20, 21):
        county = CountySettings(Decimal(600), years)
        for day in LEAP_DAYS:
            with db.read() as s:
                got = dict(s.execute(select(SubsidyFacts.member_id, reason_at(day, county))
                                     .select_from(SubsidyFacts).join(Member, Member.id == SubsidyFacts.member_id)
                                     .where(SubsidyFacts.member_id.in_(ids))).all())
            for member_id, start in zip(ids, LEAP_STARTS):
                expected = exclusion(PersonFacts(True, start_on=start), day, years)
                assert got[member_id] == expected, (start, day, years)
                ended += expected == ENDED
    assert 0 < ended < len(LEAP_STARTS) * len(LEAP_DAYS) * 3  # the cases straddle the end of the period


def test_last_ended_start_is_the_boundary_of_support_end():
    for years in (0, 1, 19, 20):
        for day in LEAP_DAYS:
            last = last_ended_start(day, years)
            assert support_end(last, years) <= day < support_end(last + dt.timedelta(days=1), years)
