"""`county merge` (SPEC §8 county edition): take towns' copies into a county database.

Each copy is verified first (manifest, SHA-256 of the file or of the encrypted archive and of the database
inside it, integrity and foreign keys, the change history's hash chain, the row counts of the manifest), and
then merged in one transaction: the town's earlier rows are deleted and every table of the copy is copied
with ATTACH + INSERT ... SELECT. Nothing here lists the tables: they are read from sqlite_master and PRAGMA
table_info / foreign_key_list, so tables added later travel too. Ids are shifted by a per-table offset (the
table's largest id in the county database) and foreign keys by the offset of the table they point to; a
town's rows of a table are thus one id range, kept in town_ranges, which is how the town is replaced later.
Top-level records get the county's id for the town in their town_id.

A town is known by the uid of its `towns` row (it survives renames); an identical or older copy of a town
changes nothing; a copy that fails any check changes nothing. No Qt here.

A county database on a PostgreSQL server gets the same plan, read from the server's catalog: the copy (always
an SQLite file, verified as above) is read with sqlite3, its ids shifted by the same offsets in the SELECT
itself, and its rows streamed into the server with COPY, all in one server transaction that also holds an
advisory lock (one merge at a time, as the file's writer lock does); the id sequences are then set past the
explicit ids.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import secrets
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from app.db import (
    APPLICATION_ID,
    COUNTY_SETTING,
    SNAPSHOT_SETTING,
    Database,
    DatabaseError,
    create_database,
    known_revisions,
    make_engine,
)
from app.errors import storage_reason
from app.services.history import verify_chain
from app.services.snapshot import _sha256, manifest_path_for, verify_snapshot

# Tables that describe the database itself rather than the town's records.
NOT_COPIED = frozenset({"alembic_version", "settings", "town_profile", "towns", "town_ranges"})
_TEMP_PREFIX = ".houfu-merge-"

MERGED, UNCHANGED, REFUSED = "已合并", "未改动", "未合并"


class CountyError(DatabaseError):
    """A copy could not be taken in; the message says why in Chinese; the county database is unchanged."""


@dataclass
class MergeOutcome:
    """What happened to one copy: status MERGED / UNCHANGED / REFUSED, the town, and one Chinese line."""

    file: str
    status: str
    town: str = ""
    message: str = ""
    rows: int = 0
    tables: dict[str, int] = field(default_factory=dict)

    def as_json(self) -> dict:
        return {"file": self.file, "status": self.status, "town": self.town, "message": self.message,
                "rows": self.rows}


@dataclass
class VerifiedCopy:
    """A copy that passed every check: the plain database file (a temporary one for an encrypted copy)."""

    db_file: Path
    manifest: dict
    uid: str
    town: str
    county: str
    revision: str
    temporary: bool = False

    def discard(self) -> None:
        if self.temporary:
            with contextlib.suppress(OSError):
                self.db_file.unlink(missing_ok=True)


# ---------------------------------------------------------------------------------------------- county file

def is_county(db: Database) -> bool:
    return bool(db.county)


def create_county(path: Path, county_name: str) -> Database:
    """A new, empty county database at path (the marker row; no town of its own)."""
    db = create_database(path)
    try:
        with db.write() as s:
            from sqlalchemy import text

            marker = {"county": county_name, "created_at": _now()}
            s.execute(text("INSERT INTO settings (key, value) VALUES (:k, :v)"),
                      {"k": COUNTY_SETTING, "v": json.dumps(marker, ensure_ascii=False)})
            s.execute(text("DELETE FROM towns"))
            s.execute(text("INSERT INTO town_profile (id, town_name, county_name, station_name, leader, "
                           "deputy_leaders, group_members, office_director, daily_contact, contact_phone) "
                           "VALUES (1, '', :c, '', '', '', '', '', '', '')"), {"c": county_name})
    except BaseException:
        db.close()
        raise
    db.county = True
    return db


def _now() -> str:
    return dt.datetime.now().replace(microsecond=0).isoformat(sep=" ")


# --------------------------------------------------------------------------------------------- verification

def read_manifest(path: Path) -> dict:
    try:
        manifest = json.loads(manifest_path_for(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise CountyError(f"找不到或无法读取清单文件：{manifest_path_for(path).name}") from None
    if not isinstance(manifest, dict) or manifest.get("format") != "houfu-snapshot":
        raise CountyError("清单文件不是本软件导出副本的清单")
    return manifest


def verify_copy(path: Path, password: str | None, work_dir: Path) -> VerifiedCopy:
    """Check one received copy all the way (see the module docstring); raises CountyError saying why."""
    path = Path(path)
    if not path.is_file():
        raise CountyError(f"找不到副本文件：{path}")
    manifest = read_manifest(path)
    problems = verify_snapshot(path)
    if problems:
        raise CountyError(problems[0].rstrip("。"))
    temporary = False
    db_file = path
    if manifest.get("encryption"):
        if not password:
            raise CountyError("这是加密的副本，请用 --password 给出导出时设的密码")
        db_file = work_dir / f"{_TEMP_PREFIX}{os.getpid()}-{secrets.token_hex(4)}.tmp"
        temporary = True
        _extract(path, manifest, password, db_file)
    try:
        if _sha256(db_file) != manifest.get("sha256"):
            raise CountyError("副本中数据库的 SHA-256 与清单不符：文件在导出后被改动")
        facts = _inspect(db_file, manifest)
    except BaseException:
        if temporary:
            db_file.unlink(missing_ok=True)
        raise
    return VerifiedCopy(db_file=db_file, manifest=manifest, temporary=temporary, **facts)


def _extract(archive: Path, manifest: dict, password: str, target: Path) -> None:
    try:
        import pyzipper
    except ImportError as exc:
        raise CountyError("缺少加密组件（pyzipper），无法读取加密副本；请重新安装本软件") from exc
    inner = manifest.get("file") or ""
    try:
        with pyzipper.AESZipFile(archive) as z:
            z.setpassword(password.encode("utf-8"))
            if inner not in z.namelist():
                raise CountyError("加密副本中没有清单所列的数据库文件")
            with z.open(inner) as src, open(target, "wb") as dst:
                while chunk := src.read(1024 * 1024):
                    dst.write(chunk)
    except CountyError:
        target.unlink(missing_ok=True)
        raise
    except RuntimeError:
        target.unlink(missing_ok=True)
        raise CountyError("密码不正确，无法打开加密副本") from None
    except OSError as exc:
        target.unlink(missing_ok=True)
        raise CountyError(f"无法读取加密副本（{storage_reason(exc)}）") from None
    except Exception:  # a damaged archive: zipfile raises several kinds (BadZipFile, zlib.error, ...)
        target.unlink(missing_ok=True)
        raise CountyError("加密副本已损坏或被改动，无法解开") from None


def _inspect(db_file: Path, manifest: dict) -> dict:
    """Integrity, foreign keys, history chain, row counts, schema and town of a plain copy."""
    try:
        con = sqlite3.connect(f"{db_file.absolute().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        raise CountyError("副本无法打开（不是有效的数据库文件）") from None
    try:
        if con.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise CountyError("副本没有通过完整性检查（文件已损坏）")
        if con.execute("PRAGMA foreign_key_check").fetchone() is not None:
            raise CountyError("副本中的记录关联不一致（文件被改动）")
        tables = [r[0] for r in con.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")]
        expected = manifest.get("row_counts") or {}
        for table in tables:
            if table in expected and con.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0] != expected[table]:
                raise CountyError(f"副本中表 {table} 的行数与清单不符：文件在导出后被改动")
        revision = con.execute("SELECT version_num FROM alembic_version").fetchone()[0]
        profile = con.execute("SELECT town_name, county_name FROM town_profile ORDER BY id LIMIT 1").fetchone()
        uid = ""
        if "towns" in tables:
            rows = con.execute("SELECT uid FROM towns").fetchall()
            if len(rows) > 1:
                raise CountyError("这是县级汇总数据库，不是镇的副本")
            uid = rows[0][0] if rows else ""
        is_county = con.execute("SELECT 1 FROM settings WHERE key = ?", (COUNTY_SETTING,)).fetchone()
        marker = con.execute("SELECT value FROM settings WHERE key = ?", (SNAPSHOT_SETTING,)).fetchone()
    except sqlite3.Error as exc:
        raise CountyError(f"副本无法读取（{exc}）") from None
    finally:
        con.close()
    if is_county:
        raise CountyError("这是县级汇总数据库，不是镇的副本")
    if revision not in known_revisions():
        raise CountyError("副本由更新版本的软件导出，请先升级本软件再合并")
    engine = make_engine(db_file, readonly=True)
    try:
        chain = verify_chain(Database(path=db_file, engine=engine, readonly=True))
    finally:
        engine.dispose()
    if chain:
        raise CountyError(f"副本的变更记录校验不通过：{chain[0]}")
    try:
        taken_at = str(json.loads(marker[0]).get("taken_at") or "") if marker else ""
    except ValueError:
        taken_at = ""
    if not taken_at or taken_at != str(manifest.get("taken_at") or ""):
        raise CountyError("副本的导出时间与清单不符：清单在导出后被改动")
    town = (profile[0] if profile else "") or manifest.get("town") or ""
    if not town.strip():
        raise CountyError("副本中没有填写镇（乡）名称，请该镇在“基础信息”中填写后重新导出")
    return {"uid": uid or "name:" + town.strip(), "town": town.strip(),
            "county": (profile[1] if profile else "") or manifest.get("county") or "", "revision": revision}


# -------------------------------------------------------------------------------------------------- merging

def _tables(con: sqlite3.Connection, schema: str) -> list[str]:
    rows = con.execute(f"SELECT name, sql FROM {schema}.sqlite_master WHERE type='table'").fetchall()
    virtual = [n for n, sql in rows if (sql or "").upper().startswith("CREATE VIRTUAL")]
    return [n for n, _ in rows
            if not n.startswith("sqlite_") and n not in virtual and n not in NOT_COPIED
            and not any(n.startswith(v + "_") for v in virtual)]


def _columns(con: sqlite3.Connection, schema: str, table: str) -> dict[str, int]:
    """column -> its position in the primary key (0 when not part of it)."""
    return {r[1]: r[5] for r in con.execute(f'PRAGMA {schema}.table_info("{table}")')}


def _foreign_keys(con: sqlite3.Connection, table: str) -> dict[str, str]:
    """column -> the table it refers to."""
    return {r[3]: r[2] for r in con.execute(f'PRAGMA main.foreign_key_list("{table}")')}


def _order(tables: list[str], fks: dict[str, dict[str, str]]) -> list[str]:
    """Parents before children."""
    done: list[str] = []
    seen: set[str] = set()

    def visit(t: str, path: tuple[str, ...]) -> None:
        if t in seen or t in path:
            return
        for parent in fks.get(t, {}).values():
            if parent in fks and parent != t:
                visit(parent, path + (t,))
        seen.add(t)
        done.append(t)

    for t in sorted(tables):
        visit(t, ())
    return done


@dataclass
class _Plan:
    tables: list[str]
    fks: dict[str, dict[str, str]]
    has_id: dict[str, bool]
    has_town: dict[str, bool]
    columns: dict[str, list[str]]


def _plan(con: sqlite3.Connection) -> _Plan:
    county_tables = _tables(con, "main")
    snap_tables = set(_tables(con, "snap"))
    return _make_plan(county_tables, snap_tables,
                      lambda t: con.execute(f'SELECT 1 FROM snap."{t}" LIMIT 1').fetchone() is not None,
                      lambda t: _foreign_keys(con, t), lambda t: _columns(con, "main", t),
                      lambda t: _columns(con, "snap", t))


def _make_plan(county_tables: list[str], snap_tables: set[str], has_rows: Callable[[str], bool],
               foreign_keys: Callable[[str], dict[str, str]], county_columns: Callable[[str], dict[str, int]],
               copy_columns: Callable[[str], dict[str, int]]) -> _Plan:
    """The tables both databases have (parents first), with their columns, ids and foreign keys; a table
    only the copy has refuses the merge when it holds rows (a newer program's data would be lost)."""
    extra = sorted(snap_tables - set(county_tables))
    for t in extra:
        if has_rows(t):
            raise CountyError(f"副本中有本软件不认识的表 {t}，请先升级本软件再合并")
    tables = [t for t in county_tables if t in snap_tables]
    fks = {t: foreign_keys(t) for t in tables}
    has_id, has_town, columns = {}, {}, {}
    for t in tables:
        mine = county_columns(t)
        theirs = copy_columns(t)
        has_id[t] = mine.get("id") == 1 and sum(1 for v in mine.values() if v) == 1
        has_town[t] = "town_id" in mine
        columns[t] = [c for c in mine if c in theirs or c == "town_id"]
    return _Plan(_order(tables, fks), fks, has_id, has_town, columns)


def _deletions(plan: _Plan, ranges: dict[str, tuple[int, int]]) -> Iterator[tuple[str, str, tuple[int, int]]]:
    """(table, column, id range) of a town's rows to delete, children first: a table with its own id by its
    ids, a table without one by its parent's range (on either database)."""
    for t in reversed(plan.tables):
        if plan.has_id[t]:
            if t in ranges:
                yield t, "id", ranges[t]
            continue
        for col, parent in plan.fks[t].items():
            if parent in ranges:
                yield t, col, ranges[parent]
                break


def _delete_town(con: sqlite3.Connection, plan: _Plan, town_id: int) -> None:
    ranges = {t: (a, b) for t, a, b in con.execute(
        "SELECT table_name, first_id, last_id FROM town_ranges WHERE town_id = ?", (town_id,))}
    for t, col, bounds in _deletions(plan, ranges):
        con.execute(f'DELETE FROM main."{t}" WHERE "{col}" BETWEEN ? AND ?', bounds)
    con.execute("DELETE FROM town_ranges WHERE town_id = ?", (town_id,))


def _select_list(plan: _Plan, t: str, town_id: int, offsets: dict[str, int]) -> list[str]:
    """The copy's columns of table t as the county stores them: town_id set, ids and foreign keys shifted."""
    exprs = []
    for c in plan.columns[t]:
        if c == "town_id" and plan.has_town[t]:
            exprs.append(str(int(town_id)))
        elif c == "id" and plan.has_id[t]:
            exprs.append(f'"id" + {int(offsets[t])}')
        elif c in plan.fks[t] and plan.fks[t][c] in offsets:
            exprs.append(f'"{c}" + {int(offsets[plan.fks[t][c]])}')
        else:
            exprs.append(f'"{c}"')
    return exprs


def _copy_town(con: sqlite3.Connection, plan: _Plan, town_id: int, say: Callable[[str], None],
               town: str) -> dict[str, int]:
    offsets = {t: con.execute(f'SELECT coalesce(max(id), 0) FROM main."{t}"').fetchone()[0]
               for t in plan.tables if plan.has_id[t]}
    copied: dict[str, int] = {}
    for t in plan.tables:
        cols = plan.columns[t]
        exprs = _select_list(plan, t, town_id, offsets)
        names = ", ".join(f'"{c}"' for c in cols)
        cur = con.execute(f'INSERT INTO main."{t}" ({names}) SELECT {", ".join(exprs)} FROM snap."{t}"')
        copied[t] = cur.rowcount
        if plan.has_id[t] and cur.rowcount:
            first, last = con.execute(f'SELECT min(id), max(id) FROM snap."{t}"').fetchone()
            con.execute("INSERT INTO town_ranges (town_id, table_name, first_id, last_id) VALUES (?, ?, ?, ?)",
                        (town_id, t, first + offsets[t], last + offsets[t]))
        if cur.rowcount >= 1000:  # progress on the big tables of a long merge
            say(f"  {town}：{t} {cur.rowcount} 行")
    return copied


def merge_copy(db: Database, copy: VerifiedCopy, say: Callable[[str], None]) -> MergeOutcome:
    """Take one verified copy into the county database db, in one transaction."""
    if db.server:
        return _merge_on_server(db, copy, say)
    name = Path(copy.manifest.get("file") or copy.db_file.name).name
    taken_at = str(copy.manifest.get("taken_at") or "")
    sha = str(copy.manifest.get("sha256") or "")
    con = sqlite3.connect(db.path.absolute().as_uri(), uri=True, isolation_level=None, timeout=30)
    try:
        con.execute("PRAGMA foreign_keys=ON")
        con.execute("PRAGMA busy_timeout=30000")
        con.execute("PRAGMA synchronous=FULL")
        con.execute("ATTACH DATABASE ? AS snap", (f"{copy.db_file.absolute().as_uri()}?mode=ro",))
        con.execute("BEGIN IMMEDIATE")
        try:
            row = con.execute("SELECT id, name, copy_taken_at, copy_sha256 FROM towns WHERE uid = ?",
                              (copy.uid,)).fetchone()
            if row is None:
                other = con.execute("SELECT uid FROM towns WHERE name = ?", (copy.town,)).fetchone()
                if other is not None:
                    con.execute("ROLLBACK")
                    return MergeOutcome(name, REFUSED, copy.town,
                                        f"县级数据库中已有另一个“{copy.town}”的数据（来自不同的数据库文件），未合并")
            elif row[3] == sha:
                con.execute("ROLLBACK")
                return MergeOutcome(name, UNCHANGED, copy.town, f"与已合并的{row[1]}副本相同，未改动")
            elif taken_at <= row[2]:
                con.execute("ROLLBACK")
                return MergeOutcome(name, UNCHANGED, copy.town,
                                    f"比已合并的{row[1]}副本（{row[2]} 导出）旧，未改动")
            con.execute("PRAGMA defer_foreign_keys=ON")
            plan = _plan(con)
            if row is None:
                cur = con.execute(
                    "INSERT INTO towns (uid, name, county, copy_taken_at, copy_sha256, copy_revision, merged_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (copy.uid, copy.town, copy.county, taken_at, sha, copy.revision, _now()))
                town_id, verb = cur.lastrowid, "新增"
            else:
                town_id = row[0]
                say(f"{copy.town}：删除上次合并的数据……")
                _delete_town(con, plan, town_id)
                con.execute("UPDATE towns SET name = ?, county = ?, copy_taken_at = ?, copy_sha256 = ?, "
                            "copy_revision = ?, merged_at = ? WHERE id = ?",
                            (copy.town, copy.county, taken_at, sha, copy.revision, _now(), town_id))
                verb = "替换" if row[1] == copy.town else f"替换（原名{row[1]}）"
            say(f"{copy.town}：正在复制……")
            copied = _copy_town(con, plan, town_id, say, copy.town)
            broken = con.execute("PRAGMA main.foreign_key_check").fetchone()
            if broken is not None:
                raise CountyError(f"合并后表 {broken[0]} 的关联不一致，未合并")
            con.execute("COMMIT")
        except BaseException:
            if con.in_transaction:
                con.execute("ROLLBACK")
            raise
        _analyze(con)
    except sqlite3.Error as exc:
        raise CountyError(f"合并失败（{storage_reason(exc)}），县级数据库未改动") from None
    finally:
        con.close()
    households = copied.get("households", 0)
    return MergeOutcome(name, MERGED, copy.town,
                        f"{verb}{copy.town}（{taken_at} 导出，{households} 户，共 {sum(copied.values())} 行）",
                        rows=sum(copied.values()), tables=copied)


def _analyze(con: sqlite3.Connection) -> None:
    """Statistics for the planner (sampled, milliseconds): with many towns town_id is a poor index for a
    correlated lookup, and without statistics SQLite cannot know it. The merge is already committed. Only
    main: a plain ANALYZE would also try to write statistics into the attached read-only copy, and fail."""
    try:
        con.execute("PRAGMA analysis_limit=400")
        con.execute("ANALYZE main")
    except sqlite3.Error:
        pass


def merge_copies(db: Database, files: list[Path], password: str | None = None,
                 progress: Callable[[str], None] | None = None) -> list[MergeOutcome]:
    """Verify and merge each copy in turn; a copy that fails changes nothing and the next one goes on."""
    say = progress or (lambda _t: None)
    outcomes = []
    for f in files:
        f = Path(f)
        say(f"校验 {f.name}……")
        try:
            work_dir = Path(tempfile.gettempdir()) if db.server else db.path.absolute().parent
            copy = verify_copy(f, password, work_dir)
        except CountyError as exc:
            outcomes.append(MergeOutcome(f.name, REFUSED, "", f"{exc}，未合并"))
            continue
        try:
            outcome = merge_copy(db, copy, say)
        except CountyError as exc:
            outcome = MergeOutcome(f.name, REFUSED, copy.town, str(exc))
        finally:
            copy.discard()
        outcome.file = f.name
        outcomes.append(outcome)
    if db.server and any(o.status == MERGED for o in outcomes):
        # The server's planner statistics, once for the whole merge (each copy is committed already): a
        # sampled ANALYZE per copy would cost more than a town's COPY.
        _server_analyze(db)
    return outcomes



# ------------------------------------------------------------------------------------ into a server

_MERGE_LOCK = APPLICATION_ID + 1  # the advisory lock one merge at a time holds (upgrades hold APPLICATION_ID)


def _server_plan(cur, src: sqlite3.Connection) -> _Plan:
    """The plan of _plan with the county's side read from PostgreSQL's catalog (current schema)."""
    cur.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() "
                "AND table_type = 'BASE TABLE'")
    county_tables = sorted(r[0] for r in cur.fetchall() if r[0] not in NOT_COPIED)
    cur.execute("SELECT table_name, column_name FROM information_schema.columns "
                "WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position")
    columns: dict[str, dict[str, int]] = {}
    for t, c in cur.fetchall():
        columns.setdefault(t, {})[c] = 0
    cur.execute("SELECT c.relname, a.attname, array_position(i.indkey::int2[], a.attnum) FROM pg_index i "
                "JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
                "JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = ANY(i.indkey) "
                "WHERE i.indisprimary AND n.nspname = current_schema()")
    for t, c, position in cur.fetchall():
        if t in columns and c in columns[t]:
            columns[t][c] = int(position or 1)
    cur.execute("SELECT cl.relname, att.attname, ref.relname FROM pg_constraint con "
                "JOIN pg_class cl ON cl.oid = con.conrelid JOIN pg_class ref ON ref.oid = con.confrelid "
                "JOIN pg_namespace n ON n.oid = cl.relnamespace "
                "JOIN pg_attribute att ON att.attrelid = con.conrelid AND att.attnum = con.conkey[1] "
                "WHERE con.contype = 'f' AND n.nspname = current_schema() AND cardinality(con.conkey) = 1")
    fks: dict[str, dict[str, str]] = {}
    for t, c, parent in cur.fetchall():
        fks.setdefault(t, {})[c] = parent
    snap_tables = set(_tables(src, "main"))
    return _make_plan(county_tables, snap_tables,
                      lambda t: src.execute(f'SELECT 1 FROM "{t}" LIMIT 1').fetchone() is not None,
                      lambda t: fks.get(t, {}), lambda t: columns.get(t, {}),
                      lambda t: _columns(src, "main", t))


def _server_delete_town(cur, plan: _Plan, town_id: int) -> None:
    cur.execute("SELECT table_name, first_id, last_id FROM town_ranges WHERE town_id = %s", (town_id,))
    ranges = {t: (a, b) for t, a, b in cur.fetchall()}
    for t, col, bounds in _deletions(plan, ranges):
        cur.execute(f'DELETE FROM "{t}" WHERE "{col}" BETWEEN %s AND %s', bounds)
    cur.execute("DELETE FROM town_ranges WHERE town_id = %s", (town_id,))


def _server_copy_town(cur, src: sqlite3.Connection, plan: _Plan, town_id: int, say: Callable[[str], None],
                      town: str) -> dict[str, int]:
    """The copy's rows into the server with COPY (text format: the server reads SQLite's ISO dates, 0/1
    booleans and integer amounts by each column's own type), parents first."""
    offsets = {}
    for t in plan.tables:
        if plan.has_id[t]:
            cur.execute(f'SELECT coalesce(max(id), 0) FROM "{t}"')
            offsets[t] = int(cur.fetchone()[0])
    copied: dict[str, int] = {}
    for t in plan.tables:
        cols = plan.columns[t]
        names = ", ".join(f'"{c}"' for c in cols)
        rows = src.execute(f'SELECT {", ".join(_select_list(plan, t, town_id, offsets))} FROM "{t}"')
        n = 0
        with cur.copy(f'COPY "{t}" ({names}) FROM STDIN') as out:
            for row in rows:
                out.write_row(row)
                n += 1
        copied[t] = n
        if plan.has_id[t] and n:
            first, last = src.execute(f'SELECT min(id), max(id) FROM "{t}"').fetchone()
            cur.execute("INSERT INTO town_ranges (town_id, table_name, first_id, last_id) VALUES (%s, %s, %s, %s)",
                        (town_id, t, first + offsets[t], last + offsets[t]))
            # Explicit ids leave the table's sequence behind: set it past them.
            cur.execute(f"SELECT setval(pg_get_serial_sequence('\"{t}\"', 'id'), %s) "
                        f"WHERE pg_get_serial_sequence('\"{t}\"', 'id') IS NOT NULL", (last + offsets[t],))
        if n >= 1000:  # progress on the big tables of a long merge
            say(f"  {town}：{t} {n} 行")
    return copied


def _merge_on_server(db: Database, copy: VerifiedCopy, say: Callable[[str], None]) -> MergeOutcome:
    """merge_copy into a county database on a PostgreSQL server (see the module docstring)."""
    name = Path(copy.manifest.get("file") or copy.db_file.name).name
    taken_at = str(copy.manifest.get("taken_at") or "")
    sha = str(copy.manifest.get("sha256") or "")
    try:
        src = sqlite3.connect(f"{copy.db_file.absolute().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        raise CountyError("副本无法打开（不是有效的数据库文件），未合并") from None
    try:
        raw = db.engine.raw_connection()
    except Exception as exc:
        src.close()
        raise CountyError(f"合并失败（{storage_reason(exc)}），县级数据库未改动") from None
    pg = raw.driver_connection
    try:
        with pg.cursor() as cur:
            try:
                cur.execute("SELECT pg_advisory_xact_lock(%s)", (_MERGE_LOCK,))
                cur.execute("SELECT id, name, copy_taken_at, copy_sha256 FROM towns WHERE uid = %s", (copy.uid,))
                row = cur.fetchone()
                if row is None:
                    cur.execute("SELECT uid FROM towns WHERE name = %s", (copy.town,))
                    if cur.fetchone() is not None:
                        pg.rollback()
                        return MergeOutcome(name, REFUSED, copy.town,
                                            f"县级数据库中已有另一个“{copy.town}”的数据（来自不同的数据库文件），未合并")
                elif row[3] == sha:
                    pg.rollback()
                    return MergeOutcome(name, UNCHANGED, copy.town, f"与已合并的{row[1]}副本相同，未改动")
                elif taken_at <= row[2]:
                    pg.rollback()
                    return MergeOutcome(name, UNCHANGED, copy.town,
                                        f"比已合并的{row[1]}副本（{row[2]} 导出）旧，未改动")
                plan = _server_plan(cur, src)
                if row is None:
                    cur.execute(
                        "INSERT INTO towns (uid, name, county, copy_taken_at, copy_sha256, copy_revision, merged_at) "
                        "VALUES (%s, %s, %s, %s, %s, %s, %s) RETURNING id",
                        (copy.uid, copy.town, copy.county, taken_at, sha, copy.revision, _now()))
                    town_id, verb = cur.fetchone()[0], "新增"
                else:
                    town_id = row[0]
                    say(f"{copy.town}：删除上次合并的数据……")
                    _server_delete_town(cur, plan, town_id)
                    cur.execute("UPDATE towns SET name = %s, county = %s, copy_taken_at = %s, copy_sha256 = %s, "
                                "copy_revision = %s, merged_at = %s WHERE id = %s",
                                (copy.town, copy.county, taken_at, sha, copy.revision, _now(), town_id))
                    verb = "替换" if row[1] == copy.town else f"替换（原名{row[1]}）"
                say(f"{copy.town}：正在复制……")
                copied = _server_copy_town(cur, src, plan, town_id, say, copy.town)
                pg.commit()
            except BaseException:
                pg.rollback()
                raise
    except CountyError:
        raise
    except (sqlite3.Error, Exception) as exc:
        if not _is_database_failure(exc):
            raise
        raise CountyError(f"合并失败（{_server_reason(exc)}），县级数据库未改动") from None
    finally:
        raw.close()
        src.close()
    households = copied.get("households", 0)
    return MergeOutcome(name, MERGED, copy.town,
                        f"{verb}{copy.town}（{taken_at} 导出，{households} 户，共 {sum(copied.values())} 行）",
                        rows=sum(copied.values()), tables=copied)


def _is_database_failure(exc: BaseException) -> bool:
    return isinstance(exc, sqlite3.Error) or type(exc).__module__.startswith("psycopg")


def _server_reason(exc: BaseException) -> str:
    if isinstance(exc, sqlite3.Error):
        return storage_reason(exc)
    from app.errors import storage_error_message

    if storage_error_message(exc) is not None:
        return storage_reason(exc)
    state = str(getattr(exc, "sqlstate", "") or "")
    if state.startswith("23"):
        return "副本中的记录与县级数据库的约束冲突"
    return f"数据库服务器报错 {state or type(exc).__name__}"


def _server_analyze(db: Database) -> None:
    """Planner statistics of the county database (ANALYZE samples each table)."""
    try:
        raw = db.engine.raw_connection()
    except Exception:
        return
    try:
        pg = raw.driver_connection
        try:
            with pg.cursor() as cur:
                cur.execute("ANALYZE")
            pg.commit()
        except Exception:
            pg.rollback()
    finally:
        raw.close()
