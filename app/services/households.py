"""The household archive use-cases: find households, load one, validate and save it as one transaction.

Everything returned is plain data (dataclasses), never ORM objects, so the GUI holds nothing open.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from decimal import Decimal
from pathlib import Path

from sqlalchemy import ColumnElement, and_, bindparam, func, literal_column, select, table, text
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.visitors import InternalTraversal

from app import vocab
from app.db import TOWN_INFO_KEY, Database
from app.dbsql import driver_rows, is_postgres, update_many
from app.errors import Refused
from app.ledgers.engine import household_label
from app.models import Attachment, Household, HouseholdTag, Member, SettlementPoint, Village
from app.rules import (
    Finding,
    HouseholdFacts,
    MemberFacts,
    TagReason,
    check_archive,
    check_id,
    derive_key_groups,
    normalize_id,
)
from app.rules.members import HEADS, ID_DUPLICATE, ID_ELSEWHERE, ID_INVALID, head_issues, id_issues
from app.rules.members import who as member_who
from app.rules.normalize import normalize_group, normalize_name, normalize_phone
from app.rules.places import settlement_type_for
from app.services import history
from app.services.derived import derive

MAX_ATTACHMENT_BYTES = 50 * 1024 * 1024

HOUSEHOLD_LABELS: dict[str, str] = {
    "archive_no": "档案编号", "village_id": "村", "group_name": "组", "settlement_point_id": "安置点",
    "address": "现住址", "original_residence": "原居住地", "relocation_date": "搬迁时间",
    "settlement_type": "安置方式", "housing_status": "住房情况", "house_leaks": "房屋漏水",
    "geohazard_unmoved": "受地灾威胁未搬迁", "land_mu": "承包地面积（亩）", "annual_income": "家庭年收入（元）",
    "phone": "联系电话", "household_size": "家庭人口", "status": "户状态", "notes": "备注",
}
MEMBER_LABELS: dict[str, str] = {
    "name": "姓名", "relation": "与户主关系", "sex": "性别", "id_number": "身份证号", "birth_date": "出生日期",
    "ethnic_group": "民族", "education": "文化程度", "health": "健康状况", "labour": "劳动能力",
    "employment": "就业情况", "party_member": "是否党员", "phone": "联系电话", "status": "状态",
    "status_date": "变动日期", "notes": "备注",
}
# Register fields the importer keeps (SPEC §4.8, §5); not edited in the household window.
REGISTER_LABELS: dict[str, str] = {"original_no": "原户编号", "registered_on": "登记日期", "left_on": "迁离日期"}
TAGS_LABEL = "申报的重点户类型"
ATTACHMENT_LABEL = "附件"

# --------------------------------------------------------------------------------------------- the list


@dataclass
class HouseholdQuery:
    """What the household list shows: every filter is optional; text matches names, IDs, phones, 档案编号 and
    原户编号."""

    text: str = ""
    village_id: int | None = None
    point_id: int | None = None
    key_group: str | None = None  # a tag of vocab.KEY_TAGS, 三特户, 三无户 or 重点户
    archive_state: int | None = None
    status: str | None = vocab.HOUSEHOLD_ACTIVE
    sort: str = "archive_no"
    descending: bool = False


KEY_GROUP_ANY = "重点户"
KEY_GROUP_FILTERS: tuple[str, ...] = (KEY_GROUP_ANY, vocab.GROUP_SANTE, vocab.GROUP_SANWU) + vocab.KEY_TAGS

SORT_COLUMNS = {
    "archive_no": Household.archive_no,
    "original_no": Household.original_no,
    "head_name": Household.head_name,
    "village": Household.village_id,
    "point": Household.settlement_point_id,
    "group": Household.group_name,
    "member_count": Household.member_count,
    "archive_state": Household.archive_state,
    "key_flags": Household.key_flags,
}


@dataclass(frozen=True, slots=True)
class HouseholdRow:
    id: int
    archive_no: str
    head_name: str
    village: str
    group_name: str
    point: str
    member_count: int
    key_flags: int
    archive_state: int
    status: str
    phone: str
    original_no: str = ""  # 原户编号


def _mask_filter(mask: int):
    return Household.key_flags.op("&")(mask) != 0


def normalize_search(text: str) -> list[str]:
    """Search words: full-width to half-width, X upper-case, split on whitespace."""
    return [normalize_id(word) for word in text.split() if word.strip()]


def _like_escape(word: str) -> str:
    return re.sub(r"([\\%_])", r"\\\1", word)


def _conditions(q: HouseholdQuery) -> list:
    cond = []
    if q.status:
        cond.append(Household.status == q.status)
    if q.village_id is not None:
        cond.append(Household.village_id == q.village_id)
    if q.point_id is not None:
        cond.append(Household.settlement_point_id == q.point_id)
    if q.key_group:
        if q.key_group == KEY_GROUP_ANY:
            cond.append(_mask_filter(vocab.SANTE_MASK | vocab.SANWU_MASK))
        elif q.key_group == vocab.GROUP_SANTE:
            cond.append(_mask_filter(vocab.SANTE_MASK))
        elif q.key_group == vocab.GROUP_SANWU:
            cond.append(_mask_filter(vocab.SANWU_MASK))
        else:
            cond.append(_mask_filter(vocab.TAG_BITS[q.key_group]))
    if q.archive_state is not None:
        cond.append(Household.archive_state == q.archive_state)
    for i, word in enumerate(normalize_search(q.text)):
        if len(word) >= 3:
            cond.append(_SearchText(word, i))
        else:
            cond.append(func.instr(Household.search_text, word) > 0)
    return cond


class _SearchText(ColumnElement):
    """Condition: search_text contains word (three or more characters). SQLite's trigram index (FTS5,
    migration 0002) answers it without a scan; on PostgreSQL a LIKE, which its trigram index answers.
    Untyped, so that SQLite gets the IN (...) as written and not compared to 1."""

    inherit_cache = True
    _traverse_internals = [("word", InternalTraversal.dp_string), ("n", InternalTraversal.dp_plain_obj)]

    def __init__(self, word: str, n: int) -> None:
        self.word = word
        self.n = n


@compiles(_SearchText)
def _search_sqlite(element: _SearchText, compiler, **kw) -> str:
    phrase = '"' + element.word.replace('"', '""') + '"'
    matches = (select(literal_column("rowid")).select_from(table("household_fts"))
               .where(text(f"household_fts MATCH :fts{element.n}").bindparams(bindparam(f"fts{element.n}", phrase))))
    return compiler.process(Household.id.in_(matches), **kw)


@compiles(_SearchText, "postgresql")
def _search_pg(element: _SearchText, compiler, **kw) -> str:
    return compiler.process(Household.search_text.like(f"%{_like_escape(element.word)}%", escape="\\"), **kw)


def _ordered(q: HouseholdQuery, *columns):
    column = SORT_COLUMNS.get(q.sort, Household.archive_no)
    order = [column.desc() if q.descending else column.asc(), Household.id]
    return select(*columns).where(and_(*_conditions(q))).order_by(*order)


def _raw_rows(s: Session, stmt) -> list[tuple]:
    """Run a Core select straight on the SQLite cursor: for 100,000 plain-integer rows SQLAlchemy's result
    processing costs four times the query itself, and these columns need no type conversion."""
    town_id = s.info.get(TOWN_INFO_KEY)
    if town_id is not None:  # the raw cursor bypasses the session's town criterion (services.town_scope)
        stmt = stmt.where(Household.town_id == town_id)
    conn = s.connection()
    compiled = stmt.compile(dialect=conn.dialect)
    if is_postgres(conn):
        return driver_rows(s, str(compiled), compiled.params)
    params = [compiled.params[name] for name in compiled.positiontup or ()]
    return conn.connection.driver_connection.execute(str(compiled), params).fetchall()


def query_ids(db: Database, q: HouseholdQuery) -> list[int]:
    """Ids of the households matching q, in the requested order (all of them: ints are cheap)."""
    with db.read() as s:
        return [r[0] for r in _raw_rows(s, _ordered(q, Household.id))]


def query_list(db: Database, q: HouseholdQuery) -> tuple[list[int], int]:
    """What the list shows for q: the ids in order and the people 在册 in those households, in one query."""
    with db.read() as s:
        rows = _raw_rows(s, _ordered(q, Household.id, Household.member_count))
    return [r[0] for r in rows], sum(r[1] for r in rows)


def fetch_rows(db: Database, ids: Sequence[int]) -> list[HouseholdRow]:
    """The list rows for these ids, in the same order (ids that no longer exist are left out)."""
    if not ids:
        return []
    with db.read() as s:
        rows = s.execute(
            select(Household.id, Household.archive_no, Household.head_name, Village.name, Household.group_name,
                   SettlementPoint.name, Household.member_count, Household.key_flags, Household.archive_state,
                   Household.status, Household.phone, Household.original_no)
            .outerjoin(Village, Village.id == Household.village_id)
            .outerjoin(SettlementPoint, SettlementPoint.id == Household.settlement_point_id)
            .where(Household.id.in_(list(ids)))
        ).all()
    by_id = {r[0]: HouseholdRow(r[0], r[1], r[2], r[3] or "", r[4], r[5] or "", r[6], r[7], r[8], r[9], r[10], r[11])
             for r in rows}
    return [by_id[i] for i in ids if i in by_id]


# ----------------------------------------------------------------------------------------- one household


@dataclass(slots=True)
class MemberData:
    id: int | None = None
    name: str = ""
    relation: str = ""
    sex: str = ""
    id_number: str = ""
    birth_date: dt.date | None = None
    ethnic_group: str = ""
    education: str = ""
    health: str = ""
    labour: str = ""
    employment: str = ""
    party_member: bool = False
    phone: str = ""
    status: str = vocab.MEMBER_ACTIVE
    status_date: dt.date | None = None
    notes: str = ""


@dataclass
class AttachmentInfo:
    id: int | None
    filename: str
    size: int
    added_at: dt.datetime | None = None
    source_path: Path | None = None  # set for a file added in the editor and not yet saved


@dataclass(slots=True)
class HouseholdData:
    id: int | None = None
    archive_no: str = ""
    village_id: int | None = None
    group_name: str = ""
    settlement_point_id: int | None = None
    address: str = ""
    original_residence: str = ""
    relocation_date: str = ""
    settlement_type: str = ""
    housing_status: str = ""
    house_leaks: bool | None = None
    geohazard_unmoved: bool | None = None
    land_mu: Decimal | None = None
    annual_income: Decimal | None = None
    phone: str = ""
    household_size: int | None = None
    status: str = vocab.HOUSEHOLD_ACTIVE
    notes: str = ""
    declared_tags: set[str] = field(default_factory=set)
    members: list[MemberData] = field(default_factory=list)
    attachments: list[AttachmentInfo] = field(default_factory=list)


_HOUSEHOLD_ATTRS = [f.name for f in fields(HouseholdData) if f.name in HOUSEHOLD_LABELS]
_MEMBER_ATTRS = [f.name for f in fields(MemberData) if f.name in MEMBER_LABELS]


class HouseholdNotFound(LookupError):
    pass


def load_household(db: Database, household_id: int) -> HouseholdData:
    """Everything the editor shows of one household, as plain data."""
    with db.read() as s:
        h = s.get(Household, household_id)
        if h is None:
            raise HouseholdNotFound(f"找不到该户（编号 {household_id}），可能已被删除。")
        data = HouseholdData(id=h.id, **{a: getattr(h, a) for a in _HOUSEHOLD_ATTRS})
        data.declared_tags = {t.tag for t in h.tags}
        data.members = [MemberData(id=m.id, **{a: getattr(m, a) for a in _MEMBER_ATTRS}) for m in h.members]
        data.attachments = [
            AttachmentInfo(a.id, a.filename, a.size, a.added_at)
            for a in s.execute(select(Attachment.id, Attachment.filename, Attachment.size, Attachment.added_at)
                               .where(Attachment.household_id == h.id).order_by(Attachment.id))
        ]
        return data


def facts_of(data: HouseholdData, village: str | None = None, point: str | None = None) -> HouseholdFacts:
    """The rules' view of a household being edited (member key = index in data.members)."""
    members = [
        MemberFacts(name=m.name, relation=m.relation, sex=m.sex, id_number=m.id_number, birth_date=m.birth_date,
                    labour=m.labour, status=m.status, key=i)
        for i, m in enumerate(data.members)
    ]
    return HouseholdFacts(
        members=members,
        village=village if village is not None else ("村" if data.village_id else None),
        settlement_point=point if point is not None else ("安置点" if data.settlement_point_id else None),
        housing_status=data.housing_status or None,
        land_mu=data.land_mu,
        declared_tags=frozenset(data.declared_tags),
        household_size=data.household_size,
    )


