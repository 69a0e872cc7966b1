"""The values cached on each household row (key groups, archive state, head, counts, search text),
computed in one place from the rules so that the editor, the importer, `demo` and `check` agree."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from app import vocab
from app.rules import HouseholdFacts, archive_state, check_archive, derive_key_groups, key_flags


@dataclass(frozen=True, slots=True)
class DerivedCache:
    key_flags: int
    archive_state: int
    head_name: str
    member_count: int
    search_text: str


def build_search_text(archive_no: str, phone: str, people: Iterable[tuple[str, str, str]],
                      original_no: str = "") -> str:
    """One line holding what the list's free-text search looks through: names, IDs, phones, archive no and
    the register's own 户编号 (原户编号)."""
    parts = [archive_no, original_no, phone]
    for name, id_number, member_phone in people:
        parts.extend((name, id_number, member_phone))
    return " ".join(p for p in parts if p)


def derive(
    facts: HouseholdFacts,
    *,
    archive_no: str,
    phone: str,
    member_phones: Iterable[str],
    duplicate_ids: Mapping[str, str] | None = None,
    original_no: str = "",
) -> DerivedCache:
    """The cache row of one household; member_phones align with facts.members."""
    reasons = derive_key_groups(facts)
    findings = check_archive(facts, duplicate_ids)
    active = [m for m in facts.members if m.status == vocab.MEMBER_ACTIVE]
    head = next((m.name or "" for m in active if m.relation == vocab.HEAD), "")
    people = [
        (m.name or "", m.id_number or "", p or "") for m, p in zip(facts.members, member_phones, strict=True)
    ]
    return DerivedCache(
        key_flags=key_flags(reasons),
        archive_state=archive_state(findings),
        head_name=head,
        member_count=len(active),
        search_text=build_search_text(archive_no, phone, people, original_no),
    )
