"""What a ledger declaration is made of (STYLE example 6): fields with their types, choices and rules, the
links to a household / settlement point / village, the focus area, named filters and the row alert.

A declaration is plain data. The engine (`app.ledgers.engine`) turns it into queries, validation, saving and
the Excel export; the screens (`app.ui.ledger_page`) turn it into the table, the filters and the form.
No Qt and no database work here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from app.errors import FieldProblem, Refused


class Kind(str, Enum):
    """The type of a ledger field: decides its widget, its parsing and its Excel format."""

    TEXT = "text"  # one line
    LONGTEXT = "longtext"  # several lines (descriptions, findings)
    DATE = "date"
    MONEY = "money"  # Decimal 元, two places
    INT = "int"
    BOOL = "bool"
    CHOICE = "choice"  # one of Field.choices (a vocabulary tuple)
    REF = "ref"  # the id of a household / settlement point / village / unit / cadre (Field.ref)


# What a REF field may point at (the engine knows each one's table and label).
REF_HOUSEHOLD = "household"
REF_POINT = "point"
REF_VILLAGE = "village"
REF_UNIT = "unit"
REF_CADRE = "cadre"
REF_MEMBER = "member"  # a member of the record's household (the form offers that household's members)
REF_TARGETS: tuple[str, ...] = (REF_HOUSEHOLD, REF_POINT, REF_VILLAGE, REF_UNIT, REF_CADRE, REF_MEMBER)


@dataclass(frozen=True)
class Field:
    """One column of a ledger.

    key: the model attribute; label: the Chinese name the clerk reads (in messages, headers, the form).
    table/form/export: where it appears. filter: offered as a filter above the table. search: matched by
    the search box (text fields, and the label of a reference). default: value or callable(today) for a new
    record. width: characters, for the table and the Excel column.
    """

    key: str
    label: str
    kind: Kind
    required: bool = False
    choices: tuple[str, ...] = ()
    ref: str | None = None
    width: int = 10
    table: bool = True
    form: bool = True
    export: bool = True
    filter: bool = False
    search: bool = False
    sortable: bool = True
    default: Any = None
    hint: str = ""
    minimum: Any = None
    maximum: Any = None

    def __post_init__(self) -> None:
        if self.kind is Kind.CHOICE and not self.choices:
            raise ValueError(f"{self.key}: a choice field needs its choices")
        if self.kind is Kind.REF and self.ref not in REF_TARGETS:
            raise ValueError(f"{self.key}: a reference needs one of {REF_TARGETS}")

    def default_value(self, today: dt.date) -> Any:
        return self.default(today) if callable(self.default) else self.default


@dataclass(frozen=True)
class Virtual:
    """A read-only column computed for a page of rows: fetch(session, ids, today) -> {id: value}."""

    key: str
    label: str
    fetch: Callable[[Any, list[int], dt.date], Mapping[int, Any]]
    width: int = 10
    table: bool = True
    export: bool = True


@dataclass(frozen=True)
class Preset:
    """A named filter the clerk picks (未办结, 逾期 …): condition(today) is an SQLAlchemy expression."""

    label: str
    condition: Callable[[dt.date], Any]


@dataclass(frozen=True)
class Check:
    """A rule across fields: test(values, today) -> message or None; `field` is the one marked invalid."""

    field: str
    test: Callable[[Mapping[str, Any], dt.date], str | None]


@dataclass(frozen=True)
class Ledger:
    """A ledger declared once. `name` is the stable English name used by the command line
    (`export ledger NAME`); `title` the Chinese title on the screen and the printed sheet."""

    name: str
    title: str
    model: type
    fields: tuple[Field, ...]
    date_field: str
    nav: str = ""  # the navigation entry ("" = shown inside another page)
    default_sort: str = ""
    default_descending: bool = True
    household_field: str | None = None
    point_field: str | None = None
    village_field: str | None = None
    focus_field: str | None = None
    count_field: str | None = None  # the counts line shows how many rows have each of its choices
    presets: tuple[Preset, ...] = ()
    alert: Preset | None = None  # rows matching it are shown in red (e.g. 逾期)
    checks: tuple[Check, ...] = ()
    virtuals: tuple[Virtual, ...] = ()
    columns: tuple[str, ...] = ()  # order of the table's columns (fields and virtuals)
    export_order: tuple[str, ...] = ()  # order of the Excel columns (default: as the table)
    description: str = ""
    noun: str = "条"  # the counting word: 共 12 条
    # Runs inside the save's transaction after the record is written: after_write(session, row, today).
    # Where an entry changes a household's situation, the archive follows here (with its history).
    after_write: Callable[[Any, Any, dt.date], None] | None = None

    def __post_init__(self) -> None:
        keys = [f.key for f in self.fields]
        if len(set(keys)) != len(keys):
            raise ValueError(f"{self.name}: duplicate field keys")
        for attr in ("date_field", "household_field", "point_field", "village_field", "focus_field",
                     "count_field"):
            key = getattr(self, attr)
            if key and key not in keys:
                raise ValueError(f"{self.name}: {attr} {key!r} is not a field")
        unknown = (set(self.columns) | set(self.export_order)) - set(keys) - {v.key for v in self.virtuals}
        if unknown:
            raise ValueError(f"{self.name}: columns lists unknown keys {sorted(unknown)}")
        for key in keys:
            if not hasattr(self.model, key):
                raise ValueError(f"{self.name}: {self.model.__name__} has no attribute {key!r}")

    def ordered(self, order: tuple[str, ...] | None = None) -> list[Field | Virtual]:
        """Fields and virtual columns in the given (default: the table's) order; unlisted ones follow."""
        everything: dict[str, Field | Virtual] = {f.key: f for f in self.fields}
        everything.update({v.key: v for v in self.virtuals})
        keys = [k for k in (self.columns if order is None else order) if k in everything]
        keys += [k for k in everything if k not in keys]
        return [everything[k] for k in keys]

    def field(self, key: str) -> Field:
        for f in self.fields:
            if f.key == key:
                return f
        raise KeyError(key)

    @property
    def sort_key(self) -> str:
        return self.default_sort or self.date_field

    @property
    def form_fields(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if f.form)

    @property
    def filter_fields(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if f.filter)

    @property
    def reaches_village(self) -> bool:
        """Whether rows can be filtered by village (directly or through their household or point)."""
        return bool(self.village_field or self.household_field or self.point_field)


# A ledger's field problem and refusal are the shared ones of app.errors (kept under the ledgers' names).
LedgerError = FieldProblem
LedgerRefused = Refused


@dataclass
class LedgerQuery:
    """What a ledger table shows. filters: field key -> value (equality); date_from/date_to bound the
    ledger's date field (inclusive); preset: the label of one of the ledger's presets."""

    text: str = ""
    filters: dict[str, Any] = field(default_factory=dict)
    village_id: int | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    preset: str | None = None
    sort: str | None = None
    descending: bool | None = None


# Small building blocks the declarations share.


def today_default(today: dt.date) -> dt.date:
    """A date field's default: the day the form is opened."""
    return today


def not_future(key: str, label: str) -> Check:
    """The date in `key` may not be later than today."""
    return Check(key, lambda v, today: f"“{label}”不能晚于今天（{today.isoformat()}）"
                 if v.get(key) is not None and v[key] > today else None)


def not_before(key: str, label: str, other: str, other_label: str) -> Check:
    """The date in `key` may not be earlier than the date in `other`."""
    return Check(key, lambda v, _t: f"“{label}”不能早于“{other_label}”"
                 if v.get(key) is not None and v.get(other) is not None and v[key] < v[other] else None)
