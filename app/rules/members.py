"""The member/ID rules of one household, in one place for the importer, the editor, saving and the checks.

- an ID number is valid (check_id) and held by only one member of the household;
- it is not already held by a member of another household (the caller says which, as `elsewhere`);
- the sex and birth date written down agree with what the ID number encodes;
- among the 在册 members there is exactly one 户主.

Each rule reports a MemberIssue with one wording; each caller decides whether it refuses or only warns.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from app.rules.idnumber import IdCheck, check_id, normalize_id
from app.vocab import HEAD, MEMBER_ACTIVE, SEXES

ID_INVALID = "id_invalid"
ID_DUPLICATE = "id_duplicate"
ID_ELSEWHERE = "id_elsewhere"
BIRTH_VS_ID = "birth_vs_id"
SEX_VS_ID = "sex_vs_id"
NO_ACTIVE_MEMBERS = "no_active_members"
NO_HEAD = "no_head"
HEADS = "heads"


class MemberLike(Protocol):
    """What the rules read of a member: MemberData, MemberFacts and the importer's members all fit."""

    @property
    def name(self) -> str | None: ...
    @property
    def relation(self) -> str | None: ...
    @property
    def sex(self) -> str | None: ...
    @property
    def id_number(self) -> str | None: ...
    @property
    def birth_date(self) -> date | None: ...
    @property
    def status(self) -> str: ...


@dataclass(frozen=True, slots=True)
class MemberIssue:
    """One broken rule: the member's position in the list checked (None: the household), the field, a code."""

    index: int | None
    field: str  # "id_number", "birth_date", "sex" or "relation"
    code: str
    message: str


def _clean(value: str | None) -> str:
    return " ".join((value or "").split())


def cn_date(d: date) -> str:
    """2024-05-03 as the clerk writes it: 2024年5月3日."""
    return f"{d.year}年{d.month}月{d.day}日"


def who(member: MemberLike, index: int) -> str:
    """How messages name a member: the name, or its position among the members checked."""
    return _clean(member.name) or f"第{index + 1}位成员"


def id_issues(
    members: Sequence[MemberLike],
    elsewhere: Mapping[str, str] | None = None,
    today: date | None = None,
    only: int | None = None,
    names: Sequence[str] | None = None,
) -> list[MemberIssue]:
    """The ID rules for every member (or just members[only]); `elsewhere` maps an ID held in another
    household to a description of its holder; `names` overrides how messages name each member.
    Members without an ID number break none of them."""
    ids = [normalize_id(m.id_number) for m in members]
    label = list(names) if names is not None else [who(m, i) for i, m in enumerate(members)]
    out: list[MemberIssue] = []
    filled = [idn for idn in ids if idn]
    repeated = len(set(filled)) < len(filled)  # else no member shares an ID (the household of one, mostly)
    for i, m in enumerate(members):
        if only is not None and i != only or not ids[i]:
            continue
        name = label[i]
        check = check_id(ids[i], today)
        if not check.ok:
            out.append(MemberIssue(i, "id_number", ID_INVALID, f"{name}的{check.error}"))
            continue
        others = [label[j] for j, other in enumerate(ids) if j != i and other == check.normalized] if repeated else []
        if others:
            out.append(MemberIssue(i, "id_number", ID_DUPLICATE,
                                   f"{name}的身份证号与本户{'、'.join(others)}的相同，同一号码只能属于一个人，请核对后改正"))
        if elsewhere and check.normalized in elsewhere:
            out.append(MemberIssue(i, "id_number", ID_ELSEWHERE,
                                   f"{name}的身份证号已属于{elsewhere[check.normalized]}，同一号码只能属于一个人，"
                                   "请核对是否录错或重复建档"))
        out.extend(agreement_issues(m, check, name, i))
    return out


def agreement_issues(m: MemberLike, check: IdCheck, name: str, index: int = 0) -> list[MemberIssue]:
    """The member's birth date and sex against those a valid ID gives (check is check_id of its ID): the last
    two of id_issues, for a caller that has checked the ID already (the importer, row by row)."""
    out: list[MemberIssue] = []
    birth = m.birth_date.date() if isinstance(m.birth_date, datetime) else m.birth_date
    if check.birth_date is not None and birth is not None and birth != check.birth_date:
        out.append(MemberIssue(index, "birth_date", BIRTH_VS_ID,
                               f"{name}的出生日期记录为{cn_date(birth)}，身份证号显示为{cn_date(check.birth_date)}，"
                               "请核对后改正其中一项"))
    sex = _clean(m.sex)
    if check.sex is not None and sex in SEXES and sex != check.sex:
        out.append(MemberIssue(index, "sex", SEX_VS_ID,
                               f"{name}的性别记录为{sex}，身份证号第17位显示为{check.sex}，请核对后改正其中一项"))
    return out


def head_issues(members: Sequence[MemberLike]) -> list[MemberIssue]:
    """Exactly one 户主 among the 在册 members: nothing, one household-level issue, or one per extra head."""
    active = [i for i, m in enumerate(members) if m.status == MEMBER_ACTIVE]
    heads = [i for i in active if _clean(members[i].relation) == HEAD]
    if not active:
        return [MemberIssue(None, "relation", NO_ACTIVE_MEMBERS,
                            "该户没有在册成员，也就没有户主。请添加家庭成员并指定户主；如已整户迁出，请修改户的状态")]
    if not heads:
        return [MemberIssue(None, "relation", NO_HEAD, "在册成员中没有户主，请把其中一人的“与户主关系”设为户主")]
    if len(heads) == 1:
        return []
    names = "、".join(who(members[i], i) for i in heads)
    message = (f"在册成员中有{len(heads)}位户主（{names}），一户只能有一位户主，"
               "请保留一位，把其他人的“与户主关系”改为实际关系")
    return [MemberIssue(i, "relation", HEADS, message) for i in heads]
