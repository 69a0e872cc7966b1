"""Where the program may write a file, and how (SPEC §8: nothing lost, nothing overwritten). No Qt.

Every file the program writes for the clerk (reports, exports, error reports, county copies and their
清单) goes through `replacing` or `replacing_path`:

- `check_target` refuses, with one Chinese line saying what to choose instead, a target that is a database
  this process opened (or its -wal/-shm/-journal), a file in a database's backup folder, any SQLite file
  (a database or a backup elsewhere), an input file being read by the same command, a folder, or a path whose
  folder does not exist or cannot be written. Paths are compared resolved (os.path.samefile where both exist;
  case-insensitively on Windows).
- The content goes to a temporary file in the target's own folder (mode 0600), is flushed and fsynced, and
  only then renamed over the target; on any failure (disk full, read-only, I/O) the old file is untouched,
  the temporary file is removed, and the caller gets an `OutputError` with one Chinese line.

Also here: the private temporary folders (0700) for plain copies and for reports opened in the system viewer,
removed on exit and, for a killed process, at the next start.
"""

from __future__ import annotations

import atexit
import contextlib
import errno
import os
import secrets
import shutil
import sys
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from app import config

PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700
SQLITE_MAGIC = b"SQLite format 3\x00"
DB_SIDE_SUFFIXES = ("-wal", "-shm", "-journal", ".lock", ".open.lock")  # SQLite's and app.dblock's files
_PRIVATE_PREFIX = "houfu-private-"

PathLike = str | os.PathLike


class OutputError(OSError):
    """A file that was not written (refused, or the write failed); str() is one Chinese line for the clerk.
    Subclasses OSError so that callers which already catch OSError show it too."""

    def __init__(self, message: str, code: int | None = None) -> None:
        super().__init__(message)
        self.strerror = message
        self.errno = code

    def __str__(self) -> str:
        return self.strerror


# Databases this process has opened stay protected until it exits, even after they are closed: a command
# closes its database before it saves the report it built.
_databases: dict[str, Path] = {}


def protect_database(path: PathLike) -> None:
    """Record that path is a database this process uses: no output may ever be written over it."""
    p = Path(path).absolute()
    _databases[_key(p)] = p


def protected_databases() -> list[Path]:
    return list(_databases.values())


def _key(path: PathLike) -> str:
    return os.path.normcase(os.path.realpath(os.path.abspath(path)))


def same_path(a: PathLike, b: PathLike) -> bool:
    """Whether a and b name the same file (hard links and symlinks too; case-insensitive on Windows)."""
    try:
        if os.path.exists(a) and os.path.exists(b):
            return os.path.samefile(a, b)
    except OSError:
        pass
    return _key(a) == _key(b)


def _inside(path: PathLike, folder: PathLike) -> bool:
    child, parent = _key(path), _key(folder)
    return child == parent or child.startswith(parent.rstrip(os.sep) + os.sep)


def _is_sqlite(path: Path) -> bool:
    try:
        with open(path, "rb") as f:
            return f.read(16) == SQLITE_MAGIC
    except OSError:
        return False


def _refuse(message: str) -> OutputError:
    return OutputError(message)


def check_target(target: PathLike, *, inputs: Iterable[PathLike] = (), databases: Iterable[PathLike] = (),
                 allow_sqlite: bool = False) -> Path:
    """The absolute target path if a file may be written there; raises OutputError (one Chinese line naming
    what to choose instead) otherwise. allow_sqlite lets a county copy replace an earlier county copy (the
    caller checks that it is one)."""
    target = Path(target).absolute()
    name = target.name
    if target.is_dir():
        raise _refuse(f"“{target}”是一个文件夹，请给出要保存的文件名。")
    folder = target.parent
    if not folder.is_dir():
        raise _refuse(f"文件夹不存在：{folder}。请选择一个已有的文件夹（例如“文档”或桌面）。")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise _refuse(f"文件夹不能写入（只读或没有权限）：{folder}。请换一个文件夹（例如“文档”或桌面）。")
    for db in [*map(Path, databases), *_databases.values()]:
        db = db.absolute()
        if same_path(target, db):
            raise _refuse(f"不能保存为“{name}”：这是正在使用的数据库文件，不会覆盖它（写入会毁掉全部数据）。请另选一个文件名。")
        if any(same_path(target, f"{db}{suffix}") for suffix in DB_SIDE_SUFFIXES):
            raise _refuse(f"不能保存为“{name}”：这是数据库的工作文件。请另选一个文件名。")
        if _inside(target, config.backup_dir(db)):
            raise _refuse(f"不能保存到备份文件夹 {folder}：那里只放数据库的备份。请另选一个文件夹（例如“文档”或桌面）。")
    for source in inputs:
        if same_path(target, source):
            raise _refuse(f"不能保存为“{name}”：这是正在读取的文件，写入会把它覆盖。请另选一个文件名。")
    for suffix in DB_SIDE_SUFFIXES:
        if name.lower().endswith(suffix) and _is_sqlite(target.with_name(name[: -len(suffix)])):
            raise _refuse(f"不能保存为“{name}”：这是数据库的工作文件。请另选一个文件名。")
    if not allow_sqlite and target.is_file() and _is_sqlite(target):
        raise _refuse(f"不能保存为“{name}”：这是一个数据库文件（或它的备份），不会覆盖它。请另选一个文件名。")
    return target


