"""Benchmark of the county edition (SPEC §9): merging ten towns' copies of 10,000 households each (target
< 60 s on 2 cores, memory < 500 MB) and the county summary at 100,000 households (target < 5 s).
Prints figures; never fails a build.

usage: python bench/bench_county.py [--towns T] [--households N] [--workdir DIR] [--pg | --db URL]
--pg merges into a county database on a throwaway PostgreSQL cluster (tests/pg_cluster.py, the server's
default durability); --db URL into an existing empty PostgreSQL database instead of a file.
One town is made with `init` + `demo`; the other towns are copies of its file given their own identity (the
uid of their `towns` row, their name, and their own region code in the members' ID numbers), so that T
different towns' copies can be made quickly with `snapshot`. The merge runs as `county merge` in a fresh process (its peak memory is the child's max RSS)."""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
NAMES = ("清江镇", "白河镇", "石门镇", "新街镇", "翁昭镇", "龙场镇", "关岭镇", "花溪镇", "青岩镇", "长顺镇",
         "惠水镇", "独山镇")


def app(*args: str) -> tuple[float, float, float]:
    """Run the app in a child process; its own wall time (s), CPU time (s) and peak memory (MB)."""
    t = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-m", "app", *args], cwd=ROOT, stdout=subprocess.DEVNULL)
    _pid, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        raise subprocess.CalledProcessError(child.returncode, args)
    return time.perf_counter() - t, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--towns", type=int, default=10)
    parser.add_argument("--households", type=int, default=10_000)
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--pg", action="store_true", help="county database on a throwaway PostgreSQL cluster")
    parser.add_argument("--db", help="county database on this PostgreSQL URL (an empty database)")
    args = parser.parse_args()
    cluster = None
    if args.pg:
        from tests.pg_cluster import start_cluster

        cluster = start_cluster(durable=True)
        args.db = cluster.create_database("houfu_bench")
    try:
        run(args)
    finally:
        if cluster is not None:
            cluster.stop()


def run(args) -> None:
    work = args.workdir or Path(tempfile.mkdtemp(prefix="houfu-county-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    base = work / f"town-{args.households}.db"
    if not base.exists():
        t = time.perf_counter()
        app("--db", str(base), "init", "--town", NAMES[0], "--county", "竹山县")
        app("--db", str(base), "demo", "--households", str(args.households))
        print(f"demo {args.households} households: {time.perf_counter() - t:.1f} s")

    copies = []
    t = time.perf_counter()
    for i in range(args.towns):
        name = NAMES[i % len(NAMES)] + ("" if i < len(NAMES) else str(i))
        town = work / f"town-{i}.db"
        shutil.copyfile(base, town)
        con = sqlite3.connect(town)
        con.execute("UPDATE towns SET uid = ?, name = ?", (uuid.uuid4().hex, name))
        con.execute("UPDATE town_profile SET town_name = ?", (name,))
        # Other people: a town's own region code, so that only real cross-town duplicates are found.
        con.execute("UPDATE members SET id_number = ? || substr(id_number, 3) WHERE id_number != ''",
                    (f"{11 + i:02d}",))
        con.commit()
        con.close()
        out = work / f"copy-{i}.db"
        for stale in (out, Path(f"{out}.manifest.json")):
            stale.unlink(missing_ok=True)
        app("--db", str(town), "snapshot", str(out))
        copies.append(out)
    print(f"{args.towns} towns' copies made: {time.perf_counter() - t:.1f} s")

    from app.config import ServerURL

    county: Path | ServerURL = work / "county.db"
    if args.db:
        county = ServerURL(args.db)
    else:
        for f in work.glob("county.db*"):
            f.unlink()
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    merge_s, merge_cpu, rss_mb = app("--db", str(county), "county", "merge", *map(str, copies))
    print(f"county merge of {args.towns} copies x {args.households} households: {merge_s:.1f} s "
          f"(cpu {merge_cpu:.1f} s; target < 60 s); peak memory of the merging process {rss_mb:.0f} MB "
          f"(target < 500 MB)")

    again_s, again_cpu, _rss = app("--db", str(county), "county", "merge", str(copies[0]))
    print(f"re-merge of an identical copy (no change): {again_s:.1f} s (cpu {again_cpu:.1f} s)")

    from app.db import open_database
    from app.services.county_summary import county_summary

    db = open_database(county)
    try:
        runs = []
        for _ in range(3):
            t, c = time.perf_counter(), time.process_time()
            summary = county_summary(db)
            runs.append((time.perf_counter() - t, time.process_time() - c))
        best = min(runs)
        print(f"county summary of {len(summary.towns)} towns, {summary.total.households} households 在册: "
              f"best {best[0]:.2f} s (cpu {best[1]:.2f} s) of {len(runs)} (target < 5 s); "
              f"load average {os.getloadavg()[0]:.1f}")
    finally:
        db.close()
    if isinstance(county, ServerURL):
        import sqlalchemy as sa

        engine = sa.create_engine(county.sqlalchemy_url)
        with engine.connect() as conn:
            size = conn.exec_driver_sql("SELECT pg_database_size(current_database())").scalar() or 0
        engine.dispose()
        print(f"county database on PostgreSQL: {size / 1e6:.0f} MB (copies in {work})")
    else:
        print(f"county database: {county.stat().st_size / 1e6:.0f} MB in {work}")


if __name__ == "__main__":
    main()
