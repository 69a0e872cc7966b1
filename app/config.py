"""Where the application keeps its data: the per-user data directory, the default database, logs."""

from __future__ import annotations

import os
import sys
from pathlib import Path

DB_FILENAME = "houfu.db"


def data_dir() -> Path:
    """The per-user data directory (created on demand); HOUFU_DATA_DIR overrides it."""
    override = os.environ.get("HOUFU_DATA_DIR")
    if override:
        path = Path(override)
    elif sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or os.environ.get("APPDATA") or str(Path.home())
        path = Path(base) / "Houfu"
    elif sys.platform == "darwin":
        path = Path.home() / "Library" / "Application Support" / "Houfu"
    else:
        path = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / "houfu"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)  # owner only: it holds the database and the log
    return path


def default_db_path() -> Path:
    """The database used when no --db is given."""
    return data_dir() / DB_FILENAME


def log_path() -> Path:
    """The error log, in the data directory, where unexpected errors are written in full."""
    return data_dir() / "houfu-error.log"


def backup_dir(db_path: Path) -> Path:
    """Backups of a database live beside it, in a folder named after it."""
    return db_path.parent / f"{db_path.stem}-备份"


SERVER_SCHEMES = ("postgresql+psycopg://", "postgresql://", "postgres://")


class ServerURL(str):
    """A database on a server (SPEC §8: a county that outgrows one file): a SQLAlchemy URL such as
    postgresql+psycopg://user@host/dbname, in place of a file's path."""

    @property
    def sqlalchemy_url(self) -> str:
        for scheme in SERVER_SCHEMES[1:]:
            if self.startswith(scheme):
                return "postgresql+psycopg://" + self[len(scheme):]
        return str(self)

    def display(self) -> str:
        """The URL with any password masked, for messages."""
        import re

        return re.sub(r"(://[^:/@]*:)[^@/]*@", r"\1***@", str(self))


def is_server(target: object) -> bool:
    return isinstance(target, ServerURL)


def db_target(text: str) -> Path | ServerURL:
    """What --db names: a server URL (postgresql+psycopg://...) or a file's path."""
    if text.lower().startswith(SERVER_SCHEMES):
        return ServerURL(text)
    return Path(text)
