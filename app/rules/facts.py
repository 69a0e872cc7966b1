"""Plain inputs to the rules, so the rules never see ORM objects or widgets."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from app.vocab import MEMBER_ACTIVE


@dataclass(frozen=True, slots=True)
class MemberFacts:
    """One member as the rules see it; key is an opaque id the caller uses to map findings back to a row."""

    name: str | None
    relation: str | None
    sex: str | None
    id_number: str | None
    birth_date: date | None
    labour: str | None
    status: str = MEMBER_ACTIVE
    key: object = None


@dataclass(frozen=True, slots=True)
class HouseholdFacts:
    """One household as the rules see it: its members (any status) and the fields the rules read."""

    members: Sequence[MemberFacts]
    village: str | None
    settlement_point: str | None
    housing_status: str | None
    land_mu: Decimal | None
    declared_tags: frozenset[str] = frozenset()
    household_size: int | None = None

    @property
    def active_members(self) -> list[MemberFacts]:
        """The members with status 在册, in their given order."""
        return [m for m in self.members if m.status == MEMBER_ACTIVE]
