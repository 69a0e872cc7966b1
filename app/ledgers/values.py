"""Reading what the clerk typed into a ledger field, and showing a stored value: pure functions.

Every error message names the field by its Chinese label, so the clerk knows where to look.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from app.ledgers.spec import Field, Kind, LedgerError
from app.rules.dates import DateRefused, parse_date
from app.rules.normalize import to_halfwidth


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def coerce(f: Field, raw: Any) -> tuple[Any, LedgerError | None]:
    """The stored value for what the form holds (text, or an already typed value); an error names the field."""
    if f.kind in (Kind.TEXT, Kind.LONGTEXT):
        text = "" if raw is None else str(raw)
        text = text.strip() if f.kind is Kind.LONGTEXT else " ".join(text.split())
        return text, None
    if f.kind is Kind.BOOL:
        if isinstance(raw, str):
            return raw.strip() in ("是", "1", "true", "True"), None
        return bool(raw), None
    if is_blank(raw):
        return None, None
    if f.kind is Kind.DATE:
        try:
            return parse_date(raw, f.label), None
        except DateRefused as exc:
            return None, LedgerError(f.key, str(exc))
    if f.kind is Kind.MONEY:
        try:
            value = Decimal(to_halfwidth(str(raw)).replace(",", "").replace("，", "").replace("元", "").strip())
        except InvalidOperation:
            return None, LedgerError(f.key, f"“{f.label}”应为金额（元），例如 1500 或 1500.50，而不是“{raw}”")
        if not value.is_finite():
            return None, LedgerError(f.key, f"“{f.label}”应为金额（元），而不是“{raw}”")
        if value != value.quantize(Decimal("0.01")):
            return None, LedgerError(f.key, f"“{f.label}”最多保留两位小数（到分）")
        return value.quantize(Decimal("0.01")), None
    if f.kind is Kind.INT:
        try:
            return int(to_halfwidth(str(raw)).strip()), None
        except ValueError:
            return None, LedgerError(f.key, f"“{f.label}”应为整数，而不是“{raw}”")
    if f.kind is Kind.CHOICE:
        value = str(raw).strip()
        if value not in f.choices:
            return None, LedgerError(f.key, f"“{f.label}”只能是：{'、'.join(f.choices)}，而不是“{value}”")
        return value, None
    if f.kind is Kind.REF:
        try:
            return int(raw), None
        except (TypeError, ValueError):
            return None, LedgerError(f.key, f"“{f.label}”无效，请重新选择")
    raise AssertionError(f.kind)


def check_value(f: Field, value: Any) -> LedgerError | None:
    """Required and range rules of one typed value."""
    blank = is_blank(value) or (f.kind is Kind.BOOL and value is None)
    if f.required and blank:
        verb = "选择" if f.kind in (Kind.CHOICE, Kind.REF) else "填写"
        return LedgerError(f.key, f"请{verb}“{f.label}”")
    if blank:
        return None
    if f.minimum is not None and value < f.minimum:
        return LedgerError(f.key, f"“{f.label}”不能小于 {f.minimum}")
    if f.maximum is not None and value > f.maximum:
        return LedgerError(f.key, f"“{f.label}”不能大于 {f.maximum}")
    return None


def display(f_kind: Kind, value: Any) -> str:
    """The text of a stored value in a table cell or a form field."""
    if value is None:
        return ""
    if f_kind is Kind.BOOL:
        return "是" if value else "否"
    if f_kind is Kind.DATE:
        return value.isoformat()
    if f_kind is Kind.MONEY:
        return f"{value:,.2f}"
    return str(value)


def export_value(f_kind: Kind, value: Any) -> Any:
    """A stored value as it goes into an Excel cell (dates and numbers stay typed)."""
    if value is None:
        return None
    if f_kind is Kind.BOOL:
        return "是" if value else "否"
    if f_kind in (Kind.TEXT, Kind.LONGTEXT, Kind.CHOICE):
        return value or None
    return value
