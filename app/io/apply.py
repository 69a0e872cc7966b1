"""Step 5 of the import: what the database holds (read in bulk), what would change, and writing it.

All three take the caller's session, so `importer` can run them inside ONE transaction: load what is known,
validate against it, plan, write; a dry run stops after the plan. Queries are batched (IDs in chunks), never
one per row, so 10,000 households apply in seconds.
"""

from __future__ import annotations

import datetime as dt
import operator
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, fields
from types import SimpleNamespace

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import vocab
from app.dbsql import insert_many
from app.io.validate import HouseholdIn, Known, MemberIn, Person, Validation
from app.models import Household, HouseholdTag, Member, SettlementPoint, Unit, Village
from app.models._common import now
from app.rules import mask_id
from app.services import history
from app.services.households import (
    CACHE_MEMBER_FIELDS,
    HOUSEHOLD_LABELS,
    MEMBER_LABELS,
    REGISTER_LABELS,
    TAGS_LABEL,
    HouseholdData,
    MemberData,
    cache_values,
    refresh_derived_many,
)

CHUNK = 5000  # bound parameters per IN (SQLite allows 32,766)

# HouseholdData attributes the importer writes directly (village and point are resolved by name).
_HOUSEHOLD_ATTRS = [f.name for f in fields(HouseholdData)
                    if f.name in HOUSEHOLD_LABELS and f.name not in ("archive_no", "village_id", "settlement_point_id")]
_MEMBER_ATTRS = [f.name for f in fields(MemberData) if f.name in MEMBER_LABELS]
# Both attribute lists read in one call (they have more than one attribute each: a tuple comes back).
_household_values = operator.attrgetter(*_HOUSEHOLD_ATTRS)
_member_values = operator.attrgetter(*_MEMBER_ATTRS)


def _chunks(items: Sequence, size: int = CHUNK) -> Iterable[Sequence]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def load_known(s: Session, households: Iterable[HouseholdIn]) -> Known:
    """The people holding the incoming IDs, their households' heads, the villages, points and archive numbers."""
    households = list(households)
    ids = sorted({m.data.id_number for h in households for m in h.members if m.data.id_number})
    known = Known()
    for chunk in _chunks(ids):
        rows = s.execute(
            select(Member.id_number, Member.household_id, Household.archive_no, Member.name, Member.relation,
                   Member.status)
            .join(Household, Household.id == Member.household_id)
            .where(Member.id_number.in_(list(chunk)))
        )
        for idn, hid, archive_no, name, relation, status in rows:
            known.people.setdefault(idn, Person(hid, archive_no, name, relation, status))
    household_ids = sorted({p.household_id for p in known.people.values()})
    for chunk in _chunks(household_ids):
        rows = s.execute(
            select(Member.household_id, Member.id_number)
            .where(Member.household_id.in_(list(chunk)), Member.relation == vocab.HEAD,
                   Member.status == vocab.MEMBER_ACTIVE)
        )
        for hid, idn in rows:
            known.heads.setdefault(hid, set()).add(idn or "")
    known.villages = set(s.scalars(select(Village.name)))
    known.points = set(s.execute(select(Village.name, SettlementPoint.name).join(SettlementPoint.village)).all())
    wanted = sorted({h.archive_no for h in households if h.archive_no})
    for chunk in _chunks(wanted):
        known.archive_nos.update(s.execute(
            select(Household.archive_no, Household.id).where(Household.archive_no.in_(list(chunk)))).all())
    return known


# -------------------------------------------------------------------------------------------- plan


@dataclass
class MemberUpdate:
    member_id: int
    values: dict[str, object]


@dataclass
class Op:
    """What importing one household does: create it, or update `target` with these values and new members."""

    incoming: HouseholdIn
    target: SimpleNamespace | None = None  # a plain copy of the household it updates (see _snapshots)
    values: dict[str, object] = field(default_factory=dict)  # Household attribute -> new value
    village: str | None = None  # resolved to an id when written
    point: str | None = None
    tags: set[str] | None = None
    member_updates: list[MemberUpdate] = field(default_factory=list)
    new_members: list[MemberIn] = field(default_factory=list)
    changes: list[history.Change] = field(default_factory=list)


