"""Small pure normalisers shared by the Excel importer and the editor (SPEC §5)."""

from __future__ import annotations

import math
import re
from datetime import date, datetime
from decimal import Decimal

from app.vocab import RELATIONS

# Full-width ASCII (U+FF01–FF5E) to half-width, and the ideographic space to a plain space.
_HALFWIDTH: dict[int, int] = {0xFF01 + i: 0x21 + i for i in range(0x5E)}
_HALFWIDTH[0x3000] = 0x20


def to_halfwidth(text: str) -> str:
    """text with full-width ASCII characters and the ideographic space turned half-width."""
    return text.translate(_HALFWIDTH)


def _no_space(text: str) -> str:
    return "".join(text.split())  # str.split() splits on exactly the characters str.isspace() accepts


def _text(value: object) -> str:
    """value as text: None -> "", a whole float (Excel's 13812345678.0) without its ".0"."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# ---------------------------------------------------------------- names, relations, phones, sex

# Dot-like characters people type for the middle dot of a minority name (阿依古丽·买买提).
_MIDDLE_DOT = "\u00b7"
_DOT_LIKE: dict[int, str] = {cp: _MIDDLE_DOT for cp in (0x30FB, 0xFF65, 0x2022, 0x2027, 0x22C5, 0x2219, 0x0387)}


def normalize_name(s: str | None) -> str:
    """The name without any whitespace (full-width too), with dot-like marks made the middle dot ·; None -> ""."""
    return _no_space(s or "").translate(_DOT_LIKE)


# Synonym lines of SPEC §5; the first form of each line is the stored value (vocab.RELATIONS).
_RELATION_LINES: tuple[tuple[str, ...], ...] = (
    ("户主",),
    ("配偶", "妻", "夫", "妻子", "丈夫"),
    ("之子", "子", "儿子", "长子", "次子", "三子", "四子", "五子"),
    ("之女", "女", "女儿", "长女", "次女", "三女", "四女", "五女"),
    ("父亲", "父"),
    ("母亲", "母"),
    ("孙子",),
    ("孙女",),
    ("儿媳", "儿媳妇"),
    ("女婿",),
    ("兄弟姐妹", "兄弟", "姐妹", "兄", "弟", "姐", "妹"),
    ("其他",),
)
_RELATION_MAP: dict[str, str] = {word: line[0] for line in _RELATION_LINES for word in line}
assert {line[0] for line in _RELATION_LINES} == set(RELATIONS), "relation synonyms out of step with vocab"


def normalize_relation(s: str | None) -> str | None:
    """The vocab.RELATIONS value for a relation or one of its synonyms (spaces ignored); None when unknown."""
    return _RELATION_MAP.get(_no_space(s or ""))


_DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\uff0d"
_PHONE_DROP: dict[int, None] = {ord(ch): None for ch in _DASHES}


def normalize_phone(s: object) -> str:
    """The phone with spaces and dashes removed and full-width characters made half-width; None -> ""."""
    return _no_space(to_halfwidth(_text(s))).translate(_PHONE_DROP)


_SEX_MAP: dict[str, str] = {
    "男": "男", "男性": "男", "M": "男", "MALE": "男",
    "女": "女", "女性": "女", "F": "女", "FEMALE": "女",
}


def normalize_sex(s: str | None) -> str | None:
    """男 or 女 for 男/女/男性/女性/M/F (any case, spaces ignored); None otherwise."""
    return _SEX_MAP.get(_no_space(to_halfwidth(s or "")).upper())


_TAG_SPLIT = re.compile(r"[、,，;；/／\s]+")


def parse_tags(s: str | None) -> list[str]:
    """The tags in a cell split on 、 , ， ; ； / and whitespace, empties dropped, duplicates kept once, in order."""
    tags: list[str] = []
    for tag in _TAG_SPLIT.split(s or ""):
        if tag and tag not in tags:
            tags.append(tag)
    return tags


# 政治面貌 values of a party member, and the 是 of a 是否党员 column.
_PARTY_VALUES = frozenset({"中共党员", "党员", "预备党员", "中共预备党员", "是"})


def is_party_member(s: str | None) -> bool:
    """True for 中共党员, 党员, 预备党员, 中共预备党员 (or 是 in a 是否党员 column); any other value is False."""
    return _no_space(s or "") in _PARTY_VALUES


# ---------------------------------------------------------------- relocation dates

MIN_RELOCATION_YEAR = 1950

_TIME_SUFFIX = re.compile(r"\s+\d{1,2}:\d{2}(:\d{2})?$")
_DATE_PATTERNS: tuple[re.Pattern[str], ...] = (
    re.compile(r"(?P<y>\d{4})年?"),
    re.compile(r"(?P<y>\d{4})\.(?P<m>\d{1,2})"),
    re.compile(r"(?P<y>\d{4})\.(?P<m>\d{1,2})\.(?P<d>\d{1,2})"),
    re.compile(r"(?P<y>\d{4})年(?P<m>\d{1,2})月"),
    re.compile(r"(?P<y>\d{4})年(?P<m>\d{1,2})月(?P<d>\d{1,2})[日号]"),
    re.compile(r"(?P<y>\d{4})[-/](?P<m>\d{1,2})"),
    re.compile(r"(?P<y>\d{4})(?P<sep>[-/])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})"),
)
_DATE_HELP = "请写成 2019、2019.5、2019年5月、2019-05-03 或 2019/05/03 这样的格式"


def _relocation_text(value: object) -> str:
    """The relocation value as text to parse; a float keeps its repr so 2019.5 stays year 2019, month 5."""
    if isinstance(value, float):
        # A number cannot tell 2019.1 (January) from 2019.10 (October): it is read as January.
        return str(int(value)) if value.is_integer() else repr(value)
    return to_halfwidth(str(value))


def parse_relocation_date(value: object, today: date | None = None) -> tuple[str | None, str | None]:
    """(normalised "YYYY" / "YYYY-MM" / "YYYY-MM-DD", None) or (None, Chinese error); blank -> (None, None).

    Text "2019.10" is October; a float 2019.1 (what Excel keeps of 2019.10) is read as January.
    """
    today = today or date.today()
    if value is None or isinstance(value, bool):
        return (None, None) if value is None else (None, f"无法识别搬迁时间“{value}”，{_DATE_HELP}")
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return _check_relocation(value.year, value.month, value.day, str(value), today)
    if isinstance(value, float) and not math.isfinite(value):
        return None, f"无法识别搬迁时间“{value}”，{_DATE_HELP}"

    raw = _relocation_text(value).strip()
    if not raw:
        return None, None
    text = _no_space(_TIME_SUFFIX.sub("", raw))
    for pattern in _DATE_PATTERNS:
        match = pattern.fullmatch(text)
        if match:
            parts = match.groupdict()
            month = int(parts["m"]) if parts.get("m") else None
            day = int(parts["d"]) if parts.get("d") else None
            return _check_relocation(int(parts["y"]), month, day, raw, today)
    return None, f"无法识别搬迁时间“{raw}”，{_DATE_HELP}"


def _check_relocation(
    year: int, month: int | None, day: int | None, shown: str, today: date
) -> tuple[str | None, str | None]:
    """Range-check a parsed relocation date and give its normalised text."""
    if month is not None and not 1 <= month <= 12:
        return None, f"搬迁时间“{shown}”中的月份{month}不存在，月份应在1到12之间，请改正"
    if year < MIN_RELOCATION_YEAR:
        return None, f"搬迁时间“{shown}”早于{MIN_RELOCATION_YEAR}年，请核对年份"
    if month is None:
        future = year > today.year
        normalized = f"{year:04d}"
    elif day is None:
        future = (year, month) > (today.year, today.month)
        normalized = f"{year:04d}-{month:02d}"
    else:
        try:
            future = date(year, month, day) > today
        except ValueError:
            return None, f"搬迁时间“{shown}”不是真实的日期（{year}年{month}月没有{day}日），请改正"
        normalized = f"{year:04d}-{month:02d}-{day:02d}"
    if future:
        return None, f"搬迁时间“{shown}”晚于今天，请核对"
    return normalized, None


# ---------------------------------------------------------------- amounts

_AMOUNT_STRIP = re.compile(r"^[¥￥]|(亩|元)$")
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")


def parse_decimal(value: object, label: str = "数值") -> tuple[Decimal | None, str | None]:
    """(Decimal, None) for land or income given as a number or text (full-width, commas, 亩/元); blank -> (None, None).

    label names the field in the Chinese error, e.g. "承包地面积".
    """
    if value is None:
        return None, None
    if isinstance(value, bool):
        return None, f"{label}“{value}”无法识别，请只填写数字，例如 2.5"
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        number = Decimal(repr(value)) if math.isfinite(value) else Decimal("NaN")
    else:
        raw = str(value).strip()
        if not raw:
            return None, None
        text = _no_space(to_halfwidth(raw)).replace(",", "").replace("，", "")
        text = _AMOUNT_STRIP.sub("", text)
        number = Decimal(text) if _PLAIN_NUMBER.fullmatch(text) else Decimal("NaN")
    if not number.is_finite():
        return None, f"{label}“{str(value).strip()}”无法识别，请只填写数字，例如 2.5"
    if number < 0:
        return None, f"{label}“{str(value).strip()}”是负数，不能小于0，请改正"
    return (abs(number) if number == 0 else number), None
