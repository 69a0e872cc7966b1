"""The database file (SPEC §8): engine and pragmas, sessions, the declarative Base, opening and upgrading.

Opening a file checks that it is SQLite and ours (application_id), takes a backup before running any
pending Alembic migration, and opens a file written by a newer version read-only, never for writing.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from sqlalchemy import Integer, MetaData, create_engine, event, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

from app import config

# "HouF" in ASCII: PRAGMA application_id marks a file as ours.
APPLICATION_ID = 0x486F7546
SQLITE_MAGIC = b"SQLite format 3\x00"
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base of every table; constraint names are fixed so batch migrations can find them."""

    metadata = MetaData(naming_convention=NAMING)


class ScaledDecimal(TypeDecorator):
    """An exact decimal stored as an integer count of 10**-scale units (money in 分, land in 0.01 亩)."""

    impl = Integer
    cache_ok = True

    def __init__(self, scale: int = 2) -> None:
        super().__init__()
        self.scale = scale
        self.factor = Decimal(10) ** scale

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        return int((Decimal(value) * self.factor).to_integral_value())

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return (Decimal(value) / self.factor).quantize(Decimal(1) / self.factor)


class DatabaseError(Exception):
    """A database file that cannot be used as asked; the message is for the clerk, in Chinese."""


def _pragmas(readonly: bool):
    def on_connect(dbapi_conn: sqlite3.Connection, _record) -> None:
        # Let SQLAlchemy's "begin" event own transactions instead of pysqlite's implicit ones.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=5000")
        cur.execute("PRAGMA cache_size=-32000")
        if not readonly:
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=FULL")
            cur.execute("PRAGMA secure_delete=ON")
        cur.close()

    return on_connect


def _on_begin(conn) -> None:
    conn.exec_driver_sql("BEGIN")


def make_engine(path: Path, *, readonly: bool = False) -> Engine:
    """An engine on one SQLite file with the product's pragmas (FK on, WAL, synchronous=FULL)."""
    if readonly:
        url = f"sqlite:///file:{path.as_posix()}?mode=ro&uri=true"
    else:
        url = f"sqlite:///{path.as_posix()}"
    engine = create_engine(url, connect_args={"check_same_thread": False})
    event.listen(engine, "connect", _pragmas(readonly))
    event.listen(engine, "begin", _on_begin)
    return engine


def read_header(path: Path) -> tuple[bool, int]:
    """(is an SQLite file, application_id) from the first 100 bytes of the file."""
    with open(path, "rb") as f:
        head = f.read(100)
    if len(head) < 100 or not head.startswith(SQLITE_MAGIC):
        return False, 0
    return True, int.from_bytes(head[68:72], "big")


def _alembic_config(connection=None):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str:
    """The schema revision this version of the program writes."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_alembic_config()).get_current_head()


def known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    return {s.revision for s in ScriptDirectory.from_config(_alembic_config()).walk_revisions()}


def _current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        has = conn.exec_driver_sql(
            "SELECT 1 FROM sqlite_master WHERE type='table' AND name='alembic_version'"
        ).first()
        if not has:
            return None
        row = conn.exec_driver_sql("SELECT version_num FROM alembic_version").first()
        return row[0] if row else None


def upgrade(engine: Engine) -> None:
    """Run every pending migration on the file in one go."""
    from alembic import command

    with engine.begin() as conn:
        command.upgrade(_alembic_config(conn), "head")


def backup_file(engine: Engine, db_path: Path, label: str) -> Path:
    """A consistent copy of the database (SQLite backup API) into its backup folder; returns its path."""
    folder = config.backup_dir(db_path)
    folder.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    target = folder / f"{db_path.stem}-{stamp}-{label}.db"
    n = 1
    while target.exists():
        n += 1
        target = folder / f"{db_path.stem}-{stamp}-{label}-{n}.db"
    raw = engine.raw_connection()
    try:
        dest = sqlite3.connect(target)
        try:
            raw.driver_connection.backup(dest)
        finally:
            dest.close()
    finally:
        raw.close()
    return target


@dataclass
class Database:
    """An open database file: its engine, a session factory, and whether it may be written."""

    path: Path
    engine: Engine
    readonly: bool = False
    readonly_reason: str = ""
    upgraded_from: str | None = None
    backup_path: Path | None = None
    _sessions: sessionmaker = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    def session(self) -> Session:
        """A new session; the caller owns it (use as a context manager)."""
        return self._sessions()

    @contextlib.contextmanager
    def write(self) -> Iterator[Session]:
        """One user action as one transaction: commits on success, rolls back on any error."""
        if self.readonly:
            raise DatabaseError(self.readonly_reason or "数据库以只读方式打开，不能修改。")
        with self._sessions() as s, s.begin():
            yield s

    @contextlib.contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only unit of work in one transaction (a consistent view)."""
        with self._sessions() as s, s.begin():
            yield s

    def close(self) -> None:
        self.engine.dispose()