def ids_held_elsewhere(db: Database, id_numbers: Sequence[str], household_id: int | None,
                       member_ids: Sequence[int] = ()) -> dict[str, str]:
    """For each ID among id_numbers held by a person outside this household, who holds it."""
    wanted = sorted({i for i in id_numbers if i})
    if not wanted:
        return {}
    with db.read() as s:
        return _ids_held_elsewhere(s, wanted, household_id)


def _ids_held_elsewhere(s: Session, wanted: Sequence[str], household_id: int | None) -> dict[str, str]:
    stmt = (select(Member.id_number, Household.archive_no, Member.name)
            .join(Household, Household.id == Member.household_id)
            .where(Member.id_number.in_(list(wanted))))
    if household_id is not None:
        stmt = stmt.where(Member.household_id != household_id)
    return {idn: f"档案编号 {no} 的{name}" for idn, no, name in s.execute(stmt)}


@dataclass(frozen=True, slots=True)
class Evaluation:
    """What the editor shows live: the key groups with reasons and the completeness findings."""

    key_groups: list[TagReason]
    findings: list[Finding]


def evaluate(data: HouseholdData, elsewhere: dict[str, str] | None = None) -> Evaluation:
    facts = facts_of(data)
    return Evaluation(derive_key_groups(facts), check_archive(facts, elsewhere))


