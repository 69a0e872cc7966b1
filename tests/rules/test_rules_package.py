"""Tests for the app.rules package as a whole: its public names, its facts types and its purity."""

from __future__ import annotations

import ast
import dataclasses
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

import app.rules as rules
from app.rules.facts import HouseholdFacts, MemberFacts

RULES_DIR = Path(rules.__file__).parent


def test_public_names_are_exported() -> None:
    """Every name in __all__ exists on the package and the documented API is all there."""
    expected = {
        "normalize_id", "check_id", "IdCheck", "check_char", "make_id", "mask_id",
        "MemberFacts", "HouseholdFacts",
        "TagReason", "derive_key_groups", "key_flags", "is_sante", "is_sanwu", "flags_to_tags",
        "Finding", "check_archive", "archive_state",
        "normalize_name", "normalize_relation", "normalize_phone", "normalize_sex", "parse_tags",
        "is_party_member", "parse_relocation_date", "parse_decimal",
    }
    assert expected <= set(rules.__all__)
    for name in rules.__all__:
        assert hasattr(rules, name), name


@pytest.mark.parametrize("path", sorted(RULES_DIR.glob("*.py")), ids=lambda p: p.name)
def test_rules_import_only_stdlib_and_app(path: Path) -> None:
    """Each rules module imports only the standard library and app.* (no Qt, no SQLAlchemy, no third party)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots = [alias.name.split(".")[0] for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots = [node.module.split(".")[0]]
        else:
            continue
        for root in roots:
            assert root == "app" or root in sys.stdlib_module_names, f"{path.name} imports {root}"


def test_rules_do_not_import_ui_or_storage() -> None:
    """Within app, the rules depend only on app.vocab and each other."""
    for path in RULES_DIR.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("app."):
                assert node.module == "app.vocab" or node.module.startswith("app.rules"), (path.name, node.module)


def test_member_facts_defaults() -> None:
    """A member defaults to status 在册 and no key."""
    m = MemberFacts(name="杨光明", relation="户主", sex="男", id_number=None, birth_date=date(1978, 3, 15),
                    labour="普通劳动力")
    assert m.status == "在册"
    assert m.key is None


def test_facts_are_frozen() -> None:
    """Facts are immutable so a rule can never change the caller's data."""
    m = MemberFacts(name="杨光明", relation="户主", sex="男", id_number=None, birth_date=None, labour=None)
    with pytest.raises(dataclasses.FrozenInstanceError):
        m.name = "杨大明"  # type: ignore[misc]


def test_household_facts_defaults_and_active_members() -> None:
    """A household defaults to no declared tags and no recorded size; active_members keeps only 在册 in order."""
    a = MemberFacts(name="甲", relation="户主", sex="男", id_number=None, birth_date=None, labour=None)
    b = MemberFacts(name="乙", relation="配偶", sex="女", id_number=None, birth_date=None, labour=None, status="死亡")
    c = MemberFacts(name="丙", relation="之子", sex="男", id_number=None, birth_date=None, labour=None)
    h = HouseholdFacts(members=[a, b, c], village="平寨村", settlement_point=None, housing_status=None,
                       land_mu=Decimal("0.8"))
    assert h.declared_tags == frozenset()
    assert h.household_size is None
    assert h.active_members == [a, c]
