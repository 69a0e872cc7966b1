"""The database file (SPEC §8): engine and pragmas, sessions, opening and upgrading (Base is app.models.base).

Opening a file checks that it is SQLite and ours (application_id), takes a backup before running any
pending Alembic migration, and opens a file written by a newer version read-only, never for writing.

A county database may instead live on a PostgreSQL server (a config.ServerURL in place of the path): the same
models and migrations; what only a file has (its header, WAL pragmas, file locks, file-copy backups) is
replaced here by the server's own means (transactional DDL, advisory locks) or refused in one sentence, so
that callers branch on nothing.
"""

from __future__ import annotations

import ast
import contextlib
import datetime as dt
import functools
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import create_engine, event, text
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from app import config, dblock, outputs
from app.config import ServerURL, is_server
from app.dbsql import is_postgres
from app.errors import DatabaseError, StorageError, storage_error_message
from app.models.base import Base

# "HouF" in ASCII: PRAGMA application_id marks a file as ours.
APPLICATION_ID = 0x486F7546
SQLITE_MAGIC = b"SQLite format 3\x00"
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# A settings row that marks a file as a copy exported for the county (app.services.snapshot): such a file
# always opens read-only, wherever it is found.
SNAPSHOT_SETTING = "snapshot.county_copy"
SNAPSHOT_READONLY_REASON = "这是导出给县局的副本，只能查看，不能修改。"
# A county database (SPEC §8): the marker row, and why its towns' records open read-only.
COUNTY_SETTING = "county.database"
# Session.info key of the town a read is narrowed to (the criterion itself is app.services.town_scope's).
TOWN_INFO_KEY = "houfu_town_id"
COUNTY_READONLY_REASON = ("这是县级汇总数据库（由各镇导出的副本合并而成），各镇的台账只能查看，不能修改；"
                          "要更新某个镇的数据，请用“county merge”接收该镇的新副本。")
# How long a statement waits for another connection's lock before giving up (pysqlite's timeout and
# PRAGMA busy_timeout): a writer waits its turn behind another writer's transaction (an import, a demo).
BUSY_TIMEOUT_S = 30.0
# Execution option naming how a transaction begins: writers take the write lock at BEGIN IMMEDIATE, where
# SQLite honours the busy timeout; a deferred transaction that reads and then writes would fail at once.
BEGIN_OPTION = "houfu_begin"

def _pragmas(readonly: bool, busy_timeout: float):
    def on_connect(dbapi_conn: sqlite3.Connection, _record) -> None:
        # Let SQLAlchemy's "begin" event own transactions instead of pysqlite's implicit ones.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={int(busy_timeout * 1000)}")
        cur.execute("PRAGMA cache_size=-32000")
        if not readonly:
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=FULL")
            cur.execute("PRAGMA secure_delete=ON")
        cur.close()

    return on_connect


def _on_begin(conn) -> None:
    mode = conn.get_execution_options().get(BEGIN_OPTION, "")
    conn.exec_driver_sql("BEGIN IMMEDIATE" if mode == "IMMEDIATE" else "BEGIN")


def make_engine(path: Path, *, readonly: bool = False, busy_timeout: float = BUSY_TIMEOUT_S) -> Engine:
    """An engine on one SQLite file with the product's pragmas (FK on, WAL, synchronous=FULL) that waits up to
    busy_timeout seconds for another connection's lock."""
    if readonly:
        url = f"sqlite:///file:{path.as_posix()}?mode=ro&uri=true"
    else:
        url = f"sqlite:///{path.as_posix()}"
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": busy_timeout})
    event.listen(engine, "connect", _pragmas(readonly, busy_timeout))
    event.listen(engine, "begin", _on_begin)
    return engine


def make_server_engine(url: ServerURL) -> Engine:
    """An engine on a PostgreSQL database (psycopg 3). Connections are checked before use: a server
    restarted between two actions costs a reconnect, not a failed action."""
    try:
        return create_engine(url.sqlalchemy_url, pool_pre_ping=True,
                             connect_args={"connect_timeout": 10, "application_name": "houfu"})
    except (ImportError, sa_exc.NoSuchModuleError):
        raise DatabaseError("缺少 PostgreSQL 组件（psycopg），无法连接数据库服务器；请重新安装本软件") from None
    except (sa_exc.ArgumentError, ValueError) as exc:
        raise DatabaseError(f"数据库地址写得不对：{url.display()}（{exc}）") from None


