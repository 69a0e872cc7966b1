"""Data of the village 公示 lists (app.reports.publicity draws it; app.services.subsidy_publicity fills it)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal


@dataclass
class VillagePublicity:
    name: str
    rows: list[list[str]] = field(default_factory=list)  # 组, 户主, 姓名, 身份证号（masked）, 类别, 金额
    amount: Decimal = Decimal(0)
    changes: list[list[str]] = field(default_factory=list)  # 姓名, 身份证号, 变动, 原因, 日期


@dataclass
class PublicityData:
    town: str
    year: int
    start: dt.date
    end: dt.date
    hotline: str
    signature: str
    standard: Decimal
    villages: list[VillagePublicity] = field(default_factory=list)
