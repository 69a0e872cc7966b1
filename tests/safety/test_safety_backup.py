"""Backups (SPEC §8): automatic rotating backups, a manual backup, and restore after a check of the chosen
file, keeping the current file as a backup first."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest
from safety_helpers import family, file_digest, make_archive

from app.cli import main
from app.db import create_database, open_database
from app.services import backup, snapshot
from app.services.backup import BackupInfo, RestoreRefused
from app.services.households import HouseholdData, save_household
from app.services.stats import stats


def cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_manual_backup_is_a_sound_single_file_listed_newest_first(tmp_path):
    """立即备份 writes sound single-file copies beside the database, listed newest first with kind and size."""
    db, _ids = make_archive(tmp_path / "town.db")
    first = backup.make_backup(db)
    save_household(db, HouseholdData(housing_status="租住", members=family("赵四", 9)))
    second = backup.make_backup(db)
    listed = backup.list_backups(db.path)
    db.close()
    assert [b.path for b in listed] == [second.path, first.path]
    assert first.path.parent == tmp_path / "town-备份" and first.kind == "手动" and first.size > 0
    for b, households in ((first, 3), (second, 4)):
        con = sqlite3.connect(f"file:{b.path}?mode=ro", uri=True)
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert con.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert con.execute("SELECT count(*) FROM households").fetchone()[0] == households
        con.close()
        assert not Path(f"{b.path}-wal").exists()


def test_automatic_backup_on_open_and_daily(tmp_path):
    """The automatic backup is taken at open unless one was taken within the hour, and again once a day."""
    db, _ids = make_archive(tmp_path / "town.db")
    now = dt.datetime.now()
    assert backup.auto_backup(db, now=now) is not None
    assert backup.auto_backup(db, now=now + dt.timedelta(minutes=30)) is None
    assert backup.auto_backup(db, min_interval=backup.AUTO_INTERVAL, now=now + dt.timedelta(hours=23)) is None
    later = backup.auto_backup(db, min_interval=backup.AUTO_INTERVAL, now=now + dt.timedelta(hours=25))
    assert later is not None and later.kind == "自动"
    db.close()
    readonly = open_database(tmp_path / "town.db", readonly=True)
    assert backup.auto_backup(readonly, now=now + dt.timedelta(days=3)) is None
    readonly.close()


def _fake(day: dt.datetime, kind: str) -> BackupInfo:
    return BackupInfo(Path(f"/b/town-{day:%Y%m%d-%H%M%S}-{kind}.db"), day, kind, 1)


def test_rotation_keeps_ten_recent_and_one_per_month_for_a_year():
    """Rotation keeps the newest 10 automatic backups plus one per month for 12 months, all manual, 5 升级前."""
    start = dt.datetime(2024, 1, 1, 9, 0, 0)
    autos = [_fake(start + dt.timedelta(days=i), "自动") for i in range(730)]
    manual = [_fake(start + dt.timedelta(days=i, hours=1), "手动") for i in range(0, 730, 30)]
    upgrades = [_fake(start + dt.timedelta(days=i, hours=2), "升级前") for i in range(8)]
    everything = autos + manual + upgrades
    removed = {b.path for b in backup.to_remove(everything)}
    kept_autos = [b for b in autos if b.path not in removed]
    newest = autos[-1].taken_at
    assert set(b.path for b in autos[-10:]) <= {b.path for b in kept_autos}
    months = {(b.taken_at.year, b.taken_at.month) for b in kept_autos}
    assert len(months) == 12 and (newest.year, newest.month) in months
    assert len(kept_autos) <= 10 + 12
    assert not removed & {b.path for b in manual}
    assert len([b for b in upgrades if b.path not in removed]) == 5


def test_prune_deletes_the_files_the_rotation_drops(tmp_path):
    """Old automatic backup files beyond the rotation are deleted from the folder; manual ones stay."""
    db, _ids = make_archive(tmp_path / "town.db")
    source = backup.make_backup(db, backup.KIND_MANUAL)
    folder = source.path.parent
    start = dt.datetime(2025, 1, 1, 8)
    for i in range(40):  # every third day, 1 January to 28 April
        (folder / f"town-{start + dt.timedelta(days=3 * i):%Y%m%d-%H%M%S}-自动.db").write_bytes(b"x")
    removed = backup.prune(db.path)
    db.close()
    remaining = {b.taken_at.date() for b in backup.list_backups(tmp_path / "town.db") if b.kind == "自动"}
    # The newest 10 (1–28 April) and the newest of March, February and January.
    assert len(removed) == 40 - 13 and len(remaining) == 13
    assert {dt.date(2025, 3, 29), dt.date(2025, 2, 27), dt.date(2025, 1, 31)} <= remaining
    assert source.path.exists()


def test_restore_replaces_the_data_and_keeps_the_current_file(tmp_path):
    """Restore brings back the backup's households and keeps the replaced file, later work included, as 恢复前."""
    path = tmp_path / "town.db"
    db, _ids = make_archive(path)
    taken = backup.make_backup(db)
    save_household(db, HouseholdData(housing_status="租住", members=family("赵四", 9)))
    db.close()
    result = backup.restore(path, taken.path)
    assert result.candidate.households == 3 and result.candidate.town == "清江镇"
    reopened = open_database(path)
    assert not reopened.readonly and stats(reopened)["households"] == 3
    save_household(reopened, HouseholdData(housing_status="租住", members=family("钱五", 10)))
    reopened.close()
    assert result.kept is not None and "恢复前" in result.kept.name
    kept = open_database(result.kept, readonly=True)
    assert stats(kept)["households"] == 4
    kept.close()
    assert not list(tmp_path.glob(".*restore-tmp"))


