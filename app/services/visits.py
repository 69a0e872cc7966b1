"""走访 (SPEC §4.4): record a visit, with the problem it raised in the same transaction; the monthly matrix of
households under one-to-one 包保 × months, who is behind this month; each cadre's visits.

"Due" and "done" are the definitions of `app.services.stats` (the dashboard's and `stats --json`'s): a
household 在册 under a current one-to-one 包保 is due every month, and done when its cadre visited it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import and_, func, select

from app import vocab
from app.db import Database
from app.ledgers import PROBLEMS, VISITS, LedgerError, LedgerRefused, engine
from app.models import Cadre, Household, HouseholdAssignment, SettlementPoint, Unit, Village, Visit
from app.rules import flags_to_tags
from app.services import stats

PROBLEM_PREFIX = "problem."


def month_of(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


@dataclass(frozen=True, slots=True)
class VisitSaved:
    """What recording a visit changed: the visit and, when one was raised, the problem."""

    visit_id: int
    problem_id: int | None = None


def new_visit(db: Database, *, household_id: int | None = None, cadre_id: int | None = None,
              today: dt.date | None = None) -> engine.LedgerRecord:
    """A blank visit for the form; for a household, its current 包保 cadre is proposed."""
    today = today or dt.date.today()
    record = engine.new_record(VISITS, today=today)
    with db.read() as s:
        if household_id is not None:
            record.values["household_id"] = household_id
            if cadre_id is None:
                cadre_id = s.scalar(select(HouseholdAssignment.cadre_id).where(
                    HouseholdAssignment.household_id == household_id, HouseholdAssignment.end_date.is_(None)))
        if cadre_id is not None:
            record.values["cadre_id"] = cadre_id
        record.labels = engine.record_labels(s, VISITS, record.values)
    return record


def record_visit(db: Database, raw: dict, problem: dict | None = None, *, visit_id: int | None = None,
                 today: dt.date | None = None) -> VisitSaved:
    """Save a visit and, when `problem` is given, register the problem it raised (source 走访, the visit's
    household and date) — both in one transaction. Errors about the problem carry field keys prefixed
    with "problem."."""
    today = today or dt.date.today()
    with db.write() as s:
        saved = engine.write(s, VISITS, visit_id, raw, today=today)
        if problem is None:
            return VisitSaved(saved.id)
        visit = s.get(Visit, saved.id)
        praw = dict(problem)
        praw.update(source="走访", visit_id=visit.id, household_id=visit.household_id,
                    found_date=praw.get("found_date") or visit.date)
        praw.setdefault("description", visit.findings)
        try:
            psaved = engine.write(s, PROBLEMS, None, praw, today=today)
        except LedgerRefused as exc:
            raise LedgerRefused([LedgerError(PROBLEM_PREFIX + e.field, "问题：" + e.message)
                                 for e in exc.errors]) from None
        return VisitSaved(saved.id, psaved.id)


# ------------------------------------------------------------------------------------------ the matrix


@dataclass
class MatrixRow:
    household_id: int
    archive_no: str
    head_name: str
    village: str
    point: str
    tags: str
    cadre_id: int
    cadre: str
    counts: list[int | None]  # visits per month 1..12 by the household's 包保 cadre; None for months ahead
    behind: bool  # not yet visited by its current cadre in the reference month


@dataclass
class Matrix:
    year: int
    month: str  # the reference month: this month when looking at this year, else December
    rows: list[MatrixRow] = field(default_factory=list)

    @property
    def due(self) -> int:
        return len(self.rows)

    @property
    def done(self) -> int:
        return sum(not r.behind for r in self.rows)


def matrix(db: Database, year: int, *, today: dt.date | None = None, village_id: int | None = None,
           cadre_id: int | None = None) -> Matrix:
    """Every household 在册 under a current one-to-one 包保 × the months of `year`: how many visits its
    包保 cadre of the time made each month, and whether it is behind in the reference month."""
    today = today or dt.date.today()
    ref_month = month_of(today) if year == today.year else f"{year:04d}-12"
    last_month = today.month if year == today.year else (12 if year < today.year else 0)
    with db.read() as s:
        due = stats.visits_due()
        if village_id is not None:
            due = due.where(Household.village_id == village_id)
        if cadre_id is not None:
            due = due.where(HouseholdAssignment.cadre_id == cadre_id)
        status = {hid: ok for hid, (_cid, ok) in stats.visit_status(s, ref_month).items()}
        due_sq = due.subquery()
        rows = s.execute(
            select(Household.id, Household.archive_no, Household.head_name, Village.name, SettlementPoint.name,
                   Household.key_flags, Cadre.id, Cadre.name)
            .join(due_sq, due_sq.c.household_id == Household.id)
            .join(Cadre, Cadre.id == due_sq.c.cadre_id)
            .outerjoin(Village, Village.id == Household.village_id)
            .outerjoin(SettlementPoint, SettlementPoint.id == Household.settlement_point_id)
            .order_by(Village.name, Household.archive_no)).all()
        # Each household's assignment periods (ended ones too), to credit a visit to the cadre of the time.
        periods: dict[int, list[tuple[dt.date, dt.date | None, int]]] = defaultdict(list)
        for hid, cid, start, end in s.execute(
                select(HouseholdAssignment.household_id, HouseholdAssignment.cadre_id,
                       HouseholdAssignment.start_date, HouseholdAssignment.end_date)
                .join(due_sq, due_sq.c.household_id == HouseholdAssignment.household_id)):
            periods[hid].append((start, end, cid))
        counts: dict[int, list[int]] = defaultdict(lambda: [0] * 12)
        first, after = dt.date(year, 1, 1), dt.date(year + 1, 1, 1)
        for hid, cid, day in s.execute(
                select(Visit.household_id, Visit.cadre_id, Visit.date)
                .join(due_sq, due_sq.c.household_id == Visit.household_id)
                .where(Visit.date >= first, Visit.date < after)):
            if any(c == cid and start <= day and (end is None or day <= end) for start, end, c in periods[hid]) \
                    or (cid is not None and cid == _current(periods[hid])):
                counts[hid][day.month - 1] += 1
    out = Matrix(year, ref_month)
    for hid, no, head, village, point, flags, cid, cname in rows:
        months = counts.get(hid, [0] * 12)
        cells: list[int | None] = [months[m] if m < last_month else None for m in range(12)]
        out.rows.append(MatrixRow(hid, no, head, village or "", point or "", "、".join(flags_to_tags(flags)),
                                  cid, cname, cells, not status.get(hid, False)))
    return out


def _current(periods: list[tuple[dt.date, dt.date | None, int]]) -> int | None:
    return next((c for _s, end, c in periods if end is None), None)


# ------------------------------------------------------------------------------------------ per cadre


@dataclass(frozen=True, slots=True)
class CadreVisits:
    cadre_id: int
    name: str
    rank: str
    unit: str
    households: int  # under one-to-one 包保, due this month
    visited: int  # of them, visited by this cadre this month
    visits: int  # every visit this cadre recorded this month

    @property
    def behind(self) -> int:
        return self.households - self.visited


def by_cadre(db: Database, month: str) -> list[CadreVisits]:
    """Each active cadre (and any inactive one still holding households) with the month's visits."""
    start, end = stats.month_bounds(month)
    with db.read() as s:
        due: dict[int, list[bool]] = defaultdict(list)
        for _hid, (cid, ok) in stats.visit_status(s, month).items():
            due[cid].append(ok)
        made = dict(s.execute(select(Visit.cadre_id, func.count()).where(Visit.date >= start, Visit.date < end)
                              .group_by(Visit.cadre_id)).all())
        rows = s.execute(select(Cadre.id, Cadre.name, Cadre.rank, Unit.name, Cadre.active)
                         .outerjoin(Unit, Unit.id == Cadre.unit_id).order_by(Cadre.sort_order, Cadre.name))
        out = []
        for cid, name, rank, unit, active in rows:
            if not active and cid not in due:
                continue
            flags = due.get(cid, [])
            out.append(CadreVisits(cid, name, rank, unit or "", len(flags), sum(flags), made.get(cid, 0)))
    return out