def writer(engine: Engine) -> Engine:
    """The same engine, beginning its transactions with BEGIN IMMEDIATE (for units of work that write)."""
    return engine.execution_options(**{BEGIN_OPTION: "IMMEDIATE"})


def read_header(path: Path) -> tuple[bool, int]:
    """(is an SQLite file, application_id) from the first 100 bytes of the file. Not for a file this process has
    open through SQLite (see _read_head)."""
    with open(path, "rb") as f:
        return parse_header(f.read(100))


def parse_header(head: bytes) -> tuple[bool, int]:
    """(is an SQLite file, application_id) from a file's first 100 bytes."""
    if len(head) < 100 or not head.startswith(SQLITE_MAGIC):
        return False, 0
    return True, int.from_bytes(head[68:72], "big")


# Tables that live outside the models: the full-text index of migration 0002 and SQLite's shadow tables.
UNMAPPED_TABLE_PREFIXES = ("household_fts",)


# The trigram search index of migration 0002 on PostgreSQL, which the models do not declare.
UNMAPPED_INDEXES = ("ix_households_search_trgm",)


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """Alembic filter: leave the unmapped full-text tables (and PostgreSQL's trigram index) out of schema
    comparisons."""
    if type_ == "index" and reflected and name in UNMAPPED_INDEXES:
        return False
    return not (type_ == "table" and reflected and name.startswith(UNMAPPED_TABLE_PREFIXES))


