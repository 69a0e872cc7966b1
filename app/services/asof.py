"""Figures as of a date (SPEC §4.8): what was true at the end of that day, so that a past month printed today
says exactly what it said at the month's end.

- Households count from the day they entered the town's register (registered_on) until the day they left
  (left_on); members from the later of that day and their birth, or from the day they were added to a
  household already held, until their status date when they left (迁出) or died.
- 包保 assignments count while in force: started on or before the day, not ended by it (an assignment ends
  on the day its successor starts).
- Problems are open at the day when found by it and not closed by it.
- Household and member fields changed after the day are undone from the change history: the old value of
  the earliest later change is the value the field had then.

Everything is counted by SQL aggregates; only the households whose fields changed after the day (usually a
handful) are read into Python, as plain rows, to rebuild their values then. `stats --month` and the 月报
both call `figures(session, day)` with the month's last day.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from sqlalchemy import Date, DateTime, and_, case, exists, func, literal, or_, select
from sqlalchemy.orm import Session

from app import vocab
from app.models import (
    Cadre,
    ChangeLog,
    Household,
    HouseholdAssignment,
    HouseholdTag,
    Member,
    PointAssignment,
    Problem,
    SettlementPoint,
    Village,
    Visit,
)
from app.rules import HouseholdFacts, MemberFacts, derive_key_groups
from app.rules.keygroups import key_flags as flags_of
from app.services.households import HOUSEHOLD_LABELS, MEMBER_LABELS, TAGS_LABEL
from app.services.stats import KEY_MASK, NO_VILLAGE, key_group_counts, labour_force, month_bounds

LABOUR_AT = 2 + len(vocab.EMPLOYMENT)  # where the labour counts start in AsOf._members' sums
CHUNK = 500

# The change-history labels of the fields a figure depends on, and the name they are rebuilt under.
HOUSEHOLD_FIELDS: dict[str, str] = {
    HOUSEHOLD_LABELS["village_id"]: "village", HOUSEHOLD_LABELS["settlement_point_id"]: "point",
    HOUSEHOLD_LABELS["housing_status"]: "housing_status", HOUSEHOLD_LABELS["land_mu"]: "land_mu",
    TAGS_LABEL: "tags",
}
MEMBER_FIELDS: dict[str, str] = {
    MEMBER_LABELS["labour"]: "labour", MEMBER_LABELS["employment"]: "employment",
    MEMBER_LABELS["party_member"]: "party_member",
}
STATUS_LABEL = HOUSEHOLD_LABELS["status"]


def month_end(month: str) -> dt.date:
    """The last day of 'YYYY-MM'."""
    return month_bounds(month)[1] - dt.timedelta(days=1)


def report_day(month: str, today: dt.date | None = None) -> dt.date:
    """The day a month's figures are as of: its last day, or today while the month is not over yet."""
    return min(month_end(month), today or dt.date.today())


def cut_of(day: dt.date) -> dt.datetime:
    """The first moment after `day`: changes from then on are undone."""
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time())


def _date(column):
    return func.date(column, type_=Date)


# ------------------------------------------------------------------------------------------ conditions


def registered_on():
    """The day a household entered the register (the day its row was created when never named)."""
    return func.coalesce(Household.registered_on, _date(Household.created_at))


def left_on():
    """The day a household left the register; for one no longer 在册 without a date, the day its status was
    changed in the history, else its registration day (it is then never counted)."""
    status_changed = (select(func.min(_date(ChangeLog.at))).where(ChangeLog.household_id == Household.id,
                                                                   ChangeLog.field == STATUS_LABEL)
                      .scalar_subquery())
    return func.coalesce(Household.left_on,
                         case((Household.status != vocab.HOUSEHOLD_ACTIVE, func.coalesce(status_changed,
                                                                                         registered_on())),
                              else_=None))


def household_present(day: dt.date):
    """Condition on Household: in the register at the end of `day`."""
    gone = left_on()
    return and_(registered_on() <= day, or_(gone.is_(None), gone > day))