# ---------------------------------------------------------------------------------------------- saving


@dataclass(frozen=True, slots=True)
class FieldError:
    """A reason a save is refused: which member (index, or None for the household), which field, why."""

    member_index: int | None
    field: str
    message: str


class SaveRefused(Refused):
    """The household cannot be saved as it is (errors: FieldError with the member); nothing was written."""

    errors: list[FieldError]


@dataclass(frozen=True, slots=True)
class SaveResult:
    household_id: int
    archive_no: str
    changes: int


def clean(data: HouseholdData) -> HouseholdData:
    """Normalise what the clerk typed (names, IDs, phones) and fill birth date and sex from a valid ID."""
    members = []
    for m in data.members:
        m = replace(m, name=normalize_name(m.name), id_number=normalize_id(m.id_number),
                    phone=normalize_phone(m.phone), ethnic_group=m.ethnic_group.strip(),
                    education=m.education.strip(), notes=m.notes.strip())
        if m.id_number:
            c = check_id(m.id_number)
            if c.ok:
                if m.birth_date is None:
                    m = replace(m, birth_date=c.birth_date)
                if not m.sex:
                    m = replace(m, sex=c.sex)
        members.append(m)
    return replace(
        data, archive_no=data.archive_no.strip(), group_name=normalize_group(data.group_name),
        address=data.address.strip(), original_residence=data.original_residence.strip(),
        relocation_date=data.relocation_date.strip(), phone=normalize_phone(data.phone),
        notes=data.notes.strip(), members=members,
    )


