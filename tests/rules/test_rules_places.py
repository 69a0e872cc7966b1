"""Near-miss place names (SPEC §5): which unknown names are close to a known village or point."""

from __future__ import annotations

from app.rules import close_names, names_close


def test_a_shortened_or_mistyped_name_is_close_to_the_known_one() -> None:
    assert close_names("清江", ["清江村", "河坝村"]) == ["清江村"]  # one contains the other
    assert close_names("清江材", ["清江村", "河坝村"]) == ["清江村"]  # one character replaced
    assert close_names("清江新村", ["清江村"]) == ["清江村"]  # one character added
    assert close_names("新寨安置点", ["新寨", "河坝安置点"]) == ["新寨"]


def test_a_known_or_genuinely_new_name_is_not_close() -> None:
    assert close_names("清江村", ["清江村", "清江"]) == []  # known as it is
    assert close_names("河口村", ["清江村", "青山村"]) == []
    assert close_names("", ["清江村"]) == []
    assert not names_close("清江村", "清江村")
    assert not names_close("清江村", "柳树湾村")


def test_closest_names_come_first() -> None:
    assert close_names("清江", ["清江村委会", "清江村"]) == ["清江村", "清江村委会"]
