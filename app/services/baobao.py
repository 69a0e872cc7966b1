"""包保 (SPEC §4.3): cadres over settlement points, one cadre one-to-one over a household, departments over
households by reason (分类包保); the rules checked on demand, the list of what breaks them, each cadre's load.

Assignments are never deleted: ending one sets its end date, and reassigning ends the old assignment on the
day the new one starts, so each household's history of cadres stays readable. Every user action is one
transaction. The counts use `app.services.stats` so that the screen, the dashboard and `stats` agree.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import and_, func, select

from app import vocab
from app.db import Database
from app.errors import FieldProblem, Refused
from app.ledgers.engine import household_label
from app.models import (
    Cadre,
    Household,
    HouseholdAssignment,
    PointAssignment,
    SettlementPoint,
    Unit,
    UnitAssignment,
    Village,
)
from app.rules import coverage as coverage_rule
from app.rules import flags_to_tags
from app.services import stats

TOWN_LEADER = coverage_rule.TOWN_LEADER
LINK_LEADER = coverage_rule.LINK_LEADER
POINT_ROLES = coverage_rule.POINT_ROLES

COVERAGE_ALL, COVERAGE_UNCOVERED, COVERAGE_COVERED = "全部", "未落实包保", "已落实包保"
COVERAGE_FILTERS: tuple[str, ...] = (COVERAGE_UNCOVERED, COVERAGE_COVERED)


def _refuse(field_name: str, message: str) -> Refused:
    return Refused([FieldProblem(field_name, message)])


def _check_day(day: dt.date | None, label: str, today: dt.date) -> dt.date:
    if day is None:
        raise _refuse("date", f"请填写“{label}”")
    if day > today:
        raise _refuse("date", f"“{label}”不能晚于今天（{today.isoformat()}）")
    return day


def _active_cadre(s, cadre_id: int | None) -> Cadre:
    cadre = s.get(Cadre, cadre_id) if cadre_id is not None else None
    if cadre is None:
        raise _refuse("cadre", "请选择“包保干部”")
    if not cadre.active:
        raise _refuse("cadre", f"干部{cadre.name}已停用，不能再安排包保")
    return cadre


# ------------------------------------------------------------------------------------------ the rules


@dataclass(frozen=True, slots=True)
class PointCoverage:
    """A settlement point, who holds it, and whether that satisfies §4.3."""

    point_id: int
    name: str
    village: str
    kind: str
    households: int
    leaders: str  # current cadres: 姓名（职级·牵头）
    required: str  # the rank it needs at least
    ok: bool

    @property
    def problem(self) -> str:
        return "" if self.ok else coverage_rule.shortfall(self.kind, self.households)


def point_coverage(db: Database) -> list[PointCoverage]:
    """Every settlement point with households 在册, with its current 包保 cadres and the §4.3 verdict
    (app.rules.coverage: a ≥50 集中 point needs a 镇级主要领导 who leads it)."""
    with db.read() as s:
        sizes = stats.point_sizes(s)
        held = stats.point_holders(s)
        holders: dict[int, list[str]] = defaultdict(list)
        for pid, name, rank, role in s.execute(
                select(PointAssignment.settlement_point_id, Cadre.name, Cadre.rank, PointAssignment.role)
                .join(Cadre, Cadre.id == PointAssignment.cadre_id)
                .where(PointAssignment.end_date.is_(None))
                .order_by(PointAssignment.role.desc(), Cadre.sort_order)):
            holders[pid].append(f"{name}（{rank}·{role}）")
        out = []
        for pid, name, village, kind in s.execute(
                select(SettlementPoint.id, SettlementPoint.name, Village.name, SettlementPoint.kind)
                .join(Village).order_by(Village.name, SettlementPoint.name)):
            n = sizes.get(pid, 0)
            if n == 0:
                continue
            ok = coverage_rule.point_covered(kind, n, held.get(pid, ()))
            out.append(PointCoverage(pid, name, village, kind, n, "、".join(holders.get(pid, [])),
                                     coverage_rule.required_rank(kind, n), ok))
    return out


@dataclass(frozen=True, slots=True)
class KeyHousehold:
    household_id: int
    label: str
    village: str
    point: str
    tags: str


def _key_households(s, condition) -> list[KeyHousehold]:
    rows = s.execute(select(Household.id, Household.head_name, Household.archive_no, Village.name,
                            SettlementPoint.name, Household.key_flags)
                     .outerjoin(Village, Village.id == Household.village_id)
                     .outerjoin(SettlementPoint, SettlementPoint.id == Household.settlement_point_id)
                     .where(condition).order_by(Village.name, Household.archive_no))
    return [KeyHousehold(i, household_label(head, no), v or "", p or "", "、".join(flags_to_tags(f)))
            for i, head, no, v, p, f in rows]


@dataclass
class Coverage:
    """What breaks §4.3 right now, and the figures the dashboard shows."""

    key_households: int
    uncovered: list[KeyHousehold] = field(default_factory=list)
    double: list[KeyHousehold] = field(default_factory=list)
    points: list[PointCoverage] = field(default_factory=list)  # every point with households

    @property
    def failing_points(self) -> list[PointCoverage]:
        return [p for p in self.points if not p.ok]

    @property
    def big_points(self) -> list[PointCoverage]:
        return [p for p in self.points if p.required == TOWN_LEADER]

    @property
    def breaches(self) -> int:
        return len(self.uncovered) + len(self.double) + len(self.failing_points)


def coverage(db: Database) -> Coverage:
    """Key households without a one-to-one cadre (or, against the rule, with two) and points lacking the
    leader §4.3 asks for."""
    points = point_coverage(db)
    with db.read() as s:
        key = s.scalar(select(func.count()).select_from(Household).where(stats.ACTIVE_HOUSEHOLD, stats.is_key())) or 0
        uncovered = _key_households(s, stats.key_uncovered())
        double_ids = stats.key_double_covered(s)
        double = _key_households(s, Household.id.in_(double_ids)) if double_ids else []
    return Coverage(key, uncovered, double, points)


# ------------------------------------------------------------------------------------------ one-to-one


@dataclass
class HouseholdQuery:
    text: str = ""
    village_id: int | None = None
    point_id: int | None = None
    key_group: str | None = "重点户"  # households.KEY_GROUP_FILTERS value, or None for every household
    coverage: str | None = None  # COVERAGE_UNCOVERED / COVERAGE_COVERED
    cadre_id: int | None = None


@dataclass(frozen=True, slots=True)
class HouseholdBaobao:
    household_id: int
    archive_no: str
    head_name: str
    village: str
    point: str
    tags: str
    cadre: str
    since: dt.date | None
    units: str  # 分类包保: 单位（原因）


def query_households(db: Database, q: HouseholdQuery) -> list[int]:
    """Ids of households 在册 matching q (archive order); the household list's own filters, plus 包保."""
    from app.services import households as hs

    ids = hs.query_ids(db, hs.HouseholdQuery(text=q.text, village_id=q.village_id, point_id=q.point_id,
                                              key_group=q.key_group))
    if q.coverage is None and q.cadre_id is None:
        return ids
    with db.read() as s:
        stmt = select(HouseholdAssignment.household_id).where(HouseholdAssignment.end_date.is_(None))
        if q.cadre_id is not None:
            stmt = stmt.where(HouseholdAssignment.cadre_id == q.cadre_id)
        covered = set(s.scalars(stmt))
    if q.coverage == COVERAGE_UNCOVERED and q.cadre_id is None:
        return [i for i in ids if i not in covered]
    return [i for i in ids if i in covered]


