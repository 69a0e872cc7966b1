"""The payment roster of a half and the year's 核定 (SPEC §11), computed by queries: the eligibility rule's
SQL form (exclusion_sql below, the query form of app.rules.subsidy.exclusion) over members, so a town of 400,000 people is never loaded into
Python to decide who is paid. Also the findings' queries (直补-应核减, 直补-无账号) and the roster's size.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from sqlalchemy import Date, and_, case, func, literal, or_, select
from sqlalchemy.orm import Session

from app import vocab
from app.db import Database
from app.models import Household, Member, SubsidyFacts, Village
from app.rules.subsidy import (
    DEAD,
    DEFAULT_YEARS,
    ENDED,
    MOVED,
    NO_START,
    NOT_ON_ROSTER,
    NOT_STARTED,
    REDUCED,
    CountySettings,
    half_start,
    last_ended_start,
    support_end,
)
from app.services.bulk import gc_held, plain_column, plain_rows
from app.services.subsidy import county_settings

NO_VILLAGE = "（未分村）"


def exclusion_sql(*, on_roster, state, reduced_on, start_on, member_status, status_date, day: dt.date,
                  years: int = DEFAULT_YEARS):
    """app.rules.subsidy.exclusion as a SQL CASE over the given columns (NULL when paid), test for test in
    the same order. Dates compare as ISO text in SQLite (dates in PostgreSQL); the end of the period is
    tested as a start on or before rules.subsidy.last_ended_start, so no date function is needed."""
    # Typed as dates: SQLite binds them as the same ISO text; PostgreSQL compares them as dates.
    iso = literal(day, Date())
    ended = literal(last_ended_start(day, int(years)), Date())
    gone = or_(status_date.is_(None), status_date <= iso)
    return case(
        (or_(on_roster.is_(None), on_roster == False), literal(NOT_ON_ROSTER)),  # noqa: E712
        (and_(state == vocab.SUBSIDY_REDUCED, or_(reduced_on.is_(None), reduced_on <= iso)), literal(REDUCED)),
        (and_(member_status == "死亡", gone), literal(DEAD)),
        (and_(member_status == "迁出", gone), literal(MOVED)),
        (start_on.is_(None), literal(NO_START)),
        (iso < start_on, literal(NOT_STARTED)),
        (start_on <= ended, literal(ENDED)),
        else_=None,
    )


def reason_at(day: dt.date, county: CountySettings):
    """The rule's SQL CASE for `day` over SubsidyFacts joined to Member (NULL: paid for that half)."""
    return exclusion_sql(on_roster=SubsidyFacts.on_roster, state=SubsidyFacts.state,
                         reduced_on=SubsidyFacts.reduced_on, start_on=SubsidyFacts.start_on,
                         member_status=Member.status, status_date=Member.status_date, day=day,
                         years=county.years)


def _village():
    return func.coalesce(Village.name, NO_VILLAGE)


def _joined(query):
    return (query.select_from(SubsidyFacts).join(Member, Member.id == SubsidyFacts.member_id)
            .join(Household, Household.id == Member.household_id).outerjoin(Village, Village.id == Household.village_id))


@dataclass
class RosterSummary:
    year: int
    half: int
    people: int = 0
    amount: Decimal = Decimal(0)
    by_village: dict[str, tuple[int, Decimal]] = field(default_factory=dict)
    excluded: dict[str, int] = field(default_factory=dict)

    def as_json(self) -> dict:
        return {"year": self.year, "half": self.half, "people": self.people, "amount": money_json(self.amount),
                "by_village": {v: {"people": n, "amount": money_json(a)} for v, (n, a) in self.by_village.items()},
                "excluded": dict(self.excluded)}


def money_json(value: Decimal):
    """An amount of 元 for JSON: an integer when whole, else a number with 2 decimals."""
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else float(value.quantize(Decimal("0.01")))


