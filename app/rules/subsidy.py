"""The 直补 eligibility rule of SPEC §11, in one place: a pure function of (person facts, day).

A person is paid for a half when, on its first day (1 January / 1 July), they are on the roster, not 核减
on or before that day, the archive does not show them 死亡 or 迁出 on or before that day (a departure
without a date counts as before), and the day lies inside [纳入扶持时间, 纳入扶持时间 + years).
`exclusion` names the first reason a person is not paid, or None when they are. Its query form (the same
decision as a SQL CASE, for a town's roster at once) is app.services.subsidy_roster.exclusion_sql, built
from the constants here; tests hold the two to the same table of cases.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

from app import vocab

CURRENT_CUTOFF = dt.date(2006, 6, 30)  # 现状人口: relocated on or before this day
CURRENT_START = dt.date(2006, 7, 1)  # ... and supported from this day
DEFAULT_STANDARD = Decimal(600)
DEFAULT_YEARS = 20

# Why someone on the roster is not paid for a half, in the order the rule tests them.
NOT_ON_ROSTER = "不在名册"
REDUCED = "已核减"
DEAD = "死亡"
MOVED = "迁出"
NO_START = "无纳入扶持时间"
NOT_STARTED = "未到扶持时间"
ENDED = "扶持期满"
REASONS: tuple[str, ...] = (NOT_ON_ROSTER, REDUCED, DEAD, MOVED, NO_START, NOT_STARTED, ENDED)

_GONE = {"死亡": DEAD, "迁出": MOVED}


@dataclass(frozen=True, slots=True)
class CountySettings:
    """The county's decisions (基础信息): the yearly standard, the number of years, natural changes."""

    standard: Decimal = DEFAULT_STANDARD
    years: int = DEFAULT_YEARS
    natural_add: bool = False  # whether births and the like add people to the roster

    @property
    def half_amount(self) -> Decimal:
        return (Decimal(self.standard) / 2).quantize(Decimal("0.01"))


@dataclass(frozen=True, slots=True)
class PersonFacts:
    on_roster: bool
    state: str = vocab.SUBSIDY_ON  # 在册 / 核减
    reduced_on: dt.date | None = None
    start_on: dt.date | None = None
    member_status: str = vocab.MEMBER_ACTIVE  # the archive's 在册 / 迁出 / 死亡
    status_date: dt.date | None = None


def half_start(year: int, half: int) -> dt.date:
    """The first day of a half: H1 on 1 January, H2 on 1 July."""
    if half not in (1, 2):
        raise ValueError("半年只能是 1（上半年）或 2（下半年）")
    return dt.date(year, 1 if half == 1 else 7, 1)


def half_label(year: int, half: int) -> str:
    return f"{year}年{'上' if half == 1 else '下'}半年"


def support_end(start: dt.date, years: int) -> dt.date:
    """The first day no longer supported: start + years (29 February falls to 1 March, as SQLite's date())."""
    try:
        return start.replace(year=start.year + years)
    except ValueError:
        return dt.date(start.year + years, 3, 1)


def last_ended_start(day: dt.date, years: int) -> dt.date:
    """The latest 纳入扶持时间 whose support has ended by `day` (support_end(start, years) <= day): a period
    has ended on `day` exactly when its start is on or before this date (support_end never decreases), so a
    query compares the stored start with one date instead of computing every person's end."""
    try:
        start = day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year without one
        start = dt.date(day.year - years, 2, 28)
    one = dt.timedelta(days=1)
    while support_end(start + one, years) <= day:
        start += one
    while support_end(start, years) > day:
        start -= one
    return start


def default_start(category: str, relocated_on: dt.date | None) -> dt.date | None:
    """纳入扶持时间 when none is given: 现状人口 from 2006-07-01, 原迁人口 from the relocation date."""
    if category == vocab.SUBSIDY_CURRENT:
        return CURRENT_START
    if category == vocab.SUBSIDY_ORIGINAL:
        return relocated_on
    return None


def relocated_day(stored: str | None) -> dt.date | None:
    """A household's stored 搬迁时间 ("YYYY", "YYYY-MM" or "YYYY-MM-DD") as a day: the first of its month
    or year when partial; None when blank or unreadable."""
    parts = (stored or "").strip().split("-")
    try:
        numbers = [int(p) for p in parts]
        return dt.date(numbers[0], numbers[1] if len(numbers) > 1 else 1, numbers[2] if len(numbers) > 2 else 1)
    except (ValueError, IndexError):
        return None


def exclusion(person: PersonFacts, day: dt.date, years: int = DEFAULT_YEARS) -> str | None:
    """Why the person is not paid for the half starting on `day`, or None when they are paid."""
    if not person.on_roster:
        return NOT_ON_ROSTER
    if person.state == vocab.SUBSIDY_REDUCED and (person.reduced_on is None or person.reduced_on <= day):
        return REDUCED
    gone = _GONE.get(person.member_status)
    if gone is not None and (person.status_date is None or person.status_date <= day):
        return gone
    if person.start_on is None:
        return NO_START
    if day < person.start_on:
        return NOT_STARTED
    if day >= support_end(person.start_on, years):
        return ENDED
    return None


def is_paid(person: PersonFacts, day: dt.date, years: int = DEFAULT_YEARS) -> bool:
    return exclusion(person, day, years) is None


_SPACES = re.compile(r"[\s\u3000\-]")


def normalize_account(raw: object) -> tuple[str, str | None]:
    """An 一卡通 account as digits, and an error when it is not 16 to 19 digits after removing spaces."""
    if raw is None:
        return "", None
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        # Excel keeps 15 significant digits of a number: a 16-19 digit account typed as a number is damaged.
        if isinstance(raw, float) and not raw.is_integer() or len(str(int(raw))) > 15:
            return str(raw), "账号被Excel当作数字保存，末几位已丢失；请把该列设为文本后重新填写"
        raw = int(raw)
    text = _SPACES.sub("", str(raw))
    if not text:
        return "", None
    if not text.isdigit() or not 16 <= len(text) <= 19:
        return text, f"账号应为16到19位数字（去掉空格后），现为“{text}”"
    return text, None


def mask_account(account: str) -> str:
    """An account as printed for others: the last 4 digits only."""
    return ("*" * max(len(account) - 4, 0) + account[-4:]) if account else ""