_ID_IN_TEXT = re.compile(r"(?<![0-9A-Z])\d{17}[0-9X](?![0-9A-Z])")


@dataclass(frozen=True, slots=True)
class HeldChange:
    """One change an import makes (or, for a household with errors, would make) to a household already held."""

    household: str  # its archive number (档案编号)
    head: str  # its head's name as held
    subject: str  # 户, or the member's name
    field: str
    old: str
    new: str
    applies: bool = True  # False: the household has errors and is not imported

    def as_json(self) -> dict:
        return {"household": self.household, "head": self.head,
                "member": "" if self.subject == "户" else self.subject, "field": self.field,
                "old": self.old, "new": self.new, "applies": self.applies}


def _held_changes(op: Op, applies: bool) -> list[HeldChange]:
    def shown(text: str) -> str:  # an ID inside a value (a new member's line) is shown masked
        return _ID_IN_TEXT.sub(lambda m: mask_id(m.group(0)), text)

    return [HeldChange(op.target.archive_no, op.target.head_name, c.subject, c.field, shown(c.old), shown(c.new),
                       applies) for c in op.changes]


@dataclass
class Plan:
    new: list[Op] = field(default_factory=list)
    updated: list[Op] = field(default_factory=list)
    unchanged: list[HouseholdIn] = field(default_factory=list)
    skipped: list[HouseholdIn] = field(default_factory=list)
    blocked: list[Op] = field(default_factory=list)  # matched households left out: what they would change

    @property
    def members_new(self) -> int:
        return sum(len(op.new_members) for op in self.new + self.updated)

    def held_changes(self) -> list[HeldChange]:
        """Every change to households already held, in the order of the files (left-out ones marked)."""
        ops = [(op, True) for op in self.updated] + [(op, False) for op in self.blocked]
        ops.sort(key=lambda pair: (pair[0].incoming.file, pair[0].incoming.sheet, pair[0].incoming.first_row))
        return [change for op, applies in ops for change in _held_changes(op, applies)]


def plan(s: Session, validation: Validation, *, skip_invalid: bool, registered_on: dt.date | None = None,
         cancel: Callable[[], bool] | None = None) -> Plan:
    """Sort the households into new / updated (with their changes) / unchanged / skipped. Writes nothing.

    Without skip_invalid, any error anywhere means every household is skipped (all or nothing). Matched
    households left out are diffed too (Plan.blocked), so that the preview shows what they would change.
    New households are registered on the file's 登记日期, else on `registered_on` (the batch), else today.
    """
    result = Plan()
    batch_date = registered_on or dt.date.today()
    targets = _snapshots(s, sorted({h.match_id for h in validation.households if h.match_id is not None}))
    village_names = dict(s.execute(select(Village.id, Village.name)).all())
    point_names = dict(s.execute(select(SettlementPoint.id, SettlementPoint.name)).all())
    if validation.errors and not skip_invalid:
        todo: list[HouseholdIn] = []
        result.skipped = list(validation.households)
    else:
        todo = [h for h in validation.households if h.ok]
        result.skipped = [h for h in validation.households if not h.ok]
    for h in result.skipped:
        if h.match_id is not None:
            op = Op(h, targets[h.match_id])
            _diff_household(op, h, op.target, village_names, point_names)
            _diff_members(op, h, op.target)
            if op.changes:
                result.blocked.append(op)
    for index, h in enumerate(todo):
        if cancel is not None and index % 500 == 0 and cancel():
            from app.io.workbook import Cancelled

            raise Cancelled()
        if h.match_id is None:
            op = Op(h, village=h.village, point=h.point if h.village else None,
                    tags=set(h.data.declared_tags) if h.tags_present else None,
                    new_members=list(h.members))
            op.values = dict(zip(_HOUSEHOLD_ATTRS, _household_values(h.data)))  # blanks are the defaults
            op.values["original_no"] = h.original_no
            op.values["registered_on"] = h.registered_on or batch_date
            if h.data.status != vocab.HOUSEHOLD_ACTIVE:
                op.values["left_on"] = _leaving_date(h)
            op.changes.append(history.Change("户", "建档", "", "从Excel导入新建"))
            op.changes.extend(history.Change(m.data.name, "新增成员", "",
                                             f"{m.data.relation} {m.data.id_number}".strip()) for m in h.members)
            result.new.append(op)
            continue
        target = targets[h.match_id]
        op = Op(h, target)
        _diff_household(op, h, target, village_names, point_names)
        _diff_members(op, h, target)
        if op.changes:
            result.updated.append(op)
        else:
            result.unchanged.append(h)
    return result


