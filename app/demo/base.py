"""What every step of the demo generator shares: the summary, weighted draws, ids, bulk inserts, names."""

from __future__ import annotations

import bisect
import calendar
import datetime as dt
import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from decimal import Decimal
from itertools import accumulate
from operator import itemgetter

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from app.demo.words import (
    COMPOUND_SURNAMES,
    EDUCATION_ADULT,
    EMPLOY_ABLE,
    EMPLOY_OLD,
    EMPLOY_WEAK,
    ETHNIC,
    GIVEN_MID,
    GIVEN_NEW,
    GIVEN_OLD,
    HOUSING,
    PHONE_PREFIXES,
    PROJECT_FUNDING,
    RARE_CHARS,
    SURNAMES,
)
from app.rules import make_id


class DemoError(Exception):
    """The demo data cannot be generated into this database; the message is for the clerk, in Chinese."""


@dataclass
class DemoSummary:
    """How many rows of each kind generate() made (reused villages/units/points are not counted)."""

    households: int = 0
    members: int = 0
    household_tags: int = 0
    villages: int = 0
    points: int = 0
    units: int = 0
    cadres: int = 0
    point_assignments: int = 0
    household_assignments: int = 0
    unit_assignments: int = 0
    visits: int = 0
    problems: int = 0
    problem_progress: int = 0
    employment_records: int = 0
    support_records: int = 0
    housing_records: int = 0
    fund_records: int = 0
    projects: int = 0
    activities: int = 0
    party_records: int = 0
    meetings: int = 0
    meeting_decisions: int = 0
    inspections: int = 0
    plans: int = 0
    plan_items: int = 0
    plan_progress: int = 0
    subsidy_facts: int = 0  # members on the 后扶 roster
    key_households: int = 0  # 在册 households that are 三特户 or 三无户
    key_households_uncovered: int = 0  # of those, left without a one-to-one cadre on purpose

    def as_dict(self) -> dict[str, int]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @property
    def rows(self) -> int:
        """Rows inserted in all tables."""
        skip = {"key_households", "key_households_uncovered"}
        return sum(v for k, v in self.as_dict().items() if k not in skip)


# ---------------------------------------------------------------------------------------------- helpers

class _Weighted:
    """A weighted choice over fixed values, with a precomputed cumulative table."""

    __slots__ = ("values", "cum", "total")

    def __init__(self, pairs: Sequence[tuple[object, float]]) -> None:
        self.values = [v for v, _ in pairs]
        self.cum = list(accumulate(w for _, w in pairs))
        self.total = self.cum[-1]

    def pick(self, rng: random.Random):
        return self.values[bisect.bisect_right(self.cum, rng.random() * self.total)]


def _apportion(total: int, weights: Sequence[float]) -> list[int]:
    """total split in proportion to weights (largest remainder; ties by position)."""
    s = sum(weights)
    raw = [total * w / s for w in weights]
    base = [int(x) for x in raw]
    order = sorted(range(len(weights)), key=lambda i: (-(raw[i] - base[i]), i))
    for i in order[: total - sum(base)]:
        base[i] += 1
    return base


def _nice(x: float) -> int:
    """x rounded to two significant digits, at least 1."""
    if x < 1:
        return 1
    mag = 10 ** max(0, int(math.log10(x)) - 1)
    return max(1, int(round(x / mag)) * mag)