def schema_diff(connection) -> list:
    """Differences between a file's schema and the models (empty when they agree)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    import app.models  # noqa: F401  (registers every table)

    context = MigrationContext.configure(
        connection, opts={"compare_type": True, "include_object": include_object})
    return compare_metadata(context, Base.metadata)


def _application_id_through_wal(path: Path) -> int:
    """application_id as SQLite sees it, including a header change still in the write-ahead log."""
    try:
        con = sqlite3.connect(f"file:{path.as_posix()}?mode=ro", uri=True)
        try:
            return int(con.execute("PRAGMA application_id").fetchone()[0])
        finally:
            con.close()
    except sqlite3.Error:
        return 0


OURS, NOT_SQLITE, OTHER_SQLITE = "ours", "not_sqlite", "other_sqlite"


def file_kind(path: Path) -> str:
    """What the file at path is by its header (and a header change still in its write-ahead log): OURS,
    NOT_SQLITE or OTHER_SQLITE (an SQLite file of another program). OSError when it cannot be read. Not for a
    file this process has open through SQLite (see _read_head)."""
    with open(path, "rb") as f:
        return _kind_of(path, f.read(100))


def _kind_of(path: Path, head: bytes) -> str:
    is_sqlite, app_id = parse_header(head)
    if not is_sqlite:
        return NOT_SQLITE
    if app_id != APPLICATION_ID and Path(f"{path}-wal").exists():
        app_id = _application_id_through_wal(path)
    return OURS if app_id == APPLICATION_ID else OTHER_SQLITE


def _alembic_config(connection=None):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


@functools.cache
def head_revision() -> str:
    """The schema revision this version of the program writes: the one revision no migration names as its
    down_revision, read from the migration files' literal `revision` / `down_revision` lines (every open
    asks; importing alembic and loading each migration to answer costs a noticeable part of a command's
    start). Alembic answers when the files cannot be read that way."""
    revisions: set[str] = set()
    downs: set[str] = set()
    for path in sorted((MIGRATIONS_DIR / "versions").glob("*.py")):
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"))
        except (OSError, SyntaxError, UnicodeDecodeError):
            revisions.clear()
            break
        found: dict[str, object] = {}
        for node in tree.body:
            target = node.target if isinstance(node, ast.AnnAssign) else (
                node.targets[0] if isinstance(node, ast.Assign) and len(node.targets) == 1 else None)
            if isinstance(target, ast.Name) and target.id in ("revision", "down_revision") and node.value is not None:
                try:
                    found[target.id] = ast.literal_eval(node.value)
                except ValueError:
                    found[target.id] = None
        revision, down = found.get("revision"), found.get("down_revision")
        if not isinstance(revision, str):
            continue
        revisions.add(revision)
        if isinstance(down, str):
            downs.add(down)
        elif isinstance(down, tuple | list):
            downs.update(d for d in down if isinstance(d, str))
    heads = revisions - downs
    if len(heads) == 1:
        return heads.pop()
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_alembic_config()).get_current_head()


def known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    return {s.revision for s in ScriptDirectory.from_config(_alembic_config()).walk_revisions()}


def _has_table(conn, name: str) -> bool:
    if conn.dialect.name == "sqlite":
        return conn.exec_driver_sql(
            "SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", (name,)).first() is not None
    from sqlalchemy import inspect

    return inspect(conn).has_table(name)


def _current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        if not _has_table(conn, "alembic_version"):
            return None
        row = conn.exec_driver_sql("SELECT version_num FROM alembic_version").first()
        return row[0] if row else None


def upgrade(engine: Engine) -> None:
    """Run every pending migration on the file in one go."""
    from alembic import command

    if is_postgres(engine):
        # PostgreSQL changes its schema inside the transaction: a failed upgrade leaves nothing behind. The
        # advisory lock keeps two programs from upgrading the same database at once.
        with engine.begin() as conn:
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({APPLICATION_ID})")
            command.upgrade(_alembic_config(conn), "head")
        return

    # Foreign keys are off while the schema changes (SQLite's procedure for rebuilding a table: a rebuilt
    # parent table must not cascade into its children) and checked before the one transaction commits.
    with writer(engine).connect() as conn:
        raw = conn.connection.driver_connection
        raw.execute("PRAGMA foreign_keys=OFF")
        try:
            with conn.begin():
                command.upgrade(_alembic_config(conn), "head")
                broken = conn.exec_driver_sql("PRAGMA foreign_key_check").first()
                if broken is not None:
                    raise DatabaseError(f"数据库升级后表 {broken[0]} 的关联不一致，升级已撤销。")
        finally:
            raw.execute("PRAGMA foreign_keys=ON")


def backup_file(engine: Engine, db_path: Path, label: str) -> Path:
    """A consistent copy of the database (SQLite backup API) into its backup folder; returns its path.
    The copy is one self-contained file (rollback journal, not WAL), so it opens from anywhere, read-only too."""
    if is_postgres(engine):
        raise DatabaseError(SERVER_BACKUP_REASON)
    folder = config.backup_dir(db_path)
    folder.mkdir(mode=outputs.PRIVATE_DIR, parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    target = folder / f"{db_path.stem}-{stamp}-{label}.db"
    n = 1
    while target.exists():
        n += 1
        target = folder / f"{db_path.stem}-{stamp}-{label}-{n}.db"
    outputs.create_private_file(target)
    raw = engine.raw_connection()
    try:
        dest = sqlite3.connect(target, isolation_level=None)
        try:
            raw.driver_connection.backup(dest)
            dest.execute("PRAGMA journal_mode=DELETE")
        finally:
            dest.close()
    finally:
        raw.close()
    return target


@contextlib.contextmanager
def _storage_errors() -> Iterator[None]:
    try:
        yield
    except (sa_exc.DBAPIError, sqlite3.Error) as exc:
        message = storage_error_message(exc)
        if message is None:
            raise
        raise StorageError(message) from exc


SERVER_BACKUP_REASON = ("数据库在 PostgreSQL 服务器上：本软件不复制服务器上的数据库，"
                        "请由服务器管理员用 PostgreSQL 的备份工具（pg_dump）备份。")


@dataclass
class Database:
    """An open database file: its engine, a session factory, and whether it may be written.

    While open it holds the file's shared open lock (app.dblock), plus any lock handed to hold(); close()
    releases them after the engine is gone."""

    path: Path
    engine: Engine
    readonly: bool = False
    readonly_reason: str = ""
    upgraded_from: str | None = None
    backup_path: Path | None = None
    county: bool = False  # a county database (many towns; COUNTY_SETTING)
    town_id: int | None = None  # a county database narrowed to one town (services.town_scope)
    url: ServerURL | None = None  # a database on a PostgreSQL server (then path is only a label)
    _sessions: sessionmaker = field(init=False, repr=False)
    _write_sessions: sessionmaker = field(init=False, repr=False)
    _holds: list = field(init=False, repr=False, default_factory=list)

    def __post_init__(self) -> None:
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._write_sessions = sessionmaker(writer(self.engine), expire_on_commit=False)
        if self.url is None:
            outputs.protect_database(self.path)  # no report or export may ever be written over it

    @property
    def server(self) -> bool:
        """Whether the database is on a PostgreSQL server rather than in a file."""
        return self.url is not None

    @property
    def where(self) -> str:
        """The file's path or the server URL (password masked), for messages."""
        return self.url.display() if self.url is not None else str(self.path)

    def session(self) -> Session:
        """A new session; the caller owns it (use as a context manager)."""
        return self._sessions()

    @contextlib.contextmanager
    def write(self) -> Iterator[Session]:
        """One user action as one transaction: commits on success, rolls back on any error. It begins with
        BEGIN IMMEDIATE, so behind another writer it waits its turn (up to the busy timeout)."""
        if self.readonly:
            raise DatabaseError(self.readonly_reason or "数据库以只读方式打开，不能修改。")
        # A storage failure (disk full, damaged file, I/O) rolls the whole action back and reaches the
        # caller as a DatabaseError with a Chinese sentence; any other exception passes through unchanged.
        with _storage_errors(), self._write_sessions() as s, s.begin():
            yield s

    @contextlib.contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only unit of work in one transaction (a consistent view; deferred BEGIN)."""
        with _storage_errors(), self._sessions() as s, s.begin():
            if self.town_id is not None:
                s.info[TOWN_INFO_KEY] = self.town_id
            yield s

    def hold(self, lock) -> None:
        """Keep a lock (anything with release()) until this database is closed."""
        self._holds.append(lock)

    def close(self) -> None:
        self.engine.dispose()
        holds, self._holds = self._holds, []
        for lock in reversed(holds):
            lock.release()


def _hold_open(path: Path) -> dblock.OpenHold:
    try:
        return dblock.hold_open(path)
    except dblock.LockBusy as exc:
        raise DatabaseError(str(exc)) from None


def create_database(path: Path | ServerURL) -> Database:
    """Create a new, empty database at path (refuses to overwrite an existing file). On a server the
    database itself must exist (its owner creates it) and be empty: the migrations build the schema."""
    if is_server(path):
        return _create_on_server(ServerURL(path))
    path = Path(path)
    if path.exists() and path.stat().st_size > 0:
        raise DatabaseError(f"文件已存在，不会覆盖：{path}")
    path.parent.mkdir(mode=outputs.PRIVATE_DIR, parents=True, exist_ok=True)
    outputs.create_private_file(path)  # 0600: SQLite gives its -wal and -shm the same mode
    hold = _hold_open(path)
    try:
        engine = make_engine(path)
        with engine.begin() as conn:
            conn.exec_driver_sql(f"PRAGMA application_id={APPLICATION_ID}")
        upgrade(engine)
        # Move the header (application_id) from the WAL into the main file, so that another process reading
        # the header sees at once that the file is ours.
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    except BaseException:
        hold.release()
        raise
    db = Database(path=path, engine=engine)
    db.hold(hold)
    return db


def _check_header(path: Path, head: bytes | None) -> None:
    """Refuse a file that is not SQLite or not ours, from its header alone (nothing has connected yet)."""
    if head is None:
        return
    kind = _kind_of(path, head)
    if kind == NOT_SQLITE:
        raise DatabaseError(f"不是有效的数据库文件（文件已损坏或不是本软件的数据库）：{path}")
    if kind != OURS:
        raise DatabaseError(f"该文件不是本软件的数据库：{path}")


def _read_head(path: Path) -> bytes | None:
    """The first 100 bytes, read before any engine connects. None when this process already has the file open
    through SQLite: on POSIX, closing any other descriptor of the file would drop SQLite's locks on it."""
    if dblock.open_here(path):
        return None
    try:
        with open(path, "rb") as f:
            return f.read(100)
    except OSError as exc:
        raise DatabaseError(f"无法读取数据库文件：{path}（{exc.strerror or exc}）") from exc


