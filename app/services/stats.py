"""The headline counts of SPEC §7 `stats`, shared by the command line, the dashboard and the reports."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import and_, case, exists, func, select
from sqlalchemy.orm import Session

from app import vocab
from app.db import Database
from app.ledgers.conditions import people_on_register, problem_open, problem_overdue
from app.models import (
    Activity,
    Cadre,
    Household,
    HouseholdAssignment,
    Member,
    PointAssignment,
    Problem,
    SettlementPoint,
    Town,
    Village,
    Visit,
)
from app.rules import coverage as coverage_rule
from app.services.county import town_counts
from app.services.town_scope import town_read

ACTIVE_HOUSEHOLD = Household.status == vocab.HOUSEHOLD_ACTIVE
KEY_MASK = vocab.SANTE_MASK | vocab.SANWU_MASK


def month_bounds(month: str) -> tuple[dt.date, dt.date]:
    """First day of the month and first day of the next, for 'YYYY-MM'."""
    year, mon = (int(p) for p in month.split("-"))
    start = dt.date(year, mon, 1)
    end = dt.date(year + (mon == 12), mon % 12 + 1, 1)
    return start, end


def parse_month(text: str) -> str:
    """Validate 'YYYY-MM' and return it normalised; ValueError with a Chinese message otherwise."""
    try:
        year, mon = text.strip().split("-")
        value = dt.date(int(year), int(mon), 1)
    except (ValueError, AttributeError):
        raise ValueError(f"月份格式不对：{text}，应为 年-月，例如 2026-05") from None
    return f"{value.year:04d}-{value.month:02d}"


def is_key(column=Household.key_flags):
    return column.op("&")(KEY_MASK) != 0


def current_assignment():
    return and_(HouseholdAssignment.household_id == Household.id, HouseholdAssignment.end_date.is_(None))


def key_uncovered():
    """Condition on Household: a key household 在册 (三特户 or 三无户) without a current one-to-one cadre."""
    return and_(ACTIVE_HOUSEHOLD, is_key(), ~exists().where(current_assignment()))


def key_double_covered(s: Session) -> list[int]:
    """Key households 在册 with more than one current one-to-one cadre (the partial unique index forbids it;
    checked anyway, so that a file damaged outside the program still shows it)."""
    rows = s.scalars(select(HouseholdAssignment.household_id)
                     .join(Household, Household.id == HouseholdAssignment.household_id)
                     .where(HouseholdAssignment.end_date.is_(None), ACTIVE_HOUSEHOLD, is_key())
                     .group_by(HouseholdAssignment.household_id).having(func.count() > 1))
    return list(rows)


def point_sizes(s: Session) -> dict[int, int]:
    rows = s.execute(select(Household.settlement_point_id, func.count())
                     .where(ACTIVE_HOUSEHOLD, Household.settlement_point_id.is_not(None))
                     .group_by(Household.settlement_point_id))
    return dict(rows.all())


def big_points(s: Session, sizes: dict[int, int] | None = None) -> list[int]:
    """Ids of 集中 settlement points with at least 50 households 在册 (`sizes`: point_sizes, when read already)."""
    sizes = point_sizes(s) if sizes is None else sizes
    kinds = dict(s.execute(select(SettlementPoint.id, SettlementPoint.kind)).all())
    return [pid for pid, n in sizes.items() if coverage_rule.is_big_point(kinds.get(pid, ""), n)]


def point_holders(s: Session, as_of: dt.date | None = None) -> dict[int, list[tuple[str, str]]]:
    """Each point's 包保 cadres as (rank, role): current ones, or those in force on as_of."""
    holders: dict[int, list[tuple[str, str]]] = {}
    when = (PointAssignment.end_date.is_(None) if as_of is None else
            and_(PointAssignment.start_date <= as_of,
                 (PointAssignment.end_date.is_(None)) | (PointAssignment.end_date > as_of)))
    for pid, rank, role in s.execute(select(PointAssignment.settlement_point_id, Cadre.rank, PointAssignment.role)
                                     .join(Cadre, Cadre.id == PointAssignment.cadre_id).where(when)):
        holders.setdefault(pid, []).append((rank, role))
    return holders


def uncovered_points(s: Session, as_of: dt.date | None = None, sizes: dict[int, int] | None = None) -> list[int]:
    """Points with households 在册 whose 包保 (current, or in force on as_of) breaks §4.3
    (app.rules.coverage), any size (`sizes`: point_sizes, when read already)."""
    sizes = point_sizes(s) if sizes is None else sizes
    kinds = dict(s.execute(select(SettlementPoint.id, SettlementPoint.kind)).all())
    holders = point_holders(s, as_of)
    return [pid for pid, n in sizes.items()
            if n and not coverage_rule.point_covered(kinds.get(pid, ""), n, holders.get(pid, ()))]


def point_breakdown(s: Session) -> dict[int, tuple[int, int]]:
    """Households and people 在册 per settlement point: {point id: (households, members)}."""
    rows = s.execute(select(Household.settlement_point_id, func.count(),
                            func.coalesce(func.sum(Household.member_count), 0))
                     .where(ACTIVE_HOUSEHOLD, Household.settlement_point_id.is_not(None))
                     .group_by(Household.settlement_point_id))
    return {pid: (n, int(people)) for pid, n, people in rows}


