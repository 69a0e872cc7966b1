"""Unexpected errors: written in full to the log file in the data directory, shown to the clerk in one line."""

from __future__ import annotations

import datetime as dt
import logging
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
            handler: logging.Handler = logging.FileHandler(config.log_path(), encoding="utf-8")
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


def unexpected_message(exc: BaseException) -> str:
    """The one line a clerk reads about an error nobody foresaw."""
    return f"发生意外错误（{type(exc).__name__}），操作未完成。详细信息已记录在：{config.log_path()}"