def database_exists(target: Path | ServerURL) -> bool:
    """Whether target holds a database already (a file with content; a server database with our schema)."""
    if not is_server(target):
        path = Path(target)
        return path.exists() and path.stat().st_size > 0
    engine = make_server_engine(ServerURL(target))
    try:
        with _server_errors(ServerURL(target)), engine.connect() as conn:
            return _has_table(conn, "alembic_version")
    finally:
        engine.dispose()


def open_database(path: Path | ServerURL, *, readonly: bool = False, county: bool = False) -> Database:
    """Open an existing database of ours; upgrade an older schema after a backup; newer files read-only.

    A county database opens read-only (the towns' records are the towns' to change) unless county=True: the
    county merge, the one writer of a county database.
    The header is read and checked before anything connects, so a file that is not ours gets no -wal, -shm or
    lock file beside it. While open, the database holds its shared open lock (app.dblock). A server URL
    opens the database on the server (only a county database may be written there)."""
    if is_server(path):
        return _open_on_server(ServerURL(path), readonly=readonly, county=county)
    path = Path(path)
    if not path.exists():
        raise DatabaseError(f"找不到数据库文件：{path}")
    if path.is_dir():
        raise DatabaseError(f"这是一个文件夹，不是数据库文件：{path}")
    head = _read_head(path)
    _check_header(path, head)
    hold = _hold_open(path)
    try:
        db = _open_checked(path, head, readonly, county)
    except BaseException:
        hold.release()
        raise
    db.hold(hold)
    return db


