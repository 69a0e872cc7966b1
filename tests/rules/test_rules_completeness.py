"""Unit tests for app.rules.completeness: the 一户一档 findings (不完整 / 不一致) and the archive state."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal

from app.rules.completeness import (
    SEVERITY_INCOMPLETE,
    SEVERITY_INCONSISTENT,
    Finding,
    archive_state,
    check_archive,
)
from app.rules.facts import HouseholdFacts, MemberFacts
from app.rules.idnumber import make_id
from app.vocab import ARCHIVE_COMPLETE, ARCHIVE_INCOMPLETE, ARCHIVE_INCONSISTENT

TODAY = date(2024, 6, 15)

HEAD = MemberFacts(name="杨光明", relation="户主", sex="男", id_number=make_id("522632", date(1978, 3, 15), 41),
                   birth_date=date(1978, 3, 15), labour="普通劳动力", key=101)
WIFE = MemberFacts(name="吴秀英", relation="配偶", sex="女", id_number=make_id("522632", date(1980, 11, 2), 2),
                   birth_date=date(1980, 11, 2), labour="弱劳动力", key=102)
SON = MemberFacts(name="杨小军", relation="之子", sex="男", id_number=make_id("522632", date(2005, 7, 9), 17),
                  birth_date=date(2005, 7, 9), labour="普通劳动力", key=103)


def household(members: list[MemberFacts] | None = None, **changes: object) -> HouseholdFacts:
    base = HouseholdFacts(
        members=[HEAD, WIFE, SON] if members is None else members,
        village="平寨村",
        settlement_point="城北安置小区",
        housing_status="自有安置房",
        land_mu=Decimal("1.2"),
        household_size=None,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def check(h: HouseholdFacts, duplicate_ids: dict[str, str] | None = None) -> list[Finding]:
    return check_archive(h, duplicate_ids, today=TODAY)


def only(findings: list[Finding], field: str) -> list[Finding]:
    return [f for f in findings if f.field == field]


# ---------------------------------------------------------------- complete archive


def test_complete_household_has_no_findings() -> None:
    """A household with every required field filled and consistent has no findings and is 完整."""
    findings = check(household(household_size=3))
    assert findings == []
    assert archive_state(findings) == ARCHIVE_COMPLETE


def test_default_today_is_used() -> None:
    """check_archive works without an explicit today."""
    assert check_archive(household()) == []


# ---------------------------------------------------------------- household fields (不完整)


def test_missing_household_fields() -> None:
    """Blank village, settlement point, housing status and land are each one 不完整 finding, in that order."""
    findings = check(household(village=None, settlement_point="  ", housing_status="", land_mu=None))
    assert [(f.severity, f.field) for f in findings] == [
        (SEVERITY_INCOMPLETE, "村"),
        (SEVERITY_INCOMPLETE, "安置点"),
        (SEVERITY_INCOMPLETE, "住房情况"),
        (SEVERITY_INCOMPLETE, "承包地面积"),
    ]
    assert all(f.member_key is None and f.member_name is None for f in findings)
    assert archive_state(findings) == ARCHIVE_INCOMPLETE


def test_land_message_says_fill_zero_when_none() -> None:
    """The land finding tells the clerk to fill in 亩 and to write 0 when there is no land."""
    (finding,) = check(household(land_mu=None))
    assert "亩" in finding.message and "填0" in finding.message


def test_zero_land_is_complete() -> None:
    """Land of 0 亩 is a recorded value, not a missing one."""
    assert check(household(land_mu=Decimal(0))) == []


def test_housing_status_outside_vocabulary() -> None:
    """A housing status that is not one of the listed choices is flagged and the choices are offered."""
    (finding,) = check(household(housing_status="砖混楼房"))
    assert finding.field == "住房情况" and finding.severity == SEVERITY_INCOMPLETE
    assert "砖混楼房" in finding.message and "自有安置房" in finding.message


# ---------------------------------------------------------------- head of household (不一致)


def test_no_head_is_inconsistent() -> None:
    """A household whose 在册 members include no 户主 gets one 不一致 finding on 户主."""
    findings = check(household([WIFE, SON]))
    assert [(f.severity, f.field) for f in findings] == [(SEVERITY_INCONSISTENT, "户主")]
    assert "户主" in findings[0].message
    assert archive_state(findings) == ARCHIVE_INCONSISTENT


def test_head_who_died_leaves_no_head() -> None:
    """A head with status 死亡 does not count as the head."""
    findings = check(household([replace(HEAD, status="死亡"), WIFE, SON]))
    assert [f.field for f in findings] == ["户主"]


def test_household_without_active_members() -> None:
    """A household with no 在册 member at all is told to add members and name a head."""
    findings = check(household([replace(HEAD, status="迁出")]))
    assert [f.field for f in findings] == ["户主"]
    assert "没有在册成员" in findings[0].message


def test_two_heads_flag_each_head_naming_both() -> None:
    """Two 在册 heads give one 不一致 finding per head, each naming both heads."""
    second = replace(SON, relation="户主")
    findings = only(check(household([HEAD, WIFE, second])), "户主")
    assert [f.member_key for f in findings] == [101, 103]
    assert all(f.severity == SEVERITY_INCONSISTENT for f in findings)
    assert all("杨光明" in f.message and "杨小军" in f.message and "2位户主" in f.message for f in findings)


def test_second_head_who_moved_out_is_ignored() -> None:
    """A former head who moved out does not make two heads."""
    assert check(household([HEAD, WIFE, replace(SON, relation="户主", status="迁出")])) == []


# ---------------------------------------------------------------- member fields (不完整)


def test_missing_member_fields_name_the_person() -> None:
    """Each blank member field is a 不完整 finding tied to the member and naming them."""
    bare = MemberFacts(name="杨小丽", relation=None, sex=None, id_number=" ", birth_date=None, labour=None, key=104)
    findings = check(household([HEAD, bare]))
    assert [(f.severity, f.field) for f in findings] == [
        (SEVERITY_INCOMPLETE, "与户主关系"),
        (SEVERITY_INCOMPLETE, "身份证号"),
        (SEVERITY_INCOMPLETE, "性别"),
        (SEVERITY_INCOMPLETE, "劳动能力"),
    ]
    assert all(f.member_key == 104 and f.member_name == "杨小丽" for f in findings)
    assert all(f.message.startswith("杨小丽未填写") for f in findings)


def test_missing_name_uses_position() -> None:
    """A member without a name is called by their position among the members."""
    nameless = replace(SON, name="  ")
    (finding,) = check(household([HEAD, WIFE, nameless]))
    assert finding.field == "姓名" and finding.severity == SEVERITY_INCOMPLETE
    assert finding.member_key == 103 and finding.member_name is None
    assert "第3位成员" in finding.message


def test_inactive_member_is_not_checked() -> None:
    """A member who moved out is not checked even if fields are missing."""
    gone = MemberFacts(name=None, relation=None, sex=None, id_number="123", birth_date=None, labour=None,
                       status="迁出")
    assert check(household([HEAD, WIFE, SON, gone])) == []


def test_member_values_outside_vocabulary() -> None:
    """Relation, sex and labour values outside the vocabularies are flagged with the value quoted."""
    odd = replace(SON, relation="儿子", sex="男性", labour="全劳力")
    findings = check(household([HEAD, odd]))
    assert [f.field for f in findings] == ["与户主关系", "性别", "劳动能力"]
    assert "“儿子”" in findings[0].message and "“男性”" in findings[1].message and "“全劳力”" in findings[2].message


# ---------------------------------------------------------------- ID consistency (不一致)


def test_invalid_id_uses_check_id_message() -> None:
    """An invalid ID is 不一致 and the message is the person's name plus check_id's explanation."""
    bad = replace(SON, id_number="522632200507090170")
    (finding,) = check(household([HEAD, WIFE, bad]))
    assert (finding.severity, finding.field, finding.member_key) == (SEVERITY_INCONSISTENT, "身份证号", 103)
    assert finding.message.startswith("杨小军的身份证号校验位不对")


def test_excel_number_id_is_explained() -> None:
    """An ID stored as Excel scientific notation explains the lost digits."""
    bad = replace(SON, id_number="5.22632200507091E+17")
    (finding,) = check(household([HEAD, WIFE, bad]))
    assert "Excel" in finding.message and "文本" in finding.message


def test_birth_date_mismatch() -> None:
    """A recorded birth date different from the ID's is a 不一致 finding on 出生日期 quoting both dates."""
    wrong = replace(SON, birth_date=date(2005, 9, 7))
    (finding,) = check(household([HEAD, WIFE, wrong]))
    assert (finding.severity, finding.field, finding.member_key) == (SEVERITY_INCONSISTENT, "出生日期", 103)
    assert "2005年9月7日" in finding.message and "2005年7月9日" in finding.message


