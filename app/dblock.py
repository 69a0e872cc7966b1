"""Who has a database file (SPEC §8: one running instance per file; restore only when nobody has it open).

Two lock files beside the database, locked with the operating system's whole-file locks (flock on Linux, a
byte-range LockFileEx on Windows). The system releases them when their process ends, however it ends, so a
crash never leaves a stale lock; the (empty) files themselves stay and mean nothing unless locked.

- ``houfu.db.lock`` (instance): a window holds it exclusively for as long as it is open; a command that
  writes holds it shared while it runs. So a command cannot write under a window, a second window cannot open
  the file, and two commands that write may run together (SQLite makes the second wait its turn).
- ``houfu.db.open.lock`` (open): every process that has the database open (window or command, reading or
  writing) holds it shared. Restore takes it exclusively, so it never replaces a file someone is using.

flock locks belong to one open file description, unlike POSIX record locks (fcntl/lockf), which the kernel
drops when the process closes *any* descriptor of the file. That is also why nothing may open the database
file itself outside SQLite while SQLite has it open (see app.ui.file_dialogs and app.db.open_database).
No Qt here: the window, the command line and restore share these locks.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from pathlib import Path

INSTANCE_SUFFIX = ".lock"
OPEN_SUFFIX = ".open.lock"
LOCK_SUFFIXES = (INSTANCE_SUFFIX, OPEN_SUFFIX)
OPEN_WAIT_S = 15.0  # how long opening waits for a restore in progress to finish
_POLL_S = 0.05

WINDOW_HAS_IT = "该数据库正在软件窗口中打开，命令行不能同时修改它。请先关闭软件窗口，再运行此命令。"
RESTORE_RUNNING = "该数据库正在被恢复（替换），暂时不能打开。请稍等片刻再试。"
WINDOW_OPEN_FOR_RESTORE = "该数据库正在软件窗口中打开，不能恢复。请先关闭软件窗口，再恢复。"
OTHER_OPEN_FOR_RESTORE = ("该数据库正被另一个程序打开（例如正在运行的导入或统计命令），恢复会让它的修改丢失，"
                          "所以没有恢复。请等它结束或关闭它后再恢复。")


class LockBusy(Exception):
    """Another process holds the lock in a conflicting way; the message says so to the clerk, in Chinese."""


def instance_lock_path(db_path: Path) -> Path:
    db_path = Path(db_path)
    return db_path.with_name(f"{db_path.name}{INSTANCE_SUFFIX}")


def open_lock_path(db_path: Path) -> Path:
    db_path = Path(db_path)
    return db_path.with_name(f"{db_path.name}{OPEN_SUFFIX}")


def _key(path: Path) -> str:
    return os.path.normcase(os.path.abspath(str(path)))


if sys.platform == "win32":  # pragma: no cover - exercised on Windows
    import ctypes
    import msvcrt
    from ctypes import wintypes

    class _Overlapped(ctypes.Structure):
        _fields_ = [("Internal", ctypes.c_void_p), ("InternalHigh", ctypes.c_void_p),
                    ("Offset", wintypes.DWORD), ("OffsetHigh", wintypes.DWORD), ("hEvent", wintypes.HANDLE)]

    _kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
    _kernel32.LockFileEx.argtypes = [wintypes.HANDLE, wintypes.DWORD, wintypes.DWORD, wintypes.DWORD,
                                     wintypes.DWORD, ctypes.POINTER(_Overlapped)]
    _kernel32.LockFileEx.restype = wintypes.BOOL
    _kernel32.UnlockFileEx.argtypes = [wintypes.HANDLE, wintypes.DWORD, wintypes.DWORD, wintypes.DWORD,
                                       ctypes.POINTER(_Overlapped)]
    _kernel32.UnlockFileEx.restype = wintypes.BOOL
    _LOCKFILE_FAIL_IMMEDIATELY, _LOCKFILE_EXCLUSIVE_LOCK = 0x1, 0x2
    _BUSY_ERRORS = {32, 33, 997}  # ERROR_SHARING_VIOLATION, ERROR_LOCK_VIOLATION, ERROR_IO_PENDING

    def _os_lock(fd: int, exclusive: bool) -> bool:
        flags = _LOCKFILE_FAIL_IMMEDIATELY | (_LOCKFILE_EXCLUSIVE_LOCK if exclusive else 0)
        if _kernel32.LockFileEx(msvcrt.get_osfhandle(fd), flags, 0, 1, 0, ctypes.byref(_Overlapped())):
            return True
        error = ctypes.get_last_error()
        if error in _BUSY_ERRORS:
            return False
        raise ctypes.WinError(error)  # locking not possible here at all (an OSError, like a read-only folder)

    def _os_unlock(fd: int) -> None:
        _kernel32.UnlockFileEx(msvcrt.get_osfhandle(fd), 0, 1, 0, ctypes.byref(_Overlapped()))

    _OPEN_FLAGS = os.O_BINARY | os.O_NOINHERIT
else:
    import fcntl

    def _os_lock(fd: int, exclusive: bool) -> bool:
        try:
            fcntl.flock(fd, (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _os_unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)

    _OPEN_FLAGS = os.O_CLOEXEC


class FileLock:
    """One lock file, held shared or exclusive through its own descriptor (so two FileLocks of one process
    on the same file conflict exactly as two processes would)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.exclusive = False
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self, *, exclusive: bool, wait: float = 0.0) -> bool:
        """Take the lock (waiting up to wait seconds); False when another holder keeps it. Raises OSError when
        the lock file cannot be created or opened at all (a read-only folder)."""
        if self._fd is not None:
            raise RuntimeError("lock already held")
        fd = self._open()
        deadline = time.monotonic() + wait
        try:
            while not _os_lock(fd, exclusive):
                if time.monotonic() >= deadline:
                    os.close(fd)
                    return False
                time.sleep(_POLL_S)
        except BaseException:
            os.close(fd)
            raise
        self._fd, self.exclusive = fd, exclusive
        return True

    def _open(self) -> int:
        if not self.path.exists() and not _folder_writable(self.path.parent):
            # A write-protected folder (a USB stick, a county copy) gets no new file, even for an administrator.
            raise PermissionError(f"read-only folder: {self.path.parent}")
        try:
            return os.open(self.path, os.O_RDWR | os.O_CREAT | _OPEN_FLAGS, 0o600)
        except PermissionError:
            if not self.path.exists():
                raise
            return os.open(self.path, os.O_RDONLY | _OPEN_FLAGS)  # an existing lock file we may not write

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is None:
            return
        try:
            _os_unlock(fd)
        finally:
            os.close(fd)