@dataclass(frozen=True, slots=True)
class CadreHousehold:
    household_id: int
    label: str
    village: str
    tags: str
    last_visit: dt.date | None
    visited: bool


def cadre_households(db: Database, cadre_id: int, month: str) -> list[CadreHousehold]:
    """The households a cadre holds one-to-one, with the last visit and whether visited in the month."""
    with db.read() as s:
        status = stats.visit_status(s, month)
        last = (select(Visit.household_id, func.max(Visit.date).label("last"))
                .where(Visit.cadre_id == cadre_id).group_by(Visit.household_id).subquery())
        rows = s.execute(
            select(Household.id, Household.head_name, Household.archive_no, Village.name, Household.key_flags,
                   last.c.last)
            .join(HouseholdAssignment, and_(HouseholdAssignment.household_id == Household.id,
                                            HouseholdAssignment.end_date.is_(None)))
            .outerjoin(Village, Village.id == Household.village_id)
            .outerjoin(last, last.c.household_id == Household.id)
            .where(HouseholdAssignment.cadre_id == cadre_id, Household.status == vocab.HOUSEHOLD_ACTIVE)
            .order_by(Village.name, Household.archive_no))
        return [CadreHousehold(hid, engine.household_label(head, no), village or "", "、".join(flags_to_tags(f)),
                               last_day, status.get(hid, (None, False))[1])
                for hid, head, no, village, f, last_day in rows]


def current_cadre(db: Database, household_id: int) -> int | None:
    """The household's current one-to-one 包保 cadre, if any (proposed as the visiting cadre)."""
    with db.read() as s:
        return s.scalar(select(HouseholdAssignment.cadre_id).where(
            HouseholdAssignment.household_id == household_id, HouseholdAssignment.end_date.is_(None)))


def years_with_visits(db: Database, today: dt.date | None = None) -> list[int]:
    """The years the matrix can show: from the first visit (or this year) to this year, newest first."""
    today = today or dt.date.today()
    with db.read() as s:
        first = s.scalar(select(func.min(Visit.date)))
    start = min(first.year if first else today.year, today.year)
    return list(range(today.year, start - 1, -1))


@dataclass(frozen=True, slots=True)
class PointActivity:
    point_id: int
    name: str
    village: str
    households: int
    activities: int  # 融合共建 activities this year
    last: dt.date | None

    @property
    def behind(self) -> bool:
        return self.activities == 0


def fusion_status(db: Database, year: int) -> list[PointActivity]:
    """Each settlement point with households 在册 and its 融合共建 activities in `year` (none = behind)."""
    with db.read() as s:
        sizes = stats.point_sizes(s)
        done = stats.fusion_activities(s, year)
        rows = s.execute(select(SettlementPoint.id, SettlementPoint.name, Village.name)
                         .join(Village).order_by(Village.name, SettlementPoint.name))
        out = [PointActivity(pid, name, village, sizes[pid], *done.get(pid, (0, None)))
               for pid, name, village in rows if sizes.get(pid)]
    return sorted(out, key=lambda p: (not p.behind, p.village, p.name))
