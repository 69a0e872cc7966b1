"""Archive completeness (一户一档 准确、齐全、一致, SPEC §4.5): findings for one household and its state."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from app.rules.facts import HouseholdFacts, MemberFacts
from app.rules.members import MemberIssue, head_issues, id_issues
from app.vocab import (
    ARCHIVE_COMPLETE,
    ARCHIVE_INCOMPLETE,
    ARCHIVE_INCONSISTENT,
    ARCHIVE_STATE_LABELS,
    HOUSING_STATUS,
    LABOUR,
    MEMBER_ACTIVE,
    RELATIONS,
    SEXES,
)

SEVERITY_INCOMPLETE = ARCHIVE_STATE_LABELS[ARCHIVE_INCOMPLETE]  # 不完整
SEVERITY_INCONSISTENT = ARCHIVE_STATE_LABELS[ARCHIVE_INCONSISTENT]  # 不一致

_HOUSING_CHOICES = "、".join(HOUSING_STATUS)
_RELATION_CHOICES = "、".join(RELATIONS)
_LABOUR_CHOICES = "、".join(LABOUR)
_FIELD_LABELS = {"id_number": "身份证号", "birth_date": "出生日期", "sex": "性别"}


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem in an archive: severity 不完整/不一致, the Chinese field label, whose it is, and how to fix it."""

    severity: str
    field: str
    member_key: object | None
    member_name: str | None
    message: str


def _blank(value: str | None) -> bool:
    return value is None or not value.strip()


def _clean(value: str | None) -> str:
    return (value or "").strip()


class _Collector:
    """Accumulates findings in order; small helper so each rule stays one line."""

    def __init__(self) -> None:
        self.items: list[Finding] = []

    def incomplete(self, field: str, message: str, member: MemberFacts | None = None) -> None:
        self._add(SEVERITY_INCOMPLETE, field, message, member)

    def inconsistent(self, field: str, message: str, member: MemberFacts | None = None) -> None:
        self._add(SEVERITY_INCONSISTENT, field, message, member)

    def _add(self, severity: str, field: str, message: str, member: MemberFacts | None) -> None:
        if member is None:
            self.items.append(Finding(severity, field, None, None, message))
        else:
            self.items.append(Finding(severity, field, member.key, _clean(member.name) or None, message))


def _household_fields(h: HouseholdFacts, out: _Collector) -> None:
    if _blank(h.village):
        out.incomplete("村", "未填写所在村，请选择该户现在所属的村")
    if _blank(h.settlement_point):
        out.incomplete("安置点", "未填写安置点，请选择该户所在的安置点")
    if _blank(h.housing_status):
        out.incomplete("住房情况", f"未填写住房情况，请从{_HOUSING_CHOICES}中选择一项")
    elif _clean(h.housing_status) not in HOUSING_STATUS:
        out.incomplete(
            "住房情况", f"住房情况“{_clean(h.housing_status)}”不是规定的选项，请从{_HOUSING_CHOICES}中选择一项"
        )
    if h.land_mu is None:
        out.incomplete("承包地面积", "未填写承包地面积，请填写亩数；没有承包地请填0")


def _heads(h: HouseholdFacts, out: _Collector) -> None:
    for issue in head_issues(h.members):
        out.inconsistent("户主", issue.message, None if issue.index is None else h.members[issue.index])


def _member_fields(m: MemberFacts, who: str, out: _Collector) -> None:
    if _blank(m.name):
        out.incomplete("姓名", f"{who}未填写姓名，请补填", m)
    relation = _clean(m.relation)
    if not relation:
        out.incomplete("与户主关系", f"{who}未填写与户主关系，请从{_RELATION_CHOICES}中选择", m)
    elif relation not in RELATIONS:
        out.incomplete("与户主关系", f"{who}的与户主关系“{relation}”不是规定的选项，请从{_RELATION_CHOICES}中选择", m)
    if _blank(m.id_number):
        out.incomplete("身份证号", f"{who}未填写身份证号，请填写18位身份证号", m)
    sex = _clean(m.sex)
    if not sex:
        out.incomplete("性别", f"{who}未填写性别，请选择男或女", m)
    elif sex not in SEXES:
        out.incomplete("性别", f"{who}的性别“{sex}”无法识别，请选择男或女", m)
    labour = _clean(m.labour)
    if not labour:
        out.incomplete("劳动能力", f"{who}未填写劳动能力，请从{_LABOUR_CHOICES}中选择", m)
    elif labour not in LABOUR:
        out.incomplete("劳动能力", f"{who}的劳动能力“{labour}”不是规定的选项，请从{_LABOUR_CHOICES}中选择", m)


def check_archive(
    h: HouseholdFacts,
    duplicate_ids: Mapping[str, str] | None = None,
    today: date | None = None,
) -> list[Finding]:
    """Every completeness / consistency finding for one household (在册 members only), household fields first.

    duplicate_ids maps a normalised ID to a description of its holder in another household.
    """
    out = _Collector()
    # Each 在册 member with the label used in messages: the name, or its position among all members.
    active = [
        (_clean(m.name) or f"第{i}位成员", m)
        for i, m in enumerate(h.members, start=1)
        if m.status == MEMBER_ACTIVE
    ]

    _heads(h, out)
    _household_fields(h, out)
    if h.household_size is not None and h.household_size != len(active):
        out.inconsistent(
            "家庭人口",
            f"家庭人口记录为{h.household_size}人，但在册成员有{len(active)}人，请核对后改正家庭人口或成员名单",
        )

    members = [m for _, m in active]
    by_member: dict[int, list[MemberIssue]] = {}
    for issue in id_issues(members, duplicate_ids, today, names=[who for who, _ in active]):
        by_member.setdefault(issue.index or 0, []).append(issue)
    for index, (who, m) in enumerate(active):
        _member_fields(m, who, out)
        for issue in by_member.get(index, ()):
            out.inconsistent(_FIELD_LABELS[issue.field], issue.message, m)
    return out.items


def archive_state(findings: Iterable[Finding]) -> int:
    """ARCHIVE_INCONSISTENT if any finding is 不一致, else ARCHIVE_INCOMPLETE if any, else ARCHIVE_COMPLETE."""
    state = ARCHIVE_COMPLETE
    for finding in findings:
        if finding.severity == SEVERITY_INCONSISTENT:
            return ARCHIVE_INCONSISTENT
        state = ARCHIVE_INCOMPLETE
    return state
