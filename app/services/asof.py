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
    Cadre, ChangeLog, Household, HouseholdAssignment, HouseholdTag, Member, PointAssignment, Problem,
    SettlementPoint, Village, Visit,
)
from app.rules import HouseholdFacts, MemberFacts, derive_key_groups
from app.rules.keygroups import key_flags as flags_of
from app.services.households import HOUSEHOLD_LABELS, MEMBER_LABELS, TAGS_LABEL
from app.services.stats import KEY_MASK, month_bounds

NO_VILLAGE = "（未填村）"
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


def _chunks(ids: Iterable[int]) -> Iterable[list[int]]:
    ids = sorted(ids)
    for i in range(0, len(ids), CHUNK):
        yield ids[i:i + CHUNK]


def _decimal(text: str) -> Decimal | None:
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
    for chunk in _chunks(ids):
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
    for chunk in _chunks(ids):
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
            land_then = _decimal(undo["land_mu"]) if "land_mu" in undo else land
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

    def villages(self) -> dict[str, dict[str, int]]:
        """{village: {"households", "members"}} in the register at the day; every village is listed."""
        s, day = self.s, self.day
        out = {name: {"households": 0, "members": 0} for name in s.scalars(select(Village.name))}
        for name, n in s.execute(select(Village.name, func.count()).select_from(Household)
                                 .outerjoin(Village, Village.id == Household.village_id)
                                 .where(household_present(day), self.unchanged()).group_by(Village.name)):
            out.setdefault(name or NO_VILLAGE, {"households": 0, "members": 0})["households"] += n
        for name, n in s.execute(select(Village.name, func.count()).select_from(Member)
                                 .join(Household, Household.id == Member.household_id)
                                 .outerjoin(Village, Village.id == Household.village_id)
                                 .where(member_present(day), self.unchanged()).group_by(Village.name)):
            out.setdefault(name or NO_VILLAGE, {"households": 0, "members": 0})["members"] += n
        for t in self.present_changed().values():
            row = out.setdefault(t.village, {"households": 0, "members": 0})
            row["households"] += 1
            row["members"] += t.members
        return dict(sorted(out.items()))

    def points(self) -> dict[int, tuple[int, int]]:
        """{point id: (households, members)} in the register at the day."""
        s, day = self.s, self.day
        counts: dict[int, list[int]] = defaultdict(lambda: [0, 0])
        for pid, n in s.execute(select(Household.settlement_point_id, func.count())
                                .where(household_present(day), self.unchanged(),
                                       Household.settlement_point_id.is_not(None))
                                .group_by(Household.settlement_point_id)):
            counts[pid][0] += n
        for pid, n in s.execute(select(Household.settlement_point_id, func.count()).select_from(Member)
                                .join(Household, Household.id == Member.household_id)
                                .where(member_present(day), self.unchanged(),
                                       Household.settlement_point_id.is_not(None))
                                .group_by(Household.settlement_point_id)):
            counts[pid][1] += n
        for t in self.present_changed().values():
            if t.point_id is not None:
                counts[t.point_id][0] += 1
                counts[t.point_id][1] += t.members
        return {pid: (h, m) for pid, (h, m) in counts.items()}

    def flag_counts(self) -> dict[int, int]:
        """{key_flags: households} in the register at the day."""
        counts: dict[int, int] = defaultdict(int)
        for flags, n in self.s.execute(select(Household.key_flags, func.count())
                                       .where(household_present(self.day), self.unchanged())
                                       .group_by(Household.key_flags)):
            counts[flags] += n
        for t in self.present_changed().values():
            counts[t.flags] += 1
        return dict(counts)

    def covered(self, household_ids: Iterable[int]) -> set[int]:
        """Those of the households with a one-to-one cadre in force at the day."""
        out: set[int] = set()
        for chunk in _chunks(household_ids):
            out.update(self.s.scalars(select(HouseholdAssignment.household_id).where(
                HouseholdAssignment.household_id.in_(chunk),
                in_force(HouseholdAssignment.start_date, HouseholdAssignment.end_date, self.day))))
        return out

    def uncovered_ids(self, limit: int | None = None) -> tuple[int, list[int]]:
        """Key households (三特户 or 三无户) at the day without a one-to-one cadre then: (count, first ids)."""
        cond = and_(household_present(self.day), self.unchanged(), Household.key_flags.op("&")(KEY_MASK) != 0,
                    ~exists().where(assignment_at(self.day)))
        n = self.s.scalar(select(func.count()).select_from(Household).where(cond)) or 0
        stmt = select(Household.id).where(cond).order_by(Household.archive_no)
        ids = list(self.s.scalars(stmt.limit(limit) if limit else stmt))
        key_changed = [hid for hid, t in self.present_changed().items() if t.flags & KEY_MASK]
        extra = sorted(set(key_changed) - self.covered(key_changed))
        return n + len(extra), (ids + extra)[:limit] if limit else ids + extra

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

    def members_by(self, column, attr: str) -> dict:
        """Members in the register at the day counted by one of their fields (as it stood then)."""
        changed = self.changed.member_values
        ids = [mid for mid, v in changed.items() if attr in v]
        cond = [member_present(self.day)]
        if ids:
            cond.append(Member.id.not_in(ids))
        counts: dict = defaultdict(int)
        for value, n in self.s.execute(select(column, func.count()).select_from(Member)
                                       .join(Household, Household.id == Member.household_id)
                                       .where(*cond).group_by(column)):
            counts[value] += n
        for chunk in _chunks(ids):
            for (mid,) in self.s.execute(select(Member.id).join(Household, Household.id == Member.household_id)
                                         .where(Member.id.in_(chunk), member_present(self.day))):
                value = changed[mid][attr]
                counts[(value == "是") if attr == "party_member" else value] += 1
        return dict(counts)

    # ------------------------------------------------------------------ the month's movements

    def movements(self, start: dt.date) -> dict[str, dict[str, int]]:
        """Per village, the movements between `start` and the day: 迁入 households and people, households
        that left, people who left (迁出), births and deaths."""
        s, day = self.s, self.day
        keys = ("households_in", "members_in", "households_out", "members_out", "births", "deaths")
        out: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(keys, 0))
        entered = member_entered()
        born = and_(Member.birth_date.is_not(None), Member.birth_date > registered_on())
        gone = left_on()
        measures = {
            "households_in": (Household, and_(registered_on() >= start, registered_on() <= day)),
            "households_out": (Household, and_(gone.is_not(None), gone >= start, gone <= day)),
            "members_in": (Member, and_(entered >= start, entered <= day, ~born)),
            "births": (Member, and_(Member.birth_date >= start, Member.birth_date <= day, born)),
            "members_out": (Member, and_(Member.status == vocab.MEMBER_STATUS[1], Member.status_date >= start,
                                         Member.status_date <= day)),
            "deaths": (Member, and_(Member.status == vocab.MEMBER_STATUS[2], Member.status_date >= start,
                                    Member.status_date <= day)),
        }
        changed = self.changed.households
        for key, (model, cond) in measures.items():
            base = select(func.count()).select_from(Household if model is Household else Member)
            if model is Member:
                base = base.join(Household, Household.id == Member.household_id)
            base = base.outerjoin(Village, Village.id == Household.village_id).where(cond)
            for n, name in s.execute(base.add_columns(Village.name).where(self.unchanged())
                                     .group_by(Village.name)):
                out[name or NO_VILLAGE][key] += n
            if changed:
                for n, hid in s.execute(base.add_columns(Household.id)
                                        .where(Household.id.in_(list(changed))).group_by(Household.id)):
                    out[changed[hid].village][key] += n
        return {k: v for k, v in sorted(out.items())}