def fetch_households(db: Database, ids: Sequence[int]) -> list[HouseholdBaobao]:
    """Rows of the one-to-one list for these ids, in the same order."""
    if not ids:
        return []
    by_id: dict[int, HouseholdBaobao] = {}
    with db.read() as s:
        units: dict[int, list[str]] = defaultdict(list)
        for hid, name, reason in s.execute(select(UnitAssignment.household_id, Unit.name, UnitAssignment.reason)
                                           .join(Unit, Unit.id == UnitAssignment.unit_id)
                                           .where(UnitAssignment.household_id.in_(list(ids)),
                                                  UnitAssignment.end_date.is_(None))):
            units[hid].append(f"{name}（{reason}）")
        rows = s.execute(
            select(Household.id, Household.archive_no, Household.head_name, Village.name, SettlementPoint.name,
                   Household.key_flags, Cadre.name, HouseholdAssignment.start_date)
            .outerjoin(Village, Village.id == Household.village_id)
            .outerjoin(SettlementPoint, SettlementPoint.id == Household.settlement_point_id)
            .outerjoin(HouseholdAssignment, and_(HouseholdAssignment.household_id == Household.id,
                                                 HouseholdAssignment.end_date.is_(None)))
            .outerjoin(Cadre, Cadre.id == HouseholdAssignment.cadre_id)
            .where(Household.id.in_(list(ids))))
        for hid, no, head, village, point, flags, cadre, since in rows:
            if hid in by_id:  # two current cadres (impossible by the index): show both
                prev = by_id[hid]
                by_id[hid] = HouseholdBaobao(hid, no, head, village or "", point or "", prev.tags,
                                             f"{prev.cadre}、{cadre}", prev.since, prev.units)
                continue
            by_id[hid] = HouseholdBaobao(hid, no, head, village or "", point or "", "、".join(flags_to_tags(flags)),
                                         cadre or "", since, "、".join(units.get(hid, [])))
    return [by_id[i] for i in ids if i in by_id]


