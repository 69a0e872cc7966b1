"""Benchmark of `snapshot` (SPEC §9: under 5 s at county size). Prints figures; never fails a build.

usage: python bench/bench_snapshot.py [--households N] [--db PATH] [--repeat R]
Builds (or reuses) a database with `init` and `demo`, then times: the plain county copy (VACUUM INTO,
integrity_check, SHA-256, manifest), the encrypted one (AES-256 zip), the `snapshot` command end to end in a
fresh process, a manual backup, and opening the copy read-only."""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=100_000)
    parser.add_argument("--db", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    path = args.db or Path(tempfile.gettempdir()) / f"houfu-bench-{args.households}.db"

    if not path.exists():
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "app", "--db", str(path), "init", "--town", "清江镇", "--county", "某县"],
                       check=True, cwd=ROOT)
        subprocess.run([sys.executable, "-m", "app", "--db", str(path), "demo", "--households", str(args.households)],
                       check=True, cwd=ROOT)
        print(f"demo {args.households} households: {time.perf_counter() - t:.1f} s")
    print(f"database: {path} ({path.stat().st_size / 1e6:.0f} MB)")

    from app.db import open_database
    from app.services import backup, snapshot

    out_dir = Path(tempfile.mkdtemp(prefix="houfu-snapshot-bench-"))
    db = open_database(path)
    try:
        plain = []
        for i in range(args.repeat):
            result = snapshot.take_snapshot(db, out_dir / f"copy-{i}.db")
            plain.append(result.seconds)
        m = result.manifest
        print(f"snapshot (plain): median {statistics.median(plain):.2f} s over {len(plain)} runs "
              f"(min {min(plain):.2f}, max {max(plain):.2f})   (target < 5 s)")
        print(f"  copy {m['size'] / 1e6:.0f} MB, {m['active']['households']} households 在册, "
              f"{m['active']['members']} people, integrity {m['integrity']}")

        result = snapshot.take_snapshot(db, out_dir / "copy.zip", password="bench-password")
        print(f"snapshot (AES-256 zip): {result.seconds:.2f} s, "
              f"{result.manifest['encryption']['archive_size'] / 1e6:.0f} MB")

        t = time.perf_counter()
        info = backup.make_backup(db, backup.KIND_MANUAL)
        print(f"manual backup: {time.perf_counter() - t:.2f} s ({info.size / 1e6:.0f} MB)")
        info.path.unlink()
    finally:
        db.close()

    t = time.perf_counter()
    subprocess.run([sys.executable, "-m", "app", "--db", str(path), "snapshot", str(out_dir / "cli.db")],
                   check=True, cwd=ROOT, capture_output=True)
    print(f"`python -m app snapshot` end to end (new process, imports included): {time.perf_counter() - t:.2f} s")

    t = time.perf_counter()
    copy = open_database(out_dir / "copy-0.db")
    print(f"open the county copy: {(time.perf_counter() - t) * 1000:.0f} ms, read-only: {copy.readonly}")
    copy.close()

    for leftover in out_dir.iterdir():
        leftover.unlink()
    out_dir.rmdir()


if __name__ == "__main__":
    main()