def failure_message(exc: BaseException, target: PathLike, existed: bool) -> str:
    """One Chinese line for a write that failed: why, and that the old file (if any) is untouched."""
    if isinstance(exc, OutputError):
        return str(exc)
    code = getattr(exc, "errno", None)
    reasons = {
        errno.ENOSPC: "磁盘空间不足，请清理磁盘或换一个位置",
        errno.EROFS: "磁盘或U盘是只读的，请换一个位置",
        errno.EACCES: "没有写入权限，或文件正被其他程序（例如 Excel）打开，请关闭它或另选文件名",
        errno.EPERM: "没有写入权限，或文件正被其他程序（例如 Excel）打开，请关闭它或另选文件名",
        errno.EIO: "读写磁盘出错（U盘可能已拔出或损坏）",
        errno.ENAMETOOLONG: "文件名太长，请换一个短一些的名字",
        errno.ENOENT: "文件夹不存在或已被移走",
        getattr(errno, "EDQUOT", -1): "磁盘配额已用完，请清理磁盘或换一个位置",
    }
    reason = reasons.get(code) or (getattr(exc, "strerror", None) or "读写文件时出错")
    tail = "原有文件没有改动" if existed else "没有生成文件"
    return f"无法保存“{Path(target).name}”：{reason}。{tail}。"


class _Sink:
    """The temporary file a writer fills. Once the write has failed it swallows everything, so that a library
    object left half-written (a zip archive, a generator) closes quietly when collected instead of printing
    "Exception ignored … I/O operation on closed file" on stderr."""

    def __init__(self, raw: BinaryIO) -> None:
        self._raw = raw
        self._dead = False
        self._pos = 0  # kept by hand, so that a dead sink still answers tell() plausibly

    def write(self, data) -> int:
        if self._dead:
            self._pos += len(data)
            return len(data)
        written = self._raw.write(data)
        self._pos += written if written is not None else len(data)
        return written

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = 0) -> int:
        if self._dead:
            if whence == 0:
                self._pos = offset
            elif whence == 1:
                self._pos += offset
            return self._pos
        self._pos = self._raw.seek(offset, whence)
        return self._pos

    def flush(self) -> None:
        if not self._dead:
            self._raw.flush()

    def seekable(self) -> bool:
        return True

    def writable(self) -> bool:
        return True

    def readable(self) -> bool:
        return False

    def read(self, *_args) -> bytes:
        raise OSError(errno.EBADF, "write-only")

    @property
    def closed(self) -> bool:
        return False

    def close(self) -> None:
        """Closing is the writer's business (after fsync); a library closing its file object is a no-op."""

    def _finish(self) -> None:
        self._raw.flush()
        os.fsync(self._raw.fileno())
        self._raw.close()
        self._dead = True

    def _abort(self) -> None:
        self._dead = True
        with contextlib.suppress(Exception):
            self._raw.close()


def _open_temp(path: Path) -> BinaryIO:
    """Create the temporary file (never an existing one), readable by the owner only."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    return os.fdopen(os.open(path, flags, PRIVATE_FILE), "wb")


def create_private_file(path: PathLike) -> None:
    """Make sure path exists and only its owner can read it (0600), before SQLite fills it: SQLite keeps the
    mode of an existing file and gives its -wal, -shm and -journal the same one."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | getattr(os, "O_BINARY", 0), PRIVATE_FILE)
    os.close(fd)
    if os.name == "posix":
        os.chmod(path, PRIVATE_FILE)


def _fsync_dir(folder: Path) -> None:
    if sys.platform == "win32":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _temp_name(target: Path) -> Path:
    return target.with_name(f".{target.name}.{secrets.token_hex(4)}.partial")


@contextlib.contextmanager
def replacing(target: PathLike, *, inputs: Iterable[PathLike] = (), databases: Iterable[PathLike] = (),
              allow_sqlite: bool = False) -> Iterator[BinaryIO]:
    """Write a file safely: yields a binary file object; when the block ends normally its content replaces
    target in one rename (fsynced first). Raises OutputError (one Chinese line) when refused or when the write
    fails; the old target is then unchanged and no temporary file is left."""
    target = check_target(target, inputs=inputs, databases=databases, allow_sqlite=allow_sqlite)
    existed = target.exists()
    temp = _temp_name(target)
    try:
        raw = _open_temp(temp)
    except OSError as exc:
        raise OutputError(failure_message(exc, target, existed), getattr(exc, "errno", None)) from None
    sink = _Sink(raw)
    try:
        yield sink  # type: ignore[misc]
        sink._finish()
        os.replace(temp, target)
        _fsync_dir(target.parent)
    except BaseException as exc:
        sink._abort()
        with contextlib.suppress(OSError):
            temp.unlink()
        if isinstance(exc, OSError) and not isinstance(exc, OutputError):
            raise OutputError(failure_message(exc, target, existed), exc.errno) from None
        raise