def create_database(path: Path) -> Database:
    """Create a new, empty database at path (refuses to overwrite an existing file)."""
    path = Path(path)
    if path.exists() and path.stat().st_size > 0:
        raise DatabaseError(f"文件已存在，不会覆盖：{path}")
    path.parent.mkdir(parents=True, exist_ok=True)
    engine = make_engine(path)
    with engine.begin() as conn:
        conn.exec_driver_sql(f"PRAGMA application_id={APPLICATION_ID}")
    upgrade(engine)
    return Database(path=path, engine=engine)


def open_database(path: Path, *, readonly: bool = False) -> Database:
    """Open an existing database of ours; upgrade an older schema after a backup; newer files read-only."""
    path = Path(path)
    if not path.exists():
        raise DatabaseError(f"找不到数据库文件：{path}")
    if path.is_dir():
        raise DatabaseError(f"这是一个文件夹，不是数据库文件：{path}")
    try:
        is_sqlite, app_id = read_header(path)
    except OSError as exc:
        raise DatabaseError(f"无法读取数据库文件：{path}（{exc.strerror or exc}）") from exc
    if not is_sqlite:
        raise DatabaseError(f"不是有效的数据库文件（文件已损坏或不是本软件的数据库）：{path}")
    if app_id != APPLICATION_ID:
        raise DatabaseError(f"该文件不是本软件的数据库：{path}")

    engine = make_engine(path, readonly=True)
    try:
        revision = _current_revision(engine)
    except Exception as exc:  # a damaged file fails here, on its first real read
        engine.dispose()
        raise DatabaseError(f"数据库文件已损坏，无法读取：{path}") from exc
    head = head_revision()
    if revision is not None and revision != head and revision not in known_revisions():
        return Database(
            path=path, engine=engine, readonly=True,
            readonly_reason="此数据库由更新版本的软件创建，本软件只能查看，不能修改。请升级软件后再编辑。",
        )
    if readonly:
        return Database(path=path, engine=engine, readonly=True,
                        readonly_reason="数据库以只读方式打开，不能修改。")
    engine.dispose()

    if not _writable(path):
        engine = make_engine(path, readonly=True)
        return Database(path=path, engine=engine, readonly=True,
                        readonly_reason="数据库文件是只读的（没有写入权限），只能查看，不能修改。")
    engine = make_engine(path)
    db = Database(path=path, engine=engine)
    if revision != head:
        db.backup_path = backup_file(engine, path, "升级前")
        try:
            upgrade(engine)
        except Exception as exc:
            engine.dispose()
            raise DatabaseError(
                f"数据库升级失败，文件未被修改；升级前的备份在：{db.backup_path}"
            ) from exc
        db.upgraded_from = revision or "(无)"
    return db


def _writable(path: Path) -> bool:
    import os

    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)


def integrity_check(engine: Engine) -> list[str]:
    """PRAGMA integrity_check and foreign_key_check; an empty list means the file is sound."""
    problems: list[str] = []
    with engine.connect() as conn:
        rows = [r[0] for r in conn.execute(text("PRAGMA integrity_check"))]
        if rows != ["ok"]:
            problems.extend(rows)
        for row in conn.execute(text("PRAGMA foreign_key_check")):
            problems.append(f"外键错误：表 {row[0]} 第 {row[1]} 行引用了不存在的 {row[2]}")
    return problems