def member_entered():
    """The day a member entered the register: born after the household registered → the birth; added to a
    household already held → the day added; else the household's registration day."""
    reg = registered_on()
    added = _date(Member.created_at)
    born_after = and_(Member.birth_date.is_not(None), Member.birth_date > reg)
    return case((born_after, Member.birth_date), (added > _date(Household.created_at), added), else_=reg)


def member_present(day: dt.date):
    """Condition on Member joined to Household: in the register at the end of `day`."""
    return and_(household_present(day), member_entered() <= day,
                or_(Member.status == vocab.MEMBER_ACTIVE, and_(Member.status_date.is_not(None),
                                                                Member.status_date > day)))


def in_force(start, end, day: dt.date):
    """An assignment in force at the end of `day` (end is the first day it no longer holds)."""
    return and_(start <= day, or_(end.is_(None), end > day))


def assignment_at(day: dt.date):
    """Condition (HouseholdAssignment correlated to Household): a one-to-one cadre in force at `day`."""
    return and_(HouseholdAssignment.household_id == Household.id,
                in_force(HouseholdAssignment.start_date, HouseholdAssignment.end_date, day))


def problem_open_at(day: dt.date):
    """Condition on Problem: found by `day` and not closed by it."""
    return and_(Problem.found_date <= day,
                or_(Problem.status.in_(vocab.PROBLEM_OPEN),
                    and_(Problem.resolved_date.is_not(None), Problem.resolved_date > day)))


def problem_overdue_at(day: dt.date):
    """Condition on Problem: open at `day` and past its deadline then."""
    return and_(problem_open_at(day), Problem.deadline.is_not(None), Problem.deadline < day)


def visits_due_at(day: dt.date):
    """(household id, cadre id) of every household in the register at `day` under a one-to-one 包保 then."""
    return (select(HouseholdAssignment.household_id, HouseholdAssignment.cadre_id)
            .join(Household, Household.id == HouseholdAssignment.household_id)
            .where(in_force(HouseholdAssignment.start_date, HouseholdAssignment.end_date, day),
                   household_present(day)))


def visited_in(start: dt.date, end: dt.date):
    """Condition (HouseholdAssignment in scope): its cadre visited its household in [start, end)."""
    return exists().where(Visit.household_id == HouseholdAssignment.household_id,
                          Visit.cadre_id == HouseholdAssignment.cadre_id, Visit.date >= start, Visit.date < end)


# ------------------------------------------------------------------------------------------ values then


CREATION_SECONDS = 5  # history written this soon after a household's row was created records its creation


def _later_changes(cut: dt.datetime):
    """Conditions on ChangeLog joined to Household: a change of a figure's field from `cut` on, not the
    values a household was created with (a register imported today may be dated years back)."""
    return (ChangeLog.at >= cut,
            ChangeLog.at > func.datetime(Household.created_at, f"+{CREATION_SECONDS} seconds", type_=DateTime),
            ChangeLog.field.in_(list(HOUSEHOLD_FIELDS) + list(MEMBER_FIELDS)))


def _changed_ids(cut: dt.datetime):
    """Ids of households whose figure-relevant fields (or their members') changed from `cut` on."""
    return (select(ChangeLog.household_id).join(Household, Household.id == ChangeLog.household_id)
            .where(*_later_changes(cut)).distinct())


def chunks(ids: Iterable[int]) -> Iterable[list[int]]:
    """Sorted ids in lists of CHUNK (bound parameters per query)."""
    ids = sorted(ids)
    for i in range(0, len(ids), CHUNK):
        yield ids[i:i + CHUNK]


def decimal_or_none(text: str) -> Decimal | None:
    """A history text read back as a number; blank or not a number is None."""
    try:
        return Decimal(text) if text.strip() else None
    except InvalidOperation:
        return None


@dataclass(slots=True)
class Then:
    """A changed household as it stood at the day."""

    village: str
    point_id: int | None
    present: bool
    flags: int = 0
    members: int = 0
    member_ids: list[int] = field(default_factory=list)  # members present then


