"""SQL that runs on either database (SPEC §8: a county database may live on PostgreSQL): the SQLite functions
the queries call by name, rendered as their PostgreSQL equivalents; rows read straight from the driver; and
bulk inserts and updates. On SQLite each renders and runs exactly as it was measured and tuned; no caller
branches on the dialect except through `is_postgres`.
"""

from __future__ import annotations

import itertools
import operator
import sqlite3
from collections.abc import Mapping, Sequence

from sqlalchemy import Table, bindparam
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.functions import GenericFunction


def is_postgres(bind) -> bool:
    """Whether an engine, connection or session is on PostgreSQL (the one dialect check of the fast paths)."""
    return bind.dialect.name == "postgresql"


# ----------------------------------------------------------------------- SQL functions on either database
# The queries were written, measured and tuned on SQLite and call its functions by name (func.iif, func.date,
# func.datetime, func.instr). Registered here, each still renders exactly as before on SQLite and as its
# PostgreSQL equivalent on a server, so that no caller branches.

class iif(GenericFunction):
    """SQLite's iif(condition, a, b)."""

    name = "iif"
    inherit_cache = True


class date(GenericFunction):
    """SQLite's date(x): the day of a date or datetime."""

    name = "date"
    inherit_cache = True


class datetime(GenericFunction):
    """SQLite's datetime(x, '+N seconds') (one modifier)."""

    name = "datetime"
    inherit_cache = True


class instr(GenericFunction):
    """SQLite's instr(text, part): the 1-based position of part in text, 0 when absent."""

    name = "instr"
    inherit_cache = True


def _args(element, compiler, **kw) -> list[str]:
    return [compiler.process(c, **kw) for c in element.clauses]


@compiles(iif, "postgresql")
def _iif_pg(element, compiler, **kw) -> str:
    cond, a, b = _args(element, compiler, **kw)
    return f"CASE WHEN {cond} THEN {a} ELSE {b} END"


@compiles(date, "postgresql")
def _date_pg(element, compiler, **kw) -> str:
    (x,) = _args(element, compiler, **kw)
    return f"CAST({x} AS DATE)"


@compiles(datetime, "postgresql")
def _datetime_pg(element, compiler, **kw) -> str:
    args = _args(element, compiler, **kw)
    if len(args) == 1:
        return f"CAST({args[0]} AS TIMESTAMP)"
    x, modifier = args
    return f"(CAST({x} AS TIMESTAMP) + CAST({modifier} AS INTERVAL))"


@compiles(instr, "postgresql")
def _instr_pg(element, compiler, **kw) -> str:
    text_, part = _args(element, compiler, **kw)
    return f"strpos({text_}, {part})"


def driver_rows(s: Session, sql: str, params: Sequence | Mapping | None = None) -> list[tuple]:
    """Rows of SQL compiled for the session's dialect, run straight on the driver's connection in the
    session's transaction (no SQLAlchemy result handling). SQLite takes a sequence of parameters, psycopg a
    mapping, always given: with it psycopg reads the doubled %% of a compiled literal as one %."""
    raw = s.connection().connection.driver_connection
    assert raw is not None
    if is_postgres(s.get_bind()):
        return raw.execute(sql, dict(params or {})).fetchall()
    return raw.execute(sql, params or ()).fetchall()



def _fixed_defaults(table: Table, given: Sequence[str], update: bool) -> dict[str, object]:
    """The column defaults (onupdate ones for an UPDATE) SQLAlchemy would fill in for the columns not given:
    scalars as they are, callables (such as `now`) called once for the whole batch."""
    out: dict[str, object] = {}
    for column in table.columns:
        default = column.onupdate if update else column.default
        if column.key in given or default is None:
            continue
        arg = getattr(default, "arg", None)  # a ColumnDefault's value or callable
        if default.is_scalar:
            out[column.key] = arg
        elif default.is_callable and callable(arg):
            out[column.key] = arg(None)
        else:  # a SQL expression or sequence: leave it to the database (not used by the bulk writers)
            raise ValueError(f"{table.name}.{column.key}: bulk write needs the column's value")
    return out


