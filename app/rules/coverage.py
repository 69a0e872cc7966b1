"""包保 coverage of a settlement point (SPEC §4.3), the one place the rule lives: a 集中安置点 with 50 or
more households 在册 needs a 镇级主要领导 who leads (牵头) its 包保 group — being a plain member is not
enough; any other point needs a cadre of rank 联系村党政班子成员 or higher, leading or not.
Pure: callers pass the point's kind, size and its current cadres as (rank, role) pairs."""

from __future__ import annotations

from collections.abc import Iterable

from app import vocab

TOWN_LEADER = vocab.CADRE_RANKS[0]  # 镇级主要领导
LINK_LEADER = "联系村党政班子成员"
ROLE_LEAD, ROLE_MEMBER = "牵头", "成员"
POINT_ROLES: tuple[str, ...] = (ROLE_LEAD, ROLE_MEMBER)


def is_big_point(kind: str, households: int) -> bool:
    """A 50户以上集中安置点."""
    return kind == "集中" and households >= vocab.POINT_LEADER_THRESHOLD


def required_rank(kind: str, households: int) -> str:
    """The rank the point's 包保 needs at least."""
    return TOWN_LEADER if is_big_point(kind, households) else LINK_LEADER


def point_covered(kind: str, households: int, holders: Iterable[tuple[str, str]]) -> bool:
    """Whether the point's current cadres, as (rank, role), satisfy §4.3."""
    holders = list(holders)
    if is_big_point(kind, households):
        return any(rank == TOWN_LEADER and role == ROLE_LEAD for rank, role in holders)
    limit = vocab.RANK_ORDER[LINK_LEADER]
    return any(vocab.RANK_ORDER.get(rank, 99) <= limit for rank, _role in holders)


def shortfall(kind: str, households: int) -> str:
    """What an uncovered point lacks, in the clerk's words."""
    if is_big_point(kind, households):
        return f"{households}户的集中安置点，缺少镇级主要领导牵头包保"
    return "缺少联系村党政班子成员（或以上）包保"
