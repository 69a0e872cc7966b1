"""Archive completeness (一户一档 准确、齐全、一致, SPEC §4.5): findings for one household and its state."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime

from app.rules.facts import HouseholdFacts, MemberFacts
from app.rules.idnumber import IdCheck, check_id
from app.vocab import (
    ARCHIVE_COMPLETE,
    ARCHIVE_INCOMPLETE,
    ARCHIVE_INCONSISTENT,
    ARCHIVE_STATE_LABELS,
    HEAD,
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


def _cn_date(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


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


def _heads(active: list[tuple[str, MemberFacts]], out: _Collector) -> None:
    heads = [(who, m) for who, m in active if _clean(m.relation) == HEAD]
    if not active:
        out.inconsistent(
            "户主", "该户没有在册成员，也就没有户主。请添加家庭成员并指定户主；如已整户迁出，请修改户的状态"
        )
    elif not heads:
        out.inconsistent("户主", "在册成员中没有户主，请把其中一人的“与户主关系”设为户主")
    elif len(heads) > 1:
        names = "、".join(who for who, _ in heads)
        for _, m in heads:
            out.inconsistent(
                "户主",
                f"在册成员中有{len(heads)}位户主（{names}），一户只能有一位户主，"
                "请保留一位，把其他人的“与户主关系”改为实际关系",
                m,
            )


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


def _id_findings(
    who: str,
    m: MemberFacts,
    check: IdCheck,
    others: list[str],
    duplicate_ids: Mapping[str, str] | None,
    out: _Collector,
) -> None:
    if not check.ok:
        out.inconsistent("身份证号", f"{who}的{check.error}", m)
        return
    if others:
        out.inconsistent(
            "身份证号",
            f"{who}的身份证号与本户{'、'.join(others)}的相同，同一号码只能属于一个人，请核对后改正",
            m,
        )
    if duplicate_ids and check.normalized in duplicate_ids:
        out.inconsistent(
            "身份证号",
            f"{who}的身份证号已属于{duplicate_ids[check.normalized]}，同一号码只能属于一个人，"
            "请核对是否录错或重复建档",
            m,
        )
    recorded_birth = m.birth_date.date() if isinstance(m.birth_date, datetime) else m.birth_date
    if check.birth_date is not None and recorded_birth is not None and check.birth_date != recorded_birth:
        out.inconsistent(
            "出生日期",
            f"{who}的出生日期记录为{_cn_date(recorded_birth)}，身份证号显示为{_cn_date(check.birth_date)}，"
            "请核对后改正其中一项",
            m,
        )
    sex = _clean(m.sex)
    if check.sex is not None and sex in SEXES and sex != check.sex:
        out.inconsistent(
            "性别",
            f"{who}的性别记录为{sex}，身份证号第17位显示为{check.sex}，请核对后改正其中一项",
            m,
        )


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

    _heads(active, out)
    _household_fields(h, out)
    if h.household_size is not None and h.household_size != len(active):
        out.inconsistent(
            "家庭人口",
            f"家庭人口记录为{h.household_size}人，但在册成员有{len(active)}人，请核对后改正家庭人口或成员名单",
        )

    checks = [None if _blank(m.id_number) else check_id(m.id_number, today) for _, m in active]
    # Who holds each valid ID, so a duplicate within the household can name the other holder.
    holders: dict[str, list[int]] = {}
    for index, check in enumerate(checks):
        if check is not None and check.ok:
            holders.setdefault(check.normalized, []).append(index)

    for index, ((who, m), check) in enumerate(zip(active, checks)):
        _member_fields(m, who, out)
        if check is not None:
            others = [active[j][0] for j in holders.get(check.normalized, []) if j != index]
            _id_findings(who, m, check, others, duplicate_ids, out)
    return out.items


def archive_state(findings: Iterable[Finding]) -> int:
    """ARCHIVE_INCONSISTENT if any finding is 不一致, else ARCHIVE_INCOMPLETE if any, else ARCHIVE_COMPLETE."""
    state = ARCHIVE_COMPLETE
    for finding in findings:
        if finding.severity == SEVERITY_INCONSISTENT:
            return ARCHIVE_INCONSISTENT
        state = ARCHIVE_INCOMPLETE
    return state
