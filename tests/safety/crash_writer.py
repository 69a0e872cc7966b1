"""Helper process for the crash test (not a test): imports the app once, then for each "go" line on stdin forks
a writer that opens the database and saves households through app.services in a loop, printing "ack N" only
after save N has committed. The test SIGKILLs writers at random moments; this helper reports each death.

usage: python crash_writer.py DB_PATH HOUSEHOLD_ID,HOUSEHOLD_ID,...
Lines out: "child PID", then the child's "ready N" and "ack N" lines, then "dead PID".
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from decimal import Decimal
from pathlib import Path

from app.db import open_database
from app.rules import make_id
from app.services.households import MemberData, load_household, save_household

NOTE = "保存"


def planned(n: int, ids: list[int]) -> int:
    """Which household save number n edits."""
    return ids[n % len(ids)]


def say(line: str) -> None:
    """One line in one write(2) call (atomic on a pipe), so a SIGKILL never leaves half an acknowledgement for
    the next line to run into."""
    os.write(1, (line + "\n").encode())


def write_forever(path: Path, ids: list[int]) -> None:
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


def main() -> None:
    path = Path(sys.argv[1])
    ids = [int(x) for x in sys.argv[2].split(",")]
    for line in sys.stdin:
        if line.strip() != "go":
            break
        sys.stdout.flush()
        pid = os.fork()
        if pid == 0:
            try:
                write_forever(path, ids)
            finally:
                os._exit(3)
        print(f"child {pid}", flush=True)
        os.waitpid(pid, 0)
        print(f"dead {pid}", flush=True)


if __name__ == "__main__":
    main()
