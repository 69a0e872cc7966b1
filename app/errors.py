"""The errors every layer shares: a refusal with its field errors, a database file problem, the one map from
SQLite failures to the clerk's Chinese sentences, and unexpected errors (logged in full, shown in one line).
Every message is for the clerk, in Chinese.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import sqlite3
import sys
import traceback
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app import __version__, config


@dataclass(frozen=True)
class FieldProblem:
    """Why a value cannot be saved: the field's key and a Chinese message that names the field."""

    field: str
    message: str


class Refused(Exception):
    """What was asked cannot be done as it is; nothing was written. `errors` holds the field problems (each
    with a .message), empty when the refusal is one sentence about the whole request."""

    def __init__(self, errors: Sequence[Any] | str) -> None:
        if isinstance(errors, str):
            super().__init__(errors)
            self.errors: list[Any] = []
        else:
            super().__init__("；".join(e.message for e in errors))
            self.errors = list(errors)


class DatabaseError(Exception):
    """A database file that cannot be used as asked; the message is for the clerk, in Chinese."""


class StorageError(DatabaseError):
    """SQLite could not read or write the file (disk full, read-only, damaged, locked, I/O); nothing was saved."""


# (SQLite error names, message fragments, the sentence when a change fails, the short reason inside a sentence)
_STORAGE = (
    (("SQLITE_FULL",), ("database or disk is full", "disk is full"),
     "磁盘空间不足，本次修改没有保存。请清理磁盘或把数据库移到空间更大的位置后再试。", "磁盘空间不足"),
    (("SQLITE_READONLY",), ("readonly database", "read-only", "readonly"),
     "数据库文件是只读的，本次修改没有保存。", "文件或文件夹是只读的"),
    (("SQLITE_CORRUPT", "SQLITE_NOTADB"), ("malformed", "not a database"),
     "数据库文件已损坏，本次操作没有完成。请从备份恢复（“数据安全”页，或命令 restore）。", "文件已损坏"),
    (("SQLITE_BUSY", "SQLITE_LOCKED"), ("database is locked", "database table is locked", "locked", "busy"),
     "数据库正被其他程序占用，本次修改没有保存。请稍后再试。", "文件正被其他程序占用"),
    (("SQLITE_IOERR", "SQLITE_CANTOPEN"), ("disk i/o error", "unable to open database file"),
     "读写数据库文件时出错（磁盘或U盘可能已拔出或损坏），本次操作没有完成。", "读写文件时出错"),
)


def _storage_entry(exc: BaseException) -> tuple | None:
    orig = getattr(exc, "orig", exc)
    name = getattr(orig, "sqlite_errorname", "") or ""
    text = str(orig).lower()
    for entry in _STORAGE:
        names, fragments = entry[0], entry[1]
        if any(name.startswith(n) for n in names) or any(f in text for f in fragments):
            return entry
    return None


# A PostgreSQL server's failures by SQLSTATE class or code (psycopg errors carry .sqlstate): the sentence
# when a change fails. Constraint violations (class 23) and program errors are not storage failures.
_SERVER = (
    (("08", "57P"), "无法连接数据库服务器，或连接已中断，本次操作没有完成。请检查网络和服务器后再试。"),
    (("53",), "数据库服务器的磁盘空间或内存不足，本次修改没有保存。请联系服务器管理员。"),
    (("25006",), "数据库服务器上的数据库是只读的，本次修改没有保存。"),
    (("28", "42501"), "数据库服务器拒绝了本软件的登录或操作（用户名、密码或权限不对），本次操作没有完成。"),
    (("3D000",), "数据库服务器上没有这个数据库，请先由服务器管理员创建（CREATE DATABASE）。"),
    (("40",), "数据库服务器上有其他程序同时修改这些数据，本次修改没有保存。请稍后再试。"),
    (("XX",), "数据库服务器报告数据已损坏，本次操作没有完成。请联系服务器管理员。"),
)


def _server_message(orig: BaseException) -> str | None:
    """The sentence for a psycopg (PostgreSQL) failure, None when it is no storage failure. A connection
    that never got a SQLSTATE (server down, wrong host) is a connection failure."""
    if not type(orig).__module__.startswith("psycopg"):
        return None
    state = str(getattr(orig, "sqlstate", "") or "")
    if not state:  # a refused connection carries only the server's words
        names = {c.__name__ for c in type(orig).__mro__}
        if "OperationalError" not in names:
            return None
        words = str(orig).lower()
        if "database" in words and "does not exist" in words:
            state = "3D000"
        elif "role" in words and "does not exist" in words or "authentication failed" in words \
                or "no password supplied" in words or "permission denied" in words:
            state = "28000"
        else:
            return _SERVER[0][1]
    for prefixes, message in _SERVER:
        if state.startswith(prefixes):
            return message
    return None


def storage_error_message(exc: BaseException) -> str | None:
    """The clerk's sentence for an SQLite storage failure (disk full, read-only, damaged, locked, I/O), or
    a PostgreSQL server's (unreachable, disk full, refused); None for anything else (constraint violations
    and program errors are not storage failures)."""
    orig = getattr(exc, "orig", exc)
    if not isinstance(orig, sqlite3.Error):
        return _server_message(orig) if orig is not None else None
    if isinstance(orig, sqlite3.IntegrityError):
        return None
    entry = _storage_entry(orig)
    return entry[2] if entry else None


def storage_reason(exc: BaseException) -> str:
    """A few words for why copying or writing a database file failed, to put inside a longer sentence."""
    server = _server_message(getattr(exc, "orig", exc) or exc)
    if server is not None:
        return server.split("，")[0].rstrip("。")
    entry = _storage_entry(exc)
    return entry[3] if entry else "读写文件时出错"


# ------------------------------------------------------------------------------------------ unexpected

_logger: logging.Logger | None = None


def logger() -> logging.Logger:
    """The application log (a file in the data directory), set up once."""
    global _logger
    if _logger is None:
        _logger = logging.getLogger("houfu")
        _logger.setLevel(logging.INFO)
        try:
            path = config.log_path()
            if os.name == "posix":  # the log may name files and places: owner only
                os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600))
                os.chmod(path, 0o600)
            handler: logging.Handler = logging.FileHandler(path, encoding="utf-8")
        except OSError:
            handler = logging.NullHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
        _logger.addHandler(handler)
        _logger.propagate = False
    return _logger


def log_exception(exc: BaseException, context: str = "") -> Path:
    """Write the exception with its traceback to the log; returns the log file's path."""
    text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    logger().error("版本 %s %s %s\n%s", __version__, dt.datetime.now().isoformat(), context, text)
    return config.log_path()


def log_unraisable() -> None:
    """Send Python's "Exception ignored in …" reports (an object that failed while being collected, e.g. a
    half-written file after a full disk) to the log instead of the clerk's terminal."""
    def hook(unraisable) -> None:
        text = "".join(traceback.format_exception(unraisable.exc_type, unraisable.exc_value,
                                                  unraisable.exc_traceback))
        with contextlib.suppress(Exception):
            logger().warning("忽略的异常 %s：%s\n%s", unraisable.err_msg or "", unraisable.object, text)

    sys.unraisablehook = hook


def unexpected_message(exc: BaseException) -> str:
    """The one line a clerk reads about an error nobody foresaw."""
    return f"发生意外错误（{type(exc).__name__}），操作未完成。详细信息已记录在：{config.log_path()}"