def test_birth_date_as_datetime_is_compared_by_day() -> None:
    """A recorded birth date given as a midnight datetime matches the ID's date."""
    assert check(household([HEAD, WIFE, replace(SON, birth_date=datetime(2005, 7, 9))])) == []


def test_blank_birth_date_is_not_a_mismatch() -> None:
    """A missing birth date is not required and not compared."""
    assert check(household([HEAD, WIFE, replace(SON, birth_date=None)])) == []


def test_sex_mismatch() -> None:
    """A recorded sex that disagrees with the ID's 17th digit is a 不一致 finding on 性别."""
    wrong = replace(WIFE, sex="男")
    (finding,) = check(household([HEAD, wrong, SON]))
    assert (finding.severity, finding.field, finding.member_key) == (SEVERITY_INCONSISTENT, "性别", 102)
    assert "记录为男" in finding.message and "显示为女" in finding.message


def test_same_id_twice_in_household() -> None:
    """Two 在册 members with the same ID each get a finding naming the other."""
    twin = replace(SON, id_number=" " + HEAD.id_number.lower() + " ")  # type: ignore[union-attr]
    twin = replace(twin, name="杨小强", key=105, birth_date=None, sex="男")
    findings = only(check(household([HEAD, WIFE, twin])), "身份证号")
    assert [f.member_key for f in findings] == [101, 105]
    assert "杨小强" in findings[0].message and "杨光明" in findings[1].message
    assert all(f.severity == SEVERITY_INCONSISTENT for f in findings)