def archive_state_counts(s: Session) -> dict[int, int]:
    """Households 在册 per archive state (vocab.ARCHIVE_COMPLETE / INCOMPLETE / INCONSISTENT)."""
    counts = {state: 0 for state in vocab.ARCHIVE_STATE_LABELS}
    for state, n in s.execute(select(Household.archive_state, func.count()).where(ACTIVE_HOUSEHOLD)
                              .group_by(Household.archive_state)):
        counts[state] = n
    return counts


def visits_due():
    """(household id, cadre id) of every household 在册 under a current one-to-one 包保: due a visit each month."""
    return (select(HouseholdAssignment.household_id, HouseholdAssignment.cadre_id)
            .join(Household, Household.id == HouseholdAssignment.household_id)
            .where(HouseholdAssignment.end_date.is_(None), ACTIVE_HOUSEHOLD))


def visited_by_cadre(start: dt.date, end: dt.date):
    """Condition (with HouseholdAssignment in scope): its cadre visited its household in [start, end)."""
    return exists().where(Visit.household_id == HouseholdAssignment.household_id,
                          Visit.cadre_id == HouseholdAssignment.cadre_id,
                          Visit.date >= start, Visit.date < end)


def visit_status(s: Session, month: str) -> dict[int, tuple[int, bool]]:
    """For each household due a visit: (its cadre id, visited by that cadre in the month). The same
    definition as `visit_count`, for the lists behind its figures."""
    start, end = month_bounds(month)
    due = visits_due().add_columns(visited_by_cadre(start, end))
    return {hid: (cid, bool(done)) for hid, cid, done in s.execute(due)}


FUSION_ACTIVITY = "居民融合共建活动"


def fusion_activities(s: Session, year: int) -> dict[int, tuple[int, dt.date]]:
    """融合共建 activities per settlement point in a calendar year: {point id: (count, last date)}
    (SPEC §4.4: each point holds at least one a year)."""
    rows = s.execute(select(Activity.settlement_point_id, func.count(), func.max(Activity.date))
                     .where(Activity.kind == FUSION_ACTIVITY, Activity.settlement_point_id.is_not(None),
                            Activity.date >= dt.date(year, 1, 1), Activity.date < dt.date(year + 1, 1, 1))
                     .group_by(Activity.settlement_point_id))
    return {pid: (n, last) for pid, n, last in rows}


@dataclass(frozen=True, slots=True)
class VisitCount:
    month: str
    due: int
    done: int


def visit_tally(s: Session, month: str, by=None) -> dict:
    """visit_count's (due, done) grouped by `by` (a column of Household, e.g. its town_id): {key: (due, done)};
    without `by`, {None: (due, done)}. One pass over the households due."""
    start, end = month_bounds(month)
    due = visits_due().add_columns(case((visited_by_cadre(start, end), 1), else_=0).label("done"))
    if by is not None:
        due = due.add_columns(by.label("key"))
    rows = due.subquery()
    tally = (func.count(), func.coalesce(func.sum(rows.c.done), 0))
    if by is None:
        n, done = s.execute(select(*tally)).one()
        return {None: (n, int(done or 0))} if n else {}
    return {k: (n, int(done or 0)) for k, n, done in s.execute(select(rows.c.key, *tally).group_by(rows.c.key))}


def visit_count(s: Session, month: str) -> VisitCount:
    """Households under one-to-one 包保 (due) and those visited by their cadre in the month (done)."""
    due, done = visit_tally(s, month).get(None, (0, 0))
    return VisitCount(month, due, done)


def key_group_counts(flag_counts: dict[int, int]) -> tuple[dict[str, int], int]:
    """From households counted by key_flags: each key group's households (every tag, 三特户, 三无户) and the
    number of key households."""
    key_groups = {tag: 0 for tag in vocab.KEY_TAGS}
    key_groups[vocab.GROUP_SANTE] = 0
    key_groups[vocab.GROUP_SANWU] = 0
    for flags, n in flag_counts.items():
        for tag, bit in vocab.TAG_BITS.items():
            if flags & bit:
                key_groups[tag] += n
        if flags & vocab.SANTE_MASK:
            key_groups[vocab.GROUP_SANTE] += n
        if flags & vocab.SANWU_MASK:
            key_groups[vocab.GROUP_SANWU] += n
    return key_groups, sum(n for flags, n in flag_counts.items() if flags & KEY_MASK)


NO_VILLAGE = "（未填村）"  # members of households with no village (as app.services.asof names them)
NO_LABOUR = "未填"  # a member 在册 whose labour capacity is not recorded


