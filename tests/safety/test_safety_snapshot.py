"""导出给县局 / `snapshot OUT` (SPEC §8): a consistent, verified copy taken while the app writes, with a manifest,
optionally in an AES-256 zip; the county opens it read-only."""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import subprocess
import threading
import time
from pathlib import Path

import pytest
import pyzipper
from safety_helpers import ID_PATTERN, family, file_digest, make_archive

from app.cli import main
from app.db import SNAPSHOT_READONLY_REASON, DatabaseError, integrity_check, open_database
from app.services import privacy, snapshot
from app.services.households import HouseholdData, save_household
from app.services.stats import stats


def cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_snapshot_while_writing_is_consistent_and_opens_read_only(tmp_path):
    """A snapshot taken during saves is sound, matches its manifest and opens read-only with the same counts."""
    db, ids = make_archive(tmp_path / "town.db", households=5)
    stop = threading.Event()
    saved = []

    def keep_saving() -> None:
        n = 100
        while not stop.is_set():
            n += 1
            data = HouseholdData(village_id=None, housing_status="租住", members=family(f"赵{n}", n))
            saved.append(save_household(db, data).household_id)

    writer = threading.Thread(target=keep_saving)
    writer.start()
    try:
        while len(saved) < 3:
            time.sleep(0.001)
        result = snapshot.take_snapshot(db, tmp_path / "县局副本.db")
    finally:
        stop.set()
        writer.join()
    m = result.manifest
    assert result.path.exists() and result.manifest_path == tmp_path / "县局副本.db.manifest.json"
    assert json.loads(result.manifest_path.read_text(encoding="utf-8")) == m
    assert m["sha256"] == file_digest(result.path) and m["size"] == result.path.stat().st_size
    assert snapshot.verify_snapshot(result.path) == []
    assert m["integrity"] == "ok" and m["town"] == "清江镇" and m["county"] == "某县"
    assert m["schema_revision"] and m["app_version"] and m["taken_at"]
    assert m["journal_mode"] == "delete"
    assert not Path(f"{result.path}-wal").exists()

    copy = open_database(result.path)
    try:
        assert copy.readonly and copy.readonly_reason.startswith("这是导出给县局的副本")
        assert "只能查看" in copy.readonly_reason
        with pytest.raises(DatabaseError, match="导出给县局的副本"), copy.write():
            pass
        assert integrity_check(copy.engine) == []
        got = stats(copy)
        assert got["households"] == m["active"]["households"] == m["row_counts"]["households"]
        assert got["members"] == m["active"]["members"]
        assert 5 + 3 <= got["households"] <= 5 + len(saved)
        con = sqlite3.connect(f"file:{result.path}?mode=ro", uri=True)
        for table, n in m["row_counts"].items():
            assert con.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0] == n
        con.close()
    finally:
        copy.close()
    db.close()
    # The copy's bytes were not changed by being opened and read.
    assert file_digest(result.path) == m["sha256"]


def test_snapshot_opens_from_a_read_only_folder(tmp_path):
    """The county copy opens read-only from a read-only folder (a write-protected USB stick)."""
    db, _ids = make_archive(tmp_path / "town.db")
    stick = tmp_path / "U盘"
    stick.mkdir()
    result = snapshot.take_snapshot(db, stick / "copy.db")
    db.close()
    result.path.chmod(0o444)
    stick.chmod(0o555)
    try:
        copy = open_database(result.path)
        assert copy.readonly and stats(copy)["households"] == 3
        copy.close()
        assert sorted(p.name for p in stick.iterdir()) == ["copy.db", "copy.db.manifest.json"]
    finally:
        stick.chmod(0o755)


def test_manifest_and_output_never_show_id_numbers(tmp_path, capsys):
    """Neither the manifest nor what `snapshot` prints contains a resident ID number."""
    path = tmp_path / "town.db"
    db, _ids = make_archive(path)
    db.close()
    code, out, err = cli(capsys, "--db", str(path), "snapshot", str(tmp_path / "c.db"))
    assert code == 0, err
    manifest = (tmp_path / "c.db.manifest.json").read_text(encoding="utf-8")
    ids = [m.id_number for i in range(3) for m in family("x", i + 1)]
    for text in (manifest, out, err):
        assert not re.search(ID_PATTERN, text)
        assert not [n for n in ids if n in text]
    assert "已导出县局副本" in out and "SHA-256" in out
    code, out, _err = cli(capsys, "--db", str(path), "snapshot", str(tmp_path / "d.db"), "--json")
    assert code == 0 and json.loads(out)["active"]["households"] == 3 and not re.search(ID_PATTERN, out)


