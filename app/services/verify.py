"""Checking a received county copy (SPEC §8 `verify`, the GUI's 核验副本): is the file exactly as it was
exported? No Qt; blocking (hashes and checks the whole file): call it off the GUI thread.

What is compared, against the 清单 (manifest) written beside the copy (and, for an encrypted copy, the one
inside the archive): the 校验码 (SHA-256) and size of the file, the file's own integrity_check, the county-copy
marker and the town in it, the schema revision, the row count of every table, the households and members
在册, and the change history: its hash chain must hold row by row and end where the manifest says it ended.
A copy edited after it was made (a value changed, a row deleted, history rewritten, the manifest altered)
fails with a line per disagreement, in the clerk's words (校验码, 清单; never "SHA-256" or "manifest.json").
The copy is never written: it is read through a read-only connection.
"""

from __future__ import annotations

import json
import sqlite3
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from app import outputs, vocab
from app.db import Database, make_engine

# Tables the clerk knows by name; others are named as they are.
_TABLE_LABELS = {
    "households": "户", "members": "成员", "change_log": "变更记录", "household_tags": "户类型",
    "villages": "村", "settlement_points": "安置点", "cadres": "干部", "units": "单位",
    "problems": "问题台账", "problem_progress": "问题办理进展", "visits": "走访记录",
    "employment_records": "就业台账", "support_records": "兜底保障台账", "housing_records": "住房台账",
    "fund_records": "资金台账", "projects": "项目台账", "activities": "活动台账", "party_records": "党建台账",
    "meetings": "调度会", "meeting_decisions": "调度会决定", "inspections": "督查", "plans": "计划",
    "plan_items": "计划事项", "plan_progress": "计划进展", "attachments": "附件",
    "point_assignments": "安置点包保", "household_assignments": "户包保", "unit_assignments": "单位包保",
    "town_profile": "镇信息", "settings": "设置",
}


@dataclass
class VerifyReport:
    """The outcome: `unreadable` (why the copy could not be read at all: exit 2) or `problems` (what
    disagrees: exit 1); neither means the copy is as exported. `checked` names what was compared."""

    path: Path
    unreadable: str = ""
    problems: list[str] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)
    town: str = ""
    taken_at: str = ""
    households: int | None = None
    members: int | None = None
    encrypted: bool = False

    @property
    def ok(self) -> bool:
        return not self.unreadable and not self.problems


def _label(table: str) -> str:
    return _TABLE_LABELS.get(table, table)


def _read_manifest(path: Path) -> dict | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError):
        return None
    return data if isinstance(data, dict) else None


def _sha256(path: Path) -> str:
    from app.services.snapshot import _sha256 as digest

    return digest(path)


def verify_copy(path: Path, *, password: str | None = None, manifest_path: Path | None = None) -> VerifyReport:
    """Check the county copy at path (a .db, or the encrypted .zip) against its 清单; see the module doc.
    Without the password an encrypted copy is checked from outside only (its 校验码 and 清单)."""
    from app.services.snapshot import manifest_path_for

    path = Path(path)
    report = VerifyReport(path)
    if not path.is_file():
        report.unreadable = f"找不到副本文件：{path}"
        return report
    beside_path = Path(manifest_path) if manifest_path else manifest_path_for(path)
    beside = _read_manifest(beside_path) if beside_path.is_file() else None
    if beside_path.is_file() and beside is None:
        report.problems.append(f"清单文件（{beside_path.name}）无法读取：已损坏或被改动。")
    encrypted = zipfile.is_zipfile(path)
    report.encrypted = encrypted
    if not encrypted:
        try:
            with open(path, "rb") as f:
                is_sqlite = f.read(16) == outputs.SQLITE_MAGIC
        except OSError as exc:
            report.unreadable = f"无法读取副本文件：{path.name}（{exc.strerror or exc}）"
            return report
        if not is_sqlite:
            report.unreadable = f"这不是本软件导出的副本（既不是数据库文件，也不是加密的压缩文件）：{path.name}"
            return report
        if beside is None:
            if not beside_path.is_file():
                report.problems.append(f"找不到清单文件（{beside_path.name}），无法核对；请让对方连同清单一起发送。")
            return report
        _compare_file(report, path, beside)
        return report

    # An encrypted copy: the archive's own 校验码 first, then (with the password) what is inside.
    if beside is not None:
        enc = beside.get("encryption") or {}
        report.checked.append("加密文件校验码")
        if not enc.get("archive_sha256"):
            report.problems.append("清单中没有加密文件的校验码：清单不是这个加密副本的，或已被改动。")
        elif _sha256(path) != enc.get("archive_sha256"):
            report.problems.append("加密文件的校验码与清单不符：文件在导出后被改动或复制不完整。")
    if password is None:
        if beside is None:
            report.unreadable = "这是加密的副本，旁边没有清单；请输入密码后再核验。"
        return report
    with outputs.private_temp("verify") as folder:
        inner, inside = _extract(report, path, password, folder)
        if report.unreadable:
            return report
        if inside is None:
            report.problems.append("加密文件中没有清单：这不是本软件导出的副本，或导出后被改动。")
            inside = beside
        elif beside is not None and _without_encryption(beside) != _without_encryption(inside):
            report.problems.append("加密文件内外的清单不一致：清单在导出后被改动。")
        if inside is None:
            return report
        _compare_file(report, inner, inside)
    return report


