"""One reading of a calendar day, used alike by the Excel importer, the household editor and the ledger forms.

Accepted: a date (or datetime) value; text 2024-05-03, 2024/5/3, 2024.5.3, 2024年5月3日 (or 号), 20240503,
with full-width digits, spaces around the separators ("2024 - 5 - 3") and a trailing time of day
("2024-05-03 00:00:00") allowed; a whole number 20240503 as Excel may keep it. Blank is no date.
Every refusal is one Chinese sentence that starts with the field's label, so callers only prefix whose it is.
"""

from __future__ import annotations

import datetime as dt
import re

from app.rules.normalize import to_halfwidth

DATE_HELP = "请按 年-月-日 填写，例如 2024-05-03"
EARLIEST_BIRTH = dt.date(1900, 1, 1)

_TIME_SUFFIX = re.compile(r"\s+\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$")
_SEPARATED = re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})[日号]?")
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")


class DateRefused(ValueError):
    """A value that is not an acceptable date; str() is the clerk's message."""


def _shown(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def parse_date(
    value: object,
    label: str = "日期",
    *,
    today: dt.date | None = None,
    earliest: dt.date | None = None,
) -> dt.date | None:
    """The day `value` names, or None when it is blank; DateRefused (a ValueError) when it is not a date
    or lies after `today` or before `earliest`. `label` names the field in the message."""
    if value is None or isinstance(value, bool):
        if value is None:
            return None
        raise DateRefused(f"{label}“{value}”无法识别，{DATE_HELP}")
    if isinstance(value, dt.datetime):
        day = value.date()
    elif isinstance(value, dt.date):
        day = value
    else:
        raw = _shown(value)
        if not raw:
            return None
        text = "".join(_TIME_SUFFIX.sub("", to_halfwidth(raw)).split())
        match = _SEPARATED.fullmatch(text) or _COMPACT.fullmatch(text)
        if not match:
            raise DateRefused(f"{label}“{raw}”无法识别，{DATE_HELP}")
        try:
            day = dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        except ValueError:
            raise DateRefused(f"{label}“{raw}”不是真实的日期，{DATE_HELP}") from None
    if today is not None and day > today:
        raise DateRefused(f"{label}“{day.isoformat()}”晚于今天，请核对")
    if earliest is not None and day < earliest:
        raise DateRefused(f"{label}“{day.isoformat()}”早于{earliest.year}年，请核对")
    return day


def read_date(
    value: object,
    label: str = "日期",
    *,
    today: dt.date | None = None,
    earliest: dt.date | None = None,
) -> tuple[dt.date | None, str | None]:
    """parse_date without the exception: (day, None), (None, None) when blank, or (None, message)."""
    try:
        return parse_date(value, label, today=today, earliest=earliest), None
    except DateRefused as exc:
        return None, str(exc)


def read_birth_date(value: object, today: dt.date | None = None) -> tuple[dt.date | None, str | None]:
    """read_date for a birth date: not after today, not before 1900."""
    return read_date(value, "出生日期", today=today or dt.date.today(), earliest=EARLIEST_BIRTH)
