"""Unexpected errors: written in full to the log file in the data directory, shown to the clerk in one line."""

from __future__ import annotations

import datetime as dt
import logging
import os
import sys
import traceback
from pathlib import Path

from app import __version__, config

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
        try:
            logger().warning("忽略的异常 %s：%s\n%s", unraisable.err_msg or "", unraisable.object, text)
        except Exception:
            pass

    sys.unraisablehook = hook


def unexpected_message(exc: BaseException) -> str:
    """The one line a clerk reads about an error nobody foresaw."""
    return f"发生意外错误（{type(exc).__name__}），操作未完成。详细信息已记录在：{config.log_path()}"
