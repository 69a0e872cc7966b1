"""Backups of the database file (SPEC §8): automatic rotating backups, a manual backup, and restore.

Backups are consistent single-file copies made with SQLite's backup API (never a file copy of a live
database), kept in the folder beside the database (config.backup_dir), named
``<stem>-<YYYYmmdd-HHMMSS>-<kind>.db``. Restoring checks the chosen file first (ours, sound, not from a
newer version) and keeps the current file as a backup before replacing it; it refuses while any other process
(or another handle of this one) has the database open (app.dblock's open lock). No Qt here.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from app import config, dblock, outputs, vocab
from app.db import (
    NOT_SQLITE,
    OURS,
    SNAPSHOT_SETTING,
    Database,
    DatabaseError,
    backup_file,
    file_kind,
    known_revisions,
    make_engine,
    snapshot_marker,
)
from app.errors import Refused, storage_reason

KIND_AUTO = "自动"
KIND_MANUAL = "手动"
KIND_UPGRADE = "升级前"
KIND_RESTORE = "恢复前"
KIND_DAMAGED = "恢复前损坏"  # the current file moved aside as it was, because it could not be read
KIND_IMPORT = "导入前"  # taken by every import that writes (SPEC §5)

KEEP_RECENT_AUTO = 10  # the newest automatic backups, whatever their age
KEEP_MONTHLY_AUTO = 12  # plus the newest automatic backup of each of the last 12 calendar months
KEEP_OTHER = 5  # of each of 升级前 / 恢复前 / 恢复前损坏; manual backups are never removed automatically
KEEP_IMPORT = 10  # 导入前: the newest ten, so that the last imports of a busy day can each be undone
AUTO_INTERVAL = dt.timedelta(hours=24)

_NAME = re.compile(r"-(\d{8}-\d{6})-([^-/\\]+?)(?:-(\d+))?\.db$")


class RestoreRefused(Refused, DatabaseError):
    """The chosen file cannot be used to restore; the message says why, in Chinese. Nothing was changed."""


@dataclass(frozen=True, slots=True)
class BackupInfo:
    """One backup file: where, when it was taken, which kind (自动/手动/升级前/恢复前), its size in bytes."""

    path: Path
    taken_at: dt.datetime
    kind: str
    size: int


def backup_folder(db_path: Path) -> Path:
    """The folder that holds the backups of db_path."""
    return config.backup_dir(Path(db_path))


def _parse(path: Path, stem: str) -> BackupInfo | None:
    if not path.name.startswith(f"{stem}-"):
        return None
    m = _NAME.search(path.name[len(stem):])
    if not m:
        return None
    try:
        taken = dt.datetime.strptime(m.group(1), "%Y%m%d-%H%M%S")
        size = path.stat().st_size
    except (ValueError, OSError):
        return None
    return BackupInfo(path, taken, m.group(2), size)


def list_backups(db_path: Path) -> list[BackupInfo]:
    """The backups of db_path, newest first."""
    db_path = Path(db_path)
    folder = backup_folder(db_path)
    if not folder.is_dir():
        return []
    found = [b for p in folder.glob("*.db") if (b := _parse(p, db_path.stem)) is not None]
    return sorted(found, key=_order, reverse=True)


def _order(b: BackupInfo) -> tuple:
    m = _NAME.search(b.path.name)
    return b.taken_at, int(m.group(3) or 1) if m else 0


def _finish_copy(path: Path) -> None:
    """Make a fresh copy a self-contained single file (rollback journal, not WAL) and flush it to disk."""
    con = sqlite3.connect(path, isolation_level=None)
    try:
        con.execute("PRAGMA journal_mode=DELETE")
    finally:
        con.close()
    with open(path, "rb+") as f:
        os.fsync(f.fileno())


def make_backup(db: Database, kind: str = KIND_MANUAL) -> BackupInfo:
    """Take a consistent backup of the open database now (safe while the app works); prunes old automatic
    backups afterwards. Runs on any thread. Raises DatabaseError with a Chinese message on failure."""
    try:
        path = backup_file(db.engine, db.path, kind)
        _finish_copy(path)
    except sqlite3.Error as exc:
        raise DatabaseError(f"备份失败：{_sqlite_reason(exc)}") from exc
    except OSError as exc:
        raise DatabaseError(f"备份失败，无法写入备份文件夹 {backup_folder(db.path)}（{exc.strerror or exc}）") from exc
    prune(db.path)
    info = _parse(path, db.path.stem)
    assert info is not None
    return info


def last_automatic(db_path: Path) -> BackupInfo | None:
    return next((b for b in list_backups(db_path) if b.kind == KIND_AUTO), None)


def auto_backup(db: Database, *, min_interval: dt.timedelta = dt.timedelta(hours=1),
                now: dt.datetime | None = None) -> BackupInfo | None:
    """An automatic backup unless one was taken within min_interval (call on open with the default, and
    periodically with AUTO_INTERVAL for the daily one). None when skipped or the database is read-only."""
    if db.readonly:
        return None
    now = now or dt.datetime.now()
    last = last_automatic(db.path)
    if last is not None and dt.timedelta(0) <= now - last.taken_at < min_interval:
        return None
    return make_backup(db, KIND_AUTO)


def to_remove(backups: list[BackupInfo]) -> list[BackupInfo]:
    """Which backups the rotation drops: automatic ones beyond the newest 10 that are not the newest of one
    of the 12 most recent months that have backups, 升级前/恢复前 copies beyond the newest 5 of each kind, and 导入前 copies beyond the newest 10."""
    keep: set[Path] = set()
    autos = sorted((b for b in backups if b.kind == KIND_AUTO), key=lambda b: b.taken_at, reverse=True)
    keep.update(b.path for b in autos[:KEEP_RECENT_AUTO])
    months: dict[tuple[int, int], BackupInfo] = {}
    for b in autos:
        months.setdefault((b.taken_at.year, b.taken_at.month), b)
    for key in sorted(months, reverse=True)[:KEEP_MONTHLY_AUTO]:
        keep.add(months[key].path)
    for kind in (KIND_UPGRADE, KIND_RESTORE, KIND_DAMAGED):
        same = sorted((b for b in backups if b.kind == kind), key=lambda b: b.taken_at, reverse=True)
        keep.update(b.path for b in same[:KEEP_OTHER])
    imports = sorted((b for b in backups if b.kind == KIND_IMPORT), key=lambda b: b.taken_at, reverse=True)
    keep.update(b.path for b in imports[:KEEP_IMPORT])
    managed = {KIND_AUTO, KIND_UPGRADE, KIND_RESTORE, KIND_DAMAGED, KIND_IMPORT}
    return [b for b in backups if b.kind in managed and b.path not in keep]


def prune(db_path: Path) -> list[Path]:
    """Apply the rotation to the backup folder; returns the files removed."""
    removed = []
    for b in to_remove(list_backups(db_path)):
        for extra in (b.path, Path(f"{b.path}-wal"), Path(f"{b.path}-shm"), Path(f"{b.path}-journal")):
            try:
                extra.unlink(missing_ok=True)
            except OSError:
                continue
        removed.append(b.path)
    return removed


# -------------------------------------------------------------------------------------------- restoring


@dataclass(frozen=True, slots=True)
class RestoreCandidate:
    """A file that passed the checks and can replace the database: what it holds, for the clerk to confirm."""

    path: Path
    town: str
    households: int
    members: int
    revision: str
    is_snapshot: bool
    modified: dt.datetime


@dataclass(frozen=True, slots=True)
class RestoreResult:
    """What restore did: the file restored from, and where the replaced file was kept (None: there was none)."""

    candidate: RestoreCandidate
    kept: Path | None


def _sqlite_reason(exc: BaseException) -> str:
    return storage_reason(exc)


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def inspect_file(source: Path, current: Path | None = None) -> RestoreCandidate:
    """Check that source can restore the database: it is our database, passes integrity_check and is not
    from a newer version. Raises RestoreRefused with the reason in Chinese."""
    source = Path(source)
    if not source.is_file():
        raise RestoreRefused(f"找不到所选文件：{source}")
    if current is not None and _same_file(source, Path(current)):
        raise RestoreRefused("所选文件就是正在使用的数据库，不能用它恢复。")
    try:
        kind = file_kind(source)
    except OSError as exc:
        raise RestoreRefused(f"无法读取所选文件：{source}（{exc.strerror or exc}）") from exc
    if kind == NOT_SQLITE:
        raise RestoreRefused(f"所选文件不是有效的数据库文件（已损坏或不是本软件的数据库）：{source.name}")
    if kind != OURS:
        raise RestoreRefused(f"所选文件不是本软件的数据库：{source.name}")
    from app.db import integrity_check

    engine = make_engine(source, readonly=True)
    try:
        try:
            problems = integrity_check(engine)
        except Exception as exc:
            raise RestoreRefused(f"所选文件已损坏，无法读取，不能用来恢复：{source.name}") from exc
        if problems:
            raise RestoreRefused(f"所选文件已损坏（完整性检查未通过），不能用来恢复：{source.name}")
        with engine.connect() as conn:
            tables = {r[0] for r in conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type='table'")}
            row = conn.exec_driver_sql("SELECT version_num FROM alembic_version").first() \
                if "alembic_version" in tables else None
            revision = row[0] if row else ""
            if revision not in known_revisions():
                raise RestoreRefused("所选文件由更新版本的软件创建（或版本无法识别），本软件不能用它恢复。请先升级软件。")
            town = ""
            if "town_profile" in tables:
                town = (conn.exec_driver_sql("SELECT town_name FROM town_profile WHERE id = 1").scalar() or "")
            households = members = 0
            if "households" in tables:
                households = conn.exec_driver_sql(
                    "SELECT count(*) FROM households WHERE status = ?", (vocab.HOUSEHOLD_ACTIVE,)).scalar()
                members = conn.exec_driver_sql(
                    "SELECT count(*) FROM members WHERE status = ?", (vocab.MEMBER_ACTIVE,)).scalar()
        is_snapshot = snapshot_marker(engine) is not None
    except RestoreRefused:
        raise
    except Exception as exc:
        raise RestoreRefused(f"所选文件无法读取，不能用来恢复：{source.name}") from exc
    finally:
        engine.dispose()
    m = _NAME.search(source.name)
    taken = dt.datetime.strptime(m.group(1), "%Y%m%d-%H%M%S") if m else None
    modified = taken if taken else dt.datetime.fromtimestamp(source.stat().st_mtime).replace(microsecond=0)
    return RestoreCandidate(source, town, households, members, revision, is_snapshot, modified)


def _keep_current(db_path: Path) -> Path:
    """Keep the current file as a 恢复前 backup (a consistent copy including its write-ahead log); when it
    cannot be read at all, move it (and its log) aside unchanged instead."""
    folder = backup_folder(db_path)
    folder.mkdir(mode=outputs.PRIVATE_DIR, parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    try:
        engine = make_engine(db_path)
        try:
            path = backup_file(engine, db_path, KIND_RESTORE)
        finally:
            engine.dispose()
        _finish_copy(path)
        return path
    except Exception:
        target = folder / f"{db_path.stem}-{stamp}-{KIND_DAMAGED}.db"
        n = 1
        while target.exists():
            n += 1
            target = folder / f"{db_path.stem}-{stamp}-{KIND_DAMAGED}-{n}.db"
        os.replace(db_path, target)
        for suffix in ("-wal", "-shm"):
            side = Path(f"{db_path}{suffix}")
            if side.exists():
                os.replace(side, Path(f"{target}{suffix}"))
        return target


def restore(db_path: Path, source: Path) -> RestoreResult:
    """Replace the database at db_path by the chosen backup, after checking it (inspect_file) and keeping the
    current file as a backup. The database must not be open (close it first; reopen after). A county copy
    (snapshot) restored this way becomes a working file again. Raises RestoreRefused (nothing changed)."""
    db_path = Path(db_path)
    candidate = inspect_file(source, db_path)
    # Nobody may have the file open while it is replaced: a process still writing into the old file would
    # lose its work while reporting success. The exclusive open lock also keeps others from opening it until
    # the restored file is in place.
    try:
        sole = dblock.hold_sole(db_path)
    except dblock.LockBusy as exc:
        raise RestoreRefused(str(exc)) from None
    try:
        return _replace(db_path, source, candidate)
    finally:
        if sole is not None:
            sole.release()


def _replace(db_path: Path, source: Path, candidate: RestoreCandidate) -> RestoreResult:
    tmp = db_path.with_name(f".{db_path.name}.restore-tmp")
    try:
        src = sqlite3.connect(f"file:{Path(source).as_posix()}?mode=ro", uri=True)
        outputs.create_private_file(tmp)  # the restored database is the owner's only (0600)
        dest = sqlite3.connect(tmp, isolation_level=None)
        try:
            src.backup(dest)
            dest.execute("PRAGMA secure_delete=ON")
            if candidate.is_snapshot:
                dest.execute("DELETE FROM settings WHERE key = ?", (SNAPSHOT_SETTING,))
            dest.execute("PRAGMA journal_mode=DELETE")
            if dest.execute("PRAGMA quick_check(1)").fetchone()[0] != "ok":
                raise RestoreRefused("复制所选文件时校验未通过，未做任何修改。")
        finally:
            dest.close()
            src.close()
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        kept = _keep_current(db_path) if db_path.exists() else None
        # The replaced file's write-ahead log belongs to it, not to the restored file: it must go first
        # (its content is in the backup just taken).
        for suffix in ("-wal", "-shm", "-journal"):
            Path(f"{db_path}{suffix}").unlink(missing_ok=True)
        os.replace(tmp, db_path)
    except RestoreRefused:
        raise
    except sqlite3.Error as exc:
        raise RestoreRefused(f"恢复失败（{_sqlite_reason(exc)}），数据库没有被替换。") from exc
    except OSError as exc:
        raise RestoreRefused(f"恢复失败（{exc.strerror or exc}），数据库没有被替换。") from exc
    finally:
        tmp.unlink(missing_ok=True)
    prune(db_path)
    return RestoreResult(candidate, kept)
    return True
