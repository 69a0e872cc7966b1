"""The optional app password in the GUI: asked at launch, set/changed/removed on the 数据安全 page, and an idle
lock that covers every window after N minutes without keyboard or mouse input (app.services.privacy keeps
the scrypt hash and the minutes)."""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app import APP_NAME
from app.db import Database, DatabaseError
from app.services import privacy
from app.ui.widgets import dialog_buttons, primary_button

WRONG = "密码不正确，请重新输入。"
PAUSE_AFTER_FAILURES = 3  # after this many wrong tries, each further try waits a few seconds


def _password_field() -> QLineEdit:
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setMinimumWidth(240)
    return field


def _error_label() -> QLabel:
    label = QLabel("")
    label.setObjectName("ErrorText")
    label.setStyleSheet("color: #b00020;")
    label.setWordWrap(True)
    return label


class PasswordDialog(QDialog):
    """Asks for the app password; accepted only with the right one. 退出 (or closing it) rejects.

    Used at launch (ask_password_at_launch) and by the idle lock (unlock=True: Esc does not close it)."""

    def __init__(self, db: Database, parent: QWidget | None = None, *, unlock: bool = False) -> None:
        super().__init__(parent)
        self.db = db
        self.unlock = unlock
        self.failures = 0
        self.setWindowTitle("已锁定" if unlock else APP_NAME)
        self.setModal(True)
        layout = QVBoxLayout(self)
        text = ("软件已锁定（长时间没有操作）。请输入密码继续使用。" if unlock
                else "本软件已设置密码。请输入密码：")
        self.prompt = QLabel(text)
        self.prompt.setWordWrap(True)
        layout.addWidget(self.prompt)
        self.field = _password_field()
        layout.addWidget(self.field)
        self.error = _error_label()
        layout.addWidget(self.error)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.ok_button = primary_button("解锁" if unlock else "确定")
        self.quit_button = QPushButton("退出软件")
        buttons.addWidget(self.quit_button)
        buttons.addWidget(self.ok_button)
        layout.addLayout(buttons)
        self.ok_button.setDefault(True)
        self.ok_button.clicked.connect(self.try_accept)
        self.quit_button.clicked.connect(self.reject)
        self.field.returnPressed.connect(self.try_accept)

    def try_accept(self) -> None:
        if not self.ok_button.isEnabled():
            return
        if privacy.verify_password(self.db, self.field.text()):
            self.field.clear()
            self.accept()
            return
        self.failures += 1
        self.field.clear()
        self.error.setText(WRONG)
        if self.failures >= PAUSE_AFTER_FAILURES:
            seconds = min(30, 2 * (self.failures - PAUSE_AFTER_FAILURES + 1))
            self.error.setText(f"{WRONG}（已错 {self.failures} 次，请 {seconds} 秒后再试）")
            self.ok_button.setEnabled(False)
            self.field.setEnabled(False)
            QTimer.singleShot(seconds * 1000, self._resume)

    def _resume(self) -> None:
        self.ok_button.setEnabled(True)
        self.field.setEnabled(True)
        self.field.setFocus()

    def keyPressEvent(self, event) -> None:
        if self.unlock and event.key() == Qt.Key.Key_Escape:
            return  # the lock is not dismissed by Esc
        super().keyPressEvent(event)


def ask_password_at_launch(db: Database, parent: QWidget | None = None) -> bool:
    """True when the clerk may go on: no password is set, or the right one was typed; False to quit."""
    if not privacy.has_password(db):
        return True
    return PasswordDialog(db, parent).exec() == QDialog.DialogCode.Accepted