def test_duplicate_with_inactive_member_is_ignored() -> None:
    """An ID shared with a member who moved out is not a duplicate within the household."""
    gone = replace(SON, status="迁出", id_number=HEAD.id_number, key=106)
    assert check(household([HEAD, WIFE, SON, gone])) == []


def test_id_held_in_another_household() -> None:
    """An ID listed in duplicate_ids gets a 不一致 finding naming the other holder."""
    others = {SON.id_number: "档案号 A0012 杨小军"}  # type: ignore[dict-item]
    (finding,) = check(household(), others)
    assert (finding.severity, finding.field, finding.member_key) == (SEVERITY_INCONSISTENT, "身份证号", 103)
    assert "档案号 A0012 杨小军" in finding.message


def test_household_size_mismatch() -> None:
    """A recorded 家庭人口 different from the number of 在册 members is 不一致, quoting both numbers."""
    findings = check(household([HEAD, WIFE, SON, replace(SON, status="死亡", key=107)], household_size=4))
    (finding,) = findings
    assert (finding.severity, finding.field) == (SEVERITY_INCONSISTENT, "家庭人口")
    assert "4人" in finding.message and "3人" in finding.message


def test_household_size_blank_is_not_checked() -> None:
    """A blank 家庭人口 is not compared."""
    assert check(household(household_size=None)) == []


def test_every_message_is_chinese_and_says_how_to_fix() -> None:
    """Every finding of a very broken archive has a Chinese message with a fix instruction (请)."""
    broken = household(
        [replace(HEAD, relation="户主", sex="女", birth_date=date(1970, 1, 1)),
         replace(WIFE, relation="户主", id_number="123"),
         MemberFacts(name=None, relation=None, sex=None, id_number=None, birth_date=None, labour=None)],
        village=None, settlement_point=None, housing_status=None, land_mu=None, household_size=5,
    )
    findings = check(broken, {HEAD.id_number: "档案号 A0099 杨光明"})  # type: ignore[dict-item]
    assert len(findings) >= 12
    assert all("请" in f.message for f in findings)


# ---------------------------------------------------------------- archive_state


def test_archive_state_inconsistent_wins() -> None:
    """One 不一致 finding makes the archive 不一致 even among 不完整 ones."""
    findings = [
        Finding(SEVERITY_INCOMPLETE, "村", None, None, "未填写所在村"),
        Finding(SEVERITY_INCONSISTENT, "性别", 1, "杨光明", "性别不一致"),
        Finding(SEVERITY_INCOMPLETE, "安置点", None, None, "未填写安置点"),
    ]
    assert archive_state(findings) == ARCHIVE_INCONSISTENT


def test_archive_state_incomplete_and_complete() -> None:
    """Only 不完整 findings give 不完整; no findings give 完整."""
    assert archive_state([Finding(SEVERITY_INCOMPLETE, "村", None, None, "未填写所在村")]) == ARCHIVE_INCOMPLETE
    assert archive_state([]) == ARCHIVE_COMPLETE


def test_archive_state_accepts_any_iterable() -> None:
    """archive_state accepts a generator of findings."""
    gen = (f for f in check(household(village=None)))
    assert archive_state(gen) == ARCHIVE_INCOMPLETE
