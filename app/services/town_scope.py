"""Narrowing to one town of a county database (SPEC §8: every list, figure and report by town).

A session whose info carries a town id sees only that town's records: every ORM select gets the criterion
town_id = id on every town-scoped table it mentions (households, villages, ledgers, plans ...; members and
other children come through their parent's join), so the services need no town parameter of their own."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from sqlalchemy import Select, event
from sqlalchemy.orm import Session, with_loader_criteria
from sqlalchemy.sql.expression import FromClause

from app.db import TOWN_INFO_KEY as TOWN_KEY
from app.db import Database
from app.models._common import TownScoped
from app.models.base import Base


def narrowed(s: Session, stmt):
    """stmt with the criterion of the town s is narrowed to (stmt itself when it is not narrowed): what every
    ORM select gets, for a statement run another way (app.services.bulk, the duty checks' driver reads)."""
    town_id = s.info.get(TOWN_KEY)
    if town_id is None:
        return stmt
    if isinstance(stmt, Select):
        stmt = _named_froms(stmt)
    return stmt.options(with_loader_criteria(TownScoped, lambda cls: cls.town_id == town_id, include_aliases=True))


_scoped: dict[FromClause, type] = {}


def _named_froms(stmt: Select) -> Select:
    """The criterion reaches the entities a statement names: its columns' entities, select_from and joins. A
    town-scoped table that enters only through a function's argument or the WHERE clause (`select(func.count())
    .where(Problem.status == …)`, `select(func.max(Visit.date))`) would be read over every town; it is named
    as the statement's FROM, which renders the same SQL."""
    if not _scoped:
        _scoped.update({m.local_table: m.class_ for m in Base.registry.mappers if issubclass(m.class_, TownScoped)})
    entities = [cls for f in stmt.get_final_froms() if (cls := _scoped.get(f)) is not None]
    return stmt.select_from(*entities) if entities else stmt


@event.listens_for(Session, "do_orm_execute")
def _only_the_town(state) -> None:
    if state.is_select:
        state.statement = narrowed(state.session, state.statement)


@contextlib.contextmanager
def town_read(db: Database, town_id: int | None) -> Iterator[Session]:
    """db.read() narrowed to town_id; when None, as db is narrowed (db.town_id: the GUI's town filter)."""
    with db.read() as s:
        if town_id is not None:
            s.info[TOWN_KEY] = town_id
        yield s


@contextlib.contextmanager
def county_read(db: Database) -> Iterator[Session]:
    """db.read() over every town, whatever db is narrowed to (the county's own figures)."""
    with db.read() as s:
        s.info.pop(TOWN_KEY, None)
        yield s


@contextlib.contextmanager
def every_town(s: Session) -> Iterator[int | None]:
    """Inside a session narrowed to a town, read every town for a while (a check across towns); yields the
    town the session is narrowed to (None when it is not)."""
    town_id = s.info.pop(TOWN_KEY, None)
    try:
        yield town_id
    finally:
        if town_id is not None:
            s.info[TOWN_KEY] = town_id


@contextlib.contextmanager
def only_town(s: Session, town_id: int) -> Iterator[Session]:
    """Narrow the session to one town for a while (a figure that is per town, such as a town's plan)."""
    had = TOWN_KEY in s.info
    before = s.info.get(TOWN_KEY)
    s.info[TOWN_KEY] = town_id
    try:
        yield s
    finally:
        if had:
            s.info[TOWN_KEY] = before
        else:
            s.info.pop(TOWN_KEY, None)