def roster_summary_in(s: Session, year: int, half: int) -> RosterSummary:
    county = county_settings(s)
    reason = reason_at(half_start(year, half), county).label("reason")
    # Grouped by the village's id (an integer) and named after: cheaper than grouping 400,000 rows by text.
    rows = s.execute(select(Household.village_id, reason, func.count()).select_from(SubsidyFacts)
                     .join(Member, Member.id == SubsidyFacts.member_id)
                     .join(Household, Household.id == Member.household_id)
                     .where(SubsidyFacts.on_roster == True)  # noqa: E712
                     .group_by(Household.village_id, reason)).all()
    names = dict(s.execute(select(Village.id, Village.name)).all())
    summary = RosterSummary(year, half)
    paid: Counter = Counter()
    excluded: Counter = Counter()
    for village_id, why, count in rows:
        if why is None:
            paid[names.get(village_id, NO_VILLAGE)] += count
        else:
            excluded[why] += count
    for village, count in sorted(paid.items()):
        amount = county.half_amount * count
        summary.by_village[village] = (count, amount)
        summary.people += count
        summary.amount += amount
    summary.excluded = dict(sorted(excluded.items()))
    return summary


def roster_summary(db: Database, year: int, half: int) -> RosterSummary:
    with db.read() as s:
        return roster_summary_in(s, year, half)


class RosterRow(NamedTuple):
    """One person paid for a half (a tuple: 400,000 of them are built for the town's workbook)."""

    member_id: int
    village: str
    group: str
    head: str
    name: str
    id_number: str
    category: str
    account: str
    bank: str
    amount: Decimal


def _roster_query(s: Session, year: int, half: int, village: str | None, search: str):
    county = county_settings(s)
    query = _joined(select(Member.id, _village(), Household.group_name, Household.head_name, Member.name,
                           Member.id_number, SubsidyFacts.category, SubsidyFacts.account, SubsidyFacts.bank))
    query = query.where(SubsidyFacts.on_roster == True, reason_at(half_start(year, half), county).is_(None))  # noqa: E712
    if village is not None:
        query = query.where(_village() == village)
    search = search.strip()
    if search:
        like = f"%{search}%"
        query = query.where(Member.name.like(like) | Member.id_number.like(like) | Household.head_name.like(like))
    return query, county


def roster_rows_in(s: Session, year: int, half: int, *, village: str | None = None, search: str = "",
                   limit: int | None = None) -> list[RosterRow]:
    """Everyone paid for the half (in a village; matching a name or ID), by village, group and archive.

    A filtered or limited list is one joined query. The whole town's list (the workbook) reads the paid
    people and the households' few fields in two plain queries (app.services.bulk) and puts each household's
    people under it in Python: at 400,000 people that is several times faster than SQLite carrying the
    household's text on every row into a sort.
    """
    county = county_settings(s)
    amount = county.half_amount
    if village is not None or search.strip() or limit is not None:
        query, county = _roster_query(s, year, half, village, search)
        query = query.order_by(_village(), Household.group_name, Household.archive_no, Member.sort_order, Member.id)
        if limit is not None:
            query = query.limit(limit)
        return [RosterRow(*row, amount) for row in s.execute(query)]
    reason = reason_at(half_start(year, half), county)
    with gc_held():
        names = dict(plain_rows(s, select(Village.id, Village.name)))
        households = sorted((names.get(vid, NO_VILLAGE), group, archive_no, hid, head) for hid, vid, group, head,
                            archive_no in plain_rows(s, select(Household.id, Household.village_id, Household.group_name,
                                                                Household.head_name, Household.archive_no)))
        # Each household's paid members, in the household's order; then the households in the roster's order.
        by_household: dict[int, list[tuple]] = {}
        for p in plain_rows(s, select(Member.household_id, Member.sort_order, Member.id, Member.name,
                                      Member.id_number, SubsidyFacts.category, SubsidyFacts.account,
                                      SubsidyFacts.bank)
                            .select_from(SubsidyFacts).join(Member, Member.id == SubsidyFacts.member_id)
                            .join(Household, Household.id == Member.household_id)
                            .where(SubsidyFacts.on_roster == True, reason.is_(None))):  # noqa: E712
            members = by_household.get(p[0])
            if members is None:
                by_household[p[0]] = [p]
            else:
                members.append(p)
        new = tuple.__new__  # a RosterRow without the named tuple's Python-level constructor
        out: list[RosterRow] = []
        append = out.append
        for village, group, _archive_no, hid, head in households:
            members = by_household.get(hid)
            if members is None:
                continue
            if len(members) > 1:
                members.sort(key=_in_household)
            for p in members:
                append(new(RosterRow, (p[2], village, group, head, p[3], p[4], p[5], p[6], p[7], amount)))
        return out


