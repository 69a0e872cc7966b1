"""Plan and archive duties (SPEC §4.7, §4.5): plan items behind the share of their target expected by now
or with no 责任单位 / 责任人; households whose archive is incomplete or inconsistent."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import vocab
from app.models import Cadre, Plan, PlanItem, Unit
from app.services import asof_archive, plans
from app.services.duties.base import PROBLEM, Check, Finding, Found, register
from app.services.duties.common import as_date, facts_of, register_of


def _qty(value: Decimal) -> str:
    return f"{value.normalize():f}" if value == value.to_integral() else f"{value:.2f}"


def plan_behind(s: Session, as_of: dt.date) -> list[Finding]:
    """Each plan item behind the share of its target due by now (in a county database, each town's plan
    against its own ledgers: plans.statuses)."""
    month = f"{as_of.year:04d}-{as_of.month:02d}"
    out = []
    for st in plans.statuses(s, as_of.year, month, today=as_of):
        if not (st.behind or st.overdue):
            continue
        owner = "，".join(x for x in (st.unit, st.person) if x)
        expected = (st.target * st.expected).quantize(Decimal("0.01"))
        late = f"完成时限 {st.deadline.isoformat()} 已过，" if st.overdue else ""
        out.append(Finding("计划-滞后", PROBLEM, f"{st.focus_area}：{st.title}", "plan_item", st.id, owner,
                           st.deadline if st.overdue else None,
                           f"{late}至{as_of.month}月应完成 {_qty(expected)}{st.target_unit}，已完成 {_qty(st.done)}"
                           f"（{st.percent}，{st.source}），请{st.unit or '责任单位'}加快推进"))
    return out


def plan_without_owner(s: Session, as_of: dt.date) -> list[Finding]:
    rows = s.execute(select(PlanItem.id, PlanItem.focus_area, PlanItem.title, Unit.name, Cadre.name,
                            PlanItem.responsible_person, PlanItem.created_at)
                     .join(Plan, Plan.id == PlanItem.plan_id)
                     .outerjoin(Unit, Unit.id == PlanItem.unit_id)
                     .outerjoin(Cadre, Cadre.id == PlanItem.responsible_cadre_id)
                     .where(Plan.year == as_of.year, Plan.kind == vocab.PLAN_KINDS[0])
                     .order_by(PlanItem.focus_area, PlanItem.id)).all()
    out = []
    for iid, area, title, unit, cadre, person, created in rows:
        missing = [label for label, ok in (("责任单位", unit), ("责任人", cadre or (person or "").strip())) if not ok]
        if missing:
            out.append(Finding("计划-无责任", PROBLEM, f"{area}：{title}", "plan_item", iid,
                               unit or cadre or person or "", as_date(created),
                               f"未明确{'和'.join(missing)}，请在年度计划中补上"))
    return out


def archive_states(s: Session, as_of: dt.date) -> dict[int, int]:
    """{household: archive state} of the households not complete at the end of as_of, judged by their fields
    as they stood then (the 月报 of a past month and 首页 today read the same rule); once per run."""
    key = ("duties.archive_states", as_of)
    if key not in s.info:
        s.info[key] = asof_archive.states_at(s, as_of, facts_of(s, as_of).archive)
    return s.info[key]


def _archive(code: str, title: str, state: int, message: str) -> Check:
    def which(s: Session, as_of: dt.date) -> Found:
        # A household changed since the day is judged as it stood then, and may have left the register.
        return Found(register_of(s, as_of).among_present(h for h, st in archive_states(s, as_of).items()
                                                         if st == state), PROBLEM)

    def name(s: Session, as_of: dt.date, found: Found) -> list[Finding]:
        reg = register_of(s, as_of)
        return [Finding(code, PROBLEM, reg.label[hid], "household", hid, reg.owner(hid), None, message)
                for hid in reg.sorted(found.ids)]
    return Check.split(code, title, PROBLEM, "household", which, name)


register(Check("计划-滞后", "计划任务进度滞后", PROBLEM, "plan_item", plan_behind))
register(Check("计划-无责任", "计划任务未定责任", PROBLEM, "plan_item", plan_without_owner))
register(_archive("档案-不完整", "档案不完整", vocab.ARCHIVE_INCOMPLETE,
                  "一户一档缺项：请打开该户档案，按提示补齐缺少的内容"))
register(_archive("档案-不一致", "档案不一致", vocab.ARCHIVE_INCONSISTENT,
                  "一户一档前后不一致（户主、身份证号、人口数等）：请打开该户档案，按提示改正"))