@dataclass
class Changed:
    """The households (and members) whose values at the day differ from today's, rebuilt."""

    households: dict[int, Then] = field(default_factory=dict)
    # member id → {attr: value then} for members whose employment or party membership changed later
    member_values: dict[int, dict[str, str]] = field(default_factory=dict)


def rebuild(s: Session, day: dt.date) -> Changed:
    """Undo, for the households changed after `day`, every later change of the fields figures depend on."""
    cut = cut_of(day)
    out = Changed()
    ids = set(s.scalars(_changed_ids(cut)))
    if not ids:
        return out
    then_h: dict[int, dict[str, str]] = defaultdict(dict)
    then_m: dict[int, dict[str, str]] = defaultdict(dict)
    for chunk in chunks(ids):
        for hid, mid, label, old in s.execute(
                select(ChangeLog.household_id, ChangeLog.member_id, ChangeLog.field, ChangeLog.old_value)
                .join(Household, Household.id == ChangeLog.household_id)
                .where(ChangeLog.household_id.in_(chunk), *_later_changes(cut))
                .order_by(ChangeLog.id)):
            if label in HOUSEHOLD_FIELDS and mid is None:
                then_h[hid].setdefault(HOUSEHOLD_FIELDS[label], old)
            elif label in MEMBER_FIELDS and mid is not None:
                then_m[mid].setdefault(MEMBER_FIELDS[label], old)
    out.member_values = dict(then_m)
    point_ids = {(v, p): pid for pid, p, v in s.execute(
        select(SettlementPoint.id, SettlementPoint.name, Village.name).join(Village))}
    point_by_name: dict[str, int] = {}
    for (_v, p), pid in sorted(point_ids.items()):
        point_by_name.setdefault(p, pid)
    for chunk in chunks(ids):
        tags: dict[int, set[str]] = defaultdict(set)
        for hid, tag in s.execute(select(HouseholdTag.household_id, HouseholdTag.tag)
                                  .where(HouseholdTag.household_id.in_(chunk))):
            tags[hid].add(tag)
        members: dict[int, list[tuple[int, str, bool]]] = defaultdict(list)
        for mid, hid, labour, present in s.execute(
                select(Member.id, Member.household_id, Member.labour, member_present(day))
                .join(Household, Household.id == Member.household_id).where(Member.household_id.in_(chunk))
                .order_by(Member.household_id, Member.sort_order, Member.id)):
            members[hid].append((mid, then_m.get(mid, {}).get("labour", labour), bool(present)))
        for hid, village, point_name, point_id, housing, land, present in s.execute(
                select(Household.id, Village.name, SettlementPoint.name, Household.settlement_point_id,
                       Household.housing_status, Household.land_mu, household_present(day))
                .outerjoin(Village, Village.id == Household.village_id)
                .outerjoin(SettlementPoint, SettlementPoint.id == Household.settlement_point_id)
                .where(Household.id.in_(chunk))):
            undo = then_h.get(hid, {})
            village = undo.get("village", village or "")
            if "point" in undo or "village" in undo:
                name = undo.get("point", point_name or "")
                point_id = point_ids.get((village, name), point_by_name.get(name)) if name else None
            declared = tags[hid]
            if "tags" in undo:
                declared = {t for t in undo["tags"].split("、") if t}
            land_then = decimal_or_none(undo["land_mu"]) if "land_mu" in undo else land
            rows = members.get(hid, [])
            facts = HouseholdFacts(
                members=[MemberFacts(None, None, None, None, None, labour,
                                     vocab.MEMBER_ACTIVE if here else vocab.MEMBER_STATUS[1], mid)
                         for mid, labour, here in rows],
                village=village or None, settlement_point=None,
                housing_status=undo.get("housing_status", housing), land_mu=land_then,
                declared_tags=frozenset(declared))
            here = [mid for mid, _labour, p in rows if p]
            out.households[hid] = Then(village or NO_VILLAGE, point_id, bool(present),
                                       flags_of(derive_key_groups(facts)), len(here), here)
    return out


