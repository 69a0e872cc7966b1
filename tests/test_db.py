"""The database file of SPEC §8: pragmas, schema under migrations, refusing and upgrading files."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

import app.models  # noqa: F401
from app.db import APPLICATION_ID, DatabaseError, create_database, open_database, schema_diff
from tests.proc_locks import linux_only, own_locks


def test_new_file_is_marked_and_safe(tmp_path):
    """A new file carries our application_id, WAL, synchronous=FULL and enforced foreign keys."""
    db = create_database(tmp_path / "a.db")
    with db.read() as s:
        assert s.execute(text("PRAGMA application_id")).scalar() == APPLICATION_ID
        assert s.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert s.execute(text("PRAGMA synchronous")).scalar() == 2
        assert s.execute(text("PRAGMA foreign_keys")).scalar() == 1
    with pytest.raises(IntegrityError), db.write() as s:
        s.execute(text("INSERT INTO members (household_id, name) VALUES (999, '无主')"))


def test_migrations_build_exactly_the_model(tmp_path):
    """The schema the migrations create is the schema the models declare."""
    db = create_database(tmp_path / "a.db")
    with db.engine.connect() as conn:
        assert schema_diff(conn) == []


def test_failed_upgrade_keeps_file_and_names_backup(tmp_path):
    """When an upgrade fails the message says so and where the backup is; the data is untouched."""
    path = tmp_path / "old.db"
    create_database(path).close()
    con = sqlite3.connect(path)
    con.execute("DROP TABLE alembic_version")  # looks like a file from before the baseline
    con.execute("INSERT INTO villages (name, secretary, director, phone, created_at, updated_at) "
                "VALUES ('清江村', '', '', '', '2020-01-01', '2020-01-01')")
    con.commit()
    con.close()
    with pytest.raises(DatabaseError, match="升级失败") as failure:
        open_database(path)
    backups = list((tmp_path / "old-备份").glob("*.db"))
    assert len(backups) == 1 and str(backups[0]) in str(failure.value)
    con = sqlite3.connect(path)
    assert con.execute("SELECT name FROM villages").fetchall() == [("清江村",)]
    con.close()


def test_read_only_file_opens_for_viewing_only(tmp_path):
    """A file without write permission opens read-only and refuses writes with a reason."""
    path = tmp_path / "ro.db"
    create_database(path).close()
    db = open_database(path, readonly=True)
    assert db.readonly
    with pytest.raises(DatabaseError), db.write():
        pass


def test_a_file_open_in_the_app_is_recognised_by_a_second_process(tmp_path):
    """While the app holds a new database open, another opener still recognises it as ours."""
    first = create_database(tmp_path / "busy.db")
    with first.write() as s:
        s.execute(text("INSERT INTO settings (key, value) VALUES ('x', '1')"))
    second = open_database(tmp_path / "busy.db")
    with second.read() as s:
        assert s.execute(text("SELECT value FROM settings WHERE key='x'")).scalar() == "1"
    second.close()
    first.close()


@pytest.mark.parametrize("content", [b"", b"just some text\n" * 20, b"PK\x03\x04" + b"\0" * 200, "foreign", "folder"])
def test_a_file_that_is_not_ours_is_refused_and_nothing_appears_beside_it(tmp_path, content):
    """Opening an empty file, a text file, a workbook, another program's SQLite file or a folder is refused with
    a Chinese sentence, before anything connects: no -wal, -shm, -journal or lock file is created beside it."""
    path = tmp_path / "data.db"
    if content == "foreign":
        con = sqlite3.connect(path)
        con.execute("CREATE TABLE t (x)")
        con.commit()
        con.close()
    elif content == "folder":
        path.mkdir()
    else:
        path.write_bytes(content)
    before = sorted(p.name for p in tmp_path.iterdir())
    original = None if path.is_dir() else path.read_bytes()
    with pytest.raises(DatabaseError) as caught:
        open_database(path)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in str(caught.value))
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    if original is not None:
        assert path.read_bytes() == original


def test_an_open_database_holds_its_open_lock_until_closed(tmp_path):
    """While open, the file is marked open for other processes (restore waits for it); closing releases it."""
    from app import dblock

    db = create_database(tmp_path / "a.db")
    db.close()
    db = open_database(tmp_path / "a.db")
    assert dblock.open_here(db.path)
    with pytest.raises(dblock.LockBusy):
        dblock.hold_sole(db.path)
    db.close()
    assert not dblock.open_here(db.path)
    lock = dblock.hold_sole(db.path)
    assert lock is not None
    lock.release()


@linux_only
def test_opening_the_file_again_in_the_same_process_keeps_the_first_handles_locks(tmp_path):
    """The header is read before anything connects, and not at all (outside SQLite) while this process already
    has the file open: closing such a read would drop every POSIX lock the first handle holds (Linux)."""
    first = create_database(tmp_path / "a.db")
    with first.write() as s:
        s.execute(text("CREATE TABLE IF NOT EXISTS t (x)"))
    held = own_locks(first.path)
    assert held
    second = open_database(first.path)
    with second.read() as s:
        s.execute(text("SELECT 1"))
    second.close()
    assert own_locks(first.path) == held
    first.close()


def test_the_head_revision_read_from_the_migration_files_is_alembics():
    """open_database compares a file's revision with head_revision(), read without loading alembic: it must
    name the head alembic would upgrade to."""
    from alembic.script import ScriptDirectory

    from app import db as appdb

    assert appdb.head_revision() == ScriptDirectory.from_config(appdb._alembic_config()).get_current_head()
