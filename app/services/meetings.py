"""调度会 decisions (SPEC §3): each decision of a meeting may become a plan item or a problem in one step,
and remembers which one it became. No Qt; one transaction per call."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select

from app import vocab
from app.db import Database
from app.errors import FieldProblem, Refused
from app.models import Meeting, MeetingDecision, Plan, PlanItem, Problem, Unit


@dataclass(frozen=True, slots=True)
class DecisionRow:
    id: int
    text: str
    unit_id: int | None
    unit: str
    deadline: dt.date | None
    plan_item_id: int | None
    problem_id: int | None

    @property
    def became(self) -> str:
        if self.plan_item_id:
            return "已转为计划任务"
        if self.problem_id:
            return "已转为问题"
        return ""


def decisions(db: Database, meeting_id: int) -> list[DecisionRow]:
    with db.read() as s:
        rows = s.execute(select(MeetingDecision, Unit.name).outerjoin(Unit, Unit.id == MeetingDecision.unit_id)
                         .where(MeetingDecision.meeting_id == meeting_id).order_by(MeetingDecision.id))
        return [DecisionRow(d.id, d.text, d.unit_id, u or "", d.deadline, d.plan_item_id, d.problem_id)
                for d, u in rows]


def save_decision(db: Database, meeting_id: int, text: str, unit_id: int | None = None,
                  deadline: dt.date | None = None, *, decision_id: int | None = None) -> int:
    """Add (or edit) one decision of a meeting."""
    text = text.strip()
    if not text:
        raise Refused([FieldProblem("text", "请填写“议定事项”")])
    with db.write() as s:
        if s.get(Meeting, meeting_id) is None:
            raise Refused([FieldProblem("meeting", "该次调度会已不存在")])
        d = s.get(MeetingDecision, decision_id) if decision_id else MeetingDecision(meeting_id=meeting_id)
        if decision_id is None:
            s.add(d)
        d.text, d.unit_id, d.deadline = text, unit_id, deadline
        s.flush()
        return d.id


def delete_decision(db: Database, decision_id: int) -> None:
    with db.write() as s:
        d = s.get(MeetingDecision, decision_id)
        if d is not None:
            s.delete(d)


def _open(s, decision_id: int) -> tuple[MeetingDecision, Meeting]:
    d = s.get(MeetingDecision, decision_id)
    if d is None:
        raise Refused([FieldProblem("decision", "该议定事项已不存在")])
    if d.plan_item_id or d.problem_id:
        raise Refused([FieldProblem("decision", "该议定事项已转过，不能重复转")])
    return d, s.get(Meeting, d.meeting_id)


def to_plan_item(db: Database, decision_id: int, *, focus_area: str, target_value: Decimal | int | str,
                 target_unit: str = "项", kind: str = "年度计划") -> int:
    """Make the decision a plan item of its meeting's year (the plan is created if missing), in one step."""
    if focus_area not in vocab.FOCUS_AREAS:
        raise Refused([FieldProblem("focus_area", "请选择“所属领域”（八个紧盯之一）")])
    target = Decimal(str(target_value))
    if target <= 0:
        raise Refused([FieldProblem("target_value", "“目标值”应大于 0")])
    with db.write() as s:
        d, meeting = _open(s, decision_id)
        if d.unit_id is None:
            raise Refused([FieldProblem("unit_id", "请先为该议定事项指定“责任单位”")])
        year = (d.deadline or meeting.date).year
        plan = s.scalar(select(Plan).where(Plan.year == year, Plan.kind == kind))
        if plan is None:
            plan = Plan(year=year, kind=kind, title=f"{year}年搬迁群众后续扶持{kind}")
            s.add(plan)
            s.flush()
        item = PlanItem(plan_id=plan.id, focus_area=focus_area, title=d.text, target_value=target,
                        target_unit=target_unit, unit_id=d.unit_id, deadline=d.deadline,
                        notes=f"{meeting.date.isoformat()} {meeting.title or '调度会'}议定")
        s.add(item)
        s.flush()
        d.plan_item_id = item.id
        return item.id


def to_problem(db: Database, decision_id: int, *, focus_area: str, source: str = "调查摸底") -> int:
    """Make the decision a problem of the 问题台账 (待办, owned by its unit, due by its deadline)."""
    if focus_area not in vocab.FOCUS_AREAS:
        raise Refused([FieldProblem("focus_area", "请选择“所属领域”（八个紧盯之一）")])
    with db.write() as s:
        d, meeting = _open(s, decision_id)
        problem = Problem(found_date=meeting.date, source=source, focus_area=focus_area, description=d.text,
                          unit_id=d.unit_id, deadline=d.deadline, status="待办",
                          measures=f"{meeting.date.isoformat()} {meeting.title or '调度会'}议定")
        s.add(problem)
        s.flush()
        d.problem_id = problem.id
        return problem.id