def _executemany(s: Session, table: Table, statement, rows: Sequence[Mapping[str, object]],
                 fixed: dict[str, object], where_key: str | None = None) -> None:
    """Run the compiled statement once per row with one executemany on the session's connection: each row's
    values (and the fixed ones) in the order the SQL binds them, through the column types' own bind
    conversions (dates to text, amounts to integer 分 ...), as SQLAlchemy itself would send them."""
    dialect = s.get_bind().dialect
    if dialect.name != "sqlite":  # a server: SQLAlchemy's own executemany (psycopg batches it)
        if where_key is None:
            s.execute(table.insert(), [{**row, **fixed} for row in rows])
        else:
            s.execute(statement, [{**{k: v for k, v in row.items() if k != where_key}, _WHERE: row[where_key],
                                   **fixed} for row in rows])
        return
    keys = [k for k in rows[0] if k != where_key]
    compiled = statement.compile(dialect=dialect, column_keys=keys + list(fixed))
    order = list(compiled.positiontup or ())
    if not order:  # a dialect with named parameters: never so on SQLite
        raise ValueError("bulk write needs a positional parameter style")
    picks: list[str] = []
    slots: list[tuple[int, object]] = []  # (position, fixed value)
    processors = []
    for position, name in enumerate(order):
        column = table.columns[str(where_key) if name == _WHERE else name]
        process = column.type.dialect_impl(dialect).bind_processor(dialect)
        if name in fixed:
            value = fixed[name]
            slots.append((position, process(value) if process is not None else value))
            continue
        picks.append(where_key if name == _WHERE else name)  # type: ignore[arg-type]
        if process is not None:
            processors.append((len(picks) - 1, process))
    take = operator.itemgetter(*picks)
    # Converted a column at a time, each distinct value once: an import's rows repeat the same stamps, dates
    # and flags (created_at is one value on every row), and a conversion (datetime to text) costs ten dict
    # look-ups. The columns are then zipped back into rows, the fixed values at their places.
    picked = [take(row) for row in rows] if len(picks) > 1 else [(take(row),) for row in rows]
    columns: list = list(zip(*picked)) if picked else [() for _ in picks]
    for i, process in processors:
        columns[i] = _converted(columns[i], process)
    for position, value in slots:
        columns.insert(position, itertools.repeat(value, len(rows)))
    parameters: list[tuple] = list(zip(*columns))
    if where_key is None and len(parameters) > 1:
        _insert_values(s, str(compiled), parameters)
        return
    s.connection().exec_driver_sql(str(compiled), parameters)


def _converted(values: Sequence, process) -> Sequence:
    """process() of each value, computed once per distinct value (each value's own conversion when one of them
    cannot be a dict key)."""
    try:
        memo = {v: process(v) for v in set(values)}
    except TypeError:  # an unhashable value
        return [process(v) for v in values]
    return list(map(memo.__getitem__, values))


ROWS_PER_INSERT = 500  # rows of one multi-row INSERT (fewer statements gain little; more bound values cost memory)


def _insert_values(s: Session, sql: str, parameters: list[tuple]) -> None:
    """INSERT ... VALUES (...), (...), ... of up to ROWS_PER_INSERT rows a statement, in place of one statement
    a row: SQLite runs the statement-level work once per statement, and for a table with a full-text trigger
    (households) that work is flushing the search index, which executemany does after every single row (a
    10,000-household import spent 1 s there, a multi-row INSERT 0.2 s)."""
    head, sep, one = sql.rpartition(" VALUES ")
    if not sep:
        raise ValueError("bulk insert needs an INSERT ... VALUES statement")
    conn = s.connection()
    raw = conn.connection.driver_connection
    assert raw is not None
    width = max(len(parameters[0]), 1)
    bound = raw.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER) if hasattr(raw, "getlimit") else 999
    per = max(1, min(ROWS_PER_INSERT, bound // width))
    for start in range(0, len(parameters), per):
        chunk = parameters[start:start + per]
        conn.exec_driver_sql(head + sep + ", ".join([one] * len(chunk)), tuple(itertools.chain.from_iterable(chunk)))


_WHERE = "houfu_where_key"


def insert_many(s: Session, table: Table, rows: Sequence[Mapping[str, object]]) -> None:
    """What s.execute(table.insert(), rows) does (rows with the same keys; the defaults of the other columns
    filled in once) as multi-row INSERTs on the session's connection (_insert_values), without SQLAlchemy's
    parameter handling of each row, which is most of the time of inserting an import's 100,000 rows."""
    if not rows:
        return
    fixed = _fixed_defaults(table, list(rows[0]), update=False)
    _executemany(s, table, table.insert(), rows, fixed)


def update_many(s: Session, table: Table, rows: Sequence[Mapping[str, object]], key: str = "id") -> None:
    """UPDATE table SET ... WHERE key = row[key] for each row (rows with the same keys), the onupdate values
    of the columns not given filled in once (updated_at), as one executemany; as insert_many."""
    if not rows:
        return
    fixed = _fixed_defaults(table, list(rows[0]), update=True)
    statement = table.update().where(table.columns[key] == bindparam(_WHERE))
    _executemany(s, table, statement, rows, fixed, where_key=key)
