"""Files the program creates are its user's only (issue point 11): database, working files, backups, county
copies, exports, reports and the log are 0600 and its folders 0700 on POSIX, whatever the umask; an encrypted
copy never leaves an unencrypted one beside the database; reports for the system viewer go to a private
folder of this process; leftovers of a killed process go at the next start."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from app import outputs
from app.cli import main
from app.db import open_database
from app.services import backup, snapshot

sys.path.insert(0, str(Path(__file__).parent))
from safety_helpers import make_archive  # noqa: E402

pytestmark = pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def loose_umask():
    """The usual desktop umask (022), under which new files would be world-readable."""
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_files_made_by_the_services_are_private_under_a_loose_umask(tmp_path, loose_umask):
    """Database, -wal/-shm, backup and its folder, restore, county copy and 清单, export, report: 0600/0700."""
    from app.io.export import export_households
    from app.reports.monthly import BuildResult

    db, _ids = make_archive(tmp_path / "town.db")
    for side in (Path(f"{db.path}-wal"), Path(f"{db.path}-shm")):
        assert mode(side) == 0o600, side
    made = [db.path]
    info = backup.make_backup(db, backup.KIND_MANUAL)
    made.append(info.path)
    result = snapshot.take_snapshot(db, tmp_path / "copy.db")
    made += [result.path, result.manifest_path]
    enc = snapshot.take_snapshot(db, tmp_path / "copy.zip", password="secret-2026")
    made += [enc.path, enc.manifest_path]
    made.append(export_households(db, tmp_path / "花名册.xlsx").path)
    made.append(BuildResult(b"%PDF-1.4", 1).save(tmp_path / "月报.pdf"))
    db.close()
    backup.restore(tmp_path / "town.db", info.path)
    made.append(tmp_path / "town.db")
    for path in made:
        assert path.exists() and mode(path) == 0o600, (path, oct(mode(path)))
    assert mode(backup.backup_folder(tmp_path / "town.db")) == 0o700


def test_command_line_makes_private_files(tmp_path, capsys, loose_umask):
    """The same through the commands: init, backup, export, report, and the log of an unexpected error."""
    from app import errors

    db = tmp_path / "新建" / "town.db"
    assert main(["--db", str(db), "init", "--town", "清江镇"]) == 0
    assert main(["--db", str(db), "backup"]) == 0
    assert main(["--db", str(db), "export", "households", str(tmp_path / "h.xlsx")]) == 0
    assert main(["--db", str(db), "report", "monthly", "--month", "2026-05", "--out", str(tmp_path / "r.pdf")]) == 0
    capsys.readouterr()
    assert mode(db) == 0o600 and mode(db.parent) == 0o700
    assert mode(backup.backup_folder(db)) == 0o700
    assert all(mode(p) == 0o600 for p in backup.backup_folder(db).iterdir())
    assert mode(tmp_path / "h.xlsx") == 0o600 and mode(tmp_path / "r.pdf") == 0o600
    errors.log_exception(RuntimeError("test"), "test")
    assert mode(errors.config.log_path()) == 0o600


def test_encrypted_copy_never_puts_a_plain_copy_beside_the_database(tmp_path, monkeypatch):
    """The plain copy is made in a private folder (0700) and removed with it, even when the export fails."""
    db, _ids = make_archive(tmp_path / "town.db")
    seen = {}
    real_zip = snapshot._zip

    def zip_then_die(plain, *args):
        seen["plain"] = Path(plain)
        seen["folder_mode"] = mode(Path(plain).parent)
        seen["file_mode"] = mode(Path(plain))
        seen["plain_beside"] = [p.name for p in tmp_path.iterdir() if not p.name.startswith("town.db")
                                and p.read_bytes()[:16] == b"SQLite format 3\x00"]
        real_zip(plain, *args)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(snapshot, "_zip", zip_then_die)
    with pytest.raises(snapshot.SnapshotError):
        snapshot.take_snapshot(db, tmp_path / "copy.zip", password="secret-2026")
    db.close()
    assert seen["plain"].parent != tmp_path and not seen["plain"].is_relative_to(tmp_path)
    assert seen["folder_mode"] == 0o700 and seen["file_mode"] == 0o600
    assert not seen["plain"].parent.exists()
    assert seen["plain_beside"] == []
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file() and not p.name.endswith(".lock")) == ["town.db"]


def test_private_folder_of_a_killed_process_is_removed_at_next_start(tmp_path, capsys, monkeypatch):
    """A private folder whose process is gone (killed mid-export) is deleted when the program next starts;
    that of a live process is kept."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = tmp_path / f"houfu-private-{dead.pid}-snapshot-abc123"
    stale.mkdir()
    (stale / "copy.db").write_bytes(b"plain copy with people's data")
    live = outputs.private_dir("snapshot")
    db = tmp_path / "town.db"
    make_archive(db)[0].close()
    assert main(["--db", str(db), "stats", "--json"]) == 0
    capsys.readouterr()
    assert not stale.exists() and live.exists()
    outputs.remove_private_dir(live)


def test_report_for_the_viewer_goes_to_a_private_folder_of_this_process(qtbot, tmp_path, monkeypatch):
    """用系统程序打开 writes the PDF into this process's own 0700 folder, not a fixed shared path."""
    from PySide6.QtGui import QDesktopServices

    from app.ui import report_page

    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(lambda url: opened.append(url) or True))
    db, _ids = make_archive(tmp_path / "town.db")
    page = report_page.ReportPage(db)
    qtbot.addWidget(page)
    page.build_monthly()
    qtbot.waitUntil(lambda: page.result is not None, timeout=60000)
    page.open_external()
    path = Path(opened[0].toLocalFile())
    assert path.read_bytes().startswith(b"%PDF")
    assert "houfu-reports" not in str(path) and str(os.getpid()) in path.parent.name
    assert mode(path.parent) == 0o700 and mode(path) == 0o600
    page.background.wait()
    db.close()


def test_open_database_working_files_are_private(tmp_path, loose_umask):
    """An old database created world-readable keeps its mode, but one made now has private -wal and -shm."""
    db, _ids = make_archive(tmp_path / "town.db")
    db.close()
    again = open_database(tmp_path / "town.db")
    with again.write() as s:
        from sqlalchemy import text

        s.execute(text("UPDATE town_profile SET town_name = '清江镇'"))
    assert mode(Path(f"{again.path}-wal")) == 0o600 and mode(Path(f"{again.path}-shm")) == 0o600
    again.close()
