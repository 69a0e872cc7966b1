"""Who may use a database at the same time (SPEC §8), with real second processes:
- a command that writes is refused while a window has the database; commands that only read are not;
- restore is refused while any other process has the database open, and a window's restore page says so;
- two writers do not fail: the second waits its turn (BEGIN IMMEDIATE and the busy timeout)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from safety_helpers import make_archive
from sqlalchemy import select, text

from app import dblock
from app.cli import main as cli_main
from app.db import DatabaseError, open_database
from app.models import Household
from app.services import backup
from app.services.backup import RestoreRefused
from tests.io.registers import family_rows, simple

ROOT = Path(__file__).resolve().parents[2]
HOLDER = Path(__file__).with_name("lock_holder.py")


class Holder:
    """lock_holder.py in its own process: has the database open (MODE open / window / write)."""

    def __init__(self, path: Path, mode: str, *extra: str) -> None:
        env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}
        self.proc = subprocess.Popen([sys.executable, str(HOLDER), str(path), mode, *extra], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT, env=env)

    def expect(self, word: str) -> None:
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline().strip()
        if line != word:
            self.proc.kill()
            raise AssertionError(f"holder said {line!r}: {self.proc.stderr.read() if self.proc.stderr else ''}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            assert self.proc.stdin is not None
            self.proc.stdin.write("stop\n")
            self.proc.stdin.flush()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def cli(capsys, *argv) -> tuple[int, str, str]:
    code = cli_main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def household_count(path: Path) -> int:
    db = open_database(path)
    try:
        with db.read() as s:
            return len(s.scalars(select(Household.id)).all())
    finally:
        db.close()


@pytest.fixture
def archive(tmp_path):
    """A small archive (closed) and a backup of it: (path, backup path)."""
    path = tmp_path / "town.db"
    db, _ids = make_archive(path)
    taken = backup.make_backup(db)
    db.close()
    return path, taken.path


# ------------------------------------------------------------------- writing commands and the window


def test_writing_commands_refuse_while_a_window_has_the_database(archive, tmp_path, capsys):
    """While a window has the file: import, demo, restore and init exit 2 with one Chinese line and change
    nothing; stats, check and export still run. Once the window is closed, the import goes through."""
    path, taken = archive
    register = simple(tmp_path / "r.xlsx", family_rows("1", 100))
    before = household_count(path)
    window = Holder(path, "window")
    try:
        window.expect("ready")
        for argv in (["import", "households", register], ["demo", "--households", "5"], ["restore", taken]):
            code, out, err = cli(capsys, "--db", path, *argv)
            assert code == 2, (argv, out, err)
            assert "软件窗口" in err and err.count("\n") == 1 and "Traceback" not in err, err
        assert household_count(path) == before
        assert cli(capsys, "--db", path, "stats", "--json")[0] == 0
        assert cli(capsys, "--db", path, "check")[0] == 0
        assert cli(capsys, "--db", path, "export", "households", tmp_path / "out.xlsx")[0] == 0
        assert cli(capsys, "--db", path, "import", "households", register, "--dry-run")[0] == 0
    finally:
        window.stop()
    code, _out, err = cli(capsys, "--db", path, "import", "households", register)
    assert code == 0, err
    assert household_count(path) == before + 1


def test_init_refuses_on_a_new_file_a_window_is_waiting_for(tmp_path, capsys):
    """A window on its welcome screen holds the (not yet existing) file: `init` does not create it under it."""
    from app.ui.single_instance import InstanceGuard

    path = tmp_path / "new.db"
    guard = InstanceGuard(path)
    assert guard.acquire()
    try:
        code, _out, err = cli(capsys, "--db", path, "init")
        assert code == 2 and "软件窗口" in err and not path.exists()
    finally:
        guard.release()
    assert cli(capsys, "--db", path, "init")[0] == 0


def test_a_window_does_not_open_while_a_command_writes(qtbot, archive):
    """A launch while a command holds the database for writing stays out, and says a command may be why."""
    from app.ui.single_instance import InstanceGuard

    path, _taken = archive
    writer = dblock.hold_writer(path)
    assert writer is not None
    try:
        guard = InstanceGuard(path)
        assert not guard.acquire() and not guard.notified
        assert "命令行" in guard.busy_message()
    finally:
        writer.release()
    guard = InstanceGuard(path)
    try:
        assert guard.acquire()
    finally:
        guard.release()


# ------------------------------------------------------------------------------------------ restore


@pytest.mark.parametrize("mode", ["open", "write"])
def test_restore_is_refused_while_another_process_has_the_database_open(archive, capsys, mode):
    """A command that has the database open (reading, or having just written) keeps restore out: restore would
    replace the file under it and its work would be lost. Nothing is replaced; afterwards restore works."""
    path, taken = archive
    before = path.read_bytes()
    other = Holder(path, mode, "0")
    try:
        other.expect("inside" if mode == "write" else "ready")
        if mode == "write":
            other.expect("committed")
        with pytest.raises(RestoreRefused, match="另一个程序"):
            backup.restore(path, taken)
        code, _out, err = cli(capsys, "--db", path, "restore", taken)
        assert code == 2 and "另一个程序" in err and err.count("\n") == 1
        assert path.read_bytes() == before
        assert not [b for b in backup.list_backups(path) if b.kind == backup.KIND_RESTORE]
    finally:
        other.stop()
    if mode == "write":  # the other process's save is there: nothing replaced the file under it
        db = open_database(path)
        try:
            with db.read() as s:
                assert s.execute(text("SELECT value FROM settings WHERE key = 'test.lock_holder'")).scalar() == "held"
        finally:
            db.close()
    assert backup.restore(path, taken).kept is not None


def test_restore_names_the_window_when_a_window_has_it(archive):
    path, taken = archive
    window = Holder(path, "window")
    try:
        window.expect("ready")
        with pytest.raises(RestoreRefused, match="软件窗口"):
            backup.restore(path, taken)
    finally:
        window.stop()


def test_restore_is_refused_while_this_process_still_has_it_open(archive):
    """Even a handle of the same process counts: the file must be closed everywhere before it is replaced."""
    path, taken = archive
    db = open_database(path)
    try:
        with pytest.raises(RestoreRefused):
            backup.restore(path, taken)
    finally:
        db.close()
    assert backup.restore(path, taken).kept is not None


def test_the_restore_page_says_why_when_a_command_has_the_database(qtbot, archive, monkeypatch):
    """数据安全 → 恢复 (restore_and_reopen) while a command has the file open: the clerk is told why, the old
    database opens again unchanged."""
    from app.ui import data_safety

    path, taken = archive
    shown: list[str] = []
    monkeypatch.setattr(data_safety, "warn", lambda _p, title, text: shown.append(f"{title}：{text}"))
    monkeypatch.setattr(data_safety, "info", lambda *_a: None)
    before = household_count(path)
    other = Holder(path, "open")
    try:
        other.expect("ready")
        db = data_safety.restore_and_reopen(path, taken)
    finally:
        other.stop()
    assert db is not None
    try:
        assert len(shown) == 1 and "另一个程序" in shown[0] and "没有被改动" in shown[0]
        with db.read() as s:
            assert len(s.scalars(select(Household.id)).all()) == before
    finally:
        db.close()


def test_opening_waits_for_a_restore_in_progress(archive, monkeypatch):
    """While a restore holds the file, opening waits (briefly) and then says a restore is running."""
    path, _taken = archive
    monkeypatch.setattr(dblock, "OPEN_WAIT_S", 0.3)
    sole = dblock.hold_sole(path)
    try:
        started = time.monotonic()
        with pytest.raises(DatabaseError, match="正在被恢复"):
            open_database(path)
        assert time.monotonic() - started >= 0.25
    finally:
        sole.release()
    open_database(path).close()


# ------------------------------------------------------------------------------------ two writers


def test_a_second_writer_waits_its_turn(archive, tmp_path, capsys):
    """Another process is in the middle of a write transaction (an import, a demo) for 3 s: two commands that
    write meanwhile, one in this process and one in a third process, wait for it instead of failing, and
    every one's work is saved."""
    path, _taken = archive
    before = household_count(path)
    first = simple(tmp_path / "a.xlsx", family_rows("1", 100))
    second = simple(tmp_path / "b.xlsx", family_rows("2", 200))
    other = Holder(path, "write", "3")
    try:
        other.expect("inside")
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        third = subprocess.Popen([sys.executable, "-m", "app", "--db", str(path), "import", "households", str(second)],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT, env=env)
        code, _out, err = cli(capsys, "--db", path, "import", "households", first)
        assert code == 0, err
        out3, err3 = third.communicate(timeout=120)
        assert third.returncode == 0, err3
        other.expect("committed")
    finally:
        other.stop()
    assert household_count(path) == before + 2
    db = open_database(path)
    try:
        with db.read() as s:
            assert s.execute(text("SELECT value FROM settings WHERE key = 'test.lock_holder'")).scalar() == "held"
    finally:
        db.close()