def validate(data: HouseholdData, elsewhere: dict[str, str]) -> list[FieldError]:
    """Reasons the (cleaned) household cannot be saved; `elsewhere` maps IDs held outside it to their holder."""
    errors: list[FieldError] = []
    # Saving refuses what cannot be true of anyone; a sex or birth date that disagrees with the ID only warns.
    refused_ids: dict[int | None, list[FieldError]] = {}
    for issue in id_issues(data.members, elsewhere):
        if issue.code in (ID_INVALID, ID_DUPLICATE, ID_ELSEWHERE):
            refused_ids.setdefault(issue.index, []).append(FieldError(issue.index, issue.field, issue.message))
    for i, m in enumerate(data.members):
        who = member_who(m, i)
        if not m.name:
            errors.append(FieldError(i, "name", f"第{i + 1}位成员没有姓名，请填写姓名"))
        if m.relation and m.relation not in vocab.RELATIONS:
            errors.append(FieldError(i, "relation", f"{who}的与户主关系“{m.relation}”无法识别，请从列表中选择"))
        errors.extend(refused_ids.get(i, ()))
        if m.status not in vocab.MEMBER_STATUS:
            errors.append(FieldError(i, "status", f"{who}的状态无效"))
        elif m.status != vocab.MEMBER_ACTIVE and m.status_date is None:
            errors.append(FieldError(i, "status_date", f"{who}已{m.status}，请填写{m.status}日期"))
    heads = [issue for issue in head_issues(data.members) if issue.code == HEADS]
    if heads:
        errors.append(FieldError(None, "relation", heads[0].message))
    for attr, label in (("land_mu", "承包地面积"), ("annual_income", "家庭年收入"), ("household_size", "家庭人口")):
        value = getattr(data, attr)
        if value is not None and value < 0:
            errors.append(FieldError(None, attr, f"{label}不能为负数"))
    return errors


