"""The data-safety GUI: errors never show a traceback, the 数据安全 page (backups, restore, 导出给县局), the
app password and idle lock, and one running window per database file."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMainWindow, QMessageBox, QPushButton
from safety_helpers import make_archive

from app import config, dblock
from app.db import open_database
from app.services import backup, privacy
from app.services.stats import stats
from app.ui import data_safety
from app.ui.password import WRONG, IdleLock, PasswordDialog, SetPasswordDialog, ask_password_at_launch
from app.ui.single_instance import InstanceGuard

ROOT = Path(__file__).resolve().parents[2]
CHINESE = re.compile(r"[\u4e00-\u9fff]")


class Said:
    """Stands in for the page's message boxes: records (kind, title, text); confirm answers `answer`."""

    def __init__(self, monkeypatch, answer: bool = True) -> None:
        self.messages: list[tuple[str, str, str]] = []
        self.answer = answer
        monkeypatch.setattr(data_safety, "info", lambda _p, title, text: self.messages.append(("info", title, text)))
        monkeypatch.setattr(data_safety, "warn", lambda _p, title, text: self.messages.append(("warn", title, text)))
        monkeypatch.setattr(data_safety, "confirm", self._confirm)

    def _confirm(self, _parent, title, text, yes="确定", no="取消") -> bool:
        self.messages.append(("confirm", title, text))
        return self.answer

    def kinds(self) -> list[str]:
        return [k for k, _t, _x in self.messages]


# ------------------------------------------------------------------------------------- error handling


@pytest.mark.qt_no_exception_capture
def test_error_in_a_slot_shows_a_chinese_dialog_and_logs_the_traceback(qtbot, monkeypatch):
    """An exception in a slot shows one Chinese sentence without traceback; the log file gets the traceback."""
    from app.ui.errors import install_exception_hooks

    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    install_exception_hooks()
    button = QPushButton("保存")
    qtbot.addWidget(button)

    def broken_slot() -> None:
        raise ZeroDivisionError("测试用的意外错误-7731")

    button.clicked.connect(broken_slot)
    seen: dict[str, str] = {}

    def answer() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            seen["text"] = box.text()
            seen["title"] = box.windowTitle()
            box.accept()
        else:
            QTimer.singleShot(10, answer)

    QTimer.singleShot(0, answer)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "text" in seen, timeout=5000)
    assert CHINESE.search(seen["text"]) and CHINESE.search(seen["title"])
    assert "Traceback" not in seen["text"] and "broken_slot" not in seen["text"]
    assert str(config.log_path()) in seen["text"]
    log = config.log_path().read_text(encoding="utf-8")
    assert "Traceback" in log and "测试用的意外错误-7731" in log and "broken_slot" in log


# ---------------------------------------------------------------------------------------- the page


def test_backup_now_adds_a_row_to_the_list(qtbot, tmp_path, monkeypatch):
    """立即备份 makes a backup in the background; the list shows it with its time, kind and size."""
    Said(monkeypatch)
    db, _ids = make_archive(tmp_path / "town.db")
    page = data_safety.DataSafetyPage(db, automatic=False)
    qtbot.addWidget(page)
    assert page.model.rowCount() == 0
    qtbot.mouseClick(page.backup_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=10000)
    index = page.model.index(0, 1)
    assert page.model.data(index) == "手动"
    assert page.model.data(page.model.index(0, 2)).endswith("KB")
    assert "已备份" in page.status.text()
    page.shutdown()
    db.close()


def test_page_takes_the_automatic_backup_on_open(qtbot, tmp_path, monkeypatch):
    """Opening the page on a writable database takes an automatic backup shortly after."""
    Said(monkeypatch)
    db, _ids = make_archive(tmp_path / "town.db")
    page = data_safety.DataSafetyPage(db)
    qtbot.addWidget(page)
    qtbot.waitUntil(lambda: any(b.kind == "自动" for b in backup.list_backups(db.path)), timeout=10000)
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=5000)
    page.shutdown()
    db.close()


def test_restore_asks_then_requests_a_reopen(qtbot, tmp_path, monkeypatch):
    """从所选备份恢复 checks the backup, shows what it holds, and after 恢复 emits restore_requested(path)."""
    said = Said(monkeypatch, answer=True)
    db, _ids = make_archive(tmp_path / "town.db")
    made = backup.make_backup(db)
    page = data_safety.DataSafetyPage(db, automatic=False)
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.restore_requested, timeout=10000) as signal_:
        qtbot.mouseClick(page.restore_button, Qt.MouseButton.LeftButton)
    assert signal_.args == [made.path]
    kind, _title, text = said.messages[-1]
    assert kind == "confirm" and "在册：3 户" in text and "清江镇" in text
    page.shutdown()
    db.close()