def _without_encryption(manifest: dict) -> dict:
    return {k: v for k, v in manifest.items() if k != "encryption"}


def _extract(report: VerifyReport, path: Path, password: str, folder: Path) -> tuple[Path, dict | None]:
    """Unpack the copy and the inner manifest into the private folder; sets report.unreadable on failure."""
    try:
        import pyzipper
    except ImportError:
        report.unreadable = "缺少加密组件（pyzipper），无法打开加密副本；请重新安装本软件。"
        return folder, None
    target = folder / "copy.db"
    try:
        with pyzipper.AESZipFile(path) as z:
            z.setpassword(password.encode("utf-8"))
            names = z.namelist()
            db_names = [n for n in names if n.lower().endswith(".db")]
            if len(db_names) != 1:
                report.unreadable = f"加密文件中找不到副本数据库：{path.name}"
                return target, None
            outputs.create_private_file(target)
            with z.open(db_names[0]) as src, open(target, "wb") as dst:
                while chunk := src.read(1024 * 1024):
                    dst.write(chunk)
            inside = None
            if "manifest.json" in names:
                try:
                    inside = json.loads(z.read("manifest.json").decode("utf-8"))
                except (ValueError, UnicodeDecodeError):
                    report.problems.append("加密文件中的清单无法读取：已损坏或被改动。")
            return target, inside if isinstance(inside, dict) else None
    except RuntimeError:  # pyzipper: a wrong password
        report.unreadable = "密码不对，无法打开加密副本。请向对方核实密码。"
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError):
        report.unreadable = f"加密文件已损坏，无法打开：{path.name}"
    except OSError as exc:
        report.unreadable = f"无法读取加密副本：{path.name}（{exc.strerror or exc}）"
    return target, None


def _compare_file(report: VerifyReport, db_file: Path, manifest: dict) -> None:
    """Compare the plain copy db_file with the manifest; appends to report.problems."""
    problems = report.problems
    report.town = str(manifest.get("town") or "")
    report.taken_at = str(manifest.get("taken_at") or "")
    if manifest.get("format") != "houfu-snapshot":
        problems.append("清单不是本软件导出副本的清单。")
    report.checked += ["校验码", "文件大小"]
    size = db_file.stat().st_size
    if manifest.get("size") != size:
        problems.append(f"副本文件的大小与清单不符（清单 {manifest.get('size')} 字节，文件 {size} 字节）。")
    if _sha256(db_file) != manifest.get("sha256"):
        problems.append("副本文件的校验码与清单不符：文件在导出后被改动或复制不完整。")
    try:
        facts = _read_facts(db_file)
    except sqlite3.DatabaseError:
        problems.append("副本文件已损坏，无法读取其中的数据。")
        return
    report.checked += ["完整性", "导出标记", "镇名", "数据库版本", "各类记录条数", "在册户数和人数", "变更记录"]
    if facts["integrity"]:
        problems.append("副本文件已损坏（完整性检查未通过）：" + "；".join(facts["integrity"][:3]))
    marker = facts["marker"]
    if marker is None:
        problems.append("副本中没有导出标记：这不是本软件导出的副本，或导出后被改动过。")
    elif str(marker.get("town") or "") != str(manifest.get("town") or ""):
        problems.append(f"副本中的镇名（{marker.get('town') or '空'}）与清单（{manifest.get('town') or '空'}）不符。")
    if facts["town"] != str(manifest.get("town") or ""):
        problems.append(f"副本中登记的镇名（{facts['town'] or '空'}）与清单（{manifest.get('town') or '空'}）不符。")
    if facts["revision"] != manifest.get("schema_revision"):
        problems.append(f"副本的数据库版本（{facts['revision']}）与清单（{manifest.get('schema_revision')}）不符。")
    listed = manifest.get("row_counts") or {}
    for table in sorted(set(listed) | set(facts["counts"])):
        expected, actual = listed.get(table), facts["counts"].get(table)
        if expected != actual:
            problems.append(f"{_label(table)}的条数与清单不符（清单 {_n(expected)}，副本 {_n(actual)}）。")
    active = manifest.get("active") or {}
    report.households, report.members = facts["active"]["households"], facts["active"]["members"]
    for key, word in (("households", "在册户数"), ("members", "在册人数")):
        if active.get(key) != facts["active"][key]:
            problems.append(f"{word}与清单不符（清单 {_n(active.get(key))}，副本 {facts['active'][key]}）。")
    problems.extend(_history(db_file, manifest, facts))


