"""Key groups (三特户 / 三无户, SPEC §4.2): which tags a household carries and why."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from app.rules.facts import HouseholdFacts
from app.vocab import (
    KEY_TAGS,
    LABOUR_ABLE,
    NO_HOUSE,
    SANTE_MASK,
    SANTE_TAGS,
    SANWU_MASK,
    TAG_BITS,
    TAG_NO_HOUSE,
    TAG_NO_LABOUR,
    TAG_NO_LAND,
)

REASON_DECLARED_SANTE = "已申报（民政认定）"
REASON_DECLARED = "已申报"
REASON_NO_HOUSE = "住房情况为无房"
REASON_NO_LAND = "承包地面积为0亩"
REASON_NO_LABOUR = "在册成员中无普通/技能/弱/半劳动力"
REASON_NO_MEMBERS = "该户没有在册成员"


@dataclass(frozen=True, slots=True)
class TagReason:
    """A key-group tag the household carries: whether it was declared, and the reason in Chinese."""

    tag: str
    declared: bool
    reason: str


def _derived_reason(h: HouseholdFacts, tag: str) -> str | None:
    """The rule that gives the household this tag, or None when no rule does (or the data is unknown)."""
    if tag == TAG_NO_HOUSE:
        return REASON_NO_HOUSE if (h.housing_status or "").strip() == NO_HOUSE else None
    if tag == TAG_NO_LAND:
        # Blank land is unknown, never 0.
        return REASON_NO_LAND if h.land_mu is not None and h.land_mu == 0 else None
    if tag == TAG_NO_LABOUR:
        active = h.active_members
        if not active:
            return REASON_NO_MEMBERS
        labours = [(m.labour or "").strip() for m in active]
        if any(labour in LABOUR_ABLE for labour in labours):
            return None
        # Like blank land, a blank labour capacity is unknown: it does not prove the household has no labour.
        if any(not labour for labour in labours):
            return None
        return REASON_NO_LABOUR
    return None  # 三特户 tags are declared only.


def derive_key_groups(h: HouseholdFacts) -> list[TagReason]:
    """Every key-group tag the household carries, in KEY_TAGS order; declared and derived merge into one entry."""
    result: list[TagReason] = []
    for tag in KEY_TAGS:
        declared = tag in h.declared_tags
        derived = _derived_reason(h, tag)
        if declared and derived:
            result.append(TagReason(tag, True, f"{REASON_DECLARED}；{derived}"))
        elif declared:
            result.append(TagReason(tag, True, REASON_DECLARED_SANTE if tag in SANTE_TAGS else REASON_DECLARED))
        elif derived:
            result.append(TagReason(tag, False, derived))
    return result


def key_flags(reasons: Iterable[TagReason]) -> int:
    """The Household.key_flags bit set for these tags (vocab.TAG_BITS)."""
    flags = 0
    for reason in reasons:
        flags |= TAG_BITS[reason.tag]
    return flags


def is_sante(flags: int) -> bool:
    """True when the flags hold any of 低收入户 / 困难户 / 孤寡老残户 (三特户)."""
    return bool(flags & SANTE_MASK)


def is_sanwu(flags: int) -> bool:
    """True when the flags hold any of 无房户 / 无地户 / 无劳动力户 (三无户)."""
    return bool(flags & SANWU_MASK)


def flags_to_tags(flags: int) -> list[str]:
    """The tags whose bits are set, in KEY_TAGS order; unknown bits are ignored."""
    return [tag for tag in KEY_TAGS if flags & TAG_BITS[tag]]