def _snapshots(s: Session, ids: list[int]) -> dict[int, SimpleNamespace]:
    """Plain copies of the matched households with their members and tags (Core rows: no ORM objects)."""
    columns = [Household.id, Household.archive_no, Household.head_name, Household.village_id,
               Household.settlement_point_id, Household.original_no, Household.registered_on,
               Household.left_on] + \
        [getattr(Household, a) for a in _HOUSEHOLD_ATTRS]
    member_columns = [Member.id, Member.household_id, Member.sort_order] + [getattr(Member, a) for a in _MEMBER_ATTRS]
    out: dict[int, SimpleNamespace] = {}
    for chunk in _chunks(ids):
        chunk = list(chunk)
        for row in s.execute(select(*columns).where(Household.id.in_(chunk))):
            out[row.id] = SimpleNamespace(**row._asdict(), members=[], tags=set())
        for row in s.execute(select(*member_columns).where(Member.household_id.in_(chunk))
                             .order_by(Member.household_id, Member.sort_order, Member.id)):
            out[row.household_id].members.append(SimpleNamespace(**row._asdict()))
        for hid, tag in s.execute(select(HouseholdTag.household_id, HouseholdTag.tag)
                                  .where(HouseholdTag.household_id.in_(chunk))):
            out[hid].tags.add(tag)
    return out


def _leaving_date(h: HouseholdIn) -> dt.date:
    """When a household the file gives as no longer 在册 left: its members' latest status date, else today."""
    dates = [m.data.status_date for m in h.members if m.data.status_date is not None]
    return max(dates) if dates else dt.date.today()


def _diff_household(op: Op, h: HouseholdIn, target: SimpleNamespace, village_names: dict[int, str],
                    point_names: dict[int, str]) -> None:
    for attr in _HOUSEHOLD_ATTRS:
        if attr not in h.present:
            continue
        old, new = getattr(target, attr), getattr(h.data, attr)
        if old != new:
            op.values[attr] = new
            op.changes.append(history.Change("户", HOUSEHOLD_LABELS[attr], history.display_text(old),
                                             history.display_text(new)))
    # The register's own number and registration date change only when the file gives them (SPEC §4.8).
    for attr, new in (("original_no", h.original_no), ("registered_on", h.registered_on)):
        old = getattr(target, attr)
        if new not in ("", None) and new != old:
            op.values[attr] = new
            op.changes.append(history.Change("户", REGISTER_LABELS[attr], history.display_text(old),
                                             history.display_text(new)))
    # Leaving the register (整户迁出/注销) dates the leaving; coming back clears it.
    status = op.values.get("status", target.status)
    left = target.left_on
    if status != vocab.HOUSEHOLD_ACTIVE and left is None:
        left = _leaving_date(h)
    elif status == vocab.HOUSEHOLD_ACTIVE and "status" in op.values:
        left = None
    if left != target.left_on:
        op.values["left_on"] = left
        op.changes.append(history.Change("户", REGISTER_LABELS["left_on"], history.display_text(target.left_on),
                                         history.display_text(left)))
    old_village = village_names.get(target.village_id) if target.village_id else None
    village = h.village or old_village
    if h.village and h.village != old_village:
        op.village = h.village
        op.changes.append(history.Change("户", HOUSEHOLD_LABELS["village_id"], old_village or "", h.village))
    old_point = point_names.get(target.settlement_point_id) if target.settlement_point_id else None
    if h.point and village and (h.point != old_point or op.village is not None):
        op.village = village
        op.point = h.point
        if h.point != old_point:
            op.changes.append(history.Change("户", HOUSEHOLD_LABELS["settlement_point_id"], old_point or "", h.point))
    if h.tags_present:
        old_tags = set(target.tags)
        if old_tags != h.data.declared_tags:
            op.tags = set(h.data.declared_tags)
            op.changes.append(history.Change("户", TAGS_LABEL, "、".join(sorted(old_tags)),
                                             "、".join(sorted(h.data.declared_tags))))