class SetPasswordDialog(QDialog):
    """Set, change (mode "set") or remove (mode "clear") the app password; the current one is asked first."""

    def __init__(self, db: Database, parent: QWidget | None = None, *, mode: str = "set") -> None:
        super().__init__(parent)
        self.db = db
        self.mode = mode
        has = privacy.has_password(db)
        self.setWindowTitle("取消密码" if mode == "clear" else ("修改密码" if has else "设置密码"))
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.current = _password_field()
        self.new = _password_field()
        self.repeat = _password_field()
        if has:
            form.addRow("当前密码", self.current)
        if mode != "clear":
            form.addRow("新密码", self.new)
            form.addRow("再输入一次", self.repeat)
            hint = QLabel(f"至少 {privacy.MIN_PASSWORD_LENGTH} 个字符。密码只用于打开本软件，请牢记："
                          "忘记密码将无法进入软件。")
            hint.setWordWrap(True)
            layout.addWidget(hint)
        layout.addLayout(form)
        self.error = _error_label()
        layout.addWidget(self.error)
        buttons, self.ok_button = dialog_buttons(self, self.try_accept, "确定")
        layout.addWidget(buttons)

    def try_accept(self) -> None:
        try:
            if self.mode == "clear":
                privacy.clear_password(self.db, self.current.text())
            else:
                if self.new.text() != self.repeat.text():
                    self.error.setText("两次输入的新密码不一致。")
                    return
                privacy.set_password(self.db, self.new.text(), current=self.current.text())
        except (privacy.PasswordError, DatabaseError) as exc:
            self.error.setText(str(exc))
            return
        self.accept()


class _Cover(QWidget):
    """An opaque sheet over a window while the app is locked, so nothing on it can be read."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.setAutoFillBackground(True)
        self.setStyleSheet("background: #eef1f5;")
        layout = QVBoxLayout(self)
        label = QLabel("已锁定")
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        label.setStyleSheet("font-size: 20px; color: #555;")
        layout.addWidget(label)
        self.setGeometry(window.rect())
        window.installEventFilter(self)
        self.raise_()
        self.show()

    def eventFilter(self, obj, event) -> bool:
        if event.type() == QEvent.Type.Resize:
            self.setGeometry(obj.rect())
        return False


_INPUT_EVENTS = {
    QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove, QEvent.Type.Wheel,
    QEvent.Type.TouchBegin, QEvent.Type.InputMethod,
}


class IdleLock(QObject):
    """Locks the app after privacy.idle_minutes(db) minutes without keyboard or mouse input, while a password
    is set: every window is covered and a modal PasswordDialog asks for the password. 退出软件 on it quits.

    An event filter on the application sees all input; a timer checks every `check_ms`. GUI thread only."""

    locked_changed = Signal(bool)

    def __init__(self, db: Database, parent: QObject | None = None, *, check_ms: int = 15_000,
                 clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(parent)
        self.db = db
        self.clock = clock
        self.last_input = clock()
        self.dialog: PasswordDialog | None = None
        self._covers: list[_Cover] = []
        app = QApplication.instance()
        assert app is not None
        app.installEventFilter(self)
        self.timer = QTimer(self)
        self.timer.setInterval(check_ms)
        self.timer.timeout.connect(self.check)
        self.timer.start()

    @property
    def locked(self) -> bool:
        return self.dialog is not None

    def eventFilter(self, obj, event) -> bool:
        if event.type() in _INPUT_EVENTS and not self.locked:
            self.last_input = self.clock()
        return False

    def check(self) -> None:
        """Lock now if the idle time has passed (called by the timer)."""
        if self.locked:
            return
        try:
            if not privacy.has_password(self.db):
                self.last_input = self.clock()  # idle time counts only from when a password exists
                return
            minutes = privacy.idle_minutes(self.db)
        except DatabaseError:
            return
        if minutes and self.clock() - self.last_input >= minutes * 60:
            self.lock()

    def lock(self) -> None:
        """Cover every visible window and ask for the password (non-blocking: the dialog is window-modal)."""
        if self.locked:
            return
        windows = [w for w in QApplication.topLevelWidgets() if w.isVisible() and not isinstance(w, QDialog)]
        self._covers = [_Cover(w) for w in windows]
        parent = windows[0] if windows else None
        self.dialog = PasswordDialog(self.db, parent, unlock=True)
        self.dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
        self.dialog.finished.connect(self._finished)
        self.dialog.open()
        self.locked_changed.emit(True)

    def _finished(self, result: int) -> None:
        dialog, self.dialog = self.dialog, None
        if result != QDialog.DialogCode.Accepted:
            for cover in self._covers:
                cover.parentWidget().close()
            QApplication.quit()
            return
        for cover in self._covers:
            cover.deleteLater()
        self._covers = []
        self.last_input = self.clock()
        if dialog is not None:
            dialog.deleteLater()
        self.locked_changed.emit(False)

    def stop(self) -> None:
        self.timer.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