def _display(s: Session, attr: str, value) -> str:
    if value is None:
        return ""
    if attr == "village_id":
        return s.get(Village, value).name if s.get(Village, value) else str(value)
    if attr == "settlement_point_id":
        point = s.get(SettlementPoint, value)
        return point.name if point else str(value)
    return history.display_text(value)


def _next_archive_no(s: Session) -> str:
    n = (s.scalar(select(func.max(Household.id))) or 0) + 1
    while True:
        candidate = f"HF{n:06d}"
        if s.scalar(select(Household.id).where(Household.archive_no == candidate)) is None:
            return candidate
        n += 1


def save_household(db: Database, data: HouseholdData, *, reason: str = "编辑") -> SaveResult:
    """Validate and save one household with its members, tags and attachments in one transaction,
    recording every changed field in the history. Raises SaveRefused (nothing written) on bad data."""
    data = clean(data)
    with db.write() as s:
        if data.settlement_point_id is not None and not data.settlement_type:
            kind = s.scalar(select(SettlementPoint.kind).where(SettlementPoint.id == data.settlement_point_id))
            data = replace(data, settlement_type=settlement_type_for(kind))
        elsewhere = _ids_held_elsewhere(s, [m.id_number for m in data.members if m.id_number], data.id)
        errors = validate(data, elsewhere)
        if data.archive_no:
            clash = s.scalar(select(Household.id).where(Household.archive_no == data.archive_no,
                                                         Household.id != (data.id or 0)))
            if clash is not None:
                errors.append(FieldError(None, "archive_no", f"档案编号 {data.archive_no} 已被其他户使用，请换一个"))
        if errors:
            raise SaveRefused(errors)
        changes = _apply(s, data)
        h = s.get(Household, changes[0])
        history.record(s, h.id, changes[1], reason)
        return SaveResult(h.id, h.archive_no, len(changes[1]))


