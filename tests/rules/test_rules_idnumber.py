"""Unit tests for app.rules.idnumber: resident ID normalisation, validation, construction and masking."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from app.rules.idnumber import IdCheck, check_char, check_id, make_id, mask_id, normalize_id

TODAY = date(2024, 6, 15)
# Real-shaped IDs with correct check characters (region 522632 榕江县, 430521 邵东县).
HEAD_ID = "522632197803150416"  # male, born 1978-03-15
WIFE_ID = "522632198011020028"  # female, born 1980-11-02


def _fix(first17: str) -> str:
    return first17 + check_char(first17)


# ---------------------------------------------------------------- normalize_id


def test_normalize_none_is_empty() -> None:
    """None normalises to the empty string."""
    assert normalize_id(None) == ""


def test_normalize_strips_all_kinds_of_whitespace() -> None:
    """Spaces, tabs, newlines, NBSP and the full-width space U+3000 are all removed."""
    raw = " 522632\t1978\u00a00315\u30000416\n"
    assert normalize_id(raw) == HEAD_ID


def test_normalize_fullwidth_digits_and_letters() -> None:
    """Full-width digits and upper/lower letters become half-width; lower-case x becomes X."""
    assert normalize_id("５２２６３２１９７８０３１５０４１ｘ") == "52263219780315041X"
    assert normalize_id("ＡＢｃ") == "ABc"


def test_normalize_lowercase_x_to_upper() -> None:
    """A trailing lower-case x is upper-cased."""
    assert normalize_id("43052119880101124x") == "43052119880101124X"


def test_normalize_leaves_other_garbage() -> None:
    """Characters that are not whitespace or full-width alphanumerics stay, so validation can reject them."""
    assert normalize_id("522632-19780315-0417") == "522632-19780315-0417"
    assert normalize_id("5226321978031504１７号") == "522632197803150417号"


def test_normalize_drops_zero_width_characters() -> None:
    """Invisible zero-width characters pasted from web pages are removed."""
    assert normalize_id("\ufeff522632\u200b197803150416") == HEAD_ID


def test_normalize_stringifies_numbers() -> None:
    """A number is turned into its str() form, not reinterpreted."""
    assert normalize_id(4.30521198801011e17) == "4.30521198801011e+17"
    assert normalize_id(123) == "123"


# ---------------------------------------------------------------- check_char / make_id


def test_check_char_known_values() -> None:
    """check_char gives the GB 11643 check character, including X for remainder 2."""
    assert check_char("52263219780315041") == "6"
    assert check_char("11010519491231002") == "X"  # the standard's own example ID 11010519491231002X


@pytest.mark.parametrize("bad", ["1234567890123456", "123456789012345678", "5226321978031504A", "５２２６３２１９７８０３１５０４１"])
def test_check_char_rejects_non_17_digits(bad: str) -> None:
    """check_char raises ValueError unless given exactly 17 ASCII digits."""
    with pytest.raises(ValueError):
        check_char(bad)


def test_make_id_builds_valid_id() -> None:
    """make_id joins region, birth date and zero-padded sequence and appends the right check character."""
    made = make_id("522632", date(1978, 3, 15), 41)
    assert made == HEAD_ID
    assert check_id(made, TODAY).ok


def test_make_id_sequence_parity_sets_sex() -> None:
    """An odd sequence gives a male ID and an even one a female ID."""
    assert check_id(make_id("430521", date(1990, 7, 9), 1), TODAY).sex == "男"
    assert check_id(make_id("430521", date(1990, 7, 9), 2), TODAY).sex == "女"


@pytest.mark.parametrize(("region", "seq"), [("52263", 1), ("5226321", 1), ("52263A", 1), ("522632", -1), ("522632", 1000)])
def test_make_id_rejects_bad_arguments(region: str, seq: int) -> None:
    """make_id raises ValueError for a region that is not 6 digits or a sequence outside 0..999."""
    with pytest.raises(ValueError):
        make_id(region, date(1980, 1, 1), seq)


# ---------------------------------------------------------------- check_id: valid


def test_valid_id_gives_birth_date_and_sex() -> None:
    """A valid male ID passes and yields its birth date and 男."""
    result = check_id(HEAD_ID, TODAY)
    assert result == IdCheck(HEAD_ID, None, date(1978, 3, 15), "男")
    assert result.ok


def test_valid_female_id() -> None:
    """A valid ID with an even 17th digit yields 女."""
    result = check_id(WIFE_ID, TODAY)
    assert result.ok
    assert (result.birth_date, result.sex) == (date(1980, 11, 2), "女")


def test_valid_id_with_x_check_char_in_messy_form() -> None:
    """A valid X-terminated ID typed full-width, lower-case and with spaces is accepted and normalised."""
    result = check_id(" １１０１０５ 19491231 002ｘ ", TODAY)
    assert result.ok
    assert result.normalized == "11010519491231002X"
    assert result.sex == "女"


def test_default_today_accepts_old_id() -> None:
    """Without an explicit today, a long-past birth date is accepted."""
    assert check_id(HEAD_ID).ok


def test_birth_today_is_allowed() -> None:
    """A baby born today has a valid ID (today is not the future)."""
    assert check_id(make_id("522632", TODAY, 5), TODAY).ok


def test_birth_on_1900_01_01_is_allowed() -> None:
    """1900-01-01 is the earliest accepted birth date."""
    assert check_id(make_id("522632", date(1900, 1, 1), 5), TODAY).ok


# ---------------------------------------------------------------- check_id: errors in order


@pytest.mark.parametrize("raw", [None, "", "   ", "\u3000\t"])
def test_empty_id(raw: object) -> None:
    """A missing or blank ID reports that it is empty and asks for 18 characters."""
    result = check_id(raw, TODAY)
    assert not result.ok
    assert result.error == "身份证号为空，请填写18位身份证号"


@pytest.mark.parametrize(
    "raw",
    [4.30521198801011e17, 430521198801011000, Decimal("430521198801011000"),
     "4.30521198801011E+17", "4.30521198801011e+17", "430521198801011000.0", "５.２２６３２１９７８０３１５Ｅ+17"],
)
def test_number_mangled_id(raw: object) -> None:
    """An ID that arrived as a number, or as a float / scientific-notation string, says Excel lost digits and to use 文本."""
    result = check_id(raw, TODAY)
    assert not result.ok
    assert result.error is not None
    assert "Excel" in result.error
    assert "丢失" in result.error
    assert "文本" in result.error
    assert result.birth_date is None and result.sex is None


def test_bool_is_not_treated_as_number() -> None:
    """A stray boolean is reported as a wrong-length value, not as an Excel number."""
    result = check_id(True, TODAY)
    assert result.error is not None and "Excel" not in result.error


@pytest.mark.parametrize(("raw", "length"), [("52263219780315041", 17), ("5226321978031504177", 19), ("52263", 5)])
def test_wrong_length_says_how_many(raw: str, length: int) -> None:
    """A wrong-length ID says how many characters it has and that 18 are needed."""
    result = check_id(raw, TODAY)
    assert result.error is not None
    assert f"有{length}位" in result.error
    assert "18位" in result.error


def test_old_15_digit_id_is_explained() -> None:
    """A 15-digit number is recognised as the old first-generation ID and the clerk is told to use the 18-digit one."""
    result = check_id("522632780315041", TODAY)
    assert result.error is not None
    assert "15位" in result.error and "18位" in result.error


def test_non_digit_in_first_17_names_position() -> None:
    """A letter among the first 17 characters is reported with its position."""
    result = check_id("52263219780315O417", TODAY)  # letter O instead of zero at position 15
    assert result.error is not None
    assert "第15位" in result.error and "“O”" in result.error


def test_x_in_first_17_is_rejected() -> None:
    """X is only allowed as the last character."""
    result = check_id("5226321978031504X7", TODAY)
    assert result.error is not None and "第17位" in result.error


def test_invalid_last_char() -> None:
    """A last character that is neither a digit nor X is rejected with the allowed alternatives."""
    result = check_id("52263219780315041Y", TODAY)
    assert result.error is not None
    assert "第18位" in result.error and "数字或X" in result.error


def test_impossible_birth_date() -> None:
    """A birth date that does not exist (30 February) is rejected and the digits are quoted."""
    result = check_id(_fix("52263219800230041"), TODAY)
    assert result.error is not None
    assert "19800230" in result.error and "不是真实的日期" in result.error


def test_month_13_birth_date() -> None:
    """A birth month of 13 is not a real date."""
    result = check_id(_fix("52263219801301041"), TODAY)
    assert result.error is not None and "不是真实的日期" in result.error


def test_future_birth_date() -> None:
    """A birth date after today is rejected as lying in the future."""
    result = check_id(make_id("522632", date(2024, 6, 16), 41), TODAY)
    assert result.error is not None
    assert "2024年6月16日" in result.error and "晚于今天" in result.error


def test_birth_before_1900() -> None:
    """A birth date before 1900 is rejected."""
    result = check_id(make_id("522632", date(1899, 12, 31), 41), TODAY)
    assert result.error is not None and "早于1900年" in result.error


def test_wrong_checksum_gives_expected_char() -> None:
    """A wrong check character reports what it should be and what it is."""
    result = check_id("522632197803150418", TODAY)
    assert result.error is not None
    assert "应为6" in result.error and "现在是8" in result.error
    assert result.birth_date is None and result.sex is None


def test_wrong_checksum_expected_x() -> None:
    """When the correct check character is X the message says X."""
    result = check_id("110105194912310021", TODAY)
    assert result.error is not None and "应为X" in result.error


def test_length_error_wins_over_characters() -> None:
    """Errors are reported in order: a short ID with letters reports the length first."""
    result = check_id("52263A", TODAY)
    assert result.error is not None and "有6位" in result.error


def test_date_error_wins_over_checksum() -> None:
    """A bad birth date is reported before a wrong check character."""
    result = check_id("522632198002300410", TODAY)
    assert result.error is not None and "出生日期" in result.error


def test_all_errors_are_chinese_and_start_with_field() -> None:
    """Every error message starts with 身份证号 so it can be prefixed with a person's name."""
    samples = [None, 4.3e17, "123", "52263219780315O417", "52263219780315041Y",
               "522632198002300417", "522632203001010417", "522632197803150418"]
    for raw in samples:
        error = check_id(raw, TODAY).error
        assert error is not None and error.startswith("身份证号"), (raw, error)


# ---------------------------------------------------------------- mask_id


def test_mask_18_char_id() -> None:
    """An 18-character ID shows the first 6 and last 4 characters with 8 stars between."""
    assert mask_id(HEAD_ID) == "522632********0416"


def test_mask_short_strings_are_all_stars() -> None:
    """A string shorter than 10 characters is masked entirely."""
    assert mask_id("123456789") == "*********"
    assert mask_id("") == ""


def test_mask_exactly_10_chars() -> None:
    """A 10-character string has no middle to hide and keeps its length."""
    assert mask_id("1234567890") == "1234567890"


def test_mask_odd_length_keeps_length() -> None:
    """A 15-character old ID keeps 6 + 5 stars + 4."""
    assert mask_id("522632780315041") == "522632*****5041"