def _folder_writable(folder: Path) -> bool:
    try:
        return bool(folder.stat().st_mode & 0o222) and os.access(folder, os.W_OK)
    except OSError:
        return False


# ------------------------------------------------------------------------------ what this process holds

_guard = threading.Lock()
_open_here: dict[str, int] = {}
_windows_here: set[str] = set()


def open_here(db_path: Path) -> bool:
    """Whether this process has db_path open through app.db (then nothing but SQLite may open the file)."""
    with _guard:
        return _open_here.get(_key(db_path), 0) > 0


def open_paths_here() -> list[Path]:
    """The database files this process has open."""
    with _guard:
        return [Path(k) for k, n in _open_here.items() if n > 0]


class OpenHold:
    """This process has one database open: the shared open lock (when the folder can hold one) and the count
    of open_here. release() is idempotent."""

    def __init__(self, db_path: Path, lock: FileLock | None) -> None:
        self.key = _key(db_path)
        self.lock = lock
        self._released = False
        with _guard:
            _open_here[self.key] = _open_here.get(self.key, 0) + 1

    def release(self) -> None:
        if self._released:
            return
        self._released = True
        with _guard:
            left = _open_here.get(self.key, 0) - 1
            if left > 0:
                _open_here[self.key] = left
            else:
                _open_here.pop(self.key, None)
        if self.lock is not None:
            self.lock.release()


def hold_open(db_path: Path, *, wait: float | None = None) -> OpenHold:
    """Mark db_path as open by this process (shared open lock). Waits up to wait seconds (OPEN_WAIT_S) while a
    restore holds it, then raises LockBusy. A folder that cannot hold a lock file (read-only) is opened
    without one."""
    lock = FileLock(open_lock_path(db_path))
    try:
        taken = lock.acquire(exclusive=False, wait=OPEN_WAIT_S if wait is None else wait)
    except OSError:
        return OpenHold(db_path, None)
    if not taken:
        raise LockBusy(RESTORE_RUNNING)
    return OpenHold(db_path, lock)


def hold_writer(db_path: Path) -> FileLock | None:
    """For a command that writes: the instance lock, shared, for as long as the command runs. Raises LockBusy
    when a window has the database; None when the folder cannot hold a lock file."""
    lock = FileLock(instance_lock_path(db_path))
    try:
        taken = lock.acquire(exclusive=False)
    except OSError:
        return None
    if not taken:
        raise LockBusy(WINDOW_HAS_IT)
    return lock


def hold_window(db_path: Path) -> FileLock | None:
    """For a window: the instance lock, exclusive. None when another window (or a command that writes) has
    it. Raises OSError when the folder cannot hold a lock file."""
    lock = FileLock(instance_lock_path(db_path))
    if not lock.acquire(exclusive=True):
        return None
    with _guard:
        _windows_here.add(_key(db_path))
    return lock


def release_window(db_path: Path, lock: FileLock) -> None:
    with _guard:
        _windows_here.discard(_key(db_path))
    lock.release()


def window_elsewhere(db_path: Path) -> bool:
    """Whether a window of another process has db_path (its instance lock is held exclusively elsewhere)."""
    with _guard:
        if _key(db_path) in _windows_here:
            return False
    probe = FileLock(instance_lock_path(db_path))
    try:
        if probe.acquire(exclusive=False):
            probe.release()
            return False
    except OSError:
        return False
    return True


def hold_sole(db_path: Path) -> FileLock | None:
    """For restore: the open lock, exclusive, at once. Raises LockBusy (saying who has it) while any other
    holder has the database open; None when the folder cannot hold a lock file."""
    lock = FileLock(open_lock_path(db_path))
    try:
        taken = lock.acquire(exclusive=True)
    except OSError:
        return None
    if not taken:
        raise LockBusy(WINDOW_OPEN_FOR_RESTORE if window_elsewhere(db_path) else OTHER_OPEN_FOR_RESTORE)
    return lock
