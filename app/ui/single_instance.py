"""One running window per database file (SPEC §8).

A window holds the database's instance lock (app.dblock: ``houfu.db.lock``, locked exclusively by the
operating system, so a crashed window leaves no stale lock) for as long as it is open; commands that write
hold the same lock shared while they run, so neither starts under the other. A second launch on the same file
does not open it: it asks the first window, over a QLocalServer named after the database path, to come
forward, and quits.
"""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket
from PySide6.QtWidgets import QWidget

from app import dblock

_MESSAGE = b"activate\n"
_REPLY = b"ok\n"


def server_name(db_path: Path) -> str:
    """The local-server name of a database: a hash of its absolute, case-folded path (same file, same name)."""
    key = os.path.normcase(os.path.abspath(str(db_path)))
    return "houfu-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:24]


def notify_running(name: str, timeout_ms: int = 2000) -> bool:
    """Ask the running instance listening on name to bring its window forward; True when it answered."""
    if sys.platform == "win32":  # let the running instance take the foreground from this launch
        try:
            import ctypes

            ctypes.windll.user32.AllowSetForegroundWindow(-1)  # type: ignore[attr-defined]  # ASFW_ANY
        except (AttributeError, OSError):
            pass
    sock = QLocalSocket()
    sock.connectToServer(name)
    if not sock.waitForConnected(timeout_ms):
        return False
    sock.write(_MESSAGE)
    sock.waitForBytesWritten(timeout_ms)
    answered = False
    if sock.waitForReadyRead(timeout_ms):
        answered = bytes(sock.readAll().data()).startswith(_REPLY.strip())
    sock.disconnectFromServer()
    return answered


def bring_forward(window: QWidget) -> None:
    """Show a window on top, restored if minimised, with the keyboard focus."""
    if window.isMinimized():
        window.setWindowState(window.windowState() & ~Qt.WindowState.WindowMinimized)
        window.showNormal()
    window.show()
    window.raise_()
    window.activateWindow()


class InstanceGuard(QObject):
    """Holds the lock on one database file for this process and answers later launches.

    Use: ``guard = InstanceGuard(path); if not guard.acquire(): ...quit...``; connect activation_requested to
    bring the window forward; keep the guard alive as long as the window (release() at the end).
    """

    activation_requested = Signal()

    def __init__(self, db_path: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.db_path = Path(db_path).absolute()
        self.lock: dblock.FileLock | None = None
        self.name = server_name(self.db_path)
        self.server: QLocalServer | None = None
        self.locked = False
        self.notified = False
        self._clients: list[QLocalSocket] = []

    def acquire(self) -> bool:
        """True when this process may open the database (lock taken, or the folder cannot hold a lock, as on a
        read-only stick, where only viewing is possible anyway). False when another running window, or a
        command that is writing, has it; a window was asked to come forward (notified says whether it
        answered)."""
        try:
            lock = dblock.hold_window(self.db_path)
        except OSError:
            return True  # no lock file possible in that folder
        if lock is not None:
            self.lock = lock
            self.locked = True
            self._listen()
            return True
        self.notified = notify_running(self.name)
        return False

    def busy_message(self) -> str:
        """What to tell the clerk when another window (or a running command) has the database and no window
        came forward."""
        return (f"该数据库已在另一个窗口中打开，或正被命令行程序（导入、生成演示数据、恢复等）修改：\n"
                f"{self.db_path}\n\n请切换到那个窗口（看任务栏），或等命令运行完毕后再打开。")

    def _listen(self) -> None:
        QLocalServer.removeServer(self.name)  # a socket left by a crashed instance (we hold the lock now)
        server = QLocalServer(self)
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        if server.listen(self.name):
            server.newConnection.connect(self._on_connection)
            self.server = server

    def _on_connection(self) -> None:
        assert self.server is not None
        while self.server.hasPendingConnections():
            sock = self.server.nextPendingConnection()
            self._clients.append(sock)
            sock.readyRead.connect(lambda s=sock: self._on_message(s))
            sock.disconnected.connect(lambda s=sock: self._drop(s))

    def _on_message(self, sock: QLocalSocket) -> None:
        data = bytes(sock.readAll().data())
        if _MESSAGE.strip() in data:
            sock.write(_REPLY)
            sock.flush()
            self.activation_requested.emit()

    def _drop(self, sock: QLocalSocket) -> None:
        if sock in self._clients:
            self._clients.remove(sock)
        sock.deleteLater()

    def release(self) -> None:
        """Stop answering and give up the lock (at exit)."""
        if self.server is not None:
            self.server.close()
            self.server = None
        if self.locked and self.lock is not None:
            dblock.release_window(self.db_path, self.lock)
            self.lock = None
            self.locked = False
