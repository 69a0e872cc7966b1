"""Data of the 年度计划责任分解表 as the Excel writer (app.io.plan_sheet) and the PDF (app.reports.plan_sheet) draw
it; app.services.plan_sheet fills it. Plain values only."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

NO_UNIT, NO_PERSON = "（未定责任单位）", "（未定责任人）"


def qty(value: Decimal) -> str:
    return f"{value.normalize():f}" if value == value.to_integral() else f"{value:.2f}"


@dataclass(frozen=True, slots=True)
class SheetRow:
    """One item under one unit or person."""

    group: str  # the unit or the person
    other: str  # the person(s) for a unit row; the unit for a person row
    focus_area: str
    title: str
    target: str  # 200 人次
    deadline: str
    source: str  # 手填 or the measure
    done: str
    percent: str
    state: str  # 已完成 / 逾期未完成 / 落后 / 正常推进


@dataclass
class PlanSheet:
    title: str
    unit: str  # 填报单位
    year: int
    month: str
    date: dt.date
    by_unit: list[SheetRow] = field(default_factory=list)
    by_person: list[SheetRow] = field(default_factory=list)