# ------------------------------------------------------------------------------------------ the figures


@dataclass
class AsOf:
    """The register as of a day, for figures and the lists behind them. Build with `AsOf.at(s, day)`."""

    s: Session
    day: dt.date
    changed: Changed
    _cache: dict = field(default_factory=dict)

    @classmethod
    def at(cls, s: Session, day: dt.date) -> AsOf:
        return cls(s, day, rebuild(s, day))

    @property
    def changed_ids(self) -> list[int]:
        return list(self.changed.households)

    def unchanged(self):
        """Condition on Household: not among the rebuilt households (their current values hold at the day)."""
        return Household.id.not_in(self.changed_ids) if self.changed_ids else literal(True)

    def present_changed(self) -> dict[int, Then]:
        return {hid: t for hid, t in self.changed.households.items() if t.present}

    # ------------------------------------------------------------------ the register

    def _households(self) -> dict[tuple[int | None, int | None, int], int]:
        """{(village id, point id, key flags): households} in the register at the day, rebuilt ones included:
        one aggregate over households, kept for the figures that share it."""
        if "households" not in self._cache:
            counts: dict[tuple[int | None, int | None, int], int] = defaultdict(int)
            for vid, pid, flags, n in self.s.execute(
                    select(Household.village_id, Household.settlement_point_id, Household.key_flags, func.count())
                    .where(household_present(self.day), self.unchanged())
                    .group_by(Household.village_id, Household.settlement_point_id, Household.key_flags)):
                counts[(vid, pid, flags)] += n
            self._cache["households"] = counts
        return self._cache["households"]

    def _members(self) -> dict[tuple[int | None, int | None], list[int]]:
        """{(village id, point id): [members, party members, one count per vocab.EMPLOYMENT, one per
        vocab.LABOUR, blank labour]} of the
        members in the register at the day in households not rebuilt: one aggregate over members. Members
        whose employment or party membership changed later are left out of those two counts (see
        `_member_fields`)."""
        if "members" not in self._cache:
            later = [mid for mid, v in self.changed.member_values.items() if "employment" in v or "party_member" in v]
            keep = Member.id.not_in(later) if later else literal(True)
            cols = [func.count(), func.sum(case((and_(keep, Member.party_member), 1), else_=0))]
            cols += [func.sum(case((and_(keep, Member.employment == k), 1), else_=0)) for k in vocab.EMPLOYMENT]
            # then one count per vocab.LABOUR and one of blank capacity (the households not rebuilt have no
            # later change, so their members' capacity is today's)
            cols += [func.sum(case((Member.labour == k, 1), else_=0)) for k in vocab.LABOUR]
            cols += [func.sum(case((func.coalesce(Member.labour, "") == "", 1), else_=0))]
            out: dict[tuple[int | None, int | None], list[int]] = {}
            for vid, pid, *sums in self.s.execute(
                    select(Household.village_id, Household.settlement_point_id, *cols).select_from(Member)
                    .join(Household, Household.id == Member.household_id)
                    .where(member_present(self.day), self.unchanged())
                    .group_by(Household.village_id, Household.settlement_point_id)):
                out[(vid, pid)] = [int(v or 0) for v in sums]
            self._cache["members"] = out
        return self._cache["members"]

    def _village_names(self) -> dict[int, str]:
        if "village_names" not in self._cache:
            self._cache["village_names"] = dict(self.s.execute(select(Village.id, Village.name)).all())
        return self._cache["village_names"]

    def villages(self) -> dict[str, dict[str, int]]:
        """{village: {"households", "members"}} in the register at the day; every village is listed."""
        names = self._village_names()
        out = {name: {"households": 0, "members": 0} for name in names.values()}

        def row(vid):
            return out.setdefault(names.get(vid, NO_VILLAGE) if vid is not None else NO_VILLAGE,
                                  {"households": 0, "members": 0})

        for (vid, _pid, _flags), n in self._households().items():
            row(vid)["households"] += n
        for (vid, _pid), sums in self._members().items():
            row(vid)["members"] += sums[0]
        for t in self.present_changed().values():
            r = out.setdefault(t.village, {"households": 0, "members": 0})
            r["households"] += 1
            r["members"] += t.members
        return dict(sorted(out.items()))

    def labour(self) -> dict[str, dict]:
        """stats.labour_force of the members in the register at the day, their labour capacity as it stood
        then: the members aggregate for the households not rebuilt, the rebuilt households' members one by one
        (the change history undone)."""
        names = self._village_names()
        counts: dict[tuple[str, str | None], int] = defaultdict(int)
        for (vid, _pid), sums in self._members().items():
            village = names.get(vid, NO_VILLAGE) if vid is not None else NO_VILLAGE
            for k, n in zip((*vocab.LABOUR, None), sums[LABOUR_AT:], strict=True):
                counts[(village, k)] += n
        rebuilt = {mid: t.village for t in self.present_changed().values() for mid in t.member_ids}
        then = self.changed.member_values
        for chunk in chunks(rebuilt):
            for mid, labour in self.s.execute(select(Member.id, Member.labour).where(Member.id.in_(chunk))):
                counts[(rebuilt[mid], then.get(mid, {}).get("labour", labour))] += 1
        return labour_force(((v, lab, n) for (v, lab), n in counts.items() if n), names.values())

    def points(self) -> dict[int, tuple[int, int]]:
        """{point id: (households, members)} in the register at the day."""
        counts: dict[int, list[int]] = defaultdict(lambda: [0, 0])
        for (_vid, pid, _flags), n in self._households().items():
            if pid is not None:
                counts[pid][0] += n
        for (_vid, pid), sums in self._members().items():
            if pid is not None:
                counts[pid][1] += sums[0]
        for t in self.present_changed().values():
            if t.point_id is not None:
                counts[t.point_id][0] += 1
                counts[t.point_id][1] += t.members
        return {pid: (h, m) for pid, (h, m) in counts.items()}

    def flag_counts(self) -> dict[int, int]:
        """{key_flags: households} in the register at the day."""
        counts: dict[int, int] = defaultdict(int)
        for (_vid, _pid, flags), n in self._households().items():
            counts[flags] += n
        for t in self.present_changed().values():
            counts[t.flags] += 1
        return dict(counts)

    def covered(self, household_ids: Iterable[int]) -> set[int]:
        """Those of the households with a one-to-one cadre in force at the day."""
        out: set[int] = set()
        for chunk in chunks(household_ids):
            out.update(self.s.scalars(select(HouseholdAssignment.household_id).where(
                HouseholdAssignment.household_id.in_(chunk),
                in_force(HouseholdAssignment.start_date, HouseholdAssignment.end_date, self.day))))
        return out

    def uncovered_ids(self, limit: int | None = None) -> tuple[int, list[int]]:
        """Key households (三特户 or 三无户) at the day without a one-to-one cadre then: (count, first ids)."""
        cond = and_(household_present(self.day), self.unchanged(), Household.key_flags.op("&")(KEY_MASK) != 0,
                    ~exists().where(assignment_at(self.day)))
        key = ("uncovered", limit)
        if key not in self._cache:
            stmt = select(Household.id).where(cond).order_by(Household.archive_no)
            ids = list(self.s.scalars(stmt.limit(limit) if limit else stmt))
            n = len(ids) if limit is None or len(ids) < limit else (
                self.s.scalar(select(func.count()).select_from(Household).where(cond)) or 0)
            key_changed = [hid for hid, t in self.present_changed().items() if t.flags & KEY_MASK]
            extra = sorted(set(key_changed) - self.covered(key_changed))
            self._cache[key] = (n + len(extra), (ids + extra)[:limit] if limit else ids + extra)
        return self._cache[key]

    def point_leaders(self) -> dict[int, list[tuple[str, str, str]]]:
        """{point id: [(cadre, rank, role)]} of the point 包保 in force at the day, 牵头 first."""
        out: dict[int, list[tuple[str, str, str]]] = defaultdict(list)
        for pid, name, rank, role in self.s.execute(
                select(PointAssignment.settlement_point_id, Cadre.name, Cadre.rank, PointAssignment.role)
                .join(Cadre, Cadre.id == PointAssignment.cadre_id)
                .where(in_force(PointAssignment.start_date, PointAssignment.end_date, self.day))
                .order_by(PointAssignment.role.desc(), Cadre.sort_order, Cadre.id)):
            out[pid].append((name, rank, role))
        return dict(out)

    def visits(self, month: str) -> dict[int, tuple[int, int]]:
        """{cadre id: (households due a visit, visited by that cadre in the month)} at the day."""
        key = ("visits", month)
        if key not in self._cache:
            start, end = month_bounds(month)
            due = visits_due_at(self.day).add_columns(visited_in(start, end).label("done")).subquery()
            self._cache[key] = {cid: (n, int(k or 0)) for cid, n, k in self.s.execute(
                select(due.c.cadre_id, func.count(), func.sum(func.iif(due.c.done, 1, 0))).group_by(due.c.cadre_id))}
        return self._cache[key]

    def _member_fields(self) -> tuple[dict[str, int], int]:
        """Employment (by kind) and party members among the members in the register at the day."""
        employment = dict.fromkeys(vocab.EMPLOYMENT, 0)
        party = 0
        for sums in self._members().values():
            party += sums[1]
            for k, n in zip(vocab.EMPLOYMENT, sums[2:LABOUR_AT], strict=True):
                employment[k] += n
        changed = self.changed.member_values
        later = {mid for mid, v in changed.items() if "employment" in v or "party_member" in v}
        rebuilt = {mid for t in self.present_changed().values() for mid in t.member_ids}
        todo = sorted(later | rebuilt)
        for chunk in chunks(todo):
            for mid, hid, emp, is_party in self.s.execute(
                    select(Member.id, Member.household_id, Member.employment, Member.party_member)
                    .join(Household, Household.id == Member.household_id)
                    .where(Member.id.in_(chunk), member_present(self.day))):
                if mid not in rebuilt and hid in self.changed.households:
                    continue  # a member no longer in the household's register then
                if mid not in rebuilt and mid not in later:
                    continue
                values = changed.get(mid, {})
                emp = values.get("employment", emp)
                is_party = (values["party_member"] == "是") if "party_member" in values else bool(is_party)
                if emp in employment:
                    employment[emp] += 1
                party += bool(is_party)
        return employment, party

    # ------------------------------------------------------------------ the month's movements

    def movements(self, start: dt.date) -> dict[str, dict[str, int]]:
        """Per village, the movements between `start` and the day: 迁入 households and people, households
        that left, people who left (迁出), births and deaths. Two aggregates, over the rows that can
        have moved in the period."""
        key = ("movements", start)
        if key in self._cache:
            return self._cache[key]
        s, day = self.s, self.day
        keys = ("households_in", "households_out", "members_in", "births", "members_out", "deaths")
        out: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(keys, 0))
        names = self._village_names()
        changed = self.changed.households
        reg, gone = registered_on(), left_on()
        entered = member_entered()
        born = and_(Member.birth_date.is_not(None), Member.birth_date > reg)

        def sums(*conds):
            return [func.sum(case((c, 1), else_=0)) for c in conds]

        households = sums(and_(reg >= start, reg <= day), and_(gone.is_not(None), gone >= start, gone <= day))
        members = sums(and_(entered >= start, entered <= day, ~born),
                       and_(Member.birth_date >= start, Member.birth_date <= day, born),
                       and_(Member.status == vocab.MEMBER_STATUS[1], Member.status_date >= start,
                            Member.status_date <= day),
                       and_(Member.status == vocab.MEMBER_STATUS[2], Member.status_date >= start,
                            Member.status_date <= day))
        start_stamp = dt.datetime.combine(start, dt.time())
        # A row can have moved in the period only if one of its own dates falls in it (cheap tests first).
        unregistered = and_(Household.registered_on.is_(None), Household.created_at >= start_stamp)
        may_h = or_(Household.registered_on >= start, Household.left_on >= start, unregistered,
                    Household.status != vocab.HOUSEHOLD_ACTIVE)
        may_m = or_(Household.registered_on >= start, Member.birth_date >= start, Member.status_date >= start,
                    and_(Member.created_at >= start_stamp, Member.created_at > Household.created_at), unregistered)
        for stmt, names_of in (
                (select(Household.village_id, Household.id, *households).where(may_h), keys[:2]),
                (select(Household.village_id, Household.id, *members).select_from(Member)
                 .join(Household, Household.id == Member.household_id).where(may_m), keys[2:])):
            for vid, hid, *values in s.execute(stmt.group_by(Household.village_id, Household.id)):
                village = changed[hid].village if hid in changed else (names.get(vid, NO_VILLAGE)
                                                                       if vid is not None else NO_VILLAGE)
                for k, v in zip(names_of, values, strict=True):
                    out[village][k] += int(v or 0)
        result = {k: dict(v) for k, v in sorted(out.items()) if any(v.values())}
        self._cache[key] = result
        return result