def _apply(s: Session, data: HouseholdData) -> tuple[int, list[history.Change]]:
    changes: list[history.Change] = []
    if data.id is None:
        h = Household(archive_no=data.archive_no or _next_archive_no(s))
        s.add(h)
        is_new = True
    else:
        h = s.get(Household, data.id)
        if h is None:
            raise SaveRefused([FieldError(None, "id", "该户已不存在，无法保存")])
        is_new = False
    for attr in _HOUSEHOLD_ATTRS:
        new = getattr(data, attr)
        if attr == "archive_no" and not new:
            continue
        old = getattr(h, attr)
        if old != new:
            if not (is_new and new in (None, "")):
                changes.append(history.Change("户", HOUSEHOLD_LABELS[attr], _display(s, attr, old),
                                              _display(s, attr, new)))
            setattr(h, attr, new)
    s.flush()

    old_tags = {t.tag for t in h.tags}
    if old_tags != data.declared_tags:
        h.tags = [HouseholdTag(household_id=h.id, tag=t) for t in sorted(data.declared_tags)]
        changes.append(history.Change("户", TAGS_LABEL, "、".join(sorted(old_tags)),
                                      "、".join(sorted(data.declared_tags))))

    existing = {m.id: m for m in h.members}
    for order, md in enumerate(data.members):
        if md.id is None:
            m = Member(household_id=h.id, sort_order=order, **{a: getattr(md, a) for a in _MEMBER_ATTRS})
            s.add(m)
            s.flush()
            changes.append(history.Change(md.name, "新增成员", "", f"{md.relation} {md.id_number}".strip(), m.id))
            continue
        m = existing.get(md.id)
        if m is None:
            raise SaveRefused([FieldError(order, "id", f"成员{md.name}不属于该户，无法保存")])
        m.sort_order = order
        for attr in _MEMBER_ATTRS:
            new, old = getattr(md, attr), getattr(m, attr)
            if old != new:
                changes.append(history.Change(md.name or m.name, MEMBER_LABELS[attr], history.display_text(old),
                                              history.display_text(new), m.id))
                setattr(m, attr, new)

    kept = {a.id for a in data.attachments if a.id is not None}
    for att in s.scalars(select(Attachment).where(Attachment.household_id == h.id)):
        if att.id not in kept:
            changes.append(history.Change("户", ATTACHMENT_LABEL, att.filename, "（已移除）"))
            s.delete(att)
    for a in data.attachments:
        if a.id is None and a.source_path is not None:
            blob = a.source_path.read_bytes()
            digest = hashlib.sha256(blob).hexdigest()
            dup = s.scalar(select(Attachment.id).where(Attachment.household_id == h.id,
                                                       Attachment.sha256 == digest))
            if dup is None:
                s.add(Attachment(household_id=h.id, filename=a.filename, size=len(blob), sha256=digest, data=blob))
                changes.append(history.Change("户", ATTACHMENT_LABEL, "", a.filename))
    s.flush()
    s.expire(h, ["members"])
    refresh_derived(s, h)
    return h.id, changes


def refresh_derived(s: Session, h: Household) -> None:
    """Recompute the household's cached key groups, archive state, head, counts and search text."""
    refresh_derived_many(s, [h.id])
    s.expire(h, ["key_flags", "archive_state", "head_name", "member_count", "search_text"])


# What cache_values reads of a household and of each member, in the order of refresh_derived_many's queries.
CACHE_HOUSEHOLD_FIELDS = ("archive_no", "phone", "village_id", "settlement_point_id", "housing_status", "land_mu",
                          "household_size", "original_no")
CACHE_MEMBER_FIELDS = ("household_id", "name", "relation", "sex", "id_number", "birth_date", "labour", "status", "id",
                       "phone")


