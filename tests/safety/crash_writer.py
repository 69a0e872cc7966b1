"""Helper process for the crash test (not a test): imports the app once, then for each "go" line on stdin forks
a writer that opens the database and saves households through app.services in a loop, printing "ack N" only
after save N has committed. The test SIGKILLs writers at random moments; this helper reports each death.

usage: python crash_writer.py DB_PATH HOUSEHOLD_ID,HOUSEHOLD_ID,... [dialog]
Lines out: "child PID", then the child's "ready N" and "ack N" lines, then "dead PID".

With "dialog", every third save is followed by what a clerk and a colleague might do in between: the program
shows a file dialog (app.ui.file_dialogs, as 导出 does) on the database's folder until it has listed every file
with its type, then another process opens, reads and closes the database (as `python -m app stats` would);
the child says "dialog N" after each such round.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

from app.db import open_database
from app.rules import make_id
from app.services.households import MemberData, load_household, save_household

NOTE = "保存"
DIALOG_EVERY = 3
# Another process that opens the database, reads, and closes it: SQLite's close checks whether it was the last
# connection (it takes an exclusive lock if it can) and, if so, checkpoints and deletes -wal and -shm.
READER = ("import sqlite3, sys\n"
          "con = sqlite3.connect(sys.argv[1])\n"
          "con.execute('SELECT count(*) FROM households').fetchone()\n"
          "con.close()\n")


def show_folder(folder: Path) -> None:
    """Show the program's save dialog (as 导出 does) on folder until its model has loaded the folder, every file
    in it named and typed (also those its *.xlsx filter hides), and a little longer."""
    from PySide6.QtWidgets import QApplication, QFileDialog, QFileSystemModel

    from app.ui import file_dialogs

    app = QApplication.instance()
    dialog = file_dialogs.make_dialog(None, "导出", folder / "导出.xlsx", "Excel 工作簿 (*.xlsx)",
                                      QFileDialog.FileMode.AnyFile, save=True)
    loaded: list[str] = []
    model = dialog.findChild(QFileSystemModel)
    model.directoryLoaded.connect(loaded.append)  # delivered through the event loop: not missed
    dialog.show()
    deadline = time.monotonic() + 10
    while str(folder) not in loaded:
        if time.monotonic() > deadline:
            raise AssertionError("the dialog did not list the folder")
        app.processEvents()
        time.sleep(0.005)
    for _ in range(10):
        app.processEvents()
        time.sleep(0.002)
    dialog.close()
    dialog.deleteLater()
    app.processEvents()


def planned(n: int, ids: list[int]) -> int:
    """Which household save number n edits."""
    return ids[n % len(ids)]


def say(line: str) -> None:
    """One line in one write(2) call (atomic on a pipe), so a SIGKILL never leaves half an acknowledgement for
    the next line to run into."""
    os.write(1, (line + "\n").encode())


def write_forever(path: Path, ids: list[int], dialog: bool = False) -> None:
    if dialog:
        from PySide6.QtWidgets import QApplication

        QApplication.instance() or QApplication([])
    db = open_database(path)
    n = 0
    for hid in ids:
        notes = load_household(db, hid).notes
        if notes.startswith(NOTE):
            n = max(n, int(notes[len(NOTE):]))
    say(f"ready {n}")
    while True:
        n += 1
        data = load_household(db, planned(n, ids))
        data.notes = f"{NOTE}{n}"
        data.annual_income = Decimal(n)
        data.members[0].phone = f"138{n:08d}"
        if n % 5 == 0:  # some saves also insert a member: more rows, more pages per transaction
            data.members.append(MemberData(
                name=f"成员{n}", relation="之子", sex="男", labour="普通劳动力",
                id_number=make_id("522601", dt.date(1990, 1, 1) + dt.timedelta(days=n), 1)))
        save_household(db, data)
        say(f"ack {n}")
        if dialog and n % DIALOG_EVERY == 0:
            show_folder(path.parent)
            subprocess.run([sys.executable, "-I", "-c", READER, str(path)], check=True, timeout=60)
            say(f"dialog {n}")


def main() -> None:
    path = Path(sys.argv[1])
    ids = [int(x) for x in sys.argv[2].split(",")]
    dialog = len(sys.argv) > 3 and sys.argv[3] == "dialog"
    if dialog:
        import PySide6.QtWidgets  # noqa: F401  (imported once here, not in every child; no QApplication yet)
    for line in sys.stdin:
        if line.strip() != "go":
            break
        sys.stdout.flush()
        pid = os.fork()
        if pid == 0:
            try:
                write_forever(path, ids, dialog)
            finally:
                os._exit(3)
        print(f"child {pid}", flush=True)
        os.waitpid(pid, 0)
        print(f"dead {pid}", flush=True)


if __name__ == "__main__":
    main()