def big_points(s: Session, sizes: dict[int, tuple[int, int]]) -> list[int]:
    """Ids of 集中 points with at least 50 households in `sizes`."""
    kinds = dict(s.execute(select(SettlementPoint.id, SettlementPoint.kind)).all())
    return sorted(pid for pid, (n, _m) in sizes.items()
                  if n >= vocab.POINT_LEADER_THRESHOLD and kinds.get(pid) == "集中")


def figures(s: Session, day: dt.date, *, month: str | None = None, view: AsOf | None = None,
            brief: bool = False) -> dict:
    """The SPEC §7 stats object as of the end of `day` (visits for `month`, default the day's month), with
    the month's movements, employment and party members. Plain JSON-able values. `brief` leaves out the
    movements (for a month quoted only for its headline figures)."""
    month = month or f"{day.year:04d}-{day.month:02d}"
    start, _end = month_bounds(month)
    view = view or AsOf.at(s, day)
    villages = view.villages()
    flags = view.flag_counts()
    uncovered, _ids = view.uncovered_ids(limit=1)
    sizes = view.points()
    big = big_points(s, sizes)
    leaders = view.point_leaders()
    led = {pid for pid, rows in leaders.items() if any(rank == vocab.CADRE_RANKS[0] for _n, rank, _r in rows)}
    visits = view.visits(month)
    employment, party = view._member_fields()
    out = {
        "as_of": day.isoformat(),
        "households": sum(v["households"] for v in villages.values()),
        "members": sum(v["members"] for v in villages.values()),
        "villages": villages,
        "key_groups": key_group_counts(flags)[0],
        "baobao": {
            "key_households": sum(n for f, n in flags.items() if f & KEY_MASK),
            "key_households_uncovered": uncovered,
            "points_50plus": len(big),
            "points_50plus_without_town_leader": len([p for p in big if p not in led]),
        },
        "visits": {"month": month, "due": sum(d for d, _k in visits.values()),
                   "done": sum(k for _d, k in visits.values())},
        "problems": {"open": s.scalar(select(func.count()).where(problem_open_at(day))) or 0,
                     "overdue": s.scalar(select(func.count()).where(problem_overdue_at(day))) or 0},
        "employment": {k: n for k, n in employment.items() if n},
        "party_members": party,
        "labour_force": view.labour(),
    }
    if not brief:
        moves = view.movements(start)
        out["movements"] = {k: sum(v.get(k, 0) for v in moves.values()) for k in
                            ("households_in", "members_in", "households_out", "members_out", "births", "deaths")}
    return out


def month_stats(db, month: str, today: dt.date | None = None) -> dict:
    """`stats --month M`: the figures as of M's last day (today while M is not over), the same function the
    月报 for M calls."""
    with db.read() as s:
        return figures(s, report_day(month, today), month=month)
