"""Query pieces the duty checks share: what is in force on a date, how a household or point is named,
who owns it. Conditions are SQL expressions so that each check stays one or two queries."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterable

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.visitors import InternalTraversal

from app.dbsql import driver_rows, is_postgres
from app.models import Cadre, Household, HouseholdAssignment, SettlementPoint, Village
from app.models.households import MEMBERS_PUPIL, MEMBERS_SICK
from app.services.asof import household_present
from app.services.town_scope import narrowed


def fetch(s: Session, stmt, ids: Iterable[int] | None = None) -> list[tuple]:
    """The rows of a column select as the driver returns them (dates and times as ISO text, booleans as
    0/1), narrowed to the session's town as the ORM would narrow it. At 100,000 households SQLAlchemy's row
    handling costs several times what SQLite does; the statement carries literals only, so it runs as
    compiled. `ids` is the list an `among(column)` condition of the statement reads (one query for any
    number of ids). Callers read dates through as_date. On PostgreSQL the driver gives dates as dates and
    booleans as booleans, and the ids travel as one array parameter."""
    sql = compiled(s, stmt)
    if is_postgres(s.get_bind()):
        return driver_rows(s, sql, {} if ids is None else {_IDS: list(ids)})
    params = () if ids is None else (json.dumps(list(ids)),)
    return driver(s).execute(sql, params).fetchall()


def compiled(s: Session, stmt) -> str:
    """A statement that carries literals only, narrowed to the session's town, as the SQL text it runs as."""
    return str(narrowed(s, stmt).compile(dialect=s.get_bind().dialect, compile_kwargs={"literal_binds": True}))


def driver(s: Session) -> sqlite3.Connection:
    """The session's SQLite connection itself, in its transaction."""
    raw = s.connection().connection.driver_connection
    assert raw is not None
    return raw


_IDS = "houfu_ids"


class _Among(ColumnElement):
    """column IN the ids given to fetch: one JSON parameter on SQLite, one array parameter on PostgreSQL.
    Untyped on purpose, like plain SQL text: a Boolean-typed condition would be compared to 1 on SQLite,
    which hides the primary key from the planner and turns a lookup of a few ids into a scan of the table."""

    inherit_cache = True
    _traverse_internals = [("column", InternalTraversal.dp_clauseelement)]

    def __init__(self, column) -> None:
        self.column = column


@compiles(_Among)
def _among_sqlite(element: _Among, compiler, **kw) -> str:
    return f"{element.column.table.name}.{element.column.name} IN (SELECT value FROM json_each(?))"


@compiles(_Among, "postgresql")
def _among_pg(element: _Among, compiler, **kw) -> str:
    return f"{element.column.table.name}.{element.column.name} = ANY(%({_IDS})s)"


def among(column) -> ColumnElement:
    """Condition: column is one of the ids given to fetch (read from one parameter)."""
    return _Among(column)


def present(as_of: dt.date):
    """Condition on Household: on the town's register on as_of (SPEC §4.8), by the one rule the figures use."""
    return household_present(as_of)


def point_sizes(s: Session, as_of: dt.date) -> dict[int, int]:
    """Households on the register on as_of, per settlement point (once per run: cached on the session)."""
    key = ("duties.point_sizes", as_of)
    if key not in s.info:
        # "+ 0": grouped by the point's index, SQLite would look up every household's row; the covering
        # index of what is on the register (ix_households_present) holds the point too, and is read at half
        # the cost.
        point = Household.settlement_point_id + 0
        s.info[key] = dict(fetch(s, select(point, func.count())
                                 .where(present(as_of), point.is_not(None)).group_by(point)))
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
        self.found_present: set[int] = set()  # looked up, and on the register on as_of (named or not)
        self.cadre: dict[int, str] = {}
        # The one-to-one assignments in force, (household, cadre id, cadre, start): 包保 and 走访 read them too.
        self.assignments: list[tuple[int, int, str, str | None]] = [
            tuple(row) for row in fetch(s, (
                select(HouseholdAssignment.household_id, HouseholdAssignment.cadre_id, Cadre.name,
                       HouseholdAssignment.start_date)
                .join(Cadre, Cadre.id == HouseholdAssignment.cadre_id)
                .where(in_force(HouseholdAssignment, as_of))
                .order_by(HouseholdAssignment.id)))]
        for hid, _cid, name, _start in self.assignments:
            self.cadre[hid] = f"{self.cadre[hid]}、{name}" if hid in self.cadre else name

    def _load(self, ids: list[int]) -> None:
        wanted = [i for i in ids if i not in self.key and i not in self.absent]
        if wanted:
            for hid, head, no, village in fetch(self.s, (
                    select(Household.id, Household.head_name, Household.archive_no, Village.name)
                    .outerjoin(Village, Village.id == Household.village_id)
                    .where(among(Household.id), present(self.as_of))), wanted):
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

    def among_present(self, ids) -> list[int]:
        """The ids that are on the register on as_of, in the order given, without naming them (what a rule's
        deciding step needs). The households with any fact the rules test are known to be; the rest are
        looked up by id."""
        ids = list(dict.fromkeys(ids))
        known = facts_of(self.s, self.as_of).present_ids
        unknown = [i for i in ids if i not in known and i not in self.key and i not in self.absent
                   and i not in self.found_present]
        if unknown:
            self.found_present.update(r[0] for r in fetch(self.s, select(Household.id).where(
                among(Household.id), present(self.as_of)), unknown))
            self.absent.update(i for i in unknown if i not in self.found_present)
        return [i for i in ids if i in known or i in self.key or i in self.found_present]


