"""Unit tests for app.rules.normalize: names, relations, phones, sex, tags, party membership, dates, amounts."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from app.rules.normalize import (
    is_party_member,
    normalize_name,
    normalize_phone,
    normalize_relation,
    normalize_sex,
    parse_decimal,
    parse_relocation_date,
    parse_tags,
    to_halfwidth,
)
from app.vocab import RELATIONS

TODAY = date(2024, 6, 15)


# ---------------------------------------------------------------- to_halfwidth


def test_to_halfwidth() -> None:
    """Full-width digits, letters, punctuation and the ideographic space become half-width."""
    assert to_halfwidth("１３８　ＡＢｃ．－（）") == "138 ABc.-()"


# ---------------------------------------------------------------- normalize_name


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (" 王 明华", "王明华"),
        ("王\u3000明华\t", "王明华"),
        ("杨\u00a0光\n明", "杨光明"),
        ("阿依古丽·买买提", "阿依古丽·买买提"),
        ("阿依古丽・买买提", "阿依古丽·买买提"),
        ("阿依古丽 ･ 买买提", "阿依古丽·买买提"),
        ("热合曼•艾力", "热合曼·艾力"),
        (None, ""),
        ("", ""),
    ],
)
def test_normalize_name(raw: str | None, expected: str) -> None:
    """Names lose every whitespace character; dot-like marks in minority names become the middle dot ·."""
    assert normalize_name(raw) == expected


# ---------------------------------------------------------------- normalize_relation


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("户主", "户主"),
        ("配偶", "配偶"), ("妻", "配偶"), ("夫", "配偶"), ("妻子", "配偶"), ("丈夫", "配偶"),
        ("之子", "之子"), ("子", "之子"), ("儿子", "之子"), ("长子", "之子"), ("次子", "之子"),
        ("之女", "之女"), ("女", "之女"), ("女儿", "之女"), ("长女", "之女"), ("次女", "之女"),
        ("父亲", "父亲"), ("父", "父亲"),
        ("母亲", "母亲"), ("母", "母亲"),
        ("孙子", "孙子"), ("孙女", "孙女"), ("儿媳", "儿媳"), ("女婿", "女婿"),
        ("兄弟姐妹", "兄弟姐妹"), ("兄弟", "兄弟姐妹"), ("姐妹", "兄弟姐妹"),
        ("兄", "兄弟姐妹"), ("弟", "兄弟姐妹"), ("姐", "兄弟姐妹"), ("妹", "兄弟姐妹"),
        ("其他", "其他"),
        (" 户 主 ", "户主"), ("\u3000妻\u3000", "配偶"),
    ],
)
def test_normalize_relation_synonyms(raw: str, expected: str) -> None:
    """Each SPEC §5 synonym (spaces ignored) maps to the first form of its line."""
    assert normalize_relation(raw) == expected


@pytest.mark.parametrize("raw", ["表哥", "朋友", "", None, "户主妻"])
def test_normalize_relation_unknown(raw: str | None) -> None:
    """An unknown or blank relation gives None."""
    assert normalize_relation(raw) is None


def test_every_normalised_relation_is_in_vocab() -> None:
    """Every stored form is a vocab.RELATIONS value and every vocab value normalises to itself."""
    for relation in RELATIONS:
        assert normalize_relation(relation) == relation


# ---------------------------------------------------------------- normalize_phone


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("138 1234 5678", "13812345678"),
        ("138-1234-5678", "13812345678"),
        ("0855－8123456", "08558123456"),
        ("１３８　１２３４　５６７８", "13812345678"),
        ("0855—8123456", "08558123456"),
        (13812345678, "13812345678"),
        (13812345678.0, "13812345678"),
        (None, ""),
    ],
)
def test_normalize_phone(raw: object, expected: str) -> None:
    """Phones lose spaces and dashes, full-width digits become half-width, Excel numbers lose their .0."""
    assert normalize_phone(raw) == expected


# ---------------------------------------------------------------- normalize_sex


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("男", "男"), ("女", "女"), ("男性", "男"), ("女性", "女"), ("M", "男"), ("F", "女"),
     ("m", "男"), ("f", "女"), (" 男 ", "男"), ("Ｆ", "女"), ("未知", None), ("", None), (None, None)],
)
def test_normalize_sex(raw: str | None, expected: str | None) -> None:
    """男/女/男性/女性/M/F map to 男 or 女; anything else gives None."""
    assert normalize_sex(raw) == expected


# ---------------------------------------------------------------- parse_tags


def test_parse_tags_all_separators() -> None:
    """Tags split on 、 , ， ; ； / and whitespace; empty pieces are dropped."""
    cell = "低收入户、无房户,无地户，困难户;孤寡老残户；无劳动力户/ 脱贫户　监测户\t"
    assert parse_tags(cell) == ["低收入户", "无房户", "无地户", "困难户", "孤寡老残户", "无劳动力户", "脱贫户", "监测户"]


def test_parse_tags_blank_and_repeated() -> None:
    """A blank cell gives no tags; a repeated tag is kept once."""
    assert parse_tags("") == []
    assert parse_tags(None) == []
    assert parse_tags(" 、、 ") == []
    assert parse_tags("无房户、无房户") == ["无房户"]


# ---------------------------------------------------------------- is_party_member


@pytest.mark.parametrize("value", ["中共党员", "党员", "预备党员", "中共预备党员", " 中共党员 ", "是"])
def test_party_member_values(value: str) -> None:
    """中共党员, 党员, 预备党员, 中共预备党员 (and 是 in a 是否党员 column) mean a party member."""
    assert is_party_member(value) is True


@pytest.mark.parametrize("value", ["群众", "共青团员", "民主党派", "否", "", None, "非党员"])
def test_not_party_member_values(value: str | None) -> None:
    """Any other value means not a party member."""
    assert is_party_member(value) is False


# ---------------------------------------------------------------- parse_relocation_date


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2019", "2019"),
        ("2019年", "2019"),
        ("2019.5", "2019-05"),
        ("2019.10", "2019-10"),
        ("2019.1", "2019-01"),
        ("2019.05", "2019-05"),
        ("2019年5月", "2019-05"),
        ("2019年5月3日", "2019-05-03"),
        ("2019年12月31号", "2019-12-31"),
        ("2019-05-03", "2019-05-03"),
        ("2019/05/03", "2019-05-03"),
        ("2019/5/3", "2019-05-03"),
        ("2019.05.03", "2019-05-03"),
        ("2019-5", "2019-05"),
        ("2019/5", "2019-05"),
        ("２０１９．１０", "2019-10"),
        ("２０１９年５月", "2019-05"),
        (" 2019 年 5 月 ", "2019-05"),
        ("2019-05-03 00:00:00", "2019-05-03"),
        (2019, "2019"),
        (2019.5, "2019-05"),
        (2019.12, "2019-12"),
        (2019.0, "2019"),
        (date(2019, 5, 3), "2019-05-03"),
        (datetime(2019, 5, 3, 0, 0), "2019-05-03"),
        ("1950", "1950"),
        ("2024.6", "2024-06"),
        ("2024-06-15", "2024-06-15"),
    ],
)
def test_parse_relocation_date_accepts(raw: object, expected: str) -> None:
    """Every accepted spelling of a relocation date normalises to YYYY, YYYY-MM or YYYY-MM-DD."""
    assert parse_relocation_date(raw, today=TODAY) == (expected, None)


def test_year_dot_month_is_never_a_decimal() -> None:
    """"2019.10" is October and "2019.1" January: the part after the dot is the month, not a fraction."""
    assert parse_relocation_date("2019.10", today=TODAY)[0] == "2019-10"
    assert parse_relocation_date("2019.1", today=TODAY)[0] == "2019-01"


def test_float_2019_1_is_read_as_january() -> None:
    """A float 2019.1 (what Excel keeps of 2019.10) cannot be told apart and is read as January."""
    assert parse_relocation_date(2019.1, today=TODAY) == ("2019-01", None)
    assert parse_relocation_date(2019.10, today=TODAY) == ("2019-01", None)


@pytest.mark.parametrize("raw", [None, "", "   "])
def test_blank_relocation_date(raw: object) -> None:
    """A blank relocation date is not an error: it is simply unknown."""
    assert parse_relocation_date(raw, today=TODAY) == (None, None)


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ("2019.13", "月份13"),
        ("2019-13", "月份13"),
        ("2019年0月", "月份0"),
        ("2019-02-30", "2月没有30日"),
        ("2023/02/29", "2月没有29日"),
        ("1949", "早于1950年"),
        ("1949.10", "早于1950年"),
        ("2025", "晚于今天"),
        ("2024.7", "晚于今天"),
        ("2024-06-16", "晚于今天"),
        (date(2030, 1, 1), "晚于今天"),
        ("去年", "无法识别"),
        ("19.5", "无法识别"),
        ("2019.5.", "无法识别"),
        (float("nan"), "无法识别"),
        (True, "无法识别"),
    ],
)
def test_parse_relocation_date_rejects(raw: object, fragment: str) -> None:
    """Impossible, too early, future and unreadable relocation dates give a Chinese error and no value."""
    value, error = parse_relocation_date(raw, today=TODAY)
    assert value is None
    assert error is not None and fragment in error and "搬迁时间" in error


def test_leap_day_is_accepted() -> None:
    """29 February in a leap year is a real date."""
    assert parse_relocation_date("2020-02-29", today=TODAY) == ("2020-02-29", None)


def test_unreadable_date_shows_accepted_formats() -> None:
    """The unreadable-date message shows examples of formats that work."""
    _, error = parse_relocation_date("五月份", today=TODAY)
    assert error is not None and "2019.5" in error and "2019年5月" in error


def test_default_today_rejects_far_future() -> None:
    """Without an explicit today, a year far in the future is rejected."""
    assert parse_relocation_date("2999")[0] is None


# ---------------------------------------------------------------- parse_decimal


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (3, Decimal(3)),
        (0, Decimal(0)),
        (2.5, Decimal("2.5")),
        (0.1, Decimal("0.1")),
        (Decimal("1.25"), Decimal("1.25")),
        ("1.5", Decimal("1.5")),
        ("1.5亩", Decimal("1.5")),
        (" 1.5 亩 ", Decimal("1.5")),
        ("12,600元", Decimal(12600)),
        ("12，600.50 元", Decimal("12600.50")),
        ("￥8000", Decimal(8000)),
        ("３．５", Decimal("3.5")),
        ("１２６００元", Decimal(12600)),
        (".5", Decimal("0.5")),
        ("-0", Decimal(0)),
    ],
)
def test_parse_decimal_accepts(raw: object, expected: Decimal) -> None:
    """Numbers and number text (full-width, commas, trailing 亩/元) parse to the exact Decimal."""
    value, error = parse_decimal(raw)
    assert error is None
    assert value == expected


def test_parse_decimal_float_has_no_binary_noise() -> None:
    """A float is converted via its repr, so 0.1 is exactly Decimal('0.1')."""
    value, _ = parse_decimal(0.1)
    assert value is not None and value.as_tuple() == Decimal("0.1").as_tuple()


@pytest.mark.parametrize("raw", [None, "", "  "])
def test_parse_decimal_blank(raw: object) -> None:
    """A blank value is unknown, not an error."""
    assert parse_decimal(raw) == (None, None)


@pytest.mark.parametrize("raw", [-1, -0.5, "-2", "－3亩", Decimal("-0.01")])
def test_parse_decimal_negative(raw: object) -> None:
    """A negative amount is an error that says it cannot be below 0."""
    value, error = parse_decimal(raw, "承包地面积")
    assert value is None
    assert error is not None and "负数" in error and error.startswith("承包地面积")


@pytest.mark.parametrize("raw", ["两亩", "abc", "1.2.3", "亩", "3万元", "1e3", float("inf"), True])
def test_parse_decimal_unreadable(raw: object) -> None:
    """Text that is not a plain number is an error naming the field and asking for digits."""
    value, error = parse_decimal(raw, "家庭年收入")
    assert value is None
    assert error is not None and error.startswith("家庭年收入") and "数字" in error


def test_parse_decimal_default_label() -> None:
    """Without a label the error speaks of 数值."""
    _, error = parse_decimal("很多")
    assert error is not None and error.startswith("数值")


# ---------------------------------------------------------------- 组

from app.rules import normalize_group  # noqa: E402


@pytest.mark.parametrize("typed", ["3", "3组", "三组", "第三组", "03组", "３组", " 3 组", "3村民小组", "三小组"])
def test_every_way_of_writing_group_three_is_one_form(typed):
    assert normalize_group(typed) == "3组"


@pytest.mark.parametrize("typed, form", [("十组", "10组"), ("十二组", "12组"), ("二十三组", "23组"), (12, "12组"),
                                          ("坪上组", "坪上组"), ("", ""), (None, ""), ("0", "0")])
def test_groups_beyond_nine_and_named_groups(typed, form):
    assert normalize_group(typed) == form
