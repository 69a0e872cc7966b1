"""Query pieces the duty checks share: what is in force on a date, how a household or point is named,
who owns it. Conditions are SQL expressions so that each check stays one or two queries."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import and_, func, or_, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from app.models import Cadre, Household, HouseholdAssignment, SettlementPoint, Village
from app.models.households import MEMBERS_PUPIL, MEMBERS_SICK
from app.services.asof import household_present


def present(as_of: dt.date):
    """Condition on Household: on the town's register on as_of (SPEC §4.8), by the one rule the figures use."""
    return household_present(as_of)


def point_sizes(s: Session, as_of: dt.date) -> dict[int, int]:
    """Households on the register on as_of, per settlement point (once per run: cached on the session)."""
    key = ("duties.point_sizes", as_of)
    if key not in s.info:
        s.info[key] = dict(s.execute(select(Household.settlement_point_id, func.count())
                                     .where(present(as_of), Household.settlement_point_id.is_not(None))
                                     .group_by(Household.settlement_point_id)).all())
    return s.info[key]


def in_force(model, as_of: dt.date):
    """An assignment (start_date, end_date) in force on as_of: a reassignment ends the old one on the day
    the new one starts, so the end day itself belongs to the successor."""
    return and_(model.start_date <= as_of, or_(model.end_date.is_(None), model.end_date > as_of))


class Register:
    """The households of a run's findings, named once for every check: their label (村 户主（档案编号）),
    village, list order and one-to-one cadre in force. Cached on the session; only the households that
    some rule finds are read, by id, so a county of 100,000 households costs what its findings cost."""

    def __init__(self, s: Session, as_of: dt.date) -> None:
        self.s = s
        self.as_of = as_of
        self.label: dict[int, str] = {}
        self.village: dict[int, str] = {}
        self.key: dict[int, tuple[str, str]] = {}
        self.absent: set[int] = set()  # asked for, but not on the register on as_of
        self.cadre: dict[int, str] = {}
        for hid, name in s.execute(select(HouseholdAssignment.household_id, Cadre.name)
                                   .join(Cadre, Cadre.id == HouseholdAssignment.cadre_id)
                                   .where(in_force(HouseholdAssignment, as_of))
                                   .order_by(HouseholdAssignment.id)):
            self.cadre[hid] = f"{self.cadre[hid]}、{name}" if hid in self.cadre else name

    def _load(self, ids: list[int]) -> None:
        wanted = [i for i in ids if i not in self.key and i not in self.absent]
        for chunk in chunks(wanted, 900):
            for hid, head, no, village in self.s.execute(
                    select(Household.id, Household.head_name, Household.archive_no, Village.name)
                    .outerjoin(Village, Village.id == Household.village_id)
                    .where(Household.id.in_(chunk), present(self.as_of))):
                self.label[hid] = f"{village + ' ' if village else ''}{head or '（未填户主）'}（{no}）"
                self.village[hid] = village or ""
                self.key[hid] = (village or "", no)
        self.absent.update(i for i in wanted if i not in self.key)

    def owner(self, hid: int) -> str:
        """Who answers for a household's duty: its one-to-one cadre, else its village."""
        return self.cadre.get(hid) or self.village.get(hid, "")

    def sorted(self, ids) -> list[int]:
        """The ids that are on the register on as_of, named, in list order (village, archive number)."""
        ids = list(dict.fromkeys(ids))
        self._load(ids)
        key = self.key
        return sorted((i for i in ids if i in key), key=key.__getitem__)

    def on_register(self, hid: int) -> bool:
        return hid in self.key


class Facts:
    """The household facts the duty rules test, for every household on the register on as_of that has any
    of them: one scan of the households table per run instead of one per rule."""

    def __init__(self, s: Session, as_of: dt.date) -> None:
        self.flags: dict[int, int] = {}
        self.leaks: set[int] = set()
        self.hazard: set[int] = set()
        self.archive: dict[int, int] = {}
        self.created: dict[int, dt.date | None] = {}
        stmt = (select(Household.id, Household.key_flags, Household.house_leaks, Household.geohazard_unmoved,
                       Household.archive_state, Household.created_at)
                .where(present(as_of), or_(Household.key_flags != 0, Household.house_leaks.is_(True),
                                           Household.geohazard_unmoved.is_(True), Household.archive_state != 0)))
        for hid, flags, leaks, hazard, state, created in s.execute(stmt):
            if flags:
                self.flags[hid] = flags
            if leaks:
                self.leaks.add(hid)
            if hazard:
                self.hazard.add(hid)
            if state:
                self.archive[hid] = state
            self.created[hid] = as_date(created)

    def with_flags(self, mask: int) -> dict[int, int]:
        return {h: f for h, f in self.flags.items() if f & mask}


def facts_of(s: Session, as_of: dt.date) -> Facts:
    key = ("duties.facts", as_of)
    found = s.info.get(key)
    if found is None:
        found = s.info[key] = Facts(s, as_of)
    return found


def register_of(s: Session, as_of: dt.date) -> Register:
    key = ("duties.register", as_of)
    reg = s.info.get(key)
    if reg is None:
        reg = s.info[key] = Register(s, as_of)
    return reg


def _members(s: Session, index: str, where: str) -> set[int]:
    # Without statistics SQLite would rather walk ix_members_status; the partial index holds just these rows.
    conn = s.connection()
    try:
        rows = conn.exec_driver_sql(f"SELECT DISTINCT household_id FROM members INDEXED BY {index} WHERE {where}")
    except OperationalError:  # a file without the index (built outside the migrations): read the table
        rows = conn.exec_driver_sql(f"SELECT DISTINCT household_id FROM members WHERE {where}")
    return {r[0] for r in rows}


def sick_and_pupils(s: Session) -> tuple[set[int], set[int]]:
    """Households with a member 在册 who is 大病 or 长期慢性病, and those with a 在校生. The conditions are
    the partial indexes' own, written out, so that SQLite reads the indexes instead of every member."""
    key = "duties.sick_and_pupils"
    found = s.info.get(key)
    if found is None:
        found = s.info[key] = (_members(s, "ix_members_sick", MEMBERS_SICK),
                               _members(s, "ix_members_pupil", MEMBERS_PUPIL))
    return found


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