def test_restore_from_a_foreign_file_is_refused_with_a_reason(qtbot, tmp_path, monkeypatch):
    """Choosing a file that is not our database shows why in Chinese and requests nothing."""
    said = Said(monkeypatch)
    db, _ids = make_archive(tmp_path / "town.db")
    page = data_safety.DataSafetyPage(db, automatic=False)
    qtbot.addWidget(page)
    foreign = tmp_path / "photo.db"
    foreign.write_bytes(b"\xff\xd8\xff" * 100)
    requested = []
    page.restore_requested.connect(requested.append)
    page.check_and_request(foreign)
    qtbot.waitUntil(lambda: "warn" in said.kinds(), timeout=10000)
    assert "不是有效的数据库文件" in said.messages[-1][2] and requested == []
    page.shutdown()
    db.close()


def test_restore_and_reopen_brings_back_the_backup(qtbot, tmp_path, monkeypatch):
    """restore_and_reopen replaces the closed file, reopens it and says where the old file was kept."""
    said = Said(monkeypatch)
    path = tmp_path / "town.db"
    db, _ids = make_archive(path)
    made = backup.make_backup(db)
    from safety_helpers import family

    from app.services.households import HouseholdData, save_household

    save_household(db, HouseholdData(housing_status="租住", members=family("赵四", 9)))
    db.close()
    reopened = data_safety.restore_and_reopen(path, made.path)
    assert reopened is not None and stats(reopened)["households"] == 3
    assert said.messages[-1][0] == "info" and "恢复前" in said.messages[-1][2]
    reopened.close()


def test_export_writes_the_county_copy_in_the_background(qtbot, tmp_path, monkeypatch):
    """导出给县局 writes the encrypted copy and its manifest and tells the clerk to send the password apart."""
    said = Said(monkeypatch)
    db, _ids = make_archive(tmp_path / "town.db")
    page = data_safety.DataSafetyPage(db, automatic=False)
    qtbot.addWidget(page)
    out = tmp_path / "清江镇-县局副本.zip"
    page.run_export(out, "county-2026")
    qtbot.waitUntil(lambda: "info" in said.kinds(), timeout=20000)
    text = said.messages[-1][2]
    assert out.exists() and out.with_name(out.name + ".manifest.json").exists()
    assert "在册 3 户" in text and "密码另行告知" in text
    assert page.export_button.isEnabled()
    page.shutdown()
    db.close()


def test_export_dialog_checks_the_password(qtbot, tmp_path):
    """The export dialog refuses a short or mistyped password and switches the file to .zip when encrypting."""
    dialog = data_safety.ExportDialog(tmp_path, "清江镇")
    qtbot.addWidget(dialog)
    assert dialog.path.text().endswith(".db")
    dialog.encrypt.setChecked(True)
    assert dialog.path.text().endswith(".zip")
    dialog.password.setText("abc")
    dialog.repeat.setText("abc")
    dialog.try_accept()
    assert "至少" in dialog.error.text() and dialog.result() != dialog.DialogCode.Accepted
    dialog.password.setText("abcdef12")
    dialog.repeat.setText("abcdef13")
    dialog.try_accept()
    assert "不一致" in dialog.error.text()
    dialog.repeat.setText("abcdef12")
    dialog.try_accept()
    assert dialog.result() == dialog.DialogCode.Accepted
    assert dialog.values() == (Path(dialog.path.text()), "abcdef12")


def test_read_only_database_page_offers_no_writing(qtbot, tmp_path, monkeypatch):
    """On a read-only database the page says why and offers no backup, restore or password change."""
    Said(monkeypatch)
    make_archive(tmp_path / "town.db")[0].close()
    db = open_database(tmp_path / "town.db", readonly=True)
    page = data_safety.DataSafetyPage(db)
    qtbot.addWidget(page)
    assert not page.backup_button.isEnabled() and not page.restore_button.isEnabled()
    assert not page.set_password_button.isEnabled() and page.export_button.isEnabled()
    page.shutdown()
    assert backup.list_backups(db.path) == []
    db.close()


# ---------------------------------------------------------------------------------------- password


def test_launch_password_dialog_accepts_only_the_right_password(qtbot, tmp_path):
    """At launch nothing is asked without a password; with one, only the right password gets in."""
    db, _ids = make_archive(tmp_path / "town.db")
    assert ask_password_at_launch(db) is True
    privacy.set_password(db, "right-pass")
    dialog = PasswordDialog(db)
    qtbot.addWidget(dialog)
    dialog.field.setText("wrong-pass")
    dialog.try_accept()
    assert dialog.error.text() == WRONG and dialog.result() != dialog.DialogCode.Accepted
    QTest.keyClicks(dialog.field, "right-pass")
    QTest.keyClick(dialog.field, Qt.Key.Key_Return)
    assert dialog.result() == dialog.DialogCode.Accepted
    db.close()


