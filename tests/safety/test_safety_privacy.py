"""Privacy (SPEC §8, issue 7): the app password is kept only as an scrypt hash, deleted data does not linger
in the file (secure_delete), and tampering with the change history is reported by `check`."""

from __future__ import annotations

import json
import sqlite3

import pytest
from safety_helpers import make_archive
from sqlalchemy import text

from app.cli import main
from app.services import privacy
from app.services.households import load_household, save_household


def test_password_is_stored_as_an_scrypt_hash_only(tmp_path):
    """The app password is stored only as a salted scrypt hash; only the right password verifies."""
    path = tmp_path / "town.db"
    db, _ids = make_archive(path)
    assert not privacy.has_password(db) and privacy.verify_password(db, "anything")
    privacy.set_password(db, "清江镇2026")
    with db.read() as s:
        stored = s.execute(text("SELECT value FROM settings WHERE key = :k"),
                           {"k": privacy.PASSWORD_SETTING}).scalar()
    assert stored.startswith("scrypt$16384$8$1$")
    assert privacy.verify_password(db, "清江镇2026")
    assert not privacy.verify_password(db, "清江镇2025")
    other = privacy.hash_password("清江镇2026")
    assert other != stored and privacy.matches(other, "清江镇2026")  # salted: same password, new hash
    db.close()
    raw = path.read_bytes() + (path.with_name(path.name + "-wal").read_bytes()
                               if path.with_name(path.name + "-wal").exists() else b"")
    assert "清江镇2026".encode() not in raw


def test_changing_or_removing_the_password_needs_the_current_one(tmp_path):
    """A set password can be changed or removed only by someone who types it; too short is refused."""
    db, _ids = make_archive(tmp_path / "town.db")
    with pytest.raises(privacy.PasswordError, match="至少"):
        privacy.set_password(db, "123")
    privacy.set_password(db, "first-pass")
    with pytest.raises(privacy.PasswordError, match="原密码不正确"):
        privacy.set_password(db, "second-pass", current="wrong")
    with pytest.raises(privacy.PasswordError, match="密码不正确"):
        privacy.clear_password(db, "wrong")
    privacy.set_password(db, "second-pass", current="first-pass")
    assert privacy.verify_password(db, "second-pass") and not privacy.verify_password(db, "first-pass")
    privacy.clear_password(db, "second-pass")
    assert not privacy.has_password(db)
    assert privacy.idle_minutes(db) == privacy.DEFAULT_IDLE_MINUTES
    privacy.set_idle_minutes(db, 3)
    assert privacy.idle_minutes(db) == 3
    db.close()


def test_secure_delete_leaves_no_trace_of_removed_data(tmp_path):
    """secure_delete is on for the app's connections: a removed attachment's bytes are gone from the file."""
    path = tmp_path / "town.db"
    db, ids = make_archive(path)
    with db.read() as s:
        assert s.execute(text("PRAGMA secure_delete")).scalar() == 1
    secret = ("身份证复印件-" * 300 + "SECRET-MARKER-7731").encode()
    scan = tmp_path / "scan.txt"
    scan.write_bytes(secret)
    from app.services.households import attachment_from_file

    data = load_household(db, ids[0])
    data.attachments.append(attachment_from_file(scan))
    save_household(db, data)
    data = load_household(db, ids[0])
    data.attachments = []
    save_household(db, data)
    with db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    raw = path.read_bytes()
    wal = path.with_name(path.name + "-wal")
    raw += wal.read_bytes() if wal.exists() else b""
    assert b"SECRET-MARKER-7731" not in raw


def test_tampered_history_is_reported_by_check(tmp_path, capsys):
    """Changing a history row behind the app's back (raw SQL) makes `check --json` report the row and exit 2."""
    path = tmp_path / "town.db"
    db, ids = make_archive(path)
    data = load_household(db, ids[0])
    data.annual_income = 12000
    save_household(db, data)
    db.close()
    assert main(["--db", str(path), "check", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["history_chain"] == "ok"
    con = sqlite3.connect(path)
    row_id = con.execute("SELECT id FROM change_log WHERE field = '家庭年收入（元）'").fetchone()[0]
    con.execute("UPDATE change_log SET new_value = '120000' WHERE id = ?", (row_id,))
    con.commit()
    con.close()
    code = main(["--db", str(path), "check", "--json"])
    report = json.loads(capsys.readouterr().out)
    assert code == 2
    assert report["integrity"] == "ok"
    assert any(f"第 {row_id} 条" in problem for problem in report["history_chain"])