def _in_household(p: tuple) -> tuple:
    return p[1], p[2]  # sort_order, member id


def roster_count_in(s: Session, year: int, half: int, *, village: str | None = None, search: str = "") -> int:
    query, _county = _roster_query(s, year, half, village, search)
    return s.scalar(select(func.count()).select_from(query.subquery())) or 0


def due_ids(s: Session, year: int, half: int) -> set[str]:
    """The ID numbers of everyone due for the half (the reconciliation's side of the roster): one query."""
    reason = reason_at(half_start(year, half), county_settings(s))
    with gc_held():
        return set(plain_column(s, select(Member.id_number).select_from(SubsidyFacts)
                                .join(Member, Member.id == SubsidyFacts.member_id)
                                .join(Household, Household.id == Member.household_id)
                                .where(SubsidyFacts.on_roster == True, reason.is_(None),  # noqa: E712
                                       Member.id_number != "")))


def supported_count(s: Session, day: dt.date) -> int:
    """How many people the roster supports on `day` (the 月报's roster size as of a month's end)."""
    county = county_settings(s)
    return s.scalar(_joined(select(func.count())).where(
        SubsidyFacts.on_roster == True, reason_at(day, county).is_(None))) or 0  # noqa: E712


# --- the year's 核定 -------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class ReviewEntry:
    member_id: int
    household_id: int
    village: str
    group: str
    head: str
    name: str
    id_number: str
    reason: str
    date: dt.date | None


@dataclass
class Review:
    year: int
    start: int = 0
    end: int = 0
    removed: list[ReviewEntry] = field(default_factory=list)
    ended: list[ReviewEntry] = field(default_factory=list)
    added: list[ReviewEntry] = field(default_factory=list)
    natural_add: bool = False

    def in_village(self, village: str) -> Review:
        def pick(items):
            return ([e for e in items if e.village == village])
        return Review(self.year, self.start, self.end, pick(self.removed), pick(self.ended), pick(self.added),
                      self.natural_add)


def review_in(s: Session, year: int) -> Review:
    """The year's changes against the previous year: who was supported on 1 January of `year` or joined
    during it, and is no longer on 1 January of the next (removed with reason and date, or period ended)."""
    county = county_settings(s)
    d0, d1, d2 = dt.date(year, 1, 1), dt.date(year, 7, 1), dt.date(year + 1, 1, 1)
    e0, e1, e2 = (reason_at(d, county).label(f"e{i}") for i, d in enumerate((d0, d1, d2)))
    query = _joined(select(Member.id, Household.id, _village(), Household.group_name, Household.head_name,
                           Member.name, Member.id_number, SubsidyFacts.state, SubsidyFacts.reduced_on,
                           SubsidyFacts.reduced_reason, SubsidyFacts.start_on, Member.status, Member.status_date,
                           e0, e1, e2))
    review = Review(year, natural_add=county.natural_add)
    query = query.order_by(_village(), Household.group_name, Household.archive_no, Member.sort_order)
    for (mid, hid, village, group, head, name, idn, state, reduced_on, reduced_reason, start_on, status,
         status_date, r0, r1, r2) in s.execute(query):
        if r0 is None:
            review.start += 1
        if r2 is None:
            review.end += 1
        in_year = r0 is None or r1 is None
        if r0 is not None and (r1 is None or r2 is None):
            review.added.append(ReviewEntry(mid, hid, village, group, head, name, idn, "新纳入", start_on))
        if not in_year or r2 is None:
            continue
        if r2 == ENDED:
            review.ended.append(ReviewEntry(mid, hid, village, group, head, name, idn, "扶持期满",
                                            support_end(start_on, county.years) if start_on else None))
        elif r2 == REDUCED:
            review.removed.append(ReviewEntry(mid, hid, village, group, head, name, idn,
                                              reduced_reason or "核减", reduced_on))
        elif r2 in (DEAD, MOVED):
            review.removed.append(ReviewEntry(mid, hid, village, group, head, name, idn,
                                              f"{status}（档案记载，尚未核减）", status_date))
        else:
            review.removed.append(ReviewEntry(mid, hid, village, group, head, name, idn, r2, None))
    return review


