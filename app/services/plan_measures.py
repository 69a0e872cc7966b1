"""What measures a plan item from the records (SPEC §4.7): trainings, placements, 创业 support, leak repairs,
placements of 无房户, geological-hazard moves, activities, visits, 兜底 households, projects, hardship
funds. An item linked to a measure takes its progress from the ledgers — counted from 1 January of the
plan's year to the end of the month asked — and can no longer contradict them; an item without one keeps
the progress typed month by month, marked 手填. Each measure is declared once here. No Qt."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from app.models import Activity, EmploymentRecord, FundRecord, HousingRecord, Project, SupportRecord, Visit

TYPED = "手填"


@dataclass(frozen=True)
class Measure:
    """count(session, first_day, last_day) -> how much the records hold in [first_day, last_day]."""

    code: str  # stored in PlanItem.measure
    label: str  # how the clerk picks it
    unit: str  # the counting word it yields
    count: Callable[[Session, dt.date, dt.date], int]


def _rows(model, *conditions):
    def count(s: Session, first: dt.date, last: dt.date) -> int:
        return s.scalar(select(func.count()).select_from(model)
                        .where(model.date >= first, model.date <= last, *conditions)) or 0
    return count


def _households(model, *conditions):
    def count(s: Session, first: dt.date, last: dt.date) -> int:
        return s.scalar(select(func.count(model.household_id.distinct()))
                        .where(model.date >= first, model.date <= last, *conditions)) or 0
    return count


def _support(s: Session, first: dt.date, last: dt.date) -> int:
    """Households with a 兜底 record in force at any time in the period."""
    return s.scalar(select(func.count(SupportRecord.household_id.distinct()))
                    .where(SupportRecord.start_date <= last,
                           or_(SupportRecord.end_date.is_(None), SupportRecord.end_date >= first))) or 0


def _projects(s: Session, first: dt.date, last: dt.date) -> int:
    return s.scalar(select(func.count()).select_from(Project)
                    .where(Project.status.in_(("完工", "已验收")), Project.acceptance_date.is_not(None),
                           Project.acceptance_date >= first, Project.acceptance_date <= last)) or 0


STARTUP_KINDS = ("小作坊", "创业一次性补贴", "场租补贴", "小额贷款担保贴息")

MEASURES: tuple[Measure, ...] = (
    Measure("training", "技能培训人次（就业创业台账）", "人次", _rows(EmploymentRecord, EmploymentRecord.kind == "技能培训")),
    Measure("placement", "就业安置人次（就业创业台账）", "人次", _rows(EmploymentRecord, EmploymentRecord.kind == "就业安置")),
    Measure("startup", "创业扶持人次（小作坊、创业补贴、贴息）", "人次",
            _rows(EmploymentRecord, EmploymentRecord.kind.in_(STARTUP_KINDS))),
    Measure("leak_repair", "漏水维修完成户数（住房台账）", "户",
            _households(HousingRecord, HousingRecord.kind == "漏水维修", HousingRecord.completed.is_(True))),
    Measure("house_placement", "无房户安置户数（住房台账）", "户",
            _households(HousingRecord, HousingRecord.kind == "无房户安置",
                        or_(HousingRecord.completed.is_(True), HousingRecord.placement != ""))),
    Measure("geohazard", "地灾过渡安置户数（住房台账）", "户",
            _households(HousingRecord, HousingRecord.kind == "地灾过渡安置", HousingRecord.completed.is_(True))),
    Measure("fusion", "融合共建活动次数（活动台账）", "次", _rows(Activity, Activity.kind == "居民融合共建活动")),
    Measure("publicity", "宣传活动次数（活动台账）", "次", _rows(Activity, Activity.kind == "宣传")),
    Measure("visits", "走访户次（走访台账）", "户次", _rows(Visit)),
    Measure("support", "兜底保障户数（兜底保障台账）", "户", _support),
    Measure("projects", "项目完工个数（项目台账）", "个", _projects),
    Measure("hardship", "临时困难补助户次（资金台账）", "户次", _rows(FundRecord, FundRecord.kind == "临时困难补助")),
)
BY_CODE: dict[str, Measure] = {m.code: m for m in MEASURES}


def label(code: str) -> str:
    """How an item's progress is measured, in words: the measure's label, or 手填."""
    m = BY_CODE.get(code or "")
    return m.label if m else TYPED


def measured(s: Session, code: str, year: int, month_start: dt.date, month_end: dt.date) -> tuple[Decimal, Decimal]:
    """(achieved from 1 January of `year` to month_end, achieved within the month) for a measure."""
    m = BY_CODE[code]
    first = dt.date(year, 1, 1)
    if month_end < first:
        return Decimal(0), Decimal(0)
    total = m.count(s, first, month_end)
    this = m.count(s, max(first, month_start), month_end)
    return Decimal(total), Decimal(this)


