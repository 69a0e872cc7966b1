"""Reading a few hundred thousand rows at once (a town's whole 直补 roster, the bank's return): plain DB-API
rows of a Core statement, narrowed to the session's town like every ORM select, with the cyclic garbage
collector held meanwhile. SQLAlchemy's per-row result handling, and the collector's passes over rows that
hold no cycles, each cost more than the database does at that size."""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Iterator

from sqlalchemy.orm import Session

from app.dbsql import is_postgres
from app.services.town_scope import narrowed

_lock = threading.Lock()
_held = 0
_was_enabled = True


@contextlib.contextmanager
def gc_held() -> Iterator[None]:
    """No cyclic garbage collection inside (nested and threaded uses count: the last one out restores the
    collector as it was). Reference counting still frees everything that is dropped. On the way out the
    objects made meanwhile join the oldest generation unexamined (freeze, then unfreeze): otherwise the
    first young collection after would walk all of them at once, which costs what holding it saved."""
    global _held, _was_enabled
    with _lock:
        if _held == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _held += 1
    try:
        yield
    finally:
        with _lock:
            _held -= 1
            if _held == 0 and _was_enabled:
                gc.freeze()
                gc.unfreeze()
                gc.enable()


def _sql(s: Session, stmt) -> str:
    # The bulk statements carry only literals (days, years, flags), so they run as compiled text.
    return str(narrowed(s, stmt).compile(dialect=s.get_bind().dialect, compile_kwargs={"literal_binds": True}))


def _cursor(s: Session):
    """A DB-API cursor on the session's connection (its transaction)."""
    return s.connection().connection.cursor()


def _params(s: Session) -> tuple:
    # psycopg reads a compiled literal's doubled %% as one % only when given parameters (none needed here).
    return ({},) if is_postgres(s.get_bind()) else ()


def plain_rows(s: Session, stmt) -> list[tuple]:
    """Every row of stmt as a plain tuple, in the session's transaction."""
    cursor = _cursor(s)
    try:
        cursor.execute(_sql(s, stmt), *_params(s))
        return cursor.fetchall()
    finally:
        cursor.close()


def plain_column(s: Session, stmt) -> list:
    """The first column of every row of stmt."""
    cursor = _cursor(s)
    try:
        cursor.execute(_sql(s, stmt), *_params(s))
        return [row[0] for row in cursor]
    finally:
        cursor.close()