def test_writers_begin_immediate_and_wait_up_to_the_busy_timeout(archive):
    """db.write begins with BEGIN IMMEDIATE, db.read with a deferred BEGIN; both SQLite's busy timeout and
    pysqlite's are the configured wait."""
    from sqlalchemy import event

    from app.db import BUSY_TIMEOUT_S

    path, _taken = archive
    db = open_database(path)
    seen: list[str] = []
    event.listen(db.engine, "before_cursor_execute", lambda _c, _cur, stmt, *_a: seen.append(stmt))
    try:
        with db.write() as s:
            assert s.execute(text("PRAGMA busy_timeout")).scalar() == int(BUSY_TIMEOUT_S * 1000)
        with db.read() as s:
            s.execute(text("SELECT 1"))
    finally:
        db.close()
    assert seen[0] == "BEGIN IMMEDIATE" and "BEGIN" in seen[1:] and "BEGIN IMMEDIATE" not in seen[1:]
    assert BUSY_TIMEOUT_S >= 30


def test_two_writers_in_two_threads_both_succeed(archive):
    """Two handles in two threads write at once: neither fails (the second waits for the first to commit)."""
    path, _taken = archive
    a, b = open_database(path), open_database(path)
    errors: list[BaseException] = []
    inside = threading.Event()

    def slow() -> None:
        try:
            with a.write() as s:
                s.execute(text("INSERT INTO settings (key, value) VALUES ('t.a', '1')"))
                inside.set()
                time.sleep(1.0)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    t = threading.Thread(target=slow)
    t.start()
    inside.wait(10)
    try:
        with b.write() as s:
            s.execute(text("SELECT count(*) FROM settings")).scalar()
            s.execute(text("INSERT INTO settings (key, value) VALUES ('t.b', '1')"))
    finally:
        t.join()
        a.close()
        b.close()
    assert errors == []
