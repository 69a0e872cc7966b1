"""Faults a clerk's PC meets (SPEC §8): a full disk, a read-only file, a damaged file, someone else's SQLite
file. Each gets a clear Chinese message, and nothing is written to the file."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pytest
from safety_helpers import file_digest, make_archive
from sqlalchemy import event, func, select

from app.cli import main
from app.db import DAMAGED_READONLY_REASON, DatabaseError, integrity_check, open_database
from app.models import Attachment, ChangeLog, Household
from app.services.households import AttachmentInfo, load_household, save_household

CHINESE = re.compile(r"[\u4e00-\u9fff]")


def cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def assert_clerk_message(text: str) -> None:
    """One line of Chinese, no traceback."""
    assert CHINESE.search(text), text
    assert "Traceback" not in text and text.strip().count("\n") == 0, text


def counts(db) -> tuple[int, int, int]:
    with db.read() as s:
        return (s.scalar(select(func.count()).select_from(Household)),
                s.scalar(select(func.count()).select_from(ChangeLog)),
                s.scalar(select(func.count()).select_from(Attachment)))


def test_disk_full_refuses_the_save_whole_with_a_chinese_message(tmp_path):
    """A disk that fills mid-save gives 磁盘空间不足 and leaves no part of the save in the file."""
    db, ids = make_archive(tmp_path / "full.db")
    before = counts(db)
    with db.read() as s:
        pages = s.connection().exec_driver_sql("PRAGMA page_count").scalar()

    @event.listens_for(db.engine, "connect")
    def cap(dbapi_conn, _record):
        dbapi_conn.execute(f"PRAGMA max_page_count={pages + 2}")

    db.engine.dispose()  # new connections, each capped: the disk is "full" two pages from now
    blob = tmp_path / "扫描件.jpg"
    blob.write_bytes(bytes(range(256)) * 4096)  # 1 MB
    data = load_household(db, ids[0])
    data.notes = "这次保存会因为磁盘已满而失败"
    data.attachments.append(AttachmentInfo(None, blob.name, blob.stat().st_size, None, blob))
    with pytest.raises(DatabaseError) as failure:
        save_household(db, data)
    assert "磁盘空间不足" in str(failure.value)
    assert_clerk_message(str(failure.value))
    event.remove(db.engine, "connect", cap)
    db.engine.dispose()
    assert counts(db) == before
    assert load_household(db, ids[0]).notes == ""
    assert integrity_check(db.engine) == []
    db.close()


def test_read_only_file_opens_for_viewing_and_refuses_writes(tmp_path, capsys):
    """A read-only file opens for viewing, refuses saves in Chinese (CLI exit 2) and keeps its bytes."""
    path = tmp_path / "ro.db"
    db, ids = make_archive(path)
    db.close()
    path.chmod(0o444)
    try:
        digest = file_digest(path)
        db = open_database(path)
        assert db.readonly and "只读" in db.readonly_reason
        data = load_household(db, ids[0])
        assert data.members  # viewing works
        data.notes = "不应写入"
        with pytest.raises(DatabaseError, match="只读"):
            save_household(db, data)
        db.close()
        code, _out, err = cli(capsys, "--db", str(path), "demo", "--households", "2")
        assert code == 2
        assert_clerk_message(err)
        assert "只读" in err
        assert file_digest(path) == digest
    finally:
        path.chmod(0o644)


def _corrupt(path: Path, how: str) -> None:
    raw = bytearray(path.read_bytes())
    if how == "bad header":
        raw[0:16] = b"\x00" * 16
    elif how == "flipped page":
        con = sqlite3.connect(path)
        page_size = con.execute("PRAGMA page_size").fetchone()[0]
        root = con.execute("SELECT rootpage FROM sqlite_master WHERE name = 'members'").fetchone()[0]
        con.close()
        raw[(root - 1) * page_size] ^= 0xFF  # the b-tree page type byte of the members table
    elif how == "truncated":
        con = sqlite3.connect(path)
        page_size = con.execute("PRAGMA page_size").fetchone()[0]
        con.close()
        raw = raw[: (len(raw) // page_size // 2) * page_size]
    path.write_bytes(bytes(raw))


@pytest.mark.parametrize("how", ["bad header", "flipped page", "truncated"])
def test_damaged_file_is_never_written(tmp_path, capsys, how):
    """A damaged file is refused or view-only with a Chinese 损坏 message; a CLI write exits 2, no byte changed."""
    path = tmp_path / "damaged.db"
    db, _ids = make_archive(path, households=40)
    db.close()
    _corrupt(path, how)
    digest = file_digest(path)
    try:
        db = open_database(path)
    except DatabaseError as exc:
        assert_clerk_message(str(exc))
        assert "损坏" in str(exc) or "不是有效的数据库文件" in str(exc)
    else:
        assert db.readonly and db.readonly_reason == DAMAGED_READONLY_REASON
        with pytest.raises(DatabaseError, match="损坏"), db.write():
            pass
        db.close()
    code, _out, err = cli(capsys, "--db", str(path), "demo", "--households", "2")
    assert code == 2
    assert_clerk_message(err)
    assert file_digest(path) == digest
    assert not Path(f"{path}-wal").exists() or Path(f"{path}-wal").stat().st_size == 0


def test_damaged_file_is_reported_by_check(tmp_path, capsys):
    """`check` on a file with a flipped page byte exits 2 and says in Chinese that the file is damaged."""
    path = tmp_path / "damaged.db"
    db, _ids = make_archive(path, households=40)
    db.close()
    _corrupt(path, "flipped page")
    code, out, err = cli(capsys, "--db", str(path), "check", "--json")
    assert code == 2
    if out:
        report = json.loads(out)
        assert report["integrity"] != "ok"
    else:
        assert_clerk_message(err)
        assert "损坏" in err


def test_foreign_sqlite_file_is_refused_untouched(tmp_path, capsys):
    """Someone else's SQLite file (no application_id of ours) is refused as 不是本软件的数据库, unchanged."""
    path = tmp_path / "other.db"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE contacts (name TEXT)")
    con.execute("INSERT INTO contacts VALUES ('张三')")
    con.commit()
    con.close()
    digest = file_digest(path)
    with pytest.raises(DatabaseError, match="不是本软件的数据库"):
        open_database(path)
    for argv in (("stats",), ("demo", "--households", "2"), ("snapshot", str(tmp_path / "out.db"))):
        code, _out, err = cli(capsys, "--db", str(path), *argv)
        assert code == 2 and "不是本软件的数据库" in err
        assert_clerk_message(err)
    assert file_digest(path) == digest
    assert not (tmp_path / "out.db").exists()


def test_a_program_error_on_opening_is_not_called_a_damaged_file(tmp_path, monkeypatch):
    """Only what SQLite says about the file makes it 已损坏; a program error while opening stays that error (it is
    logged and shown as an unexpected error), so nobody restores a good file from a backup because of it."""
    import app.db as dbmod

    path = tmp_path / "good.db"
    db, _ids = make_archive(path, households=2)
    db.close()

    def broken(_engine):
        raise TypeError("a bug, not a damaged file")

    monkeypatch.setattr(dbmod, "_current_revision", broken)
    with pytest.raises(TypeError):
        open_database(path)