def _month_start(today: dt.date, back: int) -> dt.date:
    """The first day of the month `back` months before today's."""
    m = today.year * 12 + today.month - 1 - back
    return dt.date(m // 12, m % 12 + 1, 1)


def _month_end(first: dt.date) -> dt.date:
    return first.replace(day=calendar.monthrange(first.year, first.month)[1])


def _yuan(x: float) -> Decimal:
    return Decimal(int(round(x))).quantize(Decimal("0.01"))


class _H:
    """What later steps need to know about one generated household."""

    __slots__ = ("id", "vi", "pi", "flags", "active", "head_mid", "head_name", "housing", "leaks", "geo",
                 "poor", "sick", "disabled", "students", "alone", "tags", "size")

    def __init__(self, **kw) -> None:
        for k, v in kw.items():
            setattr(self, k, v)


class DemoBase:
    """The generator's state and plumbing; the steps are mixed in by app.demo.generate."""

    def __init__(self, s: Session, n: int, seed: int, today: dt.date,
                 progress: Callable[[int, int], None] | None) -> None:
        self.s = s
        self.n = n
        self.rng = random.Random(seed)
        self.today = today
        # An ID's birth date may never be in the future (derive() checks IDs against the real date).
        self.birth_ordinal = min(today, dt.date.today()).toordinal()
        self.progress = progress
        self.stamp = dt.datetime.now().replace(microsecond=0)
        self.summary = DemoSummary()
        self.used_ids: set[str] = set()
        self.used_cadre_names: set[str] = set()
        self.next: dict[str, int] = {}
        self.w_ethnic = _Weighted(ETHNIC)
        self.w_housing = _Weighted(HOUSING)
        self.w_edu = {k: _Weighted(v) for k, v in EDUCATION_ADULT.items()}
        self.w_emp_able = _Weighted(EMPLOY_ABLE)
        self.w_emp_weak = _Weighted(EMPLOY_WEAK)
        self.w_emp_old = _Weighted(EMPLOY_OLD)
        self.w_funding = _Weighted(PROJECT_FUNDING)
        self.jan1 = {}
        r = self.rng.random
        # Fast draws for the hot loops (random.randint/choice cost several times more).
        self.ri: Callable[[int, int], int] = lambda lo, hi: lo + int(r() * (hi - lo + 1))
        self.ch: Callable[[Sequence], object] = lambda seq: seq[int(r() * len(seq))]

    # ------------------------------------------------------------------ plumbing

    def _id(self, model) -> int:
        """The next free primary key of model's table (ids are assigned here, not by the database)."""
        name = model.__tablename__
        if name not in self.next:
            self.next[name] = (self.s.scalar(select(func.max(model.id))) or 0) + 1
        value = self.next[name]
        self.next[name] = value + 1
        return value

    def _insert(self, model, rows: list[dict], counter: str | None = None) -> None:
        if not rows:
            return
        table = model.__table__
        if "created_at" in table.c:
            stamp = self.stamp
            for r in rows:
                r["created_at"] = stamp
                r["updated_at"] = stamp
        self.s.execute(insert(table), rows)
        counter = counter or table.name
        setattr(self.summary, counter, getattr(self.summary, counter) + len(rows))

    def _insert_many(self, model, rows: list[dict], counter: str) -> None:
        """Like _insert, for the big tables (households, their tags, members, visits).

        At 400,000 rows SQLAlchemy's per-row parameter handling costs as much again as SQLite itself, so the
        rows go to the driver's executemany as tuples. Each value still passes through its column's own bind
        processor (ScaledDecimal, Date, Boolean), so what is stored is exactly what Core would store.
        """
        if not rows:
            return
        table = model.__table__
        dialect = self.s.get_bind().dialect
        names = list(rows[0])
        getter = itemgetter(*names)
        procs = [(i, proc) for i, name in enumerate(names)
                 if (proc := table.c[name].type.dialect_impl(dialect).bind_processor(dialect)) is not None]
        extra: list = []
        if "created_at" in table.c:
            stamp = table.c.created_at.type.dialect_impl(dialect).bind_processor(dialect)(self.stamp)
            names += ["created_at", "updated_at"]
            extra = [stamp, stamp]
        params = []
        for r in rows:
            values = list(getter(r))
            for i, proc in procs:
                values[i] = proc(values[i])
            values += extra
            params.append(tuple(values))
        sql = f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"
        self.s.connection().exec_driver_sql(sql, params)
        setattr(self.summary, counter, getattr(self.summary, counter) + len(rows))

    # The hot paths below draw with rng.random() arithmetic: randrange/choice cost several times more.

    def _phone(self) -> str:
        r = self.rng.random
        return PHONE_PREFIXES[int(r() * len(PHONE_PREFIXES))] + f"{int(r() * 100_000_000):08d}"

    def _birth(self, age: int) -> dt.date:
        """A birth date for someone `age` (nominal) years old today, never in the future."""
        year = self.today.year - age
        jan1 = self.jan1.get(year)
        if jan1 is None:
            jan1 = self.jan1[year] = dt.date(year, 1, 1).toordinal()
        days = 366 if calendar.isleap(year) else 365
        limit = self.birth_ordinal - jan1 + 1
        if limit < days:
            days = max(1, limit)
        return dt.date.fromordinal(jan1 + int(self.rng.random() * days))

    def _make_id(self, region: str, birth: dt.date, male: bool) -> str:
        r = self.rng.random
        used = self.used_ids
        while True:
            number = make_id(region, birth, int(r() * 500) * 2 + (1 if male else 0))
            if number not in used:
                used.add(number)
                return number

    def _surname(self) -> str:
        r = self.rng.random
        if r() < 0.003:
            return COMPOUND_SURNAMES[int(r() * len(COMPOUND_SURNAMES))]
        return SURNAMES[int(r() * len(SURNAMES))]

    def _given(self, male: bool, year: int) -> str:
        r = self.rng.random
        pool = GIVEN_OLD if year < 1965 else GIVEN_MID if year < 1990 else GIVEN_NEW
        chars = pool[0] if male else pool[1]
        n = len(chars)
        first = chars[int(r() * n)]
        if r() < 0.005:
            first = RARE_CHARS[int(r() * len(RARE_CHARS))]
        if r() < 0.25:
            return first
        second = chars[int(r() * n)]
        while second == first:
            second = chars[int(r() * n)]
        return first + second

    def _person_name(self) -> str:
        """A unique-in-the-town adult name for a cadre."""
        rng = self.rng
        while True:
            male = rng.random() < 0.7
            name = self._surname() + self._given(male, rng.randint(1962, 1992))
            if name not in self.used_cadre_names:
                self.used_cadre_names.add(name)
                return name