class Facts:
    """The household facts the duty rules test, for every household on the register on as_of that has any
    of them: one scan of the households table per run instead of one per rule."""

    def __init__(self, s: Session, as_of: dt.date) -> None:
        self.flags: dict[int, int] = {}
        self.leaks: set[int] = set()
        self.hazard: set[int] = set()
        self.archive: dict[int, int] = {}
        self._created: dict[int, object] = {}  # as stored; read through created()
        stmt = (select(Household.id, Household.key_flags, Household.house_leaks, Household.geohazard_unmoved,
                       Household.archive_state, Household.created_at)
                .where(present(as_of), or_(Household.key_flags != 0, Household.house_leaks.is_(True),
                                           Household.geohazard_unmoved.is_(True), Household.archive_state != 0)))
        for hid, flags, leaks, hazard, state, created in fetch(s, stmt):
            if flags:
                self.flags[hid] = flags
            if leaks:
                self.leaks.add(hid)
            if hazard:
                self.hazard.add(hid)
            if state:
                self.archive[hid] = state
            self._created[hid] = created

    @property
    def present_ids(self):
        """The households read: each is on the register on as_of."""
        return self._created.keys()

    def created(self, hid: int) -> dt.date | None:
        """The day the household was typed in (when no history says since when a fact holds)."""
        return as_date(self._created.get(hid))

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
    if is_postgres(s.get_bind()):  # a server picks its partial index by itself
        return {r[0] for r in driver_rows(s, f"SELECT DISTINCT household_id FROM members WHERE {where}")}
    raw = driver(s)
    try:
        rows = raw.execute(f"SELECT DISTINCT household_id FROM members INDEXED BY {index} WHERE {where}").fetchall()
    except sqlite3.OperationalError:  # a file without the index (built outside the migrations): read the table
        rows = raw.execute(f"SELECT DISTINCT household_id FROM members WHERE {where}").fetchall()
    return {r[0] for r in rows}


SICK, PUPILS = "sick", "pupils"
_NEEDS = {SICK: ("ix_members_sick", MEMBERS_SICK), PUPILS: ("ix_members_pupil", MEMBERS_PUPIL)}


def members_needing(s: Session, which: str, unless) -> set[int]:
    """Households with a member 在册 who is 大病 or 长期慢性病 (SICK), or a 在校生 (PUPILS), other than the households
    `unless` selects (a select of household ids: those already taken care of). The conditions are the partial
    indexes' own, written out, so that SQLite reads the index instead of every member; the difference is taken
    in the query, so only the households left over are returned."""
    index, where = _NEEDS[which]
    return _members(s, index, f"{where} AND household_id NOT IN ({compiled(s, unless)})")


def chunks(ids: list[int], size: int = 500):
    for start in range(0, len(ids), size):
        yield ids[start:start + size]


def point_names(s: Session) -> dict[int, tuple[str, str, str]]:
    """{point id: (村·安置点, kind, village name)}."""
    return {pid: (f"{v}·{n}", kind, v) for pid, n, kind, v in s.execute(
        select(SettlementPoint.id, SettlementPoint.name, SettlementPoint.kind, Village.name)
        .join(Village, Village.id == SettlementPoint.village_id))}


_from_iso = dt.date.fromisoformat


def as_date(value) -> dt.date | None:
    """A DATE or DATETIME column value (or SQLite text) as a date."""
    if value.__class__ is str:  # SQLite's text, by far the most common
        return _from_iso(value[:10])
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
