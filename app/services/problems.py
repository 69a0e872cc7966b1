"""问题台账 workflow: register a problem (on its own, or from a household, a settlement point or a visit),
record progress, resolve it with a result or mark it 暂无法解决 with a reason, reopen it.

Every step is one transaction and goes through the ledger declaration (`app.ledgers.PROBLEMS`), so the
rules of the form (required fields, dates) hold for the workflow buttons too. Plain data out, no Qt.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select

from app import vocab
from app.db import Database
from app.ledgers import PROBLEMS, LedgerError, LedgerRefused, engine
from app.ledgers.declarations import RESOLVED, UNRESOLVABLE, deadline_note
from app.models import Household, Problem, ProblemProgress, SettlementPoint, Visit

IN_PROGRESS = "办理中"


def _problem(s, problem_id: int) -> Problem:
    p = s.get(Problem, problem_id)
    if p is None:
        raise LedgerRefused([LedgerError("id", "该问题已不存在（可能已被删除）")])
    return p


def new_problem(db: Database, *, household_id: int | None = None, point_id: int | None = None,
                visit_id: int | None = None, today: dt.date | None = None) -> engine.LedgerRecord:
    """A blank problem for the form, filled from where it was found: a household (its village and point),
    a settlement point (its village) or a visit (source 走访, its household, date and findings)."""
    today = today or dt.date.today()
    record = engine.new_record(PROBLEMS, today=today)
    v = record.values
    with db.read() as s:
        if visit_id is not None:
            visit = s.get(Visit, visit_id)
            if visit is not None:
                v.update(source="走访", visit_id=visit.id, found_date=visit.date, description=visit.findings or "")
                household_id = visit.household_id
        if household_id is not None:
            h = s.get(Household, household_id)
            if h is not None:
                v.update(household_id=h.id, village_id=h.village_id, settlement_point_id=h.settlement_point_id)
        elif point_id is not None:
            p = s.get(SettlementPoint, point_id)
            if p is not None:
                v.update(settlement_point_id=p.id, village_id=p.village_id)
        record.labels = engine.record_labels(s, PROBLEMS, v)
    return record


def register(db: Database, raw: dict, *, today: dt.date | None = None) -> engine.Saved:
    """Register a new problem (one transaction); LedgerRefused names every field to fix."""
    return engine.save(db, PROBLEMS, None, raw, today=today)


@dataclass(frozen=True, slots=True)
class ProgressNote:
    id: int
    date: dt.date
    note: str


@dataclass
class ProblemDetail:
    """One problem as its detail panel shows it."""

    record: engine.LedgerRecord
    progress: list[ProgressNote] = field(default_factory=list)
    visit: str = ""  # 来源走访: date and cadre
    overdue: bool = False
    deadline_note: str = ""

    @property
    def is_open(self) -> bool:
        return self.record.values["status"] in vocab.PROBLEM_OPEN


def detail(db: Database, problem_id: int, *, today: dt.date | None = None) -> ProblemDetail:
    today = today or dt.date.today()
    record = engine.load(db, PROBLEMS, problem_id)
    with db.read() as s:
        notes = [ProgressNote(i, d, n) for i, d, n in s.execute(
            select(ProblemProgress.id, ProblemProgress.date, ProblemProgress.note)
            .where(ProblemProgress.problem_id == problem_id)
            .order_by(ProblemProgress.date, ProblemProgress.id))]
        visit_text = ""
        if record.values.get("visit_id"):
            visit = s.get(Visit, record.values["visit_id"])
            if visit is not None:
                cadre = ""
                if visit.cadre_id is not None:
                    cadre = engine.ref_labels(s, "cadre", [visit.cadre_id]).get(visit.cadre_id, "")
                visit_text = f"{visit.date.isoformat()} {cadre}{visit.way}走访"
    v = record.values
    note = deadline_note(v["status"], v["deadline"], today)
    return ProblemDetail(record, notes, visit_text, note.startswith("逾期"), note)


def record_progress(db: Database, problem_id: int, day: dt.date | None, note: str, *,
                    today: dt.date | None = None) -> ProgressNote:
    """Add a progress note to an open problem (a 待办 problem becomes 办理中). One transaction."""
    today = today or dt.date.today()
    note = (note or "").strip()
    errors = []
    if day is None:
        errors.append(LedgerError("date", "请填写“进展日期”"))
    elif day > today:
        errors.append(LedgerError("date", f"“进展日期”不能晚于今天（{today.isoformat()}）"))
    if not note:
        errors.append(LedgerError("note", "请填写“进展情况”"))
    if errors:
        raise LedgerRefused(errors)
    with db.write() as s:
        p = _problem(s, problem_id)
        if p.status not in vocab.PROBLEM_OPEN:
            raise LedgerRefused([LedgerError("status", f"该问题已{p.status}，如需继续办理请先“重新办理”")])
        if day < p.found_date:
            raise LedgerRefused([LedgerError("date", "“进展日期”不能早于问题的“发现日期”")])
        row = ProblemProgress(problem_id=p.id, date=day, note=note)
        s.add(row)
        if p.status == "待办":
            p.status = IN_PROGRESS
        s.flush()
        return ProgressNote(row.id, row.date, row.note)


def _close(db: Database, problem_id: int, raw: dict, today: dt.date | None) -> engine.Saved:
    with db.write() as s:
        p = _problem(s, problem_id)
        if p.status not in vocab.PROBLEM_OPEN:
            raise LedgerRefused([LedgerError("status", f"该问题已{p.status}")])
        return engine.write(s, PROBLEMS, problem_id, raw, today=today)


def resolve(db: Database, problem_id: int, day: dt.date | None, result: str, *,
            today: dt.date | None = None) -> engine.Saved:
    """Close an open problem as 已解决 on `day` with its result."""
    return _close(db, problem_id, {"status": RESOLVED, "resolved_date": day, "result": result or ""}, today)


def mark_unresolvable(db: Database, problem_id: int, day: dt.date | None, reason: str, *,
                      today: dt.date | None = None) -> engine.Saved:
    """Close an open problem as 暂无法解决, with the reason and the date it was so decided."""
    return _close(db, problem_id, {"status": UNRESOLVABLE, "resolved_date": day,
                                   "unresolvable_reason": reason or ""}, today)


def reopen(db: Database, problem_id: int) -> None:
    """Put a closed problem back to 办理中 (its result and reason are kept for the record)."""
    with db.write() as s:
        p = _problem(s, problem_id)
        if p.status not in vocab.PROBLEM_OPEN:
            p.status = IN_PROGRESS
            p.resolved_date = None
