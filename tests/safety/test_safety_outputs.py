"""Nothing overwritten (issue points 2 and 7): every command that writes a file refuses the database, its
working files, its backups, the input being read, a folder or an unusable folder; a write that fails (a full
disk, a read-only disk) leaves the database and an existing output exactly as they were, with one Chinese line
and no traceback or "Exception ignored" noise."""

from __future__ import annotations

import errno
import gc
import hashlib
import re
import sqlite3
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from app import outputs
from app.cli import main
from app.db import open_database
from app.services import backup

sys.path.insert(0, str(Path(__file__).parent))
from safety_helpers import make_archive  # noqa: E402

CHINESE = re.compile(r"[\u4e00-\u9fff]")
OLD_BYTES = b"the good report from last month"


def digest(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def run(capfd, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    gc.collect()  # a half-written object collected now would print its complaint now
    out, err = capfd.readouterr()
    return code, out, err


def assert_one_chinese_line(err: str) -> None:
    assert CHINESE.search(err), err
    assert "Traceback" not in err and "Exception ignored" not in err and "closed file" not in err, err
    assert err.strip().count("\n") == 0, err


def database_state(path: Path) -> tuple:
    """integrity_check and the row counts that matter, read without the application."""
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return (con.execute("PRAGMA integrity_check").fetchone()[0],
                con.execute("SELECT count(*) FROM households").fetchone()[0],
                con.execute("SELECT count(*) FROM members").fetchone()[0],
                con.execute("SELECT count(*) FROM change_log").fetchone()[0])
    finally:
        con.close()


@pytest.fixture(scope="module")
def town_template(tmp_path_factory):
    """Built once: a town database (closed) with a backup in its backup folder and a village register."""
    from openpyxl import Workbook

    folder = tmp_path_factory.mktemp("town")
    db, _ids = make_archive(folder / "town.db", households=3)
    backup.make_backup(db, backup.KIND_MANUAL)
    db.close()
    wb = Workbook()
    ws = wb.active
    ws.append(["户编号", "户主姓名", "村", "姓名", "与户主关系", "性别", "身份证号"])
    ws.append(["1", "王大", "清江村", "王大", "户主", "男", "123"])  # a bad ID: the import reports an error
    wb.save(folder / "register.xlsx")
    return folder


@pytest.fixture
def town(town_template, tmp_path):
    """A fresh copy of the template for each test: {"db", "backup", "register", "folder"}."""
    import shutil

    folder = tmp_path / "work"
    shutil.copytree(town_template, folder)
    return {"db": folder / "town.db", "backup": backup.list_backups(folder / "town.db")[0].path,
            "register": folder / "register.xlsx", "folder": folder}


WRITERS = {
    "report monthly": lambda t, out: ["--db", t["db"], "report", "monthly", "--month", "2026-05", "--out", out],
    "report cards": lambda t, out: ["--db", t["db"], "report", "cards", "--point", "新寨安置点", "--out", out],
    "export households": lambda t, out: ["--db", t["db"], "export", "households", out],
    "export ledger": lambda t, out: ["--db", t["db"], "export", "ledger", "problems", out],
    "export template": lambda t, out: ["--db", t["db"], "export", "template", out],
    "import error report": lambda t, out: ["--db", t["db"], "import", "households", t["register"], "--dry-run",
                                           "--error-report", out],
    "snapshot": lambda t, out: ["--db", t["db"], "snapshot", out],
}

BAD_TARGETS = {
    "the database": lambda t: t["db"],
    "its -wal": lambda t: Path(f"{t['db']}-wal"),
    "its -shm": lambda t: Path(f"{t['db']}-shm"),
    "its -journal": lambda t: Path(f"{t['db']}-journal"),
    "a backup file": lambda t: t["backup"],
    "a new file in the backup folder": lambda t: t["backup"].parent / "新文件.xlsx",
    "the input file": lambda t: t["register"],
    "a folder": lambda t: t["folder"],
    "a missing folder": lambda t: t["folder"] / "没有这个文件夹" / "out.xlsx",
    "the database by another spelling": lambda t: t["folder"] / "." / "town.db",
}


# The input file is a wrong target only for the command that reads it.
COMBINATIONS = [(w, t) for w in WRITERS for t in BAD_TARGETS if t != "the input file" or w == "import error report"]


@pytest.mark.parametrize("writer,target", COMBINATIONS)
def test_writers_refuse_the_database_its_backups_and_inputs(town, capfd, writer, target):
    """Every writing command refuses each wrong target (exit 2, one Chinese line); nothing is damaged."""
    path = Path(BAD_TARGETS[target](town))
    if writer == "snapshot" and target == "a new file in the backup folder":
        path = path.with_suffix(".db")
    held = None
    if target in ("its -wal", "its -shm"):
        held = open_database(town["db"])  # the app is running: its -wal and -shm exist right now
        with held.read() as s:
            s.execute(text("SELECT count(*) FROM households")).scalar()
        assert path.exists()
    before_db, before_backup, before_input = digest(town["db"]), digest(town["backup"]), digest(town["register"])
    before_target = digest(path) if path.is_file() and held is None else None
    before_state = database_state(town["db"])
    try:
        code, _out, err = run(capfd, *WRITERS[writer](town, path))
    finally:
        if held is not None:
            held.close()
    assert code == 2, err
    assert_one_chinese_line(err)
    assert any(hint in err for hint in ("另选", "换一个", "请给出", "请选择", "应以 .xlsx 结尾")), err
    assert digest(town["db"]) == before_db and database_state(town["db"]) == before_state
    assert digest(town["backup"]) == before_backup and digest(town["register"]) == before_input
    if before_target is not None:
        assert digest(path) == before_target
    leftovers = [p for p in path.parent.glob(".*partial")] if path.parent.is_dir() else []
    assert leftovers == []


def layer_writers(db, target: Path):
    """Each writer of the program, called below the command line (as the GUI calls it)."""
    from app.io.export import export_households, write_template
    from app.io.ledger_export import export_assessment, export_ledger
    from app.io.report import write_error_report
    from app.ledgers import ledger_by_name
    from app.reports.monthly import BuildResult
    from app.services import snapshot

    return {
        "export households": lambda: export_households(db, target),
        "export template": lambda: write_template(target),
        "ledger export": lambda: export_ledger(db, ledger_by_name("problems"), target),
        "assessment export": lambda: export_assessment(db, 2026, target),
        "report save": lambda: BuildResult(b"%PDF-1.4 test", 1).save(target),
        "snapshot": lambda: snapshot.take_snapshot(db, target),
        "error report": lambda: write_error_report(target, [], target),
    }


@pytest.mark.parametrize("what", ["the database", "its -wal", "its -shm", "a backup file"])
@pytest.mark.parametrize("writer", ["export households", "export template", "ledger export", "assessment export",
                                    "report save", "snapshot", "error report"])
def test_every_writer_refuses_the_open_database_below_the_command_line(town, writer, what):
    """The guard sits in the writing layer: the GUI's exports and saves cannot hit the database either."""
    from app.db import DatabaseError

    db = open_database(town["db"])
    try:
        with db.read() as s:
            s.execute(text("SELECT 1")).scalar()
        target = {"the database": db.path, "its -wal": Path(f"{db.path}-wal"), "its -shm": Path(f"{db.path}-shm"),
                  "a backup file": town["backup"]}[what]
        state = database_state(town["db"])
        backup_digest = digest(town["backup"])
        with pytest.raises((outputs.OutputError, DatabaseError)) as caught:
            layer_writers(db, target)[writer]()
        assert CHINESE.search(str(caught.value)) and "\n" not in str(caught.value)
        assert database_state(town["db"]) == state and digest(town["backup"]) == backup_digest
    finally:
        db.close()


def test_report_over_the_open_database_used_to_destroy_it(town, capfd):
    """The issue's reproduction: `report monthly --out` the database itself is refused and the data stays."""
    state = database_state(town["db"])
    code, _out, err = run(capfd, "--db", town["db"], "report", "monthly", "--month", "2026-05", "--out", town["db"])
    assert code == 2 and "数据库" in err
    assert database_state(town["db"]) == state == ("ok", 3, 6, state[3])
    assert run(capfd, "--db", town["db"], "stats", "--json")[0] == 0


def test_output_over_another_database_is_refused(town, capfd):
    """A report aimed at another database file (any SQLite file) is refused; that file keeps its bytes."""
    other = town["folder"] / "other.db"
    make_archive(other, households=1)[0].close()
    before = digest(other)
    code, _out, err = run(capfd, "--db", town["db"], "export", "households", other.with_suffix(".xlsx"))
    assert code == 0
    code, _out, err = run(capfd, "--db", town["db"], "report", "monthly", "--month", "2026-05", "--out", other)
    assert code == 2 and "数据库文件" in err and digest(other) == before


def test_read_only_folder_is_refused(town, capfd, monkeypatch):
    """A folder that cannot be written is refused up front, naming the folder and what to choose instead."""
    folder = town["folder"] / "只读"
    folder.mkdir()
    real = outputs.os.access
    monkeypatch.setattr(outputs.os, "access", lambda p, mode: False if Path(p) == folder else real(p, mode))
    code, _out, err = run(capfd, "--db", town["db"], "report", "monthly", "--month", "2026-05",
                          "--out", folder / "月报.pdf")
    assert code == 2 and "不能写入" in err and "换一个文件夹" in err
    assert_one_chinese_line(err)
    assert list(folder.iterdir()) == []


class FaultyFile:
    """A temporary file on a disk that fills (or turns read-only) after `limit` bytes."""

    def __init__(self, raw, limit: int, code: int) -> None:
        self.raw, self.limit, self.code, self.written = raw, limit, code, 0

    def write(self, data) -> int:
        self.written += len(data)
        if self.written > self.limit:
            raise OSError(self.code, "injected fault")
        return self.raw.write(data)

    def __getattr__(self, name):
        return getattr(self.raw, name)


def faulty_disk(monkeypatch, limit: int, code: int = errno.ENOSPC) -> None:
    real = outputs._open_temp
    monkeypatch.setattr(outputs, "_open_temp", lambda path: FaultyFile(real(path), limit, code))


FILE_WRITERS = [w for w in WRITERS if w != "snapshot"]


FAULTS = [(w, limit, errno.ENOSPC, "磁盘空间不足") for w in FILE_WRITERS for limit in (0, 3000)]
FAULTS += [(w, 3000, code, words) for w in ("report monthly", "export households")
           for code, words in ((errno.EROFS, "只读"), (errno.EIO, "读写磁盘出错"))]


@pytest.mark.parametrize("writer,limit,code,words", FAULTS)
def test_failed_write_keeps_the_old_file_and_says_one_line(town, capfd, monkeypatch, writer, limit, code, words):
    """A disk that fails mid-write: exit 2, one Chinese line (no "Exception ignored" noise), the existing
    output keeps its old bytes, no temporary file is left, the database is intact."""
    out = town["folder"] / ("out.pdf" if writer.startswith("report") else "out.xlsx")
    out.write_bytes(OLD_BYTES)
    state = database_state(town["db"])
    faulty_disk(monkeypatch, limit, code)
    rc, _stdout, err = run(capfd, *WRITERS[writer](town, out))
    assert rc == 2, err
    assert_one_chinese_line(err)
    assert words in err and "原有文件没有改动" in err
    assert out.read_bytes() == OLD_BYTES
    assert sorted(p.name for p in town["folder"].iterdir() if not p.name.endswith(".lock")) == sorted(
        ["town.db", "town-备份", "register.xlsx", out.name])
    assert database_state(town["db"]) == state


def test_snapshot_manifest_on_a_full_disk_keeps_the_earlier_copy(town, capfd, monkeypatch):
    """When the 清单 cannot be written the new copy is dropped: the earlier copy and its 清单 stay as they were
    (still a matching pair), and the message is one line."""
    out = town["folder"] / "县局副本.db"
    assert run(capfd, "--db", town["db"], "snapshot", out)[0] == 0
    manifest = Path(f"{out}.manifest.json")
    before = (digest(out), digest(manifest))
    faulty_disk(monkeypatch, 10)
    rc, _stdout, err = run(capfd, "--db", town["db"], "snapshot", out)
    assert rc == 2 and "磁盘空间不足" in err
    assert_one_chinese_line(err)
    assert (digest(out), digest(manifest)) == before
    monkeypatch.undo()
    assert run(capfd, "verify", out)[0] == 0
    assert not list(town["folder"].glob(".*partial"))


def test_half_written_workbook_is_collected_quietly(tmp_path, monkeypatch):
    """The writer itself (no command line around it) leaves nothing that complains when collected."""
    from app.io.xlsx_layout import LedgerColumn, LedgerSheet, write_ledger

    complaints = []
    monkeypatch.setattr(sys, "unraisablehook", complaints.append)
    faulty_disk(monkeypatch, 2000)
    out = tmp_path / "台账.xlsx"
    out.write_bytes(OLD_BYTES)
    rows = ([i, "王明华" * 5, "=1+1"] for i in range(5000))
    with pytest.raises(outputs.OutputError, match="磁盘空间不足"):
        write_ledger(out, [LedgerSheet("台账", "台账", [LedgerColumn("a"), LedgerColumn("b"), LedgerColumn("c")],
                                       rows)])
    gc.collect()
    assert complaints == [] and out.read_bytes() == OLD_BYTES
    assert [p.name for p in tmp_path.iterdir()] == ["台账.xlsx"]


def test_successful_write_replaces_the_old_file_whole(town, capfd):
    """A good write replaces the old file in one step (no temporary file left) and can be read back."""
    from openpyxl import load_workbook

    out = town["folder"] / "花名册.xlsx"
    out.write_bytes(OLD_BYTES)
    rc, _stdout, err = run(capfd, "--db", town["db"], "export", "households", out)
    assert rc == 0, err
    assert load_workbook(out).active.max_row > 3
    assert not list(town["folder"].glob(".*partial"))


def test_gui_save_of_a_report_refuses_the_database(qtbot, tmp_path, monkeypatch):
    """报表页的“保存PDF”: aimed at the open database it warns in one line and the database is untouched."""
    from app.ui import report_page

    db, _ids = make_archive(tmp_path / "town.db")
    page = report_page.ReportPage(db)
    qtbot.addWidget(page)
    warnings = []
    monkeypatch.setattr(report_page, "warn", lambda _parent, title, text: warnings.append((title, text)))
    page.build_monthly()
    qtbot.waitUntil(lambda: page.result is not None, timeout=60000)
    state = database_state(db.path)
    assert page.save_pdf(str(db.path)) is None
    assert warnings and "数据库" in warnings[0][1] and "\n" not in warnings[0][1]
    assert database_state(db.path) == state
    saved = page.save_pdf(str(tmp_path / "月报.pdf"))
    assert saved is not None and saved.read_bytes().startswith(b"%PDF")
    page.background.wait()
    db.close()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(spelling=st.lists(st.sampled_from([".", "sub/..", "link", "../work"]), max_size=4),
       name=st.sampled_from(["town.db", "town.db-wal", "town.db-shm", "hard.db"]))
def test_any_spelling_of_the_database_is_refused(town_template, tmp_path_factory, spelling, name):
    """However the path is spelt (./, sub/.., a symlinked folder, a hard link to the file), a target that is
    the database or one of its working files is refused, and the database is untouched."""
    import os
    import shutil

    folder = tmp_path_factory.mktemp("spell") / "work"
    shutil.copytree(town_template, folder)
    (folder / "sub").mkdir()
    link = folder / "link"
    link.symlink_to(folder, target_is_directory=True)
    os.link(folder / "town.db", folder / "hard.db")
    db = open_database(folder / "town.db")
    try:
        with db.read() as s:
            s.execute(text("SELECT 1")).scalar()
        target = folder.joinpath(*spelling, name)
        state = database_state(db.path)
        with pytest.raises(outputs.OutputError, match="不会覆盖|工作文件"):
            outputs.write_bytes(target, OLD_BYTES)
        assert database_state(db.path) == state
        outputs.write_bytes(folder.joinpath(*spelling, "月报.pdf"), b"%PDF")  # a new name there is fine
    finally:
        db.close()