def _n(value) -> str:
    return "无" if value is None else str(value)


def _read_facts(db_file: Path) -> dict:
    """What the copy holds, read without writing anything to it."""
    con = sqlite3.connect(f"file:{db_file.as_posix()}?mode=ro", uri=True)
    try:
        rows = [r[0] for r in con.execute("PRAGMA integrity_check")]
        integrity = [] if rows == ["ok"] else rows
        tables = [r[0] for r in con.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        counts = {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
        revision = None
        if "alembic_version" in tables:
            row = con.execute("SELECT version_num FROM alembic_version").fetchone()
            revision = row[0] if row else None
        marker = None
        if "settings" in tables:
            from app.db import SNAPSHOT_SETTING

            row = con.execute("SELECT value FROM settings WHERE key = ?", (SNAPSHOT_SETTING,)).fetchone()
            if row is not None:
                try:
                    marker = json.loads(row[0] or "{}")
                except ValueError:
                    marker = {}
                marker = marker if isinstance(marker, dict) else {}
        town = ""
        if "town_profile" in tables:
            row = con.execute("SELECT town_name FROM town_profile WHERE id = 1").fetchone()
            town = (row[0] or "") if row else ""
        active = {"households": 0, "members": 0}
        if "households" in tables:
            active["households"] = con.execute("SELECT count(*) FROM households WHERE status = ?",
                                               (vocab.HOUSEHOLD_ACTIVE,)).fetchone()[0]
        if "members" in tables:
            active["members"] = con.execute("SELECT count(*) FROM members WHERE status = ?",
                                            (vocab.MEMBER_ACTIVE,)).fetchone()[0]
        last_hash = ""
        if "change_log" in tables:
            row = con.execute("SELECT row_hash FROM change_log ORDER BY id DESC LIMIT 1").fetchone()
            last_hash = row[0] if row else ""
    finally:
        con.close()
    return {"integrity": integrity, "counts": counts, "revision": revision, "marker": marker, "town": town,
            "active": active, "last_hash": last_hash}


def _history(db_file: Path, manifest: dict, facts: dict) -> list[str]:
    """The change history: every link of the hash chain holds, and the chain ends where the manifest says."""
    from app.services.history import verify_chain

    problems: list[str] = []
    expected = manifest.get("history")
    rows = facts["counts"].get("change_log", 0)
    if isinstance(expected, dict):
        if expected.get("rows") != rows or (expected.get("last_hash") or "") != facts["last_hash"]:
            problems.append(f"变更记录与清单不符（清单 {_n(expected.get('rows'))} 条，副本 {rows} 条）："
                            "变更记录在导出后被删改。")
    engine = make_engine(db_file, readonly=True)
    try:
        broken = verify_chain(Database(path=db_file, engine=engine, readonly=True))
    except Exception:
        broken = ["变更记录无法读取，无法核对。"]
    finally:
        engine.dispose()
    if broken:
        problems.append(broken[0].rstrip("。") + (f"，共 {len(broken)} 处。" if len(broken) > 1 else "。"))
    return problems
