"""干部 and 责任单位: the lists the ledgers and 包保 refer to. People and units are deactivated, never
deleted, so that old ledger rows keep their names. Each action is one transaction; plain data out."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select

from app import vocab
from app.db import Database
from app.errors import FieldProblem, Refused
from app.models import Cadre, HouseholdAssignment, PointAssignment, Problem, Unit, UnitAssignment, Village
from app.rules import normalize_name, normalize_phone
from app.services import stats


def _refuse(field_name: str, message: str) -> Refused:
    return Refused([FieldProblem(field_name, message)])


# ------------------------------------------------------------------------------------------ cadres


@dataclass
class CadreData:
    id: int | None = None
    name: str = ""
    post: str = ""
    unit_id: int | None = None
    phone: str = ""
    rank: str = ""
    active: bool = True
    sort_order: int = 0


@dataclass(frozen=True, slots=True)
class CadreRow:
    id: int
    name: str
    post: str
    unit_id: int | None
    unit: str
    phone: str
    rank: str
    active: bool
    sort_order: int
    points: int  # settlement points held now
    households: int  # one-to-one households held now

    def data(self) -> CadreData:
        return CadreData(self.id, self.name, self.post, self.unit_id, self.phone, self.rank, self.active,
                         self.sort_order)


def list_cadres(db: Database, *, include_inactive: bool = True) -> list[CadreRow]:
    """Cadres (by rank, then the clerk's order, then name) with how much 包保 each holds now."""
    with db.read() as s:
        points = dict(s.execute(select(PointAssignment.cadre_id, func.count())
                                .where(PointAssignment.end_date.is_(None)).group_by(PointAssignment.cadre_id)).all())
        households = dict(s.execute(select(HouseholdAssignment.cadre_id, func.count())
                                    .where(HouseholdAssignment.end_date.is_(None))
                                    .group_by(HouseholdAssignment.cadre_id)).all())
        stmt = (select(Cadre.id, Cadre.name, Cadre.post, Cadre.unit_id, Unit.name, Cadre.phone, Cadre.rank,
                       Cadre.active, Cadre.sort_order).outerjoin(Unit, Unit.id == Cadre.unit_id))
        if not include_inactive:
            stmt = stmt.where(Cadre.active)
        rows = [CadreRow(i, n, p, uid, u or "", ph, r, a, so, points.get(i, 0), households.get(i, 0))
                for i, n, p, uid, u, ph, r, a, so in s.execute(stmt)]
    rank = vocab.RANK_ORDER
    return sorted(rows, key=lambda c: (not c.active, rank.get(c.rank, 99), c.sort_order, c.name))


def save_cadre(db: Database, data: CadreData) -> int:
    """Add or update a cadre; name and rank are required. Returns the id."""
    name = normalize_name(data.name)
    errors = []
    if not name:
        errors.append(FieldProblem("name", "请填写“姓名”"))
    if data.rank not in vocab.CADRE_RANKS:
        errors.append(FieldProblem("rank", "请选择“职级”（" + "、".join(vocab.CADRE_RANKS) + "）"))
    if errors:
        raise Refused(errors)
    with db.write() as s:
        if data.unit_id is not None and s.get(Unit, data.unit_id) is None:
            raise _refuse("unit_id", "所选的“所在单位”已不存在，请重新选择")
        c = s.get(Cadre, data.id) if data.id else None
        if c is None:
            c = Cadre(name=name, rank=data.rank)
            s.add(c)
        c.name, c.post, c.unit_id = name, data.post.strip(), data.unit_id
        c.phone, c.rank, c.sort_order = normalize_phone(data.phone), data.rank, data.sort_order
        s.flush()
        return c.id


@dataclass(frozen=True, slots=True)
class Deactivated:
    """What deactivating a cadre ended: their current assignments (the households become uncovered)."""

    households: int
    points: int


def cadre_holdings(db: Database, cadre_id: int) -> Deactivated:
    """How many households and points the cadre holds now (asked before deactivating)."""
    with db.read() as s:
        return Deactivated(
            s.scalar(select(func.count()).where(HouseholdAssignment.cadre_id == cadre_id,
                                                HouseholdAssignment.end_date.is_(None))) or 0,
            s.scalar(select(func.count()).where(PointAssignment.cadre_id == cadre_id,
                                                PointAssignment.end_date.is_(None))) or 0)


def set_cadre_active(db: Database, cadre_id: int, active: bool, *, today: dt.date | None = None) -> Deactivated:
    """Deactivate (ending the cadre's current 包保 today, so the households show as uncovered) or
    reactivate a cadre. One transaction."""
    today = today or dt.date.today()
    ended_h = ended_p = 0
    with db.write() as s:
        c = s.get(Cadre, cadre_id)
        if c is None:
            raise _refuse("id", "该干部已不存在")
        c.active = active
        if not active:
            for a in s.scalars(select(HouseholdAssignment).where(HouseholdAssignment.cadre_id == cadre_id,
                                                                 HouseholdAssignment.end_date.is_(None))):
                a.end_date = max(today, a.start_date)
                ended_h += 1
            for a in s.scalars(select(PointAssignment).where(PointAssignment.cadre_id == cadre_id,
                                                             PointAssignment.end_date.is_(None))):
                a.end_date = max(today, a.start_date)
                ended_p += 1
    return Deactivated(ended_h, ended_p)


# ------------------------------------------------------------------------------------------ units


@dataclass
class UnitData:
    id: int | None = None
    name: str = ""
    kind: str = "部门"
    village_id: int | None = None
    head: str = ""
    phone: str = ""
    active: bool = True


@dataclass(frozen=True, slots=True)
class UnitRow:
    id: int
    name: str
    kind: str
    village_id: int | None
    village: str
    head: str
    phone: str
    active: bool
    cadres: int
    open_problems: int
    overdue_problems: int
    households: int  # 分类包保 households held now

    def data(self) -> UnitData:
        return UnitData(self.id, self.name, self.kind, self.village_id, self.head, self.phone, self.active)


def list_units(db: Database, *, today: dt.date | None = None) -> list[UnitRow]:
    """责任单位 with their cadres, open and overdue problems (the §7 definitions) and 分类包保 households."""
    today = today or dt.date.today()
    with db.read() as s:
        cadres = dict(s.execute(select(Cadre.unit_id, func.count()).where(Cadre.active)
                                .group_by(Cadre.unit_id)).all())
        open_ = dict(s.execute(select(Problem.unit_id, func.count()).where(stats.problem_open())
                               .group_by(Problem.unit_id)).all())
        overdue = dict(s.execute(select(Problem.unit_id, func.count()).where(stats.problem_overdue(today))
                                 .group_by(Problem.unit_id)).all())
        held = dict(s.execute(select(UnitAssignment.unit_id, func.count(func.distinct(UnitAssignment.household_id)))
                              .where(UnitAssignment.end_date.is_(None)).group_by(UnitAssignment.unit_id)).all())
        rows = s.execute(select(Unit.id, Unit.name, Unit.kind, Unit.village_id, Village.name, Unit.head, Unit.phone,
                                Unit.active).outerjoin(Village, Village.id == Unit.village_id)
                         .order_by(Unit.active.desc(), Unit.kind, Unit.id))
        return [UnitRow(i, n, k, vid, v or "", h, p, a, cadres.get(i, 0), open_.get(i, 0), overdue.get(i, 0),
                        held.get(i, 0)) for i, n, k, vid, v, h, p, a in rows]


def save_unit(db: Database, data: UnitData) -> int:
    """Add or update a 责任单位; the name is required and unique. Returns the id."""
    name = "".join(data.name.split())
    if not name:
        raise _refuse("name", "请填写“单位名称”")
    if data.kind not in vocab.UNIT_KINDS:
        raise _refuse("kind", "请选择“类型”（部门或村）")
    with db.write() as s:
        clash = s.scalar(select(Unit.id).where(Unit.name == name, Unit.id != (data.id or 0)))
        if clash is not None:
            raise _refuse("name", f"已有名为“{name}”的责任单位")
        u = s.get(Unit, data.id) if data.id else None
        if u is None:
            u = Unit(name=name)
            s.add(u)
        u.name, u.kind, u.head, u.phone = name, data.kind, normalize_name(data.head), normalize_phone(data.phone)
        u.village_id = data.village_id if data.kind == "村" else None
        s.flush()
        return u.id


def set_unit_active(db: Database, unit_id: int, active: bool) -> None:
    """Deactivate or reactivate a unit. A deactivated unit keeps its problems and 分类包保 rows (they show
    its name) but is no longer offered in the forms."""
    with db.write() as s:
        u = s.get(Unit, unit_id)
        if u is None:
            raise _refuse("id", "该单位已不存在")
        u.active = active
