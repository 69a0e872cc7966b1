"""Helper process for the lock tests (not a test): has a database open the way the program does, until told.

usage: python lock_holder.py DB_PATH MODE [SECONDS]
  open    open the database (open_database) and keep it open
  window  what a window does: take the instance lock (InstanceGuard), then open the database
  write   open it and hold a write transaction (db.write) for SECONDS, then commit and keep it open
Prints "ready" once it holds what MODE says ("inside" then "committed" for write); exits on "stop" or EOF.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from sqlalchemy import text

from app.db import open_database

HOLDER_KEY = "test.lock_holder"


def say(line: str) -> None:
    print(line, flush=True)


def main() -> None:
    path, mode = Path(sys.argv[1]), sys.argv[2]
    guard = None
    if mode == "window":
        from PySide6.QtCore import QCoreApplication

        from app.ui.single_instance import InstanceGuard

        app = QCoreApplication([])  # noqa: F841  (the guard's local server needs an application)
        guard = InstanceGuard(path)
        if not guard.acquire():
            say("busy")
            return
    db = open_database(path)
    if mode == "write":
        seconds = float(sys.argv[3])
        with db.write() as s:
            s.execute(text("INSERT INTO settings (key, value) VALUES (:k, 'held')"), {"k": HOLDER_KEY})
            say("inside")
            time.sleep(seconds)
        say("committed")
    else:
        say("ready")
    try:
        for line in sys.stdin:
            if line.strip() == "stop":
                break
    finally:
        db.close()
        if guard is not None:
            guard.release()


if __name__ == "__main__":
    main()