def test_set_password_dialog_sets_and_removes(qtbot, tmp_path):
    """设置密码 stores it after the two entries agree; 取消密码 needs the current one."""
    db, _ids = make_archive(tmp_path / "town.db")
    dialog = SetPasswordDialog(db)
    qtbot.addWidget(dialog)
    dialog.new.setText("新密码12345")
    dialog.repeat.setText("新密码12346")
    dialog.try_accept()
    assert "不一致" in dialog.error.text() and not privacy.has_password(db)
    dialog.repeat.setText("新密码12345")
    dialog.try_accept()
    assert privacy.verify_password(db, "新密码12345") and privacy.has_password(db)
    clear = SetPasswordDialog(db, mode="clear")
    qtbot.addWidget(clear)
    clear.current.setText("错误")
    clear.try_accept()
    assert "不正确" in clear.error.text() and privacy.has_password(db)
    clear.current.setText("新密码12345")
    clear.try_accept()
    assert not privacy.has_password(db)
    db.close()


def test_idle_lock_covers_the_window_until_the_password_is_typed(qtbot, tmp_path):
    """After the idle minutes the window is covered until the password is typed; input resets the clock."""
    db, _ids = make_archive(tmp_path / "town.db")
    now = [1000.0]
    window = QMainWindow()
    qtbot.addWidget(window)
    window.show()
    lock = IdleLock(db, check_ms=3_600_000, clock=lambda: now[0])
    try:
        now[0] += 3600
        lock.check()
        assert not lock.locked  # no password: never locks
        privacy.set_password(db, "lock-pass-1")
        privacy.set_idle_minutes(db, 5)
        now[0] += 4 * 60
        lock.check()
        assert not lock.locked
        QTest.keyClick(window, Qt.Key.Key_A)  # the clerk is working
        now[0] += 4 * 60
        lock.check()
        assert not lock.locked
        now[0] += 2 * 60
        lock.check()
        assert lock.locked and lock.dialog is not None and lock.dialog.isVisible()
        assert lock.dialog.isModal() or lock.dialog.windowModality() != Qt.WindowModality.NonModal
        assert any(c.isVisible() and c.geometry() == window.rect() for c in lock._covers)
        QTest.keyClick(lock.dialog, Qt.Key.Key_Escape)
        assert lock.locked  # Esc does not unlock
        lock.dialog.field.setText("wrong")
        lock.dialog.try_accept()
        assert lock.locked
        lock.dialog.field.setText("lock-pass-1")
        lock.dialog.try_accept()
        assert not lock.locked
        qtbot.waitUntil(lambda: not lock._covers, timeout=2000)
    finally:
        lock.stop()
        db.close()


# ----------------------------------------------------------------------------------- single instance

CHILD = """
import sys, time
from PySide6.QtCore import QCoreApplication
app = QCoreApplication([])
from app.ui.single_instance import InstanceGuard
guard = InstanceGuard(sys.argv[1])
ok = guard.acquire()
print(ok, guard.notified, flush=True)
if ok and len(sys.argv) > 2:
    time.sleep(60)
"""


def _child(path: Path, *extra: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.Popen([sys.executable, "-c", CHILD, str(path), *extra], stdout=subprocess.PIPE, text=True,
                            cwd=ROOT, env=env)


def test_second_launch_brings_the_first_window_forward(qtbot, tmp_path):
    """A second launch on an open database asks the first window to come forward and quits."""
    path = tmp_path / "town.db"
    guard = InstanceGuard(path)
    assert guard.acquire()
    try:
        with qtbot.waitSignal(guard.activation_requested, timeout=20000):
            proc = _child(path)
        qtbot.waitUntil(lambda: proc.poll() is not None, timeout=10000)
        assert proc.stdout is not None and proc.stdout.read().split() == ["False", "True"]
        other = _child(tmp_path / "other.db")  # another file is not blocked
        other.wait(20)
        assert other.stdout is not None and other.stdout.read().split()[0] == "True"
    finally:
        guard.release()


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_stale_lock_from_a_crashed_window_is_cleared(qtbot, tmp_path):
    """A lock left by a window that was killed does not block the next launch."""
    path = tmp_path / "town.db"
    proc = _child(path, "hold")
    assert proc.stdout is not None and proc.stdout.readline().split() == ["True", "False"]
    assert dblock.instance_lock_path(path).exists()
    assert dblock.window_elsewhere(path)
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)
    assert dblock.instance_lock_path(path).exists()  # the crash left the (empty) file behind, not its lock
    assert not dblock.window_elsewhere(path)
    guard = InstanceGuard(path)
    try:
        assert guard.acquire() and guard.locked
    finally:
        guard.release()
    assert not dblock.window_elsewhere(path)
