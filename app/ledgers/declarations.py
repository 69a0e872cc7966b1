"""The ledgers, each declared once (SPEC §3). Adding a ledger is adding a declaration here and listing it
in LEDGERS: its table, filters, form, validation, Excel export and navigation entry follow from it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from sqlalchemy import func, select

from app import vocab
from app.ledgers import conditions
from app.ledgers.spec import (
    REF_CADRE,
    REF_HOUSEHOLD,
    REF_PLAN_ITEM,
    REF_POINT,
    REF_UNIT,
    REF_VILLAGE,
    Check,
    Field,
    Kind,
    Ledger,
    Preset,
    Virtual,
    not_before,
    not_future,
    today_default,
)
from app.ledgers.work import WORK_LEDGERS
from app.models import Cadre, Household, Problem, ProblemProgress, Village, Visit

# ------------------------------------------------------------------------------------------ 问题台账

PROBLEM_CLOSED: tuple[str, ...] = tuple(s for s in vocab.PROBLEM_STATUS if s not in vocab.PROBLEM_OPEN)
RESOLVED, UNRESOLVABLE = "已解决", "暂无法解决"


def _responsible(s, ids: list[int], today_default: dt.date) -> Mapping[int, str]:
    rows = s.execute(select(Problem.id, Cadre.name, Problem.responsible_person)
                     .outerjoin(Cadre, Cadre.id == Problem.responsible_cadre_id).where(Problem.id.in_(ids)))
    return {i: "、".join(dict.fromkeys(x for x in (name, person) if x)) for i, name, person in rows}


def _latest_progress(s, ids: list[int], today_default: dt.date) -> Mapping[int, str]:
    latest = (select(ProblemProgress.problem_id, func.max(ProblemProgress.id).label("pid"))
              .where(ProblemProgress.problem_id.in_(ids)).group_by(ProblemProgress.problem_id).subquery())
    rows = s.execute(select(ProblemProgress.problem_id, ProblemProgress.date, ProblemProgress.note)
                     .join(latest, latest.c.pid == ProblemProgress.id))
    return {i: f"{d.month}月{d.day}日 {note}" for i, d, note in rows}


def _all_progress(s, ids: list[int], today_default: dt.date) -> Mapping[int, str]:
    out: dict[int, list[str]] = {}
    for i, d, note in s.execute(select(ProblemProgress.problem_id, ProblemProgress.date, ProblemProgress.note)
                                .where(ProblemProgress.problem_id.in_(ids))
                                .order_by(ProblemProgress.date, ProblemProgress.id)):
        out.setdefault(i, []).append(f"{d.isoformat()} {note}")
    return {i: "；\n".join(notes) for i, notes in out.items()}


def deadline_note(status: str, deadline: dt.date | None, today: dt.date) -> str:
    """逾期 N 天 / 剩 N 天 / 今天到期 for an open problem with a deadline; blank otherwise."""
    if status not in vocab.PROBLEM_OPEN or deadline is None:
        return ""
    days = (deadline - today).days
    if days < 0:
        return f"逾期 {-days} 天"
    return "今天到期" if days == 0 else f"剩 {days} 天"


def _deadline_notes(s, ids: list[int], today: dt.date) -> Mapping[int, str]:
    rows = s.execute(select(Problem.id, Problem.status, Problem.deadline).where(Problem.id.in_(ids)))
    return {i: deadline_note(status, deadline, today) for i, status, deadline in rows}


def _resolved_needs(key: str, label: str, status: str) -> Check:
    return Check(key, lambda v, _t: f"状态为“{status}”时请填写“{label}”"
                 if v.get("status") == status and not v.get(key) else None)


PROBLEMS = Ledger(
    name="problems",
    title="问题台账",
    nav="问题台账",
    model=Problem,
    description="调查摸底、走访、群众反映和督查发现的每一个问题：谁负责、何时办结、结果如何。",
    date_field="found_date",
    household_field="household_id",
    point_field="settlement_point_id",
    village_field="village_id",
    focus_field="focus_area",
    count_field="status",
    noun="个",
    fields=(
        Field("found_date", "发现日期", Kind.DATE, required=True, default=today_default, width=11),
        Field("source", "问题来源", Kind.CHOICE, required=True, choices=vocab.PROBLEM_SOURCES,
              default="群众反映", filter=True, width=9),
        Field("focus_area", "所属领域", Kind.CHOICE, required=True, choices=vocab.FOCUS_AREAS, filter=True,
              width=9, hint="八个紧盯"),
        Field("description", "问题描述", Kind.LONGTEXT, required=True, search=True, width=30),
        Field("priority", "紧急程度", Kind.CHOICE, required=True, choices=vocab.PRIORITIES,
              default=vocab.PRIORITY_DEFAULT, filter=True, width=7, hint="先急后缓：紧急的问题排在前面"),
        Field("household_id", "涉及户", Kind.REF, ref=REF_HOUSEHOLD, search=True, width=20,
              hint="涉及某一户时选择；该户的村和安置点会自动带出"),
        Field("village_id", "村", Kind.REF, ref=REF_VILLAGE, width=8),
        Field("settlement_point_id", "安置点", Kind.REF, ref=REF_POINT, search=True, width=12),
        Field("visit_id", "来源走访", Kind.INT, table=False, form=False, export=False, sortable=False),
        Field("unit_id", "责任单位", Kind.REF, ref=REF_UNIT, filter=True, search=True, width=11),
        Field("responsible_cadre_id", "责任人", Kind.REF, ref=REF_CADRE, search=True, table=False, export=False),
        Field("responsible_person", "其他责任人", Kind.TEXT, search=True, table=False, export=False,
              hint="责任人不在干部名单中时填写"),
        Field("deadline", "办理期限", Kind.DATE, width=11),
        Field("measures", "整改措施", Kind.LONGTEXT, table=False, width=24),
        Field("status", "办理状态", Kind.CHOICE, required=True, choices=vocab.PROBLEM_STATUS, default="待办",
              filter=True, width=9),
        Field("resolved_date", "办结日期", Kind.DATE, width=11),
        Field("result", "办理结果", Kind.LONGTEXT, table=False, width=24),
        Field("unresolvable_reason", "暂无法解决原因", Kind.LONGTEXT, table=False, width=20),
        Field("plan_item_id", "服务计划任务", Kind.REF, ref=REF_PLAN_ITEM, table=False, width=24,
              hint="该问题的整改服务于年度计划的哪项任务（可不选）"),
    ),
    first=("priority", vocab.PRIORITY_URGENT),
    virtuals=(
        Virtual("responsible", "责任人", _responsible, width=10),
        Virtual("deadline_note", "期限提示", _deadline_notes, width=9, export=False),
        Virtual("latest_progress", "最新进展", _latest_progress, width=24, export=False),
        Virtual("progress", "进展情况", _all_progress, width=30, table=False),
    ),
    presets=(
        Preset("未办结", lambda _t: conditions.problem_open()),
        Preset("逾期", conditions.problem_overdue),
        Preset("已办结", lambda _t: Problem.status.in_(PROBLEM_CLOSED)),
    ),
    alert=Preset("逾期", conditions.problem_overdue),
    columns=("priority", "found_date", "focus_area", "description", "household_id", "unit_id", "responsible", "deadline",
             "deadline_note", "status", "village_id", "settlement_point_id", "source", "resolved_date",
             "latest_progress"),
    export_order=("priority", "found_date", "source", "focus_area", "description", "household_id", "village_id",
                  "settlement_point_id", "unit_id", "responsible", "deadline", "measures", "status",
                  "resolved_date", "result", "unresolvable_reason", "plan_item_id", "progress"),
    checks=(
        not_future("found_date", "发现日期"),
        not_before("deadline", "办理期限", "found_date", "发现日期"),
        _resolved_needs("resolved_date", "办结日期", RESOLVED),
        _resolved_needs("result", "办理结果", RESOLVED),
        _resolved_needs("unresolvable_reason", "暂无法解决原因", UNRESOLVABLE),
        not_before("resolved_date", "办结日期", "found_date", "发现日期"),
        not_future("resolved_date", "办结日期"),
    ),
)


# ------------------------------------------------------------------------------------------ 走访


def _visit_village(s, ids: list[int], today_default: dt.date) -> Mapping[int, str]:
    rows = s.execute(select(Visit.id, Village.name).join(Household, Household.id == Visit.household_id)
                     .join(Village, Village.id == Household.village_id).where(Visit.id.in_(ids)))
    return dict(rows.all())


def _visit_problems(s, ids: list[int], today_default: dt.date) -> Mapping[int, str]:
    rows = s.execute(select(Problem.visit_id, func.count()).where(Problem.visit_id.in_(ids))
                     .group_by(Problem.visit_id))
    return {i: f"{n} 个" for i, n in rows}


VISITS = Ledger(
    name="visits",
    title="走访台账",
    nav="走访",
    model=Visit,
    description="包保干部对一对一包保户的走访：每户每月至少一次。",
    date_field="date",
    household_field="household_id",
    count_field="way",
    fields=(
        Field("date", "走访日期", Kind.DATE, required=True, default=today_default, width=11),
        Field("cadre_id", "走访干部", Kind.REF, ref=REF_CADRE, required=True, filter=True, search=True, width=10),
        Field("household_id", "走访对象", Kind.REF, ref=REF_HOUSEHOLD, required=True, search=True, width=20),
        Field("way", "走访方式", Kind.CHOICE, required=True, choices=vocab.VISIT_WAYS, default="入户",
              filter=True, width=8),
        Field("findings", "走访发现", Kind.LONGTEXT, search=True, width=44,
              hint="了解到的情况、群众诉求和发现的问题"),
    ),
    virtuals=(
        Virtual("village", "村", _visit_village, width=8),
        Virtual("problems", "登记问题", _visit_problems, width=8),
    ),
    checks=(not_future("date", "走访日期"),),
    columns=("date", "village", "household_id", "cadre_id", "way", "findings", "problems"),
)


# Every declared ledger, in navigation order. `export ledger NAME` takes these names.
LEDGERS: dict[str, Ledger] = {ledger.name: ledger for ledger in (VISITS, PROBLEMS, *WORK_LEDGERS)}


def ledger_by_name(name: str) -> Ledger:
    try:
        return LEDGERS[name]
    except KeyError:
        raise KeyError(f"没有名为“{name}”的台账，可用：{'、'.join(LEDGERS)}") from None