def review(db: Database, year: int) -> Review:
    with db.read() as s:
        return review_in(s, year)


def year_roster_in(s: Session, year: int, *, village: str | None = None) -> list[tuple[RosterRow, Decimal]]:
    """The year's 公示 roster: everyone paid for at least one half of `year`, with the year's amount."""
    first = {r.member_id: r for r in roster_rows_in(s, year, 1, village=village)}
    second = {r.member_id: r for r in roster_rows_in(s, year, 2, village=village)}
    county = county_settings(s)
    out = []
    seen = set()
    for row in list(first.values()) + list(second.values()):
        if row.member_id in seen:
            continue
        seen.add(row.member_id)
        halves = (row.member_id in first) + (row.member_id in second)
        out.append((row, county.half_amount * halves))
    out.sort(key=lambda item: (item[0].village, item[0].group, item[0].head, item[0].member_id))
    return out


# --- the findings' queries -------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class FindingRow:
    member_id: int
    household_id: int
    archive_no: str
    name: str
    id_number: str
    status: str
    status_date: dt.date | None
    start_on: dt.date | None = None  # 纳入扶持时间 (read for 直补-无账号)


def should_reduce_in(s: Session, as_of: dt.date) -> list[FindingRow]:
    """直补-应核减: on the roster, not 核减, but the archive shows 死亡 or 迁出 on or before `as_of`."""
    query = (select(Member.id, Household.id, Household.archive_no, Member.name, Member.id_number, Member.status,
                    Member.status_date)
             .select_from(SubsidyFacts).join(Member, Member.id == SubsidyFacts.member_id)
             .join(Household, Household.id == Member.household_id)
             .where(SubsidyFacts.on_roster == True, SubsidyFacts.state == vocab.SUBSIDY_ON,  # noqa: E712
                    Member.status.in_(("死亡", "迁出")),
                    (Member.status_date.is_(None)) | (Member.status_date <= as_of))
             .order_by(Household.archive_no, Member.sort_order))
    return [FindingRow(*r) for r in s.execute(query)]


def without_account_in(s: Session, as_of: dt.date) -> list[FindingRow]:
    """直补-无账号: on the roster, still supported (or about to be) on `as_of`, with no 一卡通账号."""
    county = county_settings(s)
    reason = reason_at(as_of, county)
    query = (select(Member.id, Household.id, Household.archive_no, Member.name, Member.id_number, Member.status,
                    Member.status_date, SubsidyFacts.start_on)
             .select_from(SubsidyFacts).join(Member, Member.id == SubsidyFacts.member_id)
             .join(Household, Household.id == Member.household_id)
             .where(SubsidyFacts.on_roster == True, SubsidyFacts.account == "",  # noqa: E712
                    and_(reason.is_(None) | (reason == "未到扶持时间")))
             .order_by(Household.archive_no, Member.sort_order))
    return [FindingRow(*r) for r in s.execute(query)]