def _open_checked(path: Path, head: bytes | None, readonly: bool, county: bool = False) -> Database:
    engine = make_engine(path, readonly=True)
    try:
        if head is None and _application_id(engine) != APPLICATION_ID:
            raise DatabaseError(f"该文件不是本软件的数据库：{path}")
        revision = _current_revision(engine)
    except DatabaseError:
        engine.dispose()
        raise
    except (sa_exc.DBAPIError, sqlite3.Error) as exc:  # a damaged file fails here, on its first real read
        engine.dispose()
        raise DatabaseError(f"数据库文件已损坏，无法读取：{path}") from exc
    except BaseException:  # a program error is not a damaged file: it is reported as what it is
        engine.dispose()
        raise
    head_rev = head_revision()
    if revision is not None and revision != head_rev and revision not in known_revisions():
        return Database(
            path=path, engine=engine, readonly=True,
            readonly_reason="此数据库由更新版本的软件创建，本软件只能查看，不能修改。请升级软件后再编辑。",
        )
    try:
        marker = snapshot_marker(engine)
    except Exception:  # unreadable settings: the damage check below says so
        marker = None
    if marker is not None:
        return Database(path=path, engine=engine, readonly=True, readonly_reason=_snapshot_reason(marker))
    try:
        county_db = settings_marker(engine, COUNTY_SETTING) is not None
    except Exception:
        county_db = False
    if county_db and not county:
        return Database(path=path, engine=engine, readonly=True, readonly_reason=COUNTY_READONLY_REASON,
                        county=True)
    damage = _damage_on_open(path, engine, head)
    if damage:
        return Database(path=path, engine=engine, readonly=True, readonly_reason=damage)
    if readonly:
        return Database(path=path, engine=engine, readonly=True,
                        readonly_reason="数据库以只读方式打开，不能修改。")
    engine.dispose()

    if not _writable(path):
        engine = make_engine(path, readonly=True)
        return Database(path=path, engine=engine, readonly=True,
                        readonly_reason="数据库文件是只读的（没有写入权限），只能查看，不能修改。")
    engine = make_engine(path)
    db = Database(path=path, engine=engine, county=county_db)
    if revision != head_rev:
        db.backup_path = backup_file(engine, path, "升级前")
        before = _schema_fingerprint(engine)
        try:
            upgrade(engine)
        except Exception as exc:
            engine.dispose()
            if _schema_fingerprint_of(path) == before:
                message = f"数据库升级失败，文件未被修改；升级前的备份在：{db.backup_path}"
            else:
                _put_back(db.backup_path, path)
                message = (f"数据库升级失败，已用升级前的备份把文件恢复原样；"
                           f"升级前的备份在：{db.backup_path}")
            raise DatabaseError(message) from exc
        db.upgraded_from = revision or "(无)"
    return db


def _application_id(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.exec_driver_sql("PRAGMA application_id").scalar() or 0)


def snapshot_marker(engine: Engine) -> dict | None:
    """The county-copy marker of a snapshot file ({"town", "taken_at", ...}), or None for a working file."""
    return settings_marker(engine, SNAPSHOT_SETTING)


def county_marker(engine: Engine) -> dict | None:
    """The marker of a county database ({"county", "created_at"}), or None for a town's database."""
    return settings_marker(engine, COUNTY_SETTING)