@dataclass(frozen=True, slots=True)
class AssignResult:
    """What a bulk assignment changed."""

    assigned: int  # households that had no cadre
    reassigned: int  # households whose previous cadre's assignment was ended
    unchanged: int  # households already held by this cadre

    @property
    def changed(self) -> int:
        return self.assigned + self.reassigned


def assign_households(db: Database, household_ids: Sequence[int], cadre_id: int | None, start: dt.date | None, *,
                      today: dt.date | None = None) -> AssignResult:
    """一对一包保: give each household this cadre from `start` (one transaction). A household held by another
    cadre is reassigned: the old assignment ends on `start`, so its history shows both."""
    today = today or dt.date.today()
    start = _check_day(start, "包保开始日期", today)
    if not household_ids:
        raise _refuse("households", "请先选择要包保的户")
    assigned = reassigned = unchanged = 0
    with db.write() as s:
        _active_cadre(s, cadre_id)
        current = {a.household_id: a for a in s.scalars(
            select(HouseholdAssignment).where(HouseholdAssignment.household_id.in_(list(household_ids)),
                                              HouseholdAssignment.end_date.is_(None)))}
        existing = set(s.scalars(select(Household.id).where(Household.id.in_(list(household_ids)))))
        for hid in dict.fromkeys(household_ids):
            if hid not in existing:
                continue
            old = current.get(hid)
            if old is not None and old.cadre_id == cadre_id:
                unchanged += 1
                continue
            if old is not None:
                if start < old.start_date:
                    h = s.get(Household, hid)
                    raise _refuse("date", f"{h.head_name}的现包保从{old.start_date.isoformat()}开始，"
                                          f"新的“包保开始日期”不能早于这一天")
                old.end_date = start
                s.flush()  # the partial unique index allows one current assignment: end the old one first
                reassigned += 1
            else:
                assigned += 1
            s.add(HouseholdAssignment(household_id=hid, cadre_id=cadre_id, start_date=start))
        s.flush()
    return AssignResult(assigned, reassigned, unchanged)


