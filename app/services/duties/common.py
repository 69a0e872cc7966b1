"""Query pieces the duty checks share: what is in force on a date, how a household or point is named,
who owns it. Conditions are SQL expressions so that each check stays one or two queries."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from app import vocab
from app.models import Cadre, Household, HouseholdAssignment, Member, SettlementPoint, Village


def present(as_of: dt.date):
    """Condition on Household: on the town's register on as_of (SPEC §4.8) — registered by then (a household
    with no registration date counts as always registered) and not yet gone."""
    return and_(or_(Household.registered_on.is_(None), Household.registered_on <= as_of),
                or_(Household.status == vocab.HOUSEHOLD_ACTIVE,
                    and_(Household.left_on.is_not(None), Household.left_on > as_of)))


def point_sizes(s: Session, as_of: dt.date) -> dict[int, int]:
    """Households on the register on as_of, per settlement point."""
    return dict(s.execute(select(Household.settlement_point_id, func.count())
                          .where(present(as_of), Household.settlement_point_id.is_not(None))
                          .group_by(Household.settlement_point_id)).all())


def in_force(model, as_of: dt.date):
    """An assignment (start_date, end_date) in force on as_of: a reassignment ends the old one on the day
    the new one starts, so the end day itself belongs to the successor."""
    return and_(model.start_date <= as_of, or_(model.end_date.is_(None), model.end_date > as_of))


class Register:
    """The households on the register as of a date, named once for every check of a run: their label
    (村 户主（档案编号）), village, list order, and one-to-one cadre in force. Cached on the session, so the
    checks select only ids and the county's 100,000 households are named once, not once per rule."""

    def __init__(self, s: Session, as_of: dt.date) -> None:
        self.as_of = as_of
        self.label: dict[int, str] = {}
        self.village: dict[int, str] = {}
        self.order: dict[int, int] = {}
        # The one query that reads every household: compiled once, then run on the driver's cursor, since
        # SQLAlchemy's row handling would cost more than SQLite itself at 100,000 rows.
        stmt = (select(Household.id, Household.head_name, Household.archive_no, Village.name)
                .outerjoin(Village, Village.id == Household.village_id).where(present(as_of)))
        compiled = stmt.compile(s.get_bind())
        params = [compiled.params[name] for name in compiled.positiontup]
        rows = s.connection().exec_driver_sql(str(compiled), tuple(
            p.isoformat() if isinstance(p, dt.date) else p for p in params)).all()
        rows.sort(key=lambda r: (r[3] or "", r[2]))
        for i, (hid, head, no, village) in enumerate(rows):
            self.label[hid] = f"{village + ' ' if village else ''}{head or '（未填户主）'}（{no}）"
            self.village[hid] = village or ""
            self.order[hid] = i
        self.cadre: dict[int, str] = {}
        for hid, name in s.execute(select(HouseholdAssignment.household_id, Cadre.name)
                                   .join(Cadre, Cadre.id == HouseholdAssignment.cadre_id)
                                   .where(in_force(HouseholdAssignment, as_of))
                                   .order_by(HouseholdAssignment.id)):
            self.cadre[hid] = f"{self.cadre[hid]}、{name}" if hid in self.cadre else name

    def owner(self, hid: int) -> str:
        """Who answers for a household's duty: its one-to-one cadre, else its village."""
        return self.cadre.get(hid) or self.village.get(hid, "")

    def sorted(self, ids) -> list[int]:
        """The ids that are on the register, in list order (village, archive number)."""
        order = self.order
        return sorted((i for i in ids if i in order), key=order.__getitem__)


def register_of(s: Session, as_of: dt.date) -> Register:
    key = ("duties.register", as_of)
    reg = s.info.get(key)
    if reg is None:
        reg = s.info[key] = Register(s, as_of)
    return reg


def sick_and_pupils(s: Session) -> tuple[set[int], set[int]]:
    """Households with a member 在册 who is 大病 or 长期慢性病, and those with a 在校生: one scan of the
    members, shared by the two 分类包保 rules of a run."""
    key = "duties.sick_and_pupils"
    found = s.info.get(key)
    if found is None:
        sick: set[int] = set()
        pupils: set[int] = set()
        for hid, health, employment in s.execute(
                select(Member.household_id, Member.health, Member.employment)
                .where(Member.status == vocab.MEMBER_ACTIVE,
                       or_(Member.health.in_(SICK), Member.employment == PUPIL))):
            if health in SICK:
                sick.add(hid)
            if employment == PUPIL:
                pupils.add(hid)
        found = s.info[key] = (sick, pupils)
    return found


SICK = ("大病", "长期慢性病")
PUPIL = "在校生"


def chunks(ids: list[int], size: int = 500):
    for start in range(0, len(ids), size):
        yield ids[start:start + size]


def point_names(s: Session) -> dict[int, tuple[str, str, str]]:
    """{point id: (村·安置点, kind, village name)}."""
    return {pid: (f"{v}·{n}", kind, v) for pid, n, kind, v in s.execute(
        select(SettlementPoint.id, SettlementPoint.name, SettlementPoint.kind, Village.name)
        .join(Village, Village.id == SettlementPoint.village_id))}


def as_date(value) -> dt.date | None:
    """A DATE or DATETIME column value (or SQLite text) as a date."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def is_month_end(day: dt.date) -> bool:
    return (day + dt.timedelta(days=1)).day == 1
