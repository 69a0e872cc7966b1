"""Unit tests for app.rules.keygroups: 三特户 / 三无户 tags, their reasons and the key_flags bits."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.rules.facts import HouseholdFacts, MemberFacts
from app.rules.keygroups import (
    TagReason,
    derive_key_groups,
    flags_to_tags,
    is_sante,
    is_sanwu,
    key_flags,
)
from app.vocab import (
    KEY_TAGS,
    TAG_BITS,
    TAG_ELDERLY,
    TAG_HARDSHIP,
    TAG_LOW_INCOME,
    TAG_NO_HOUSE,
    TAG_NO_LABOUR,
    TAG_NO_LAND,
)


def member(name: str, relation: str, labour: str | None, status: str = "在册") -> MemberFacts:
    return MemberFacts(name=name, relation=relation, sex="男", id_number=None, birth_date=None,
                       labour=labour, status=status)


def household(
    members: list[MemberFacts] | None = None,
    housing: str | None = "自有安置房",
    land: Decimal | None = Decimal("1.5"),
    declared: frozenset[str] = frozenset(),
) -> HouseholdFacts:
    if members is None:
        members = [member("杨光明", "户主", "普通劳动力"), member("吴秀英", "配偶", "弱劳动力")]
    return HouseholdFacts(members=members, village="平寨村", settlement_point="城北安置小区",
                          housing_status=housing, land_mu=land, declared_tags=declared)


def tags(h: HouseholdFacts) -> list[str]:
    return [r.tag for r in derive_key_groups(h)]


def test_ordinary_household_has_no_tags() -> None:
    """A household with a house, land and an able member carries no key-group tag."""
    assert derive_key_groups(household()) == []


def test_no_house_is_derived() -> None:
    """Housing status 无房 derives 无房户 with the reason 住房情况为无房."""
    assert derive_key_groups(household(housing="无房")) == [TagReason(TAG_NO_HOUSE, False, "住房情况为无房")]


def test_rented_house_is_not_no_house() -> None:
    """Renting (租住) is not 无房."""
    assert TAG_NO_HOUSE not in tags(household(housing="租住"))


def test_zero_land_is_derived() -> None:
    """Contracted land of exactly 0 亩 derives 无地户."""
    assert derive_key_groups(household(land=Decimal("0.00"))) == [TagReason(TAG_NO_LAND, False, "承包地面积为0亩")]


def test_blank_land_is_unknown_not_no_land() -> None:
    """Blank land (None) is unknown and does not make the household 无地户."""
    assert TAG_NO_LAND not in tags(household(land=None))


def test_small_land_is_not_no_land() -> None:
    """Any positive area, however small, is not 无地户."""
    assert TAG_NO_LAND not in tags(household(land=Decimal("0.1")))


@pytest.mark.parametrize("able", ["普通劳动力", "技能劳动力", "弱劳动力", "半劳动力"])
def test_any_able_member_prevents_no_labour(able: str) -> None:
    """One 在册 member with 普通/技能/弱/半劳动力 is enough for the household not to be 无劳动力户."""
    h = household([member("吴老汉", "户主", "丧失劳动力"), member("杨小军", "之子", able)])
    assert TAG_NO_LABOUR not in tags(h)


def test_no_able_member_is_derived() -> None:
    """When every 在册 member is 丧失劳动力 or 无劳动力, the household is 无劳动力户."""
    h = household([member("吴老汉", "户主", "丧失劳动力"), member("杨小宝", "孙子", "无劳动力")])
    assert derive_key_groups(h) == [TagReason(TAG_NO_LABOUR, False, "在册成员中无普通/技能/弱/半劳动力")]


def test_only_active_members_count_for_labour() -> None:
    """An able member who moved out or died does not count; the remaining household is 无劳动力户."""
    h = household([
        member("吴老汉", "户主", "丧失劳动力"),
        member("杨小军", "之子", "普通劳动力", status="迁出"),
        member("杨大山", "兄弟姐妹", "技能劳动力", status="死亡"),
    ])
    assert TAG_NO_LABOUR in tags(h)


def test_household_without_active_members_is_no_labour() -> None:
    """A household with no 在册 member at all is 无劳动力户."""
    h = household([member("吴老汉", "户主", "普通劳动力", status="死亡")])
    reasons = derive_key_groups(h)
    assert [r.tag for r in reasons] == [TAG_NO_LABOUR]
    assert "没有在册成员" in reasons[0].reason


def test_empty_member_list_is_no_labour() -> None:
    """A household with an empty member list is 无劳动力户."""
    assert tags(household([])) == [TAG_NO_LABOUR]


def test_blank_labour_is_unknown() -> None:
    """A blank labour capacity is unknown, so with no able member known the tag is not derived."""
    h = household([member("吴老汉", "户主", "丧失劳动力"), member("杨小军", "之子", None)])
    assert TAG_NO_LABOUR not in tags(h)


def test_sante_tags_are_declared_only() -> None:
    """低收入户, 困难户 and 孤寡老残户 appear only when declared, with the civil-affairs reason."""
    h = household(declared=frozenset({TAG_HARDSHIP, TAG_LOW_INCOME}))
    assert derive_key_groups(h) == [
        TagReason(TAG_LOW_INCOME, True, "已申报（民政认定）"),
        TagReason(TAG_HARDSHIP, True, "已申报（民政认定）"),
    ]


def test_declared_sanwu_without_rule() -> None:
    """A declared 无房户 whose housing status is not 无房 is still listed, as declared."""
    assert derive_key_groups(household(declared=frozenset({TAG_NO_HOUSE}))) == [
        TagReason(TAG_NO_HOUSE, True, "已申报")
    ]


def test_declared_and_derived_merge_into_one_entry() -> None:
    """A tag both declared and derived is listed once, mentioning both the declaration and the rule."""
    reasons = derive_key_groups(household(housing="无房", declared=frozenset({TAG_NO_HOUSE})))
    assert len(reasons) == 1
    assert reasons[0].tag == TAG_NO_HOUSE and reasons[0].declared
    assert "已申报" in reasons[0].reason and "住房情况为无房" in reasons[0].reason


def test_reasons_follow_key_tags_order() -> None:
    """All six tags come out in KEY_TAGS order whatever the declaration order."""
    h = household(
        [member("吴老汉", "户主", "丧失劳动力")],
        housing="无房",
        land=Decimal(0),
        declared=frozenset({TAG_ELDERLY, TAG_LOW_INCOME, TAG_HARDSHIP}),
    )
    assert tags(h) == list(KEY_TAGS)


def test_unknown_declared_tag_is_ignored() -> None:
    """A declared value that is not one of the six key tags is not reported."""
    assert derive_key_groups(household(declared=frozenset({"脱贫户"}))) == []


def test_key_flags_sets_the_tag_bits() -> None:
    """key_flags ORs the TAG_BITS of every tag listed."""
    reasons = [TagReason(TAG_HARDSHIP, True, "已申报（民政认定）"), TagReason(TAG_NO_LAND, False, "承包地面积为0亩")]
    assert key_flags(reasons) == TAG_BITS[TAG_HARDSHIP] | TAG_BITS[TAG_NO_LAND]
    assert key_flags([]) == 0


def test_flags_round_trip() -> None:
    """flags_to_tags(key_flags(...)) gives back the derived tags in KEY_TAGS order."""
    h = household([member("吴老汉", "户主", "无劳动力")], housing="无房", declared=frozenset({TAG_ELDERLY}))
    reasons = derive_key_groups(h)
    assert flags_to_tags(key_flags(reasons)) == [TAG_ELDERLY, TAG_NO_HOUSE, TAG_NO_LABOUR]


def test_flags_to_tags_ignores_unknown_bits() -> None:
    """Bits beyond the six tags are ignored."""
    assert flags_to_tags(TAG_BITS[TAG_NO_HOUSE] | (1 << 20)) == [TAG_NO_HOUSE]


@pytest.mark.parametrize(
    ("tag_list", "sante", "sanwu"),
    [
        ([], False, False),
        ([TAG_LOW_INCOME], True, False),
        ([TAG_ELDERLY], True, False),
        ([TAG_NO_LAND], False, True),
        ([TAG_NO_LABOUR], False, True),
        ([TAG_HARDSHIP, TAG_NO_HOUSE], True, True),
    ],
)
def test_sante_and_sanwu(tag_list: list[str], sante: bool, sanwu: bool) -> None:
    """三特户 means any of the first three tags; 三无户 any of the last three."""
    flags = sum(TAG_BITS[t] for t in tag_list)
    assert is_sante(flags) is sante
    assert is_sanwu(flags) is sanwu