def _diff_members(op: Op, h: HouseholdIn, target: SimpleNamespace) -> None:
    by_id = {m.id_number: m for m in target.members if m.id_number}
    used: set[int] = set()
    for incoming in h.members:
        md = incoming.data
        existing = by_id.get(md.id_number) if md.id_number else None
        if existing is None and not md.id_number:
            same_name = [m for m in target.members if m.name == md.name and m.id not in used]
            same_name.sort(key=lambda m: bool(m.id_number))
            existing = same_name[0] if same_name else None
        if existing is None:
            op.new_members.append(incoming)
            op.changes.append(history.Change(md.name, "新增成员", "", f"{md.relation} {md.id_number}".strip()))
            continue
        used.add(existing.id)
        values = {}
        for attr in _MEMBER_ATTRS:
            if attr in incoming.present or (attr in incoming.derived and getattr(existing, attr) in ("", None)):
                old, new = getattr(existing, attr), getattr(md, attr)
                if old != new:
                    values[attr] = new
                    op.changes.append(history.Change(md.name or existing.name, MEMBER_LABELS[attr], history.display_text(old),
                                                     history.display_text(new), existing.id))
        if values:
            op.member_updates.append(MemberUpdate(existing.id, values))


# ------------------------------------------------------------------------------------------- write


@dataclass
class Written:
    households_imported: int = 0
    households_updated: int = 0
    members_imported: int = 0
    villages_created: list[str] = field(default_factory=list)
    points_created: list[tuple[str, str]] = field(default_factory=list)


def _archive_numbers(s: Session, wanted: list[str], count: int) -> list[str]:
    """Archive numbers for new households: the file's 档案编号 where given and free, else the next HF000123."""
    used = set(s.scalars(select(Household.archive_no)))
    n = (s.scalar(select(func.max(Household.id))) or 0) + 1
    out: list[str] = []
    for number in wanted:
        if number and number not in used:
            used.add(number)
            out.append(number)
            continue
        while f"HF{n:06d}" in used:
            n += 1
        out.append(f"HF{n:06d}")
        used.add(out[-1])
    assert len(out) == count
    return out


def _places(s: Session, ops: list[Op], written: Written) -> tuple[dict[str, int], dict[tuple[str, str], int]]:
    """Ids of every village and settlement point the ops name, creating the missing ones (as 基础信息 would)."""
    villages = {name: vid for vid, name in s.execute(select(Village.id, Village.name))}
    units = set(s.scalars(select(Unit.name)))
    for op in ops:
        if op.village and op.village not in villages:
            v = Village(name=op.village)
            s.add(v)
            if op.village not in units:  # services.town.save_village gives each village a 责任单位 too
                s.add(Unit(name=op.village, kind="村"))
                units.add(op.village)
            s.flush()
            villages[op.village] = v.id
            written.villages_created.append(op.village)
    points = {(vid, name): pid for pid, vid, name in
              s.execute(select(SettlementPoint.id, SettlementPoint.village_id, SettlementPoint.name))}
    by_name: dict[tuple[str, str], int] = {}
    for op in ops:
        if op.point and op.village:
            vid = villages[op.village]
            pid = points.get((vid, op.point))
            if pid is None:
                kind = "分散" if op.incoming.data.settlement_type == "分散安置" else "集中"
                p = SettlementPoint(name=op.point, village_id=vid, kind=kind)
                s.add(p)
                s.flush()
                pid = points[(vid, op.point)] = p.id
                written.points_created.append((op.village, op.point))
            by_name[(op.village, op.point)] = pid
    return villages, by_name


