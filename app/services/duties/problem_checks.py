"""问题台账 duties (SPEC §4.7): overdue, due within 7 days, open with no owner, 暂无法解决 without a reason.
A problem counts as open on as_of when it was found by then and not closed by then. Problems marked 紧急
come first (先急后缓)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from app import vocab
from app.models import Cadre, Problem, Unit, Village
from app.services.duties.base import PROBLEM, REMINDER, Check, Finding, register
from app.services.duties.common import as_date

URGENT = vocab.PRIORITY_URGENT
DUE_SOON_DAYS = 7


def open_on(as_of: dt.date):
    """Condition on Problem: found by as_of and not closed by then."""
    return and_(Problem.found_date <= as_of,
                or_(Problem.status.in_(vocab.PROBLEM_OPEN),
                    and_(Problem.resolved_date.is_not(None), Problem.resolved_date > as_of)))


def _rows(s: Session, *conditions):
    owner_cadre = Cadre.name
    stmt = (select(Problem.id, Problem.priority, Problem.description, Village.name, Unit.name, owner_cadre,
                   Problem.responsible_person, Problem.deadline, Problem.found_date, Problem.resolved_date)
            .outerjoin(Village, Village.id == Problem.village_id)
            .outerjoin(Unit, Unit.id == Problem.unit_id)
            .outerjoin(Cadre, Cadre.id == Problem.responsible_cadre_id)
            .where(*conditions)
            .order_by(case((Problem.priority == URGENT, 0), else_=1), Problem.deadline, Problem.found_date,
                      Problem.id))
    return s.execute(stmt).all()


def problem_subject(priority: str, description: str, village: str | None) -> str:
    text = " ".join((description or "").split())
    if len(text) > 40:
        text = text[:39] + "…"
    mark = "【紧急】" if priority == URGENT else ""
    return f"{mark}{village + '：' if village else ''}{text}"


def _owner(unit: str | None, cadre: str | None, person: str | None) -> str:
    people = "、".join(dict.fromkeys(x for x in (cadre, person) if x))
    return "，".join(x for x in (unit, people) if x)


def overdue(s: Session, as_of: dt.date) -> list[Finding]:
    out = []
    for pid, pri, desc, village, unit, cadre, person, deadline, _found, _res in _rows(
            s, open_on(as_of), Problem.deadline.is_not(None), Problem.deadline < as_of):
        days = (as_of - deadline).days
        out.append(Finding("问题-逾期", PROBLEM, problem_subject(pri, desc, village), "problem", pid,
                           _owner(unit, cadre, person), deadline,
                           f"办理期限 {deadline.isoformat()}，已逾期 {days} 天，请责任单位抓紧办结或说明情况"))
    return out


def due_soon(s: Session, as_of: dt.date) -> list[Finding]:
    out = []
    for pid, pri, desc, village, unit, cadre, person, deadline, _found, _res in _rows(
            s, open_on(as_of), Problem.deadline.is_not(None), Problem.deadline >= as_of,
            Problem.deadline <= as_of + dt.timedelta(days=DUE_SOON_DAYS)):
        days = (deadline - as_of).days
        left = "今天到期" if days == 0 else f"还剩 {days} 天"
        out.append(Finding("问题-临期", REMINDER, problem_subject(pri, desc, village), "problem", pid,
                           _owner(unit, cadre, person), deadline,
                           f"办理期限 {deadline.isoformat()}，{left}，请按期办结"))
    return out


def no_owner(s: Session, as_of: dt.date) -> list[Finding]:
    return [Finding("问题-无责任人", PROBLEM, problem_subject(pri, desc, village), "problem", pid, "", found,
                    "未明确责任单位和责任人，请指定后督促办理")
            for pid, pri, desc, village, _u, _c, _p, _d, found, _r in _rows(
                s, open_on(as_of), Problem.unit_id.is_(None), Problem.responsible_cadre_id.is_(None),
                func.trim(Problem.responsible_person) == "")]


def no_reason(s: Session, as_of: dt.date) -> list[Finding]:
    return [Finding("问题-无理由", PROBLEM, problem_subject(pri, desc, village), "problem", pid,
                    _owner(unit, cadre, person), as_date(resolved) or found,
                    "标为“暂无法解决”但没有写明原因，请补充原因")
            for pid, pri, desc, village, unit, cadre, person, _d, found, resolved in _rows(
                s, Problem.status == "暂无法解决", func.trim(Problem.unresolvable_reason) == "",
                Problem.found_date <= as_of, or_(Problem.resolved_date.is_(None), Problem.resolved_date <= as_of))]


register(Check("问题-逾期", "问题逾期未办结", PROBLEM, "problem", overdue))
register(Check("问题-临期", "问题7天内到期", REMINDER, "problem", due_soon))
register(Check("问题-无责任人", "问题未明确责任人", PROBLEM, "problem", no_owner))
register(Check("问题-无理由", "暂无法解决未写原因", PROBLEM, "problem", no_reason))
