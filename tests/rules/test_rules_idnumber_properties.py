"""Hypothesis property tests for the GB 11643 checksum, ID normalisation and masking."""

from __future__ import annotations

from datetime import date

from hypothesis import assume, given
from hypothesis import strategies as st

from app.rules.idnumber import check_id, make_id, mask_id, normalize_id

TODAY = date(2024, 6, 15)
CHECK_CHARS = "0123456789X"
WHITESPACE = [" ", "\t", "\n", "\r", "\u00a0", "\u3000", "\u2002", "\u2003"]

regions = st.text(alphabet="0123456789", min_size=6, max_size=6)
births = st.dates(min_value=date(1900, 1, 1), max_value=TODAY)
seqs = st.integers(min_value=0, max_value=999)
valid_ids = st.builds(make_id, regions, births, seqs)


@given(regions, births, seqs)
def test_make_id_always_validates(region: str, birth: date, seq: int) -> None:
    """Every ID built by make_id passes check_id and reports the birth date and sex it was built with."""
    result = check_id(make_id(region, birth, seq), TODAY)
    assert result.ok, result.error
    assert result.birth_date == birth
    assert result.sex == ("男" if seq % 2 else "女")


@given(valid_ids, st.integers(min_value=0, max_value=16), st.integers(min_value=1, max_value=9))
def test_changing_one_of_first_17_digits_invalidates(id_number: str, position: int, shift: int) -> None:
    """Replacing any one of the first 17 digits with a different digit makes the ID invalid."""
    new_digit = str((int(id_number[position]) + shift) % 10)
    mutated = id_number[:position] + new_digit + id_number[position + 1:]
    assert mutated != id_number
    assert not check_id(mutated, TODAY).ok


@given(valid_ids, st.sampled_from(CHECK_CHARS))
def test_changing_check_char_invalidates(id_number: str, other: str) -> None:
    """Replacing the check character with any other allowed character makes the ID invalid, citing the checksum."""
    assume(other != id_number[17])
    result = check_id(id_number[:17] + other, TODAY)
    assert not result.ok
    assert result.error is not None and f"应为{id_number[17]}" in result.error


@given(st.text(max_size=40))
def test_normalize_is_idempotent(raw: str) -> None:
    """Normalising an already normalised value changes nothing."""
    once = normalize_id(raw)
    assert normalize_id(once) == once


@given(st.text(max_size=40))
def test_normalize_leaves_no_whitespace_or_lowercase_x(raw: str) -> None:
    """A normalised value never contains whitespace or a lower-case x."""
    result = normalize_id(raw)
    assert not any(ch.isspace() for ch in result)
    assert "x" not in result


def _fullwidth(ch: str) -> str:
    return chr(ord(ch) - 0x21 + 0xFF01)


@given(valid_ids, st.data())
def test_messy_forms_normalise_to_same_id(id_number: str, data: st.DataObject) -> None:
    """Full-width, lower-case and whitespace-sprinkled versions of a valid ID normalise to it and stay valid."""
    pieces: list[str] = []
    for ch in id_number:
        if data.draw(st.booleans(), label="fullwidth"):
            ch = _fullwidth(ch.lower() if ch == "X" else ch)
        elif ch == "X" and data.draw(st.booleans(), label="lower"):
            ch = "x"
        pieces.append(data.draw(st.text(alphabet=WHITESPACE, max_size=2), label="space") + ch)
    pieces.append(data.draw(st.text(alphabet=WHITESPACE, max_size=3), label="tail"))
    messy = "".join(pieces)
    assert normalize_id(messy) == id_number
    result = check_id(messy, TODAY)
    assert result.ok and result.normalized == id_number


@given(valid_ids)
def test_mask_hides_middle_eight(id_number: str) -> None:
    """Masking an 18-character ID keeps its length, shows the first 6 and last 4 and only stars in between."""
    masked = mask_id(id_number)
    assert len(masked) == 18
    assert masked[:6] == id_number[:6] and masked[14:] == id_number[14:]
    assert masked[6:14] == "********"


@given(st.text(min_size=0, max_size=30))
def test_mask_never_longer_and_hides_middle(text: str) -> None:
    """For any string the mask keeps the length and reveals at most the first 6 and last 4 characters."""
    masked = mask_id(text)
    assert len(masked) == len(text)
    if len(text) < 10:
        assert set(masked) <= {"*"}
    else:
        assert masked[6:len(text) - 4] == "*" * (len(text) - 10)