@contextlib.contextmanager
def replacing_path(target: PathLike, *, inputs: Iterable[PathLike] = (), databases: Iterable[PathLike] = (),
                   allow_sqlite: bool = False) -> Iterator[Path]:
    """Like `replacing` for writers that need a path (SQLite's VACUUM INTO): yields an empty temporary file's
    path (0600) in target's folder; when the block ends normally that file is fsynced and renamed over target."""
    target = check_target(target, inputs=inputs, databases=databases, allow_sqlite=allow_sqlite)
    existed = target.exists()
    temp = _temp_name(target)
    try:
        _open_temp(temp).close()
        yield temp
        with open(temp, "rb+") as f:
            os.fsync(f.fileno())
        os.chmod(temp, PRIVATE_FILE)
        os.replace(temp, target)
        _fsync_dir(target.parent)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            temp.unlink()
        if isinstance(exc, OSError) and not isinstance(exc, OutputError):
            raise OutputError(failure_message(exc, target, existed), exc.errno) from None
        raise


def write_bytes(target: PathLike, data: bytes, *, inputs: Iterable[PathLike] = (),
                databases: Iterable[PathLike] = ()) -> Path:
    """Write data to target safely (see `replacing`); returns the absolute path written."""
    with replacing(target, inputs=inputs, databases=databases) as f:
        f.write(data)
    return Path(target).absolute()


def check_writable(target: PathLike, *, inputs: Iterable[PathLike] = (), databases: Iterable[PathLike] = (),
                   allow_sqlite: bool = False) -> Path:
    """check_target, for a command to refuse a bad target before it does any work."""
    return check_target(target, inputs=inputs, databases=databases, allow_sqlite=allow_sqlite)


# ------------------------------------------------------------------------ private temporary folders


def _owner_only(path: Path) -> None:
    with contextlib.suppress(OSError):
        os.chmod(path, PRIVATE_DIR)


def private_dir(purpose: str = "tmp") -> Path:
    """A new private temporary folder (0700) named after this process; the caller removes it
    (`remove_private_dir`), and a killed process's leftovers go at the next start (`remove_stale_private_dirs`)."""
    path = Path(tempfile.mkdtemp(prefix=f"{_PRIVATE_PREFIX}{os.getpid()}-{purpose}-"))
    _owner_only(path)
    return path


def remove_private_dir(path: PathLike) -> None:
    shutil.rmtree(path, ignore_errors=True)


@contextlib.contextmanager
def private_temp(purpose: str = "tmp") -> Iterator[Path]:
    """A private temporary folder for the duration of the block, removed on any exit."""
    path = private_dir(purpose)
    try:
        yield path
    finally:
        remove_private_dir(path)


_process_dir: Path | None = None


def process_temp_dir() -> Path:
    """This process's private folder for files handed to other programs (a report opened in the system
    viewer): created once, 0700, removed when the program exits."""
    global _process_dir
    if _process_dir is None or not _process_dir.is_dir():
        _process_dir = private_dir("viewer")
        atexit.register(remove_private_dir, _process_dir)
    return _process_dir


def pid_alive(pid: int) -> bool:
    """Whether a process with this id is running (for leftovers named after the process that wrote them)."""
    if pid <= 0:
        return False
    if sys.platform == "win32":
        import ctypes

        kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return False
        try:
            code = ctypes.c_ulong()
            kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
            return code.value == 259  # STILL_ACTIVE
        finally:
            kernel32.CloseHandle(handle)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale_private_dirs(folder: PathLike | None = None) -> list[Path]:
    """Remove the private temporary folders of processes that are gone (killed mid-way); returns them."""
    base = Path(folder) if folder is not None else Path(tempfile.gettempdir())
    removed = []
    try:
        candidates = list(base.glob(f"{_PRIVATE_PREFIX}*"))
    except OSError:
        return removed
    for path in candidates:
        try:
            pid = int(path.name[len(_PRIVATE_PREFIX):].split("-")[0])
        except ValueError:
            continue
        if pid == os.getpid() or pid_alive(pid) or not path.is_dir():
            continue
        try:
            if hasattr(os, "getuid") and path.stat().st_uid != os.getuid():
                continue
        except OSError:
            continue
        shutil.rmtree(path, ignore_errors=True)
        removed.append(path)
    return removed


def restrict_new_files() -> None:
    """From now on files and folders this process creates are private (0600/0700) on POSIX."""
    if os.name == "posix":
        os.umask(0o077)
