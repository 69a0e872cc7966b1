"""`verify SNAPSHOT` and 核验副本 (issue point 10): a county copy is checked against its 清单 (校验码, size,
integrity, counts, town, schema) and the change history's hash chain; a copy edited afterwards fails with a
message saying what disagrees. Exit 0 good, 1 disagrees, 2 unreadable."""

from __future__ import annotations

import json
import sqlite3
import sys
import zipfile
from pathlib import Path

import pytest

from app.cli import main
from app.services import snapshot

sys.path.insert(0, str(Path(__file__).parent))
from safety_helpers import make_archive  # noqa: E402

PASSWORD = "县局-2026-secret"


def cli(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def copy(tmp_path):
    """A county copy (plain .db) of a small town, with its 清单 beside it."""
    db, _ids = make_archive(tmp_path / "town.db", households=4)
    result = snapshot.take_snapshot(db, tmp_path / "县局副本.db")
    db.close()
    return result.path


@pytest.fixture
def encrypted(tmp_path):
    db, _ids = make_archive(tmp_path / "town.db", households=4)
    result = snapshot.take_snapshot(db, tmp_path / "县局副本.zip", password=PASSWORD)
    db.close()
    return result.path


def edit(path: Path, sql: str) -> None:
    con = sqlite3.connect(path)
    con.execute("PRAGMA foreign_keys=OFF")
    con.execute(sql)
    con.commit()
    con.close()


def manifest_of(path: Path) -> Path:
    return snapshot.manifest_path_for(path)


def reseal(path: Path) -> None:
    """What a careful forger does after editing: write the new 校验码 and size into the 清单."""
    m = json.loads(manifest_of(path).read_text(encoding="utf-8"))
    m["sha256"] = snapshot._sha256(path)
    m["size"] = path.stat().st_size
    manifest_of(path).write_text(json.dumps(m, ensure_ascii=False), encoding="utf-8")


def test_untouched_copy_passes(copy, capsys):
    """A copy as exported: exit 0, with the town and the counts."""
    code, out, err = cli(capsys, "verify", copy)
    assert code == 0, err
    assert "核验通过" in out and "清江镇" in out and "4 户" in out


def test_value_changed_after_the_snapshot_fails(copy, capsys):
    """A phone number changed with sqlite3 after the snapshot: exit 1, the 校验码 disagrees."""
    edit(copy, "UPDATE households SET phone = '13900000000' WHERE id = (SELECT min(id) FROM households)")
    code, _out, err = cli(capsys, "verify", copy)
    assert code == 1 and "校验码" in err and "SHA-256" not in err


def test_deleted_row_fails_even_with_a_resealed_manifest(copy, capsys):
    """A household deleted and the 清单's 校验码 rewritten to match: the counts still disagree."""
    edit(copy, "DELETE FROM households WHERE id = (SELECT max(id) FROM households)")
    reseal(copy)
    code, _out, err = cli(capsys, "verify", copy)
    assert code == 1 and "户的条数与清单不符（清单 4，副本 3）" in err and "在册户数" in err


def test_rewritten_history_fails_even_with_a_resealed_manifest(copy, capsys):
    """A change-history row edited (and the 清单 resealed): the hash chain breaks."""
    edit(copy, "UPDATE change_log SET new_value = '张三' WHERE id = (SELECT min(id) FROM change_log)")
    reseal(copy)
    code, _out, err = cli(capsys, "verify", copy)
    assert code == 1 and "变更记录" in err and "被改动" in err


def test_truncated_history_fails_even_with_a_resealed_manifest(copy, capsys):
    """The last history rows removed (the chain still links): the 清单's end of chain disagrees."""
    edit(copy, "DELETE FROM change_log WHERE id = (SELECT max(id) FROM change_log)")
    m = json.loads(manifest_of(copy).read_text(encoding="utf-8"))
    m["row_counts"]["change_log"] -= 1
    manifest_of(copy).write_text(json.dumps(m, ensure_ascii=False), encoding="utf-8")
    reseal(copy)
    code, _out, err = cli(capsys, "verify", copy)
    assert code == 1 and "变更记录与清单不符" in err


def test_edited_manifest_fails(copy, capsys):
    """The 清单 edited (more households claimed): exit 1 naming the figure."""
    m = json.loads(manifest_of(copy).read_text(encoding="utf-8"))
    m["active"]["households"] = 40
    manifest_of(copy).write_text(json.dumps(m, ensure_ascii=False), encoding="utf-8")
    code, _out, err = cli(capsys, "verify", copy)
    assert code == 1 and "在册户数与清单不符（清单 40，副本 4）" in err


def test_missing_manifest_fails_and_missing_file_is_unreadable(copy, capsys, tmp_path):
    """No 清单: exit 1 saying so; no file or not a copy at all: exit 2."""
    manifest_of(copy).unlink()
    code, _out, err = cli(capsys, "verify", copy)
    assert code == 1 and "找不到清单" in err
    assert cli(capsys, "verify", tmp_path / "nothing.db")[0] == 2
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database")
    code, _out, err = cli(capsys, "verify", junk)
    assert code == 2 and "不是本软件导出的副本" in err and err.count("\n") == 1


def test_encrypted_copy_passes_with_its_password(encrypted, capsys):
    """An AES zip: opened with the password into a private folder, checked inside and out."""
    code, out, err = cli(capsys, "verify", encrypted, "--password", PASSWORD)
    assert code == 0, err
    assert "加密文件校验码" in out and "变更记录" in out


def test_encrypted_copy_wrong_password_or_none(encrypted, capsys, monkeypatch):
    """A wrong password is unreadable (2); no password and no terminal is bad usage (2)."""
    code, _out, err = cli(capsys, "verify", encrypted, "--password", "wrong-password")
    assert code == 2 and "密码不对" in err
    monkeypatch.delenv("HOUFU_SNAPSHOT_PASSWORD", raising=False)
    monkeypatch.setattr(sys, "stdin", None)
    code, _out, err = cli(capsys, "verify", encrypted)
    assert code == 2 and "--password" in err


def test_encrypted_copy_rezipped_after_editing_fails(encrypted, capsys, tmp_path):
    """Unpacked, edited and zipped again with the same password: the archive's 校验码 and the copy's disagree."""
    import pyzipper

    with pyzipper.AESZipFile(encrypted) as z:
        z.setpassword(PASSWORD.encode())
        names = z.namelist()
        inner = next(n for n in names if n.endswith(".db"))
        data = {n: z.read(n) for n in names}
    plain = tmp_path / "inner.db"
    plain.write_bytes(data[inner])
    edit(plain, "UPDATE members SET name = '李四' WHERE id = (SELECT min(id) FROM members)")
    data[inner] = plain.read_bytes()
    encrypted.unlink()
    with pyzipper.AESZipFile(encrypted, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.setpassword(PASSWORD.encode())
        z.setencryption(pyzipper.WZ_AES, nbits=256)
        for name, content in data.items():
            z.writestr(name, content)
    code, _out, err = cli(capsys, "verify", encrypted, "--password", PASSWORD)
    assert code == 1 and "加密文件的校验码与清单不符" in err and "副本文件的校验码与清单不符" in err


def test_verify_never_writes_the_copy(copy, capsys):
    """Checking a copy leaves its bytes as they were (it opens read-only)."""
    before = copy.read_bytes()
    cli(capsys, "verify", copy)
    assert copy.read_bytes() == before and not Path(f"{copy}-wal").exists()


def test_gui_verify_button_reports_in_clerk_words(qtbot, tmp_path, monkeypatch, copy):
    """数据安全 → 核验副本: passes the untouched copy, fails an edited one saying the 校验码 disagrees, with no
    technical words; the work runs in the background."""
    from app.db import open_database
    from app.ui import data_safety

    shown = []
    monkeypatch.setattr(data_safety, "info", lambda _p, title, text: shown.append((True, title, text)))
    monkeypatch.setattr(data_safety, "warn", lambda _p, title, text: shown.append((False, title, text)))
    db = open_database(tmp_path / "town.db")
    page = data_safety.DataSafetyPage(db, automatic=False)
    qtbot.addWidget(page)
    assert page.verify_button.text() == "核验副本……"

    page.run_verify(copy)
    qtbot.waitUntil(lambda: len(shown) == 1, timeout=30000)
    assert shown[0][0] and shown[0][1] == "副本核验通过" and "4 户" in shown[0][2]

    edit(copy, "UPDATE households SET phone = '13900000000' WHERE id = (SELECT min(id) FROM households)")
    page.run_verify(copy)
    qtbot.waitUntil(lambda: len(shown) == 2, timeout=30000)
    ok, title, text = shown[1]
    assert not ok and title == "副本未通过核验" and "校验码" in text
    for word in ("SHA", "sha256", "manifest", "json", "hash"):
        assert word not in text
    page.shutdown()
    db.close()


def test_gui_verify_of_an_encrypted_copy_asks_for_the_password(qtbot, tmp_path, monkeypatch, encrypted):
    """Choosing an encrypted copy asks for its password and checks inside it."""
    from PySide6.QtWidgets import QInputDialog

    from app.db import open_database
    from app.ui import data_safety

    shown = []
    monkeypatch.setattr(data_safety, "info", lambda _p, title, text: shown.append((True, title, text)))
    monkeypatch.setattr(data_safety, "warn", lambda _p, title, text: shown.append((False, title, text)))
    monkeypatch.setattr(data_safety.file_dialogs, "get_open_path", lambda *a, **k: str(encrypted))
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: (PASSWORD, True)))
    db = open_database(tmp_path / "town.db")
    page = data_safety.DataSafetyPage(db, automatic=False)
    qtbot.addWidget(page)
    qtbot.mouseClick(page.verify_button, __import__("PySide6.QtCore", fromlist=["Qt"]).Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(shown) == 1, timeout=30000)
    assert shown[0][0] and "变更记录" in shown[0][2]
    page.shutdown()
    db.close()