def write(s: Session, p: Plan, reason: str, *, progress: Callable[[float], None] | None = None,
          cancel: Callable[[], bool] | None = None) -> Written:
    """Carry out the plan inside the caller's transaction: places, updates, new households, caches, history.

    The households already held are updated first, so that the database then holds every member except those
    of the new households; the new households then go in with their cached values (households.cache_values)
    already computed, so they are written once and indexed for search once.
    """
    written = Written()
    ops = p.new + p.updated
    if not ops:
        return written
    villages, points = _places(s, ops, written)

    def check_cancel() -> None:
        if cancel is not None and cancel():
            from app.io.workbook import Cancelled

            raise Cancelled()

    numbers = _archive_numbers(s, [op.incoming.archive_no for op in p.new], len(p.new))
    # Ids are given here, new households' members first: inside this write transaction nobody else adds rows,
    # and RETURNING in parameter order would make SQLite insert one row at a time.
    stamp = now()
    next_household = (s.scalar(select(func.max(Household.id))) or 0) + 1
    next_member = (s.scalar(select(func.max(Member.id))) or 0) + 1
    created_ids = list(range(next_household, next_household + len(p.new)))
    new_member_ids: list[list[int]] = []
    for op in p.new:
        ids = list(range(next_member, next_member + len(op.new_members)))
        next_member += len(ids)
        new_member_ids.append(ids)
        _attach_ids(op.changes, ids)

    household_table, member_table, tag_table = Household.__table__, Member.__table__, HouseholdTag.__table__
    added_rows: list[dict[str, object]] = []
    for index, op in enumerate(p.updated):
        tid = op.target.id
        values = dict(op.values)
        if op.village is not None:
            values["village_id"] = villages[op.village]
        if op.point is not None:
            values["settlement_point_id"] = points.get((op.village, op.point))
        if values:
            s.execute(household_table.update().where(household_table.c.id == tid).values(**values, updated_at=stamp))
        if op.tags is not None:
            s.execute(tag_table.delete().where(tag_table.c.household_id == tid))
            if op.tags:
                s.execute(tag_table.insert(), [{"household_id": tid, "tag": t} for t in sorted(op.tags)])
        for update in op.member_updates:
            s.execute(member_table.update().where(member_table.c.id == update.member_id)
                      .values(**update.values, updated_at=stamp))
        start = max((m.sort_order for m in op.target.members), default=-1) + 1
        member_ids = []
        for offset, incoming in enumerate(op.new_members):
            member_ids.append(next_member)
            added_rows.append({"id": next_member, "household_id": tid, "sort_order": start + offset,
                               "created_at": stamp, "updated_at": stamp,
                               **dict(zip(_MEMBER_ATTRS, _member_values(incoming.data)))})
            next_member += 1
        _attach_ids(op.changes, member_ids)
        if index % 1000 == 999:
            check_cancel()
    insert_many(s, member_table, added_rows)
    written.households_updated = len(p.updated)
    written.members_imported = sum(len(op.new_members) for op in p.updated)
    check_cancel()
    if progress is not None:
        progress(0.3)

    held = _held_elsewhere(s, [m.data.id_number for op in p.new for m in op.new_members if m.data.id_number])
    # ID -> the new households holding it (id, archive number, the member's name), worded only where another
    # household holds the ID too.
    incoming: dict[str, list[tuple[int, str, str]]] = {}
    for op, hid, number in zip(p.new, created_ids, numbers, strict=True):
        for m in op.new_members:
            if m.data.id_number:
                incoming.setdefault(m.data.id_number, []).append((hid, number, m.data.name))
    rows, member_rows, tag_rows = [], [], []
    for op, hid, number, member_ids in zip(p.new, created_ids, numbers, new_member_ids, strict=True):
        village_id = villages.get(op.village) if op.village else None
        point_id = points.get((op.village, op.point)) if op.point else None
        values = {"left_on": None, **op.values}  # every row has the same columns (one executemany)
        people = [{"id": mid, "household_id": hid, "sort_order": order, "created_at": stamp, "updated_at": stamp,
                   **dict(zip(_MEMBER_ATTRS, _member_values(m.data)))}
                  for order, (m, mid) in enumerate(zip(op.new_members, member_ids, strict=True))]
        elsewhere = {}
        for person in people:
            idn = person["id_number"]
            if idn:
                for other, who in held.get(idn, ()):
                    if other != hid:
                        elsewhere[idn] = who
                for other, other_number, name in incoming.get(idn, ()):
                    if other != hid:
                        elsewhere[idn] = f"档案编号 {other_number} 的{name}"
        cache = cache_values([number, values["phone"], village_id, point_id, values["housing_status"],
                              values["land_mu"], values["household_size"], values["original_no"]],
                             [[person[f] for f in CACHE_MEMBER_FIELDS] for person in people],
                             op.tags or (), elsewhere)
        rows.append({"id": hid, "archive_no": number, "created_at": stamp, "updated_at": stamp,
                     "status": vocab.HOUSEHOLD_ACTIVE, **values, "village_id": village_id,
                     "settlement_point_id": point_id, **cache})
        member_rows.extend(people)
        tag_rows.extend({"household_id": hid, "tag": t} for t in sorted(op.tags or ()))
    for start in range(0, len(rows), 2000):
        insert_many(s, household_table, rows[start:start + 2000])
        check_cancel()
        if progress is not None:
            progress(0.3 + 0.5 * (start + 2000) / max(len(rows), 1))
    insert_many(s, member_table, member_rows)
    insert_many(s, tag_table, tag_rows)
    written.households_imported = len(created_ids)
    written.members_imported += len(member_rows)
    check_cancel()

    # Caches of the updated households last: the IDs their members hold may now be held by a new household too.
    refresh_derived_many(s, [op.target.id for op in p.updated])
    if progress is not None:
        progress(0.85)
    history.record_many(s, list(zip(created_ids, (op.changes for op in p.new)))
            + [(op.target.id, op.changes) for op in p.updated], reason)
    s.flush()
    if progress is not None:
        progress(1.0)
    return written


def _held_elsewhere(s: Session, id_numbers: list[str]) -> dict[str, list[tuple[int, str]]]:
    """ID -> the households already holding it (any status), as refresh_derived_many describes them."""
    wanted = sorted(set(id_numbers))
    held: dict[str, list[tuple[int, str]]] = {}
    for chunk in _chunks(wanted):
        for idn, hid, number, name in s.execute(
                select(Member.id_number, Member.household_id, Household.archive_no, Member.name)
                .join(Household, Household.id == Member.household_id).where(Member.id_number.in_(list(chunk)))):
            held.setdefault(idn, []).append((hid, f"档案编号 {number} 的{name}"))
    return held


def _attach_ids(changes: list[history.Change], member_ids: list[int]) -> None:
    """Give each "新增成员" line the id of the member it added (they come in the same order)."""
    pending = iter(member_ids)
    for i, c in enumerate(changes):
        if c.field == "新增成员" and c.member_id is None:
            member_id = next(pending, None)
            if member_id is not None:
                changes[i] = history.Change(c.subject, c.field, c.old, c.new, member_id)