def end_households(db: Database, household_ids: Sequence[int], end: dt.date | None, *,
                   today: dt.date | None = None) -> int:
    """End the current one-to-one assignment of these households on `end`; returns how many ended."""
    today = today or dt.date.today()
    end = _check_day(end, "结束日期", today)
    with db.write() as s:
        rows = list(s.scalars(select(HouseholdAssignment).where(
            HouseholdAssignment.household_id.in_(list(household_ids)), HouseholdAssignment.end_date.is_(None))))
        for a in rows:
            if end < a.start_date:
                raise _refuse("date", f"“结束日期”不能早于包保开始日期（{a.start_date.isoformat()}）")
            a.end_date = end
        return len(rows)


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    kind: str  # 一对一包保 / 分类包保
    who: str
    start: dt.date
    end: dt.date | None


def household_history(db: Database, household_id: int) -> list[HistoryEntry]:
    """Every 包保 the household has had, newest first."""
    with db.read() as s:
        out = [HistoryEntry("一对一包保", f"{name}（{rank}）", start, end) for name, rank, start, end in s.execute(
            select(Cadre.name, Cadre.rank, HouseholdAssignment.start_date, HouseholdAssignment.end_date)
            .join(Cadre, Cadre.id == HouseholdAssignment.cadre_id)
            .where(HouseholdAssignment.household_id == household_id))]
        out += [HistoryEntry("分类包保", f"{name}（{reason}）", start, end) for name, reason, start, end in s.execute(
            select(Unit.name, UnitAssignment.reason, UnitAssignment.start_date, UnitAssignment.end_date)
            .join(Unit, Unit.id == UnitAssignment.unit_id).where(UnitAssignment.household_id == household_id))]
    return sorted(out, key=lambda e: (e.start, e.end or dt.date.max), reverse=True)


# ------------------------------------------------------------------------------------------ points


@dataclass(frozen=True, slots=True)
class PointAssignmentRow:
    id: int
    point_id: int
    cadre: str
    rank: str
    role: str
    start: dt.date
    end: dt.date | None


def point_assignments(db: Database, point_id: int, *, current_only: bool = False) -> list[PointAssignmentRow]:
    with db.read() as s:
        stmt = (select(PointAssignment.id, PointAssignment.settlement_point_id, Cadre.name, Cadre.rank,
                       PointAssignment.role, PointAssignment.start_date, PointAssignment.end_date)
                .join(Cadre, Cadre.id == PointAssignment.cadre_id)
                .where(PointAssignment.settlement_point_id == point_id)
                .order_by(PointAssignment.end_date.is_not(None), PointAssignment.start_date.desc()))
        if current_only:
            stmt = stmt.where(PointAssignment.end_date.is_(None))
        return [PointAssignmentRow(*r) for r in s.execute(stmt)]


def assign_point(db: Database, point_id: int | None, cadre_id: int | None, role: str, start: dt.date | None, *,
                 today: dt.date | None = None) -> int:
    """Put a cadre on a settlement point as 牵头 or 成员 from `start`. A point has one 牵头 cadre: naming a
    new one ends the previous 牵头 assignment on `start`. Returns the new assignment's id."""
    today = today or dt.date.today()
    start = _check_day(start, "包保开始日期", today)
    if role not in POINT_ROLES:
        raise _refuse("role", "请选择“包保角色”（牵头或成员）")
    with db.write() as s:
        if point_id is None or s.get(SettlementPoint, point_id) is None:
            raise _refuse("point", "请选择“安置点”")
        cadre = _active_cadre(s, cadre_id)
        current = list(s.scalars(select(PointAssignment).where(
            PointAssignment.settlement_point_id == point_id, PointAssignment.end_date.is_(None))))
        if any(a.cadre_id == cadre.id for a in current):
            raise _refuse("cadre", f"{cadre.name}已在包保该安置点")
        if role == "牵头":
            for a in current:
                if a.role == "牵头":
                    if start < a.start_date:
                        raise _refuse("date", "新的“包保开始日期”不能早于原牵头干部的开始日期")
                    a.end_date = start
        row = PointAssignment(settlement_point_id=point_id, cadre_id=cadre.id, role=role, start_date=start)
        s.add(row)
        s.flush()
        return row.id


