"""The county copy (SPEC §8 `snapshot`, the GUI's 导出给县局): a consistent, verified copy of the database
that opens read-only anywhere, with a manifest beside it, optionally in a password-protected archive.

How it is made, and why:
- VACUUM INTO from a connection of the running app: one read transaction, so the copy is consistent while
  the clerk keeps editing; it writes only live pages, so nothing deleted earlier travels to the county.
- The copy is marked (settings row app.db.SNAPSHOT_SETTING), so that `open_database` always opens it
  read-only and says why; it is set to journal_mode=DELETE, so it is one self-contained file that opens from a
  read-only USB stick; the app password (a setting of the town's PC) is left out.
- PRAGMA integrity_check and foreign_key_check on the copy, and its SHA-256, before it is published; the
  output appears under its final name only when complete (write then rename).
- With a password the result is a standard zip with AES-256 encryption (WinZip AE-2, via pyzipper): the
  county opens it with 7-Zip, WinRAR, Bandizip or 360压缩, which every county office has, with no software
  of ours; the older ZipCrypto is breakable and Windows Explorer opens neither. The plain copy is then made
  in a private temporary folder (0700, never beside the database or on the USB stick) and removed with it
  as soon as the archive is written, whatever happens; a killed export's folder goes at the next start.
- Both files go through the output guard (app.outputs): never over the database, its backups or a working
  database; temporary file in the destination folder, fsync, rename; owner-only (0600).

The manifest (``OUT.manifest.json``) holds the town, the date, the app and schema versions, the row count of
every table, the size and SHA-256, and the length and last link of the change history's hash chain: counts
and names of places only, never a person's data. `app.services.verify` checks a received copy against it.
No Qt here.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import sqlite3
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import text

from app import __version__, outputs, vocab
from app.db import (
    OURS,
    SNAPSHOT_SETTING,
    Database,
    DatabaseError,
    file_kind,
    integrity_check,
    make_engine,
    snapshot_marker,
)
from app.errors import storage_reason
from app.services.privacy import MIN_PASSWORD_LENGTH, PASSWORD_SETTING

MANIFEST_SUFFIX = ".manifest.json"
ENCRYPTION_NAME = "AES-256（WinZip AE-2 标准 zip 加密，可用 7-Zip、WinRAR、Bandizip、360压缩 打开）"
_TEMP_PREFIX = ".houfu-snapshot-"
_STALE_TEMP_SECONDS = 3600


class SnapshotError(DatabaseError):
    """The copy could not be made; the message says why in Chinese; nothing was left at the destination."""


@dataclass(frozen=True, slots=True)
class SnapshotResult:
    """The file written (a .db, or a zip when a password was given), its manifest, and the seconds taken."""

    path: Path
    manifest_path: Path
    manifest: dict
    seconds: float


def manifest_path_for(out: Path) -> Path:
    return Path(out).with_name(Path(out).name + MANIFEST_SUFFIX)


def default_name(town: str, encrypted: bool, today: dt.date | None = None) -> str:
    """A file name for the county copy: 清江镇-县局副本-20261129.db (.zip when encrypted)."""
    today = today or dt.date.today()
    stem = f"{(town or '台账').strip()}-县局副本-{today:%Y%m%d}"
    return stem + (".zip" if encrypted else ".db")


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1024 * 1024):
            h.update(chunk)
    return h.hexdigest()


def _check_destination(db: Database, out: Path, password: str | None) -> None:
    if password is not None and len(password) < MIN_PASSWORD_LENGTH:
        raise SnapshotError(f"加密密码至少需要 {MIN_PASSWORD_LENGTH} 个字符。")
    try:
        outputs.check_target(out, databases=[db.path], allow_sqlite=True)
        outputs.check_target(manifest_path_for(out), databases=[db.path])
    except outputs.OutputError as exc:
        raise SnapshotError(str(exc)) from None
    if out.exists():
        try:
            ours = file_kind(out) == OURS
        except OSError:
            ours = False
        if ours:
            engine = make_engine(out, readonly=True)
            try:
                is_copy = snapshot_marker(engine) is not None
            except Exception:
                is_copy = False
            finally:
                engine.dispose()
            if not is_copy:
                raise SnapshotError(f"目标文件是一个台账数据库（不是导出的副本），不会覆盖它：{out}")


def remove_leftovers(folder: Path) -> list[Path]:
    """Delete plain temporary copies that an export killed mid-way left in folder (its process is gone, or the
    file is over an hour old; earlier versions made them beside the database), and the private temporary
    folders of killed exports; returns what was removed. Called when the page opens."""
    from app.outputs import pid_alive

    removed = outputs.remove_stale_private_dirs()
    for stale in Path(folder).glob(f"{_TEMP_PREFIX}*.tmp"):
        try:
            pid = int(stale.name[len(_TEMP_PREFIX):].split("-")[0])
        except ValueError:
            pid = 0
        try:
            abandoned = pid != os.getpid() and not pid_alive(pid)
            if abandoned or time.time() - stale.stat().st_mtime > _STALE_TEMP_SECONDS:
                stale.unlink()
                removed.append(stale)
        except OSError:
            pass
    return removed


def _mark_copy(path: Path, marker: dict) -> dict:
    """Mark the fresh copy as a county copy, drop the app password, make it one file; returns its facts."""
    con = sqlite3.connect(path, isolation_level=None)
    try:
        con.execute("PRAGMA secure_delete=ON")
        con.execute("BEGIN IMMEDIATE")
        con.execute("INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)",
                    (SNAPSHOT_SETTING, json.dumps(marker, ensure_ascii=False)))
        con.execute("DELETE FROM settings WHERE key = ?", (PASSWORD_SETTING,))
        con.execute("COMMIT")
        con.execute("PRAGMA journal_mode=DELETE")
        tables = [r[0] for r in con.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        counts = {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
        last = con.execute("SELECT row_hash FROM change_log ORDER BY id DESC LIMIT 1").fetchone()
        chain = {"rows": counts.get("change_log", 0), "last_hash": last[0] if last else ""}
        revision = con.execute("SELECT version_num FROM alembic_version").fetchone()[0]
        active = {
            "households": con.execute("SELECT count(*) FROM households WHERE status = ?",
                                      (vocab.HOUSEHOLD_ACTIVE,)).fetchone()[0],
            "members": con.execute("SELECT count(*) FROM members WHERE status = ?",
                                   (vocab.MEMBER_ACTIVE,)).fetchone()[0],
        }
        journal = con.execute("PRAGMA journal_mode").fetchone()[0]
    finally:
        con.close()
    return {"counts": counts, "revision": revision, "active": active, "journal_mode": journal, "history": chain}


def _integrity(path: Path) -> list[str]:
    engine = make_engine(path, readonly=True)
    try:
        return integrity_check(engine)
    finally:
        engine.dispose()


def _zip(plain: Path, inner_name: str, manifest_future, target: Path, password: str) -> None:
    """Write the AES-256 zip of the plain copy and the manifest to target (the guard's temporary file)."""
    try:
        import pyzipper
    except ImportError as exc:  # a broken installation, not the clerk's doing
        raise SnapshotError("缺少加密组件（pyzipper），无法导出加密副本；请重新安装本软件。") from exc
    import zipfile

    with pyzipper.AESZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        z.setpassword(password.encode("utf-8"))
        z.setencryption(pyzipper.WZ_AES, nbits=256)
        z.write(plain, inner_name)
        z.writestr("manifest.json", json.dumps(manifest_future(), ensure_ascii=False, indent=2))


def take_snapshot(db: Database, out: Path, *, password: str | None = None,
                  progress: Callable[[str], None] | None = None) -> SnapshotResult:
    """Write the county copy of db to out (a .db, or an AES-256 zip when password is given) and its manifest
    beside it; safe while the app is writing. Blocking, several seconds at county size: call it off the GUI
    thread. Raises SnapshotError (Chinese message; nothing left at out) when it cannot."""
    started = time.perf_counter()
    say = progress or (lambda _text: None)
    out = Path(out).absolute()
    _check_destination(db, out, password)
    encrypted = password is not None
    manifest_file = manifest_path_for(out)
    taken_at = dt.datetime.now().replace(microsecond=0)
    if encrypted:
        remove_leftovers(db.path.parent)  # plain copies an earlier version, killed mid-way, left there
    private = outputs.private_dir("snapshot") if encrypted else None
    try:
        with outputs.replacing_path(out, databases=[db.path], allow_sqlite=True) as partial:
            plain = private / "copy.db" if private is not None else partial
            if private is not None:
                outputs.create_private_file(plain)
            manifest = _make_copy(db, plain, out, encrypted, taken_at, partial, password, say)
            # The 清单 goes first; if it cannot be written the copy is dropped too and an earlier pair stays.
            outputs.write_bytes(manifest_file, (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")
                                .encode("utf-8"), databases=[db.path])
    except SnapshotError:
        raise
    except outputs.OutputError as exc:
        raise SnapshotError(f"导出失败：{exc}") from None
    except (sqlite3.Error, DatabaseError) as exc:
        raise SnapshotError(f"导出失败：{_reason(exc)}。未生成副本。") from exc
    except OSError as exc:
        raise SnapshotError(f"导出失败，无法写入 {out.parent}（{exc.strerror or exc}）。未生成副本。") from exc
    finally:
        if private is not None:
            outputs.remove_private_dir(private)
    say("完成")
    return SnapshotResult(out, manifest_file, manifest, time.perf_counter() - started)


def _make_copy(db: Database, plain: Path, out: Path, encrypted: bool, taken_at: dt.datetime, partial: Path,
               password: str | None, say: Callable[[str], None]) -> dict:
    """Copy db into plain (VACUUM INTO), mark, check and hash it; zip it into partial when encrypted.
    Returns the manifest."""
    say("正在复制数据库……")
    with db.read() as s:
        town = s.execute(text(
            "SELECT town_name, county_name, station_name FROM town_profile WHERE id = 1")).first()
    town_name, county_name, station = (town or ("", "", ""))
    raw = db.engine.raw_connection()
    try:
        raw.driver_connection.execute("VACUUM INTO ?", (str(plain),))
    finally:
        raw.close()
    facts = _mark_copy(plain, {"town": town_name, "county": county_name,
                               "taken_at": taken_at.isoformat(sep=" "), "app_version": __version__})
    size = plain.stat().st_size
    inner_name = (out.stem if encrypted else out.name)
    inner_name = inner_name if inner_name.endswith(".db") else inner_name + ".db"

    manifest = {
        "说明": "搬迁群众后续扶持台账 导出给县局的副本。用本软件打开时只能查看；文件的 SHA-256 应与下面一致。",
        "format": "houfu-snapshot",
        "manifest_version": 2,
        "town": town_name or "",
        "county": county_name or "",
        "station": station or "",
        "taken_at": taken_at.isoformat(sep=" "),
        "app_version": __version__,
        "schema_revision": facts["revision"],
        "file": inner_name,
        "size": size,
        "sha256": "",
        "integrity": "",
        "journal_mode": facts["journal_mode"],
        "active": facts["active"],
        "row_counts": facts["counts"],
        "history": facts["history"],
        "encryption": None,
    }
    say("正在校验副本……" if not encrypted else "正在校验并加密副本……")
    with ThreadPoolExecutor(max_workers=3) as pool:
        checking = pool.submit(_integrity, plain)
        hashing = pool.submit(_sha256, plain)

        def manifest_inside() -> dict:
            return {**manifest, "sha256": hashing.result(), "integrity": "ok"}

        zipping = pool.submit(_zip, plain, inner_name, manifest_inside, partial, password) if encrypted else None
        problems = checking.result()
        digest = hashing.result()
        if zipping is not None:
            zipping.result()
    if problems:
        raise SnapshotError("导出的副本没有通过完整性检查，未导出。数据库文件可能已损坏，"
                            "请运行“检查”，必要时从备份恢复。")
    manifest["sha256"] = digest
    manifest["integrity"] = "ok"
    if encrypted:
        manifest["encryption"] = {"method": ENCRYPTION_NAME, "archive": out.name,
                                  "archive_sha256": _sha256(partial), "archive_size": partial.stat().st_size}
    return manifest


def _reason(exc: BaseException) -> str:
    text = str(exc)
    if isinstance(exc, DatabaseError):
        return text.rstrip("。")
    return storage_reason(exc)


def verify_snapshot(path: Path, manifest_path: Path | None = None, password: str | None = None) -> list[str]:
    """Disagreements between a county copy and its manifest, in the clerk's words (an empty list: the file is
    as exported). Without the password an encrypted copy is checked from outside only. See
    `app.services.verify.verify_copy` for the full report."""
    from app.services.verify import verify_copy

    report = verify_copy(path, password=password, manifest_path=manifest_path)
    return ([report.unreadable] if report.unreadable else []) + report.problems