def settings_marker(engine: Engine, key: str) -> dict | None:
    """A JSON object kept in the settings table under key, or None when absent."""
    import json

    with engine.connect() as conn:
        if not _has_table(conn, "settings"):
            return None
        row = conn.execute(text("SELECT value FROM settings WHERE key = :k"), {"k": key}).first()
    if row is None:
        return None
    try:
        value = json.loads(row[0] or "{}")
    except ValueError:
        value = {}
    return value if isinstance(value, dict) else {}


def _snapshot_reason(marker: dict) -> str:
    town = str(marker.get("town") or "").strip()
    taken = str(marker.get("taken_at") or "")[:10]
    detail = "，".join(x for x in (town, f"{taken} 导出" if taken else "") if x)
    if not detail:
        return SNAPSHOT_READONLY_REASON
    return SNAPSHOT_READONLY_REASON.replace("副本，", f"副本（{detail}），", 1)


# Files up to this size get a full PRAGMA quick_check when opened (a town's file is 5–30 MB and
# checks in well under a second); larger files get the cheap header checks only and `check` does the rest.
QUICK_CHECK_ON_OPEN_BYTES = 64 * 1024 * 1024
DAMAGED_READONLY_REASON = ("数据库文件已损坏，为防止损坏扩大，只能查看，不能修改。"
                           "请从备份恢复（“数据安全”页，或命令 restore）。")


def _damage_on_open(path: Path, engine: Engine, head: bytes | None) -> str:
    """Why the file must not be written because it is damaged ("" when it looks sound). head is the header
    read before connecting (None when this process had the file open already: then SQLite's check alone)."""
    try:
        size = path.stat().st_size
    except OSError:
        return DAMAGED_READONLY_REASON
    if head is not None:
        page_size = int.from_bytes(head[16:18], "big")
        page_size = 65536 if page_size == 1 else page_size
        in_header = int.from_bytes(head[28:32], "big")
        header_valid = head[24:28] == head[92:96]
        if page_size < 512 or page_size & (page_size - 1) or size % page_size:
            return DAMAGED_READONLY_REASON
        if header_valid and in_header * page_size > size and not Path(f"{path}-wal").exists():
            return DAMAGED_READONLY_REASON  # truncated: the header counts pages the file no longer has
    if size > QUICK_CHECK_ON_OPEN_BYTES:
        return ""
    try:
        with engine.connect() as conn:
            rows = [r[0] for r in conn.exec_driver_sql("PRAGMA quick_check(1)")]
    except Exception:
        return DAMAGED_READONLY_REASON
    return "" if rows == ["ok"] else DAMAGED_READONLY_REASON


def _schema_fingerprint(engine: Engine) -> tuple:
    with engine.connect() as conn:
        return _fingerprint_rows(conn.exec_driver_sql)


def _schema_fingerprint_of(path: Path) -> tuple | None:
    try:
        con = sqlite3.connect(path)
        try:
            return _fingerprint_rows(con.execute)
        finally:
            con.close()
    except sqlite3.Error:
        return None


def _fingerprint_rows(execute) -> tuple:
    """What a migration changes: the schema, the revision, and the row count of every table."""
    schema = tuple(tuple(r) for r in execute(
        "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name"
    ).fetchall())
    counts = tuple(
        (name, execute(f'SELECT count(*) FROM "{name}"').fetchone()[0])
        for kind, name, _t, _s in schema if kind == "table"
    )
    revision = None
    if any(name == "alembic_version" for _k, name, _t, _s in schema):
        row = execute("SELECT version_num FROM alembic_version").fetchone()
        revision = row[0] if row else None
    return schema, counts, revision


def _put_back(backup: Path, path: Path) -> None:
    """Replace path by the backup copy (atomically), dropping any write-ahead log of the replaced file."""
    import os
    import shutil

    tmp = path.with_name(f".{path.name}.restore-tmp")
    shutil.copyfile(backup, tmp)
    os.chmod(tmp, outputs.PRIVATE_FILE)
    for suffix in ("-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    os.replace(tmp, path)


def _writable(path: Path) -> bool:
    import os

    # A file marked read-only (no write bit; the Windows read-only attribute) stays read-only even for an
    # administrator, who would otherwise be let through by os.access.
    if not path.stat().st_mode & 0o222:
        return False
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)


