"""Resident ID numbers (公民身份号码, GB 11643, SPEC §4.6): normalise, validate, build and mask."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from operator import mul

ID_LENGTH = 18
_WEIGHTS: tuple[int, ...] = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"
_MIN_BIRTH = date(1900, 1, 1)
_DIGITS = frozenset("0123456789")

# Full-width digits and Latin letters to half-width; invisible zero-width characters dropped.
_TRANSLATE: dict[int, int | None] = {
    **{0xFF10 + i: ord("0") + i for i in range(10)},
    **{0xFF21 + i: ord("A") + i for i in range(26)},
    **{0xFF41 + i: ord("a") + i for i in range(26)},
    **{cp: None for cp in (0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF)},
    ord("x"): ord("X"),
}

# What a number looks like once Excel (or Python) has turned an ID into a float.
_NUMBER_TEXT = re.compile(r"[+-]?\d+(\.\d*)?([eE][+-]?\d+)?")


def normalize_id(raw: object) -> str:
    """str(raw) without any whitespace, full-width digits/letters made half-width, x made X; None -> ""."""
    if raw is None:
        return ""
    text = raw if type(raw) is str else str(raw)
    if text.isascii() and text.isalnum():  # the usual case: nothing to translate or strip
        return text.replace("x", "X")
    text = "".join(text.translate(_TRANSLATE).split())
    return text.replace("x", "X")


@dataclass(frozen=True, slots=True)
class IdCheck:
    """The outcome of check_id: birth_date and sex are filled only when the ID is valid."""

    normalized: str
    error: str | None
    birth_date: date | None = None
    sex: str | None = None

    @property
    def ok(self) -> bool:
        """True when the ID passed every check."""
        return self.error is None


def check_char(first17: str) -> str:
    """The GB 11643 check character ("0"-"9" or "X") for 17 digits; ValueError for anything else."""
    if len(first17) != 17 or not (first17.isascii() and first17.isdigit()):
        raise ValueError(f"check_char needs exactly 17 ASCII digits, got {first17!r}")
    total = sum(map(mul, map(int, first17), _WEIGHTS))
    return _CHECK_CHARS[total % 11]


def _looks_like_number(raw: object, normalized: str) -> bool:
    """True when the value is a number, or text that is a float / scientific-notation rendering of one."""
    if isinstance(raw, bool):
        return False
    if isinstance(raw, (int, float, Decimal)):
        return True
    if "." not in normalized and "E" not in normalized and "e" not in normalized:
        return False  # digits alone are how an ID is written
    if not _NUMBER_TEXT.fullmatch(normalized):
        return False
    return "." in normalized or "E" in normalized.upper()


def _cn_date(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def _number_error(normalized: str) -> str:
    shown = f"（现在显示为 {normalized}）" if normalized else ""
    return (
        f"身份证号被 Excel 当成了数字{shown}，最后几位已经丢失，无法还原。"
        "请把这一列的单元格格式设为“文本”，再重新输入完整的18位身份证号"
    )


def check_id(raw: object, today: date | None = None) -> IdCheck:
    """Validate an ID after normalize_id; the first problem found becomes a Chinese error that says how to fix it."""
    today = today or date.today()
    if type(raw) is str:
        return _check_str(raw, today)
    return _check(raw, today)


@lru_cache(maxsize=1 << 16)
def _check_str(raw: str, today: date) -> IdCheck:
    """check_id of text as typed (an import checks each ID twice: reading the file and caching the archive)."""
    return _check(raw, today)


def _check(raw: object, today: date) -> IdCheck:
    normalized = normalize_id(raw)

    if not normalized:
        return IdCheck(normalized, "身份证号为空，请填写18位身份证号")
    if _looks_like_number(raw, normalized):
        return IdCheck(normalized, _number_error(normalized))

    length = len(normalized)
    if length != ID_LENGTH:
        if length == 15 and set(normalized) <= _DIGITS:
            error = "身份证号只有15位，是旧的一代身份证号码，请改为填写现在使用的18位身份证号"
        else:
            error = f"身份证号有{length}位，应为18位，请核对是否多输或漏输了字符"
        return IdCheck(normalized, error)

    for position, ch in enumerate(normalized[:17], start=1):
        if ch not in _DIGITS:
            return IdCheck(normalized, f"身份证号第{position}位“{ch}”不是数字，前17位只能是数字，请核对后改正")
    last = normalized[17]
    if last not in _DIGITS and last != "X":
        return IdCheck(normalized, f"身份证号第18位“{last}”无效，最后一位只能是数字或X，请核对后改正")

    digits = normalized[6:14]
    try:
        birth = date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        return IdCheck(normalized, f"身份证号第7至14位的出生日期“{digits}”不是真实的日期，请核对后改正")
    if birth > today:
        return IdCheck(normalized, f"身份证号中的出生日期{_cn_date(birth)}晚于今天，请核对第7至14位")
    if birth < _MIN_BIRTH:
        return IdCheck(normalized, f"身份证号中的出生日期{_cn_date(birth)}早于1900年，请核对第7至14位")

    expected = check_char(normalized[:17])
    if last != expected:
        return IdCheck(
            normalized,
            f"身份证号校验位不对：按前17位计算，最后一位应为{expected}，现在是{last}。请核对号码是否抄错",
        )

    sex = "男" if int(normalized[16]) % 2 == 1 else "女"
    return IdCheck(normalized, None, birth, sex)


def make_id(region: str, birth: date, seq: int) -> str:
    """A valid 18-character ID from a 6-digit region code, a birth date and a sequence 0..999 (odd = male)."""
    if len(region) != 6 or not set(region) <= _DIGITS:
        raise ValueError(f"region must be 6 ASCII digits, got {region!r}")
    if not 0 <= seq <= 999:
        raise ValueError(f"seq must be in 0..999, got {seq}")
    first17 = f"{region}{birth.year:04d}{birth.month:02d}{birth.day:02d}{seq:03d}"
    return first17 + check_char(first17)


def mask_id(id_number: str) -> str:
    """First 6 + '*' for the middle + last 4 characters; a string shorter than 10 becomes all '*'."""
    text = id_number or ""
    if len(text) < 10:
        return "*" * len(text)
    return text[:6] + "*" * (len(text) - 10) + text[-4:]