def set_point_role(db: Database, assignment_id: int, role: str, start: dt.date | None, *,
                   today: dt.date | None = None) -> int:
    """Change a current point cadre's role (成员 → 牵头 or back) from `start`: the assignment ends on `start` and
    a new one with the role begins, so the record shows both; naming a 牵头 ends the previous 牵头's
    assignment on `start` (they stay in the group as 成员). Returns the new assignment's id."""
    today = today or dt.date.today()
    start = _check_day(start, "开始日期", today)
    if role not in POINT_ROLES:
        raise _refuse("role", "请选择“包保角色”（牵头或成员）")
    with db.write() as s:
        a = s.get(PointAssignment, assignment_id)
        if a is None or a.end_date is not None:
            raise _refuse("id", "该包保已结束，不能再改角色")
        if a.role == role:
            return a.id
        _active_cadre(s, a.cadre_id)
        changed = [a]
        if role == coverage_rule.ROLE_LEAD:
            changed += list(s.scalars(select(PointAssignment).where(
                PointAssignment.settlement_point_id == a.settlement_point_id, PointAssignment.end_date.is_(None),
                PointAssignment.role == coverage_rule.ROLE_LEAD, PointAssignment.id != a.id)))
        for old in changed:
            if start < old.start_date:
                raise _refuse("date", f"“开始日期”不能早于原包保的开始日期（{old.start_date.isoformat()}）")
        new_id = 0
        for old in changed:
            old.end_date = start
            new_role = role if old is a else coverage_rule.ROLE_MEMBER
            row = PointAssignment(settlement_point_id=old.settlement_point_id, cadre_id=old.cadre_id,
                                  role=new_role, start_date=start)
            s.add(row)
            s.flush()
            if old is a:
                new_id = row.id
        return new_id


def end_point_assignment(db: Database, assignment_id: int, end: dt.date | None, *,
                         today: dt.date | None = None) -> None:
    today = today or dt.date.today()
    end = _check_day(end, "结束日期", today)
    with db.write() as s:
        a = s.get(PointAssignment, assignment_id)
        if a is None or a.end_date is not None:
            return
        if end < a.start_date:
            raise _refuse("date", f"“结束日期”不能早于包保开始日期（{a.start_date.isoformat()}）")
        a.end_date = end


# ------------------------------------------------------------------------------------------ 分类包保


@dataclass(frozen=True, slots=True)
class UnitAssignmentRow:
    id: int
    household_id: int
    household: str
    village: str
    unit: str
    reason: str
    start: dt.date
    end: dt.date | None


def unit_assignments(db: Database, *, unit_id: int | None = None, reason: str | None = None,
                     current_only: bool = True) -> list[UnitAssignmentRow]:
    with db.read() as s:
        stmt = (select(UnitAssignment.id, Household.id, Household.head_name, Household.archive_no, Village.name,
                       Unit.name, UnitAssignment.reason, UnitAssignment.start_date, UnitAssignment.end_date)
                .join(Household, Household.id == UnitAssignment.household_id)
                .join(Unit, Unit.id == UnitAssignment.unit_id)
                .outerjoin(Village, Village.id == Household.village_id)
                .order_by(Unit.id, UnitAssignment.reason, Village.name, Household.archive_no))
        if unit_id is not None:
            stmt = stmt.where(UnitAssignment.unit_id == unit_id)
        if reason:
            stmt = stmt.where(UnitAssignment.reason == reason)
        if current_only:
            stmt = stmt.where(UnitAssignment.end_date.is_(None))
        return [UnitAssignmentRow(i, hid, household_label(head, no), v or "", u, r, st, en)
                for i, hid, head, no, v, u, r, st, en in s.execute(stmt)]