def integrity_check(engine: Engine) -> list[str]:
    """PRAGMA integrity_check and foreign_key_check; an empty list means the file is sound. On a server the
    storage is the server's to keep sound and foreign keys are enforced as rows are written: what is checked
    is that the database answers."""
    problems: list[str] = []
    if is_postgres(engine):
        try:
            with engine.connect() as conn:
                conn.exec_driver_sql("SELECT count(*) FROM alembic_version").scalar()
        except sa_exc.DBAPIError as exc:
            problems.append(storage_error_message(exc) or "数据库服务器上的数据库无法读取，完整性检查无法完成。")
        return problems
    try:
        with engine.connect() as conn:
            rows = [r[0] for r in conn.execute(text("PRAGMA integrity_check"))]
            if rows != ["ok"]:
                problems.extend(f"文件结构损坏（{r}）" for r in rows)
            for row in conn.execute(text("PRAGMA foreign_key_check")):
                problems.append(f"外键错误：表 {row[0]} 第 {row[1]} 行引用了不存在的 {row[2]}")
    except (sa_exc.DBAPIError, sqlite3.Error) as exc:  # too damaged for the check itself to finish
        problems.append(storage_error_message(exc) or "数据库文件已损坏，完整性检查无法完成。")
    return problems


# ------------------------------------------------------------------------------------- on a server

def _server_label(url: ServerURL) -> Path:
    """The Path a server database goes by where a path is expected (backups and outputs never use it)."""
    from sqlalchemy.engine import make_url

    try:
        name = make_url(url.sqlalchemy_url).database or "postgres"
    except Exception:
        name = "postgres"
    return Path(f"postgresql-{name}")


@contextlib.contextmanager
def _server_errors(url: ServerURL) -> Iterator[None]:
    """A server that cannot be reached (or refuses us) as one Chinese sentence."""
    try:
        yield
    except sa_exc.DBAPIError as exc:
        message = storage_error_message(exc) or f"数据库服务器上的数据库无法使用（{type(exc.orig).__name__}）"
        raise DatabaseError(f"{message.rstrip('。')}：{url.display()}") from exc


def _create_on_server(url: ServerURL) -> Database:
    engine = make_server_engine(url)
    try:
        with _server_errors(url):
            with engine.connect() as conn:
                if _has_table(conn, "alembic_version"):
                    raise DatabaseError(f"服务器上的数据库已有数据，不会覆盖：{url.display()}")
                from sqlalchemy import inspect

                if inspect(conn).get_table_names():
                    raise DatabaseError(f"服务器上的数据库里已有别的表（不是本软件的数据库），不会改动：{url.display()}")
            upgrade(engine)
    except BaseException:
        engine.dispose()
        raise
    return Database(path=_server_label(url), engine=engine, url=url)


def _open_on_server(url: ServerURL, *, readonly: bool, county: bool) -> Database:
    engine = make_server_engine(url)
    try:
        with _server_errors(url):
            revision = _current_revision(engine)
            if revision is None:
                raise DatabaseError(f"服务器上的数据库还是空的（不是本软件的数据库）：{url.display()}")
            head_rev = head_revision()
            if revision != head_rev and revision not in known_revisions():
                return Database(path=_server_label(url), engine=engine, url=url, readonly=True,
                                readonly_reason="此数据库由更新版本的软件创建，本软件只能查看，不能修改。请升级软件后再编辑。")
            county_db = county_marker(engine) is not None
            label = _server_label(url)
            if not county_db:
                # Only the county edition lives on a server: a town's register is one file on the clerk's PC.
                return Database(path=label, engine=engine, url=url, readonly=True,
                                readonly_reason="服务器上的数据库只用作县级汇总数据库，这个数据库不是县级汇总数据库，只能查看。")
            if not county or readonly:
                return Database(path=label, engine=engine, url=url, readonly=True,
                                readonly_reason=COUNTY_READONLY_REASON if not readonly else "数据库以只读方式打开，不能修改。",
                                county=True)
            db = Database(path=label, engine=engine, url=url, county=True)
            if revision != head_rev:
                upgrade(engine)  # one transaction on the server: a failure leaves the schema as it was
                db.upgraded_from = revision
            return db
    except BaseException:
        engine.dispose()
        raise