def key_groups(flag_counts: dict[int, int]) -> dict[str, int]:
    """{tag, 三特户, 三无户: households} from a key_flags distribution."""
    out = dict.fromkeys(vocab.KEY_TAGS, 0)
    out[vocab.GROUP_SANTE] = 0
    out[vocab.GROUP_SANWU] = 0
    for flags, n in flag_counts.items():
        for tag, bit in vocab.TAG_BITS.items():
            if flags & bit:
                out[tag] += n
        if flags & vocab.SANTE_MASK:
            out[vocab.GROUP_SANTE] += n
        if flags & vocab.SANWU_MASK:
            out[vocab.GROUP_SANWU] += n
    return out


def big_points(s: Session, sizes: dict[int, tuple[int, int]]) -> list[int]:
    """Ids of 集中 points with at least 50 households in `sizes`."""
    kinds = dict(s.execute(select(SettlementPoint.id, SettlementPoint.kind)).all())
    return sorted(pid for pid, (n, _m) in sizes.items()
                  if n >= vocab.POINT_LEADER_THRESHOLD and kinds.get(pid) == "集中")


def figures(s: Session, day: dt.date, *, month: str | None = None, view: AsOf | None = None) -> dict:
    """The SPEC §7 stats object as of the end of `day` (visits for `month`, default the day's month), with
    the month's movements, employment and party members. Plain JSON-able values."""
    month = month or f"{day.year:04d}-{day.month:02d}"
    start, end = month_bounds(month)
    view = view or AsOf.at(s, day)
    villages = view.villages()
    flags = view.flag_counts()
    uncovered, _ids = view.uncovered_ids(limit=1)
    sizes = view.points()
    big = big_points(s, sizes)
    leaders = view.point_leaders()
    led = {pid for pid, rows in leaders.items() if any(rank == vocab.CADRE_RANKS[0] for _n, rank, _r in rows)}
    due_q = visits_due_at(day)
    due = s.scalar(select(func.count()).select_from(due_q.subquery())) or 0
    done = s.scalar(select(func.count()).select_from(due_q.where(visited_in(start, end)).subquery())) or 0
    moves = view.movements(start)
    totals = {k: sum(v[k] for v in moves.values()) for k in
              ("households_in", "members_in", "households_out", "members_out", "births", "deaths")}
    employment = view.members_by(Member.employment, "employment")
    party = view.members_by(Member.party_member, "party_member")
    return {
        "as_of": day.isoformat(),
        "households": sum(v["households"] for v in villages.values()),
        "members": sum(v["members"] for v in villages.values()),
        "villages": villages,
        "key_groups": key_groups(flags),
        "baobao": {
            "key_households": sum(n for f, n in flags.items() if f & KEY_MASK),
            "key_households_uncovered": uncovered,
            "points_50plus": len(big),
            "points_50plus_without_town_leader": len([p for p in big if p not in led]),
        },
        "visits": {"month": month, "due": due, "done": done},
        "problems": {"open": s.scalar(select(func.count()).where(problem_open_at(day))) or 0,
                     "overdue": s.scalar(select(func.count()).where(problem_overdue_at(day))) or 0},
        "movements": totals,
        "employment": {k: employment.get(k, 0) for k in vocab.EMPLOYMENT if employment.get(k)},
        "party_members": party.get(True, 0),
    }


def month_stats(db, month: str) -> dict:
    """`stats --month M`: the figures as of M's last day (the same function the 月报 for M calls)."""
    with db.read() as s:
        return figures(s, month_end(month), month=month)