def assign_unit(db: Database, household_ids: Sequence[int], unit_id: int | None, reason: str | None,
                start: dt.date | None, *, today: dt.date | None = None) -> int:
    """分类包保: a department takes these households for a reason (因病, 因学 …). A household already held
    by the department for that reason is left as it is. Returns how many were added."""
    today = today or dt.date.today()
    start = _check_day(start, "包保开始日期", today)
    if not household_ids:
        raise _refuse("households", "请先选择要包保的户")
    if reason not in vocab.UNIT_BAOBAO_REASONS:
        raise _refuse("reason", "请选择“包保原因”")
    with db.write() as s:
        unit = s.get(Unit, unit_id) if unit_id is not None else None
        if unit is None:
            raise _refuse("unit", "请选择“包保单位”")
        if not unit.active:
            raise _refuse("unit", f"{unit.name}已停用，不能再安排包保")
        held = set(s.scalars(select(UnitAssignment.household_id).where(
            UnitAssignment.unit_id == unit.id, UnitAssignment.reason == reason, UnitAssignment.end_date.is_(None),
            UnitAssignment.household_id.in_(list(household_ids)))))
        added = 0
        for hid in dict.fromkeys(household_ids):
            if hid in held or s.get(Household, hid) is None:
                continue
            s.add(UnitAssignment(household_id=hid, unit_id=unit.id, reason=reason, start_date=start))
            added += 1
        return added


def end_unit_assignments(db: Database, assignment_ids: Sequence[int], end: dt.date | None, *,
                         today: dt.date | None = None) -> int:
    today = today or dt.date.today()
    end = _check_day(end, "结束日期", today)
    with db.write() as s:
        rows = list(s.scalars(select(UnitAssignment).where(UnitAssignment.id.in_(list(assignment_ids)),
                                                            UnitAssignment.end_date.is_(None))))
        for a in rows:
            if end < a.start_date:
                raise _refuse("date", f"“结束日期”不能早于包保开始日期（{a.start_date.isoformat()}）")
            a.end_date = end
        return len(rows)


# ------------------------------------------------------------------------------------------ loads


@dataclass(frozen=True, slots=True)
class CadreLoad:
    cadre_id: int
    name: str
    rank: str
    unit: str
    active: bool
    points: str  # names of the points held (牵头 first)
    households: int  # one-to-one, 在册
    key_households: int
    visited: int  # of them, visited by this cadre this month


def cadre_loads(db: Database, month: str) -> list[CadreLoad]:
    """Each cadre's 包保 load: points, one-to-one households (key ones), visited this month."""
    with db.read() as s:
        status = stats.visit_status(s, month)
        visited: dict[int, int] = defaultdict(int)
        for cid, ok in status.values():
            visited[cid] += ok
        hh: dict[int, tuple[int, int]] = {}
        key_expr = func.sum(func.iif(stats.is_key(), 1, 0))
        for cid, n, k in s.execute(select(HouseholdAssignment.cadre_id, func.count(), key_expr)
                                   .join(Household, Household.id == HouseholdAssignment.household_id)
                                   .where(HouseholdAssignment.end_date.is_(None), stats.ACTIVE_HOUSEHOLD)
                                   .group_by(HouseholdAssignment.cadre_id)):
            hh[cid] = (n, int(k or 0))
        points: dict[int, list[str]] = defaultdict(list)
        for cid, name, role in s.execute(select(PointAssignment.cadre_id, SettlementPoint.name, PointAssignment.role)
                                         .join(SettlementPoint)
                                         .where(PointAssignment.end_date.is_(None))
                                         .order_by(PointAssignment.role.desc(), SettlementPoint.name)):
            points[cid].append(name + ("（牵头）" if role == "牵头" else ""))
        out = []
        for cid, name, rank, unit, active in s.execute(
                select(Cadre.id, Cadre.name, Cadre.rank, Unit.name, Cadre.active)
                .outerjoin(Unit, Unit.id == Cadre.unit_id).order_by(Cadre.sort_order, Cadre.name)):
            n, k = hh.get(cid, (0, 0))
            if not active and not n and not points.get(cid):
                continue
            out.append(CadreLoad(cid, name, rank, unit or "", active, "、".join(points.get(cid, [])), n, k,
                                 visited.get(cid, 0)))
    return out

