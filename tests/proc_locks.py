"""Reading /proc/locks (Linux) for the lock tests: which POSIX locks this process holds on a database."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux") or not os.path.exists("/proc/locks"),
                                reason="POSIX lock loss is a Linux behaviour; /proc/locks shows the locks")


def own_locks(db_path: Path, pid: int | None = None) -> list[tuple[str, str, str, str]]:
    """The POSIX locks of this process (or pid) on the database and its -shm / -wal: (file, mode, start, end)."""
    pid = os.getpid() if pid is None else pid
    inodes = {}
    for suffix in ("", "-wal", "-shm"):
        side = Path(f"{db_path}{suffix}")
        if side.exists():
            inodes[side.stat().st_ino] = side.name
    found = []
    with open("/proc/locks", encoding="ascii") as f:
        for line in f:
            fields = line.split()
            if len(fields) > 1 and fields[1] == "->":
                continue  # a waiter, not a held lock
            kind, mode, owner, device, start, end = fields[1], fields[3], fields[4], fields[5], fields[6], fields[7]
            inode = int(device.split(":")[2])
            if kind == "POSIX" and owner == str(pid) and inode in inodes:
                found.append((inodes[inode], mode, start, end))
    return sorted(found)