def labour_force(counts: Iterable[tuple[str, str | None, int]], villages: Iterable[str]) -> dict[str, dict]:
    """SPEC §4.7 "labour force by village" from (village, labour capacity, members 在册) counts: per village
    {"labour_force": members who are 普通/技能/弱/半劳动力, "by_labour": {capacity: n}}. Every village is
    listed; 未填 appears only when some member's capacity is blank."""
    out = {v: {"labour_force": 0, "by_labour": dict.fromkeys(vocab.LABOUR, 0)} for v in villages}
    for village, labour, n in counts:
        row = out.setdefault(village, {"labour_force": 0, "by_labour": dict.fromkeys(vocab.LABOUR, 0)})
        kind = labour or NO_LABOUR
        row["by_labour"][kind] = row["by_labour"].get(kind, 0) + n
        if kind in vocab.LABOUR_ABLE:
            row["labour_force"] += n
    return dict(sorted(out.items()))


# The keys of the stats object that break the members down (就业情况, 党员, 劳动力 by village): the one
# aggregate over every member that costs most of the object at county size; 首页 shows none of them.
PEOPLE_DETAIL = ("employment", "party_members", "labour_force")


def stats(db: Database, month: str | None = None, today: dt.date | None = None,
          town_id: int | None = None, *, people_detail: bool = True) -> dict:
    """The SPEC §7 stats object: counts of households and members 在册, key groups, 包保, visits, problems,
    members by 就业情况 and party members (from the members themselves); of one town of a county database when
    town_id is given, and with "towns" in a county database. Without people_detail the PEOPLE_DETAIL keys
    are left out and the members are only counted (the same members)."""
    today = today or dt.date.today()
    month = month or f"{today.year:04d}-{today.month:02d}"
    with town_read(db, town_id) as s:
        households = s.scalar(select(func.count()).select_from(Household).where(ACTIVE_HOUSEHOLD)) or 0
        # One pass over the members 在册: how many, by 就业情况 and (per village) by labour capacity, and how
        # many are party members.
        employment = {kind: 0 for kind in vocab.EMPLOYMENT}
        members = party_members = 0
        by_labour: dict[tuple[int | None, str | None], int] = {}
        counted = select(func.count()).select_from(Member).join(Household, Household.id == Member.household_id) \
            .where(people_on_register())
        if not people_detail:
            members = s.scalar(counted) or 0
        else:
            for n, vid, labour, kind, party in s.execute(
                    counted.add_columns(Household.village_id, Member.labour, Member.employment,
                                        func.sum(func.iif(Member.party_member, 1, 0)))
                    .group_by(Household.village_id, Member.labour, Member.employment)):
                employment[kind or "未填"] = employment.get(kind or "未填", 0) + n
                members += n
                party_members += int(party or 0)
                by_labour[(vid, labour)] = by_labour.get((vid, labour), 0) + n

        villages: dict[str, dict[str, int]] = {
            name: {"households": 0, "members": 0} for name in s.scalars(select(Village.name).order_by(Village.name))
        }
        for name, n, people in s.execute(
            select(Village.name, func.count(), func.coalesce(func.sum(Household.member_count), 0))
            .join(Household, Household.village_id == Village.id).where(ACTIVE_HOUSEHOLD).group_by(Village.name)
        ):
            villages[name] = {"households": n, "members": int(people)}
        names = dict(s.execute(select(Village.id, Village.name)).all())
        labour = labour_force(((names.get(vid, NO_VILLAGE) if vid is not None else NO_VILLAGE, lab, n)
                               for (vid, lab), n in by_labour.items()), villages)

        flag_counts = dict(s.execute(select(Household.key_flags, func.count()).where(ACTIVE_HOUSEHOLD)
                                     .group_by(Household.key_flags)).all())
        key_groups, key_households = key_group_counts(flag_counts)
        uncovered = s.scalar(select(func.count()).select_from(Household).where(key_uncovered())) or 0

        sizes = point_sizes(s)
        big = big_points(s, sizes)
        failing = set(uncovered_points(s, sizes=sizes))
        visits = visit_count(s, month)
        problems_open = s.scalar(select(func.count()).select_from(Problem).where(problem_open())) or 0
        overdue = s.scalar(select(func.count()).select_from(Problem).where(problem_overdue(today))) or 0
        towns = by_town(s, town_id) if db.county else None

    result = {
        "households": households,
        "members": members,
        "villages": villages,
        "key_groups": key_groups,
        "baobao": {
            "key_households": key_households,
            "key_households_uncovered": uncovered,
            "points_50plus": len(big),
            "points_50plus_without_town_leader": len([p for p in big if p in failing]),
        },
        "visits": {"month": visits.month, "due": visits.due, "done": visits.done},
        "problems": {"open": problems_open, "overdue": overdue},
        "employment": employment,
        "party_members": party_members,
        "labour_force": labour,
    }
    if not people_detail:
        for key in PEOPLE_DETAIL:
            del result[key]
    if towns is not None:
        result["towns"] = towns
    return result


def by_town(s: Session, only: int | None = None) -> dict[str, dict[str, int]]:
    """town name -> {"households", "members"} 在册 (SPEC §7 `stats --json` in a county database)."""
    counts = town_counts(s)
    return {name: dict(zip(("households", "members"), counts.get(tid, (0, 0))))
            for tid, name in s.execute(select(Town.id, Town.name).order_by(Town.name)) if only in (None, tid)}
