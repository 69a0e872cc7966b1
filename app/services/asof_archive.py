"""Archive completeness (SPEC §4.5) as of a day (§4.8): each household on the register then, judged by its
fields as they stood. The cached `archive_state` holds for a household unless something it is judged on
changed after the day; those few are rebuilt from the change history (the old value of the earliest later
change of a field is its value then; a member added later was not there) and judged again by the same rule
(`rules.check_archive`). Counted by SQL for the rest; no household is loaded unless it changed."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from sqlalchemy import DateTime, and_, func, select
from sqlalchemy.orm import Session

from app import vocab
from app.models import ChangeLog, Household, Member
from app.rules import HouseholdFacts, MemberFacts, archive_state, check_archive, normalize_id
from app.services.asof import CREATION_SECONDS, chunks, cut_of, decimal_or_none, household_present
from app.services.households import HOUSEHOLD_LABELS, MEMBER_LABELS

CHUNK = 500
ADDED_LABEL = "新增成员"
# The change-history labels of what the completeness rule reads, and the attribute each one restores.
HOUSEHOLD_FIELDS: dict[str, str] = {HOUSEHOLD_LABELS[a]: a for a in (
    "village_id", "settlement_point_id", "housing_status", "land_mu", "household_size")}
MEMBER_FIELDS: dict[str, str] = {MEMBER_LABELS[a]: a for a in (
    "name", "relation", "sex", "id_number", "birth_date", "labour", "status")}


def _later(cut: dt.datetime):
    """Conditions on ChangeLog joined to Household: a change from `cut` on, not part of the row's creation."""
    return (ChangeLog.at >= cut,
            ChangeLog.at > func.datetime(Household.created_at, f"+{CREATION_SECONDS} seconds", type_=DateTime))


def _added_after(cut: dt.datetime):
    """Condition on Member joined to Household: added to a household already held, from `cut` on."""
    return and_(Member.created_at >= cut,
                Member.created_at > func.datetime(Household.created_at, f"+{CREATION_SECONDS} seconds",
                                                  type_=DateTime))


def _int(text: str) -> int | None:
    try:
        return int(text) if text.strip() else None
    except ValueError:
        return None


def _date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text.strip()[:10]) if text.strip() else None
    except ValueError:
        return None


def changed_households(s: Session, day: dt.date) -> set[int]:
    """Households whose archive could have been judged otherwise at the end of `day`: a field the rule reads
    changed later, a member was added later, or a member added later holds the same ID as one of theirs.
    Read from the change history alone (every save and import writes it), so an unchanged archive costs one
    look at the history."""
    cut = cut_of(day)
    fields = [*HOUSEHOLD_FIELDS, *MEMBER_FIELDS, ADDED_LABEL]
    ids: set[int] = set()
    added: set[int] = set()
    for hid, mid, label in s.execute(select(ChangeLog.household_id, ChangeLog.member_id, ChangeLog.field)
                                     .join(Household, Household.id == ChangeLog.household_id)
                                     .where(*_later(cut), ChangeLog.field.in_(fields))):
        if hid is None:
            continue
        ids.add(hid)
        if label == ADDED_LABEL and mid is not None:
            added.add(mid)
    late_ids: set[str] = set()
    for chunk in chunks(added):
        late_ids.update(idn for idn in s.scalars(select(Member.id_number).where(Member.id.in_(chunk))) if idn)
    wanted = sorted(late_ids)
    for i in range(0, len(wanted), CHUNK):
        ids.update(s.scalars(select(Member.household_id).where(Member.id_number.in_(wanted[i:i + CHUNK]))))
    return ids