def refresh_derived_many(s: Session, household_ids: Sequence[int]) -> None:
    """refresh_derived for many households at once (an import's 10,000): the same facts and `derive`, with
    households, members, tags and IDs held elsewhere read in a few batched queries and the caches written
    back with one bulk UPDATE (updated_at set, as an ORM update would). Flushes the session first; does not
    refresh ORM objects already loaded."""
    ids = sorted(set(household_ids))
    if not ids:
        return
    s.flush()
    heads: dict[int, tuple] = {}
    members: dict[int, list[tuple]] = {i: [] for i in ids}
    tags: dict[int, set[str]] = {i: set() for i in ids}
    for start in range(0, len(ids), 5000):
        chunk = ids[start:start + 5000]
        for row in s.execute(select(Household.id, *(getattr(Household, f) for f in CACHE_HOUSEHOLD_FIELDS))
                             .where(Household.id.in_(chunk))):
            heads[row[0]] = row
        for row in s.execute(select(*(getattr(Member, f) for f in CACHE_MEMBER_FIELDS))
                             .where(Member.household_id.in_(chunk))
                             .order_by(Member.household_id, Member.sort_order, Member.id)):
            members[row[0]].append(row)
        for hid, tag in s.execute(select(HouseholdTag.household_id, HouseholdTag.tag)
                                  .where(HouseholdTag.household_id.in_(chunk))):
            tags[hid].add(tag)
    wanted = sorted({m[4] for ms in members.values() for m in ms if m[4]})
    holders: dict[str, list[tuple[int, str]]] = {}
    for start in range(0, len(wanted), 5000):
        rows = s.execute(select(Member.id_number, Member.household_id, Household.archive_no, Member.name)
                         .join(Household, Household.id == Member.household_id)
                         .where(Member.id_number.in_(wanted[start:start + 5000])))
        for idn, hid, no, name in rows:
            holders.setdefault(idn, []).append((hid, f"档案编号 {no} 的{name}"))
    updates = []
    for hid in ids:
        if hid not in heads:
            continue
        ms = members[hid]
        elsewhere = {m[4]: who for m in ms if m[4] for other, who in holders.get(m[4], ()) if other != hid}
        updates.append({"id": hid, **cache_values(heads[hid][1:], ms, tags[hid], elsewhere)})
    update_many(s, Household.__table__, updates)


def cache_values(household: Sequence, members: Sequence[Sequence], tags: Iterable[str],
                 elsewhere: Mapping[str, str]) -> dict[str, object]:
    """The cached columns of one household (key_flags, archive_state, head_name, member_count, search_text)
    from its values in CACHE_HOUSEHOLD_FIELDS order and its members' in CACHE_MEMBER_FIELDS order (sorted as
    held), its tags, and the IDs of its members held by other households. refresh_derived_many reads these
    from the database; the importer passes a new household's values before inserting it."""
    archive_no, phone, village_id, point_id, housing, land, size, original_no = household
    facts = HouseholdFacts(
        members=[MemberFacts(m[1], m[2], m[3], m[4], m[5], m[6], m[7], m[8]) for m in members],
        village=str(village_id) if village_id else None,
        settlement_point=str(point_id) if point_id else None,
        housing_status=housing or None,
        land_mu=land,
        declared_tags=frozenset(tags),
        household_size=size,
    )
    cache = derive(facts, archive_no=archive_no, phone=phone, member_phones=[m[9] for m in members],
                   duplicate_ids=elsewhere, original_no=original_no)
    return {"key_flags": cache.key_flags, "archive_state": cache.archive_state, "head_name": cache.head_name,
            "member_count": cache.member_count, "search_text": cache.search_text}


def attachment_bytes(db: Database, attachment_id: int) -> tuple[str, bytes]:
    """The file name and content of a stored attachment."""
    with db.read() as s:
        a = s.get(Attachment, attachment_id)
        if a is None:
            raise HouseholdNotFound("该附件已不存在。")
        return a.filename, a.data


def attachment_from_file(path: Path) -> AttachmentInfo:
    """A file chosen by the clerk, checked for size, ready to be saved with the household."""
    size = path.stat().st_size
    if size > MAX_ATTACHMENT_BYTES:
        raise ValueError(f"文件过大（{size // (1024 * 1024)} MB），单个附件不能超过 50 MB：{path.name}")
    return AttachmentInfo(None, path.name, size, None, path)


@dataclass(frozen=True, slots=True)
class HouseholdChoice:
    """One household offered in a ledger form's picker."""

    id: int
    label: str
    village: str
    point: str


def find_households(db: Database, text: str, *, limit: int = 50) -> list[HouseholdChoice]:
    """Households 在册 whose names, IDs, phones or 档案编号 match text, for picking one in a form."""
    ids = query_ids(db, HouseholdQuery(text=text))[:limit]
    return [HouseholdChoice(r.id, household_label(r.head_name, r.archive_no), r.village, r.point)
            for r in fetch_rows(db, ids)]


def has_households(db: Database) -> bool:
    """True when the archive holds any household (of any status): an empty list then means a filter."""
    with db.read() as s:
        return s.scalar(select(Household.id).limit(1)) is not None
