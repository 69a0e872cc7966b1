"""Pure domain rules (SPEC §4–§5): ID numbers, key groups, archive completeness and value normalisers.

Standard library only: no Qt, no database, no I/O. Callers pass plain facts and get plain results.
"""

from __future__ import annotations

from app.rules.completeness import (
    SEVERITY_INCOMPLETE,
    SEVERITY_INCONSISTENT,
    Finding,
    archive_state,
    check_archive,
)
from app.rules.facts import HouseholdFacts, MemberFacts
from app.rules.idnumber import IdCheck, check_char, check_id, make_id, mask_id, normalize_id
from app.rules.keygroups import (
    TagReason,
    derive_key_groups,
    flags_to_tags,
    is_sante,
    is_sanwu,
    key_flags,
)
from app.rules.normalize import (
    is_party_member,
    normalize_group,
    normalize_name,
    normalize_phone,
    normalize_relation,
    normalize_sex,
    parse_decimal,
    parse_relocation_date,
    parse_tags,
    to_halfwidth,
)
from app.rules.places import close_names, names_close

__all__ = [
    "SEVERITY_INCOMPLETE",
    "SEVERITY_INCONSISTENT",
    "Finding",
    "HouseholdFacts",
    "IdCheck",
    "MemberFacts",
    "TagReason",
    "archive_state",
    "check_archive",
    "check_char",
    "check_id",
    "close_names",
    "derive_key_groups",
    "flags_to_tags",
    "is_party_member",
    "is_sante",
    "is_sanwu",
    "key_flags",
    "make_id",
    "names_close",
    "mask_id",
    "normalize_id",
    "normalize_group",
    "normalize_name",
    "normalize_phone",
    "normalize_relation",
    "normalize_sex",
    "parse_decimal",
    "parse_relocation_date",
    "parse_tags",
    "to_halfwidth",
]
