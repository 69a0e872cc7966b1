"""What the household window shows beside the archive itself (一户一档): the household's 包保, visits,
problems and its 兜底/就业/住房 records, read in one go as plain values (no ORM objects leave here)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select

from app import vocab
from app.db import Database
from app.models import (
    Cadre,
    EmploymentRecord,
    Household,
    HouseholdAssignment,
    HousingRecord,
    Member,
    Problem,
    SettlementPoint,
    SupportRecord,
    Unit,
    UnitAssignment,
    Village,
    Visit,
)
from app.services import baobao


@dataclass(frozen=True, slots=True)
class VisitRow:
    date: dt.date
    cadre: str
    way: str
    findings: str


@dataclass(frozen=True, slots=True)
class ProblemRow:
    id: int
    found_date: dt.date
    focus_area: str
    description: str
    status: str
    deadline: dt.date | None
    unit: str
    overdue: bool

    @property
    def is_open(self) -> bool:
        return self.status in vocab.PROBLEM_OPEN


@dataclass(frozen=True, slots=True)
class RecordRow:
    kind: str  # 兜底保障 / 就业创业 / 住房保障
    date: dt.date | None
    what: str
    who: str
    amount: Decimal | None
    detail: str


@dataclass
class Dossier:
    household_id: int
    archive_no: str = ""
    original_no: str = ""
    village: str = ""
    group_name: str = ""
    point: str = ""
    cadre: str = ""  # the one-to-one 包保 cadre now, with unit and phone
    units: list[str] = field(default_factory=list)  # 分类包保 departments now, with the reason
    baobao_history: list[baobao.HistoryEntry] = field(default_factory=list)
    visits: list[VisitRow] = field(default_factory=list)  # newest first
    problems: list[ProblemRow] = field(default_factory=list)  # open first (earliest deadline first), then closed
    records: list[RecordRow] = field(default_factory=list)

    @property
    def open_problems(self) -> int:
        return sum(1 for p in self.problems if p.is_open)


def _problem_order(p: ProblemRow) -> tuple:
    return (not p.is_open, p.deadline is None, p.deadline or dt.date.max, -p.found_date.toordinal())


def household_dossier(db: Database, household_id: int, *, today: dt.date | None = None) -> Dossier:
    """Everything about one household outside its own fields, for the 一户一档 window."""
    today = today or dt.date.today()
    d = Dossier(household_id)
    with db.read() as s:
        head = s.execute(select(Household.archive_no, Household.original_no, Household.group_name, Village.name,
                                SettlementPoint.name)
                         .outerjoin(Village, Village.id == Household.village_id)
                         .outerjoin(SettlementPoint, SettlementPoint.id == Household.settlement_point_id)
                         .where(Household.id == household_id)).first()
        if head is None:
            return d
        d.archive_no, d.original_no, d.group_name, village, point = head
        d.village, d.point = village or "", point or ""
        cadre = s.execute(select(Cadre.name, Cadre.rank, Unit.name, Cadre.phone)
                          .join(HouseholdAssignment, HouseholdAssignment.cadre_id == Cadre.id)
                          .outerjoin(Unit, Unit.id == Cadre.unit_id)
                          .where(HouseholdAssignment.household_id == household_id,
                                 HouseholdAssignment.end_date.is_(None))).first()
        if cadre is not None:
            name, rank, unit, phone = cadre
            extra = "，".join(x for x in (rank, unit, phone) if x)
            d.cadre = f"{name}（{extra}）" if extra else name
        d.units = [f"{u}（{r}）" for u, r in s.execute(
            select(Unit.name, UnitAssignment.reason).join(UnitAssignment, UnitAssignment.unit_id == Unit.id)
            .where(UnitAssignment.household_id == household_id, UnitAssignment.end_date.is_(None))
            .order_by(UnitAssignment.start_date))]
        d.visits = [VisitRow(day, c or "", w or "", f or "") for day, c, w, f in s.execute(
            select(Visit.date, Cadre.name, Visit.way, Visit.findings).outerjoin(Cadre, Cadre.id == Visit.cadre_id)
            .where(Visit.household_id == household_id).order_by(Visit.date.desc(), Visit.id.desc()))]
        problems = [ProblemRow(i, f, a, desc, st, dl, u or "", st in vocab.PROBLEM_OPEN and dl is not None
                               and dl < today)
                    for i, f, a, desc, st, dl, u in s.execute(
                        select(Problem.id, Problem.found_date, Problem.focus_area, Problem.description,
                               Problem.status, Problem.deadline, Unit.name)
                        .outerjoin(Unit, Unit.id == Problem.unit_id).where(Problem.household_id == household_id))]
        d.problems = sorted(problems, key=_problem_order)
        names = dict(s.execute(select(Member.id, Member.name).where(Member.household_id == household_id)).all())
        records: list[RecordRow] = []
        for kind, amount, start, end, member, notes in s.execute(
                select(SupportRecord.kind, SupportRecord.amount, SupportRecord.start_date, SupportRecord.end_date,
                       SupportRecord.member_id, SupportRecord.notes).where(SupportRecord.household_id == household_id)):
            period = f"至 {end.isoformat()}" if end else "享受中"
            records.append(RecordRow("兜底保障", start, kind, names.get(member, ""), amount,
                                     "，".join(x for x in (period, notes) if x)))
        for day, kind, detail, employment, amount, member, notes in s.execute(
                select(EmploymentRecord.date, EmploymentRecord.kind, EmploymentRecord.detail,
                       EmploymentRecord.employment, EmploymentRecord.amount, EmploymentRecord.member_id,
                       EmploymentRecord.notes).where(EmploymentRecord.household_id == household_id)):
            records.append(RecordRow("就业创业", day, kind, names.get(member, ""), amount,
                                     "，".join(x for x in (detail, employment, notes) if x)))
        for day, kind, placement, detail, amount, completed in s.execute(
                select(HousingRecord.date, HousingRecord.kind, HousingRecord.placement, HousingRecord.detail,
                       HousingRecord.amount, HousingRecord.completed).where(HousingRecord.household_id == household_id)):
            records.append(RecordRow("住房保障", day, kind, "", amount,
                                     "，".join(x for x in (placement, "已完成" if completed else "未完成", detail) if x)))
        d.records = sorted(records, key=lambda r: r.date or dt.date.min, reverse=True)
    d.baobao_history = baobao.household_history(db, household_id)
    return d