@pytest.mark.parametrize("problem", ["foreign", "damaged", "newer", "same file", "missing"])
def test_restore_refuses_a_file_that_is_not_a_sound_backup(tmp_path, problem):
    """A foreign, damaged, newer, missing file or the database itself is refused in Chinese, nothing touched."""
    path = tmp_path / "town.db"
    db, _ids = make_archive(path)
    taken = backup.make_backup(db)
    db.close()
    chosen = tmp_path / "chosen.db"
    if problem == "foreign":
        con = sqlite3.connect(chosen)
        con.execute("CREATE TABLE t (x)")
        con.commit()
        con.close()
    elif problem == "damaged":
        raw = bytearray(taken.path.read_bytes())
        con = sqlite3.connect(taken.path)
        page_size = con.execute("PRAGMA page_size").fetchone()[0]
        root = con.execute("SELECT rootpage FROM sqlite_master WHERE name='households'").fetchone()[0]
        con.close()
        raw[(root - 1) * page_size] ^= 0xFF
        chosen.write_bytes(bytes(raw))
    elif problem == "newer":
        chosen.write_bytes(taken.path.read_bytes())
        con = sqlite3.connect(chosen)
        con.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
        con.commit()
        con.close()
    elif problem == "same file":
        chosen = path
    digest = file_digest(path)
    with pytest.raises(RestoreRefused) as refused:
        backup.restore(path, chosen)
    message = str(refused.value)
    assert any(word in message for word in ("不是本软件", "损坏", "更新版本", "正在使用的数据库", "找不到"))
    assert file_digest(path) == digest
    assert not [b for b in backup.list_backups(path) if b.kind == "恢复前"]


def test_restore_from_the_county_copy_makes_a_working_file(tmp_path):
    """A town whose PC died can restore from the copy it gave the county: the result is writable again."""
    path = tmp_path / "town.db"
    db, _ids = make_archive(path)
    copy = snapshot.take_snapshot(db, tmp_path / "county.db").path
    db.close()
    path.unlink()
    result = backup.restore(path, copy)
    assert result.candidate.is_snapshot and result.kept is None
    db = open_database(path)
    assert not db.readonly and stats(db)["households"] == 3
    db.close()


def test_restore_over_an_unreadable_file_moves_it_aside(tmp_path):
    """When the current file is destroyed (bad header), restore still works and keeps the broken file as it was."""
    path = tmp_path / "town.db"
    db, _ids = make_archive(path)
    taken = backup.make_backup(db)
    db.close()
    raw = bytearray(path.read_bytes())
    raw[0:16] = b"\x00" * 16
    path.write_bytes(bytes(raw))
    result = backup.restore(path, taken.path)
    assert result.kept is not None and result.kept.read_bytes() == bytes(raw)
    db = open_database(path)
    assert stats(db)["households"] == 3
    db.close()


def test_backup_and_restore_commands(tmp_path, capsys):
    """`backup`, `backup --list` and `restore FILE` work from the command line with Chinese output."""
    path = tmp_path / "town.db"
    make_archive(path)[0].close()
    code, out, _ = cli(capsys, "--db", str(path), "backup")
    assert code == 0 and "已备份" in out
    code, out, _ = cli(capsys, "--db", str(path), "backup", "--list")
    assert code == 0 and "手动" in out
    made = backup.list_backups(path)[0].path
    code, out, _ = cli(capsys, "--db", str(path), "restore", str(made))
    assert code == 0 and "已从备份恢复" in out and "恢复前" in out
    code, _out, err = cli(capsys, "--db", str(path), "restore", str(tmp_path / "nope.db"))
    assert code == 2 and "找不到" in err and err.count("\n") == 1


def test_new_database_without_backups_lists_none(tmp_path):
    """A new database has no backups and an empty list (no folder is created just by looking)."""
    db = create_database(tmp_path / "new.db")
    assert backup.list_backups(db.path) == []
    assert not backup.backup_folder(db.path).exists()
    db.close()