def states_then(s: Session, day: dt.date, ids: set[int]) -> dict[int, int]:
    """{household id: archive state at the end of `day`} for the given households, rebuilt from the history."""
    cut = cut_of(day)
    out: dict[int, int] = {}
    for chunk in chunks(ids):
        undo_h: dict[int, dict[str, str]] = defaultdict(dict)
        undo_m: dict[int, dict[str, str]] = defaultdict(dict)
        for hid, mid, label, old in s.execute(
                select(ChangeLog.household_id, ChangeLog.member_id, ChangeLog.field, ChangeLog.old_value)
                .join(Household, Household.id == ChangeLog.household_id)
                .where(ChangeLog.household_id.in_(chunk), *_later(cut),
                       ChangeLog.field.in_([*HOUSEHOLD_FIELDS, *MEMBER_FIELDS]))
                .order_by(ChangeLog.id)):
            if hid is None:
                continue
            if mid is None and label in HOUSEHOLD_FIELDS:
                undo_h[hid].setdefault(HOUSEHOLD_FIELDS[label], old or "")
            elif mid is not None and label in MEMBER_FIELDS:
                undo_m[mid].setdefault(MEMBER_FIELDS[label], old or "")
        members: dict[int, list[MemberFacts]] = defaultdict(list)
        held: dict[int, set[str]] = defaultdict(set)
        for mid, hid, name, relation, sex, idn, birth, labour, status, late in s.execute(
                select(Member.id, Member.household_id, Member.name, Member.relation, Member.sex, Member.id_number,
                       Member.birth_date, Member.labour, Member.status, _added_after(cut))
                .join(Household, Household.id == Member.household_id).where(Member.household_id.in_(chunk))
                .order_by(Member.household_id, Member.sort_order, Member.id)):
            if late:
                continue  # not yet a member at the day
            u = undo_m.get(mid, {})
            m = MemberFacts(u.get("name", name), u.get("relation", relation), u.get("sex", sex),
                            u.get("id_number", idn), _date(u["birth_date"]) if "birth_date" in u else birth,
                            u.get("labour", labour), u.get("status", status) or vocab.MEMBER_ACTIVE, mid)
            members[hid].append(m)
            if m.status == vocab.MEMBER_ACTIVE and m.id_number:
                held[hid].add(normalize_id(m.id_number))
        elsewhere = _holders(s, cut, {i for ids_ in held.values() for i in ids_})
        for hid, village, point, housing, land, size in s.execute(
                select(Household.id, Household.village_id, Household.settlement_point_id, Household.housing_status,
                       Household.land_mu, Household.household_size).where(Household.id.in_(chunk))):
            u = undo_h.get(hid, {})
            facts = HouseholdFacts(
                members=members.get(hid, []),
                village=u["village_id"] or None if "village_id" in u else (str(village) if village else None),
                settlement_point=(u["settlement_point_id"] or None if "settlement_point_id" in u
                                  else (str(point) if point else None)),
                housing_status=u.get("housing_status", housing) or None,
                land_mu=decimal_or_none(u["land_mu"]) if "land_mu" in u else land,
                household_size=_int(u["household_size"]) if "household_size" in u else size)
            others = {idn: who for idn in held.get(hid, ()) for other, who in elsewhere.get(idn, ()) if other != hid}
            out[hid] = archive_state(check_archive(facts, others, day))
    return out


def _holders(s: Session, cut: dt.datetime, ids: set[str]) -> dict[str, list[tuple[int, str]]]:
    """{ID: [(household, who)]} of the members who held each ID before `cut` (the rule's 'held elsewhere')."""
    out: dict[str, list[tuple[int, str]]] = defaultdict(list)
    wanted = sorted(ids)
    for i in range(0, len(wanted), CHUNK):
        for idn, hid, no, name in s.execute(
                select(Member.id_number, Member.household_id, Household.archive_no, Member.name)
                .join(Household, Household.id == Member.household_id)
                .where(Member.id_number.in_(wanted[i:i + CHUNK]), ~_added_after(cut))):
            out[normalize_id(idn)].append((hid, f"档案编号 {no} 的{name}"))
    return out


def archive_counts(s: Session, day: dt.date) -> dict[int, int]:
    """{archive state: households} of the households on the register at the end of `day`, as they stood."""
    changed = changed_households(s, day)
    counts: dict[int, int] = defaultdict(int)
    unchanged = Household.id.not_in(sorted(changed)) if changed else None
    stmt = select(Household.archive_state, func.count()).where(household_present(day))
    if unchanged is not None:
        stmt = stmt.where(unchanged)
    for state, n in s.execute(stmt.group_by(Household.archive_state)):
        counts[state] += n
    present: set[int] = set()
    for chunk in chunks(changed):
        present.update(s.scalars(select(Household.id).where(Household.id.in_(chunk), household_present(day))))
    for state in states_then(s, day, present).values():
        counts[state] += 1
    return dict(counts)


def states_at(s: Session, day: dt.date, household_states: dict[int, int]) -> dict[int, int]:
    """The given {household: cached state} with the households changed after `day` judged as they stood then
    (a household whose archive was complete then drops out; one incomplete then comes in when asked for)."""
    changed = changed_households(s, day)
    if not changed:
        return household_states
    out = {h: st for h, st in household_states.items() if h not in changed}
    for hid, st in states_then(s, day, changed).items():
        if st != vocab.ARCHIVE_COMPLETE:
            out[hid] = st
    return out