def test_encrypted_snapshot_is_a_standard_aes_zip_and_leaves_no_plain_copy(tmp_path, monkeypatch, capsys):
    """With a password the copy is an AES-256 zip needing it, and no plain copy is left on disk."""
    path = tmp_path / "data" / "town.db"
    path.parent.mkdir()
    db, _ids = make_archive(path)
    db.close()
    out_dir = tmp_path / "U盘"
    out_dir.mkdir()
    monkeypatch.setenv("HOUFU_SNAPSHOT_PASSWORD", "县局密码2026")
    code, out, err = cli(capsys, "--db", str(path), "snapshot", "--encrypt", str(out_dir / "清江镇.zip"))
    assert code == 0, err
    assert "已加密" in out
    manifest = json.loads((out_dir / "清江镇.zip.manifest.json").read_text(encoding="utf-8"))
    assert manifest["encryption"]["archive_sha256"] == file_digest(out_dir / "清江镇.zip")
    assert snapshot.verify_snapshot(out_dir / "清江镇.zip") == []
    assert sorted(p.name for p in out_dir.iterdir()) == ["清江镇.zip", "清江镇.zip.manifest.json"]
    assert sorted(p.name for p in path.parent.iterdir() if not p.name.startswith("town")) == []
    with pyzipper.AESZipFile(out_dir / "清江镇.zip") as z:
        info = z.getinfo("清江镇.db")
        assert info.flag_bits & 0x1  # encrypted
        with pytest.raises(RuntimeError):
            z.read("清江镇.db")  # no password
        z.setpassword("县局密码2026".encode())
        inner = z.read("清江镇.db")
        inside = json.loads(z.read("manifest.json"))
    import hashlib

    assert hashlib.sha256(inner).hexdigest() == manifest["sha256"] == inside["sha256"]
    extracted = tmp_path / "extracted.db"
    extracted.write_bytes(inner)
    copy = open_database(extracted)
    assert copy.readonly and stats(copy)["households"] == 3
    copy.close()


@pytest.mark.skipif(shutil.which("7zz") is None and shutil.which("7z") is None, reason="7-Zip not installed")
def test_encrypted_snapshot_opens_with_7zip(tmp_path):
    """7-Zip, as on the county's PC, extracts the encrypted copy with the password, byte for byte."""
    db, _ids = make_archive(tmp_path / "town.db")
    result = snapshot.take_snapshot(db, tmp_path / "c.zip", password="secret-2026")
    db.close()
    seven = shutil.which("7zz") or shutil.which("7z")
    target = tmp_path / "x"
    run = subprocess.run([seven, "x", "-psecret-2026", f"-o{target}", str(result.path)], capture_output=True)
    assert run.returncode == 0, run.stderr
    assert file_digest(target / "c.db") == result.manifest["sha256"]


def test_snapshot_leaves_out_the_app_password(tmp_path):
    """The town's app password does not travel to the county: the copy has no password setting."""
    db, _ids = make_archive(tmp_path / "town.db")
    privacy.set_password(db, "镇里的密码123")
    result = snapshot.take_snapshot(db, tmp_path / "c.db")
    db.close()
    copy = open_database(result.path)
    assert not privacy.has_password(copy)
    copy.close()
    assert b"scrypt$" not in result.path.read_bytes()


def test_snapshot_refuses_to_overwrite_a_working_database(tmp_path, capsys):
    """snapshot never overwrites the database or another working one (exit 2); an old copy may be replaced."""
    path = tmp_path / "town.db"
    db, _ids = make_archive(path)
    other = tmp_path / "other.db"
    make_archive(other)[0].close()
    db.close()
    digest = file_digest(other)
    for target in (path, other):
        code, _out, err = cli(capsys, "--db", str(path), "snapshot", str(target))
        assert code == 2 and err.count("\n") == 1 and ("不会覆盖" in err or "不能是正在使用的数据库" in err)
    assert file_digest(other) == digest
    assert cli(capsys, "--db", str(path), "snapshot", str(tmp_path / "c.db"))[0] == 0
    assert cli(capsys, "--db", str(path), "snapshot", str(tmp_path / "c.db"))[0] == 0
    code, _out, err = cli(capsys, "--db", str(path), "snapshot", str(tmp_path / "无此文件夹" / "c.db"))
    assert code == 2 and "文件夹不存在" in err


def test_failed_check_leaves_nothing_at_the_destination(tmp_path, monkeypatch):
    """When the copy fails integrity_check the export is refused in Chinese and no file is left behind."""
    db, _ids = make_archive(tmp_path / "town.db")
    monkeypatch.setattr(snapshot, "_integrity", lambda _p: ["文件结构损坏（测试）"])
    for password in (None, "secret-2026"):
        with pytest.raises(snapshot.SnapshotError, match="完整性检查"):
            snapshot.take_snapshot(db, tmp_path / "out" if password is None else tmp_path / "out.zip",
                                   password=password)
    db.close()
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("town")) == []


def test_snapshot_of_the_county_copy_is_allowed(tmp_path):
    """The county can pass its read-only copy on (snapshot of a snapshot); it stays a county copy."""
    db, _ids = make_archive(tmp_path / "town.db")
    first = snapshot.take_snapshot(db, tmp_path / "a.db")
    db.close()
    copy = open_database(first.path)
    second = snapshot.take_snapshot(copy, tmp_path / "b.db")
    copy.close()
    again = open_database(second.path)
    assert again.readonly and again.readonly_reason.startswith(SNAPSHOT_READONLY_REASON[:10])
    again.close()
    assert os.path.getsize(second.path) > 0


def test_plain_copy_left_by_a_killed_export_is_removed(tmp_path):
    """A plain temporary copy left by an export whose process died is deleted at the next export."""
    import subprocess
    import sys

    db, _ids = make_archive(tmp_path / "town.db")
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    leftover = tmp_path / f".houfu-snapshot-{dead.pid}-abcd1234.tmp"
    leftover.write_bytes(b"plain copy with people's data")
    snapshot.take_snapshot(db, tmp_path / "c.zip", password="secret-2026")
    db.close()
    assert not leftover.exists()
