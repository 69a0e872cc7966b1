"""Benchmark of the 督办提醒 findings (SPEC §4.7, §9) at county size. Prints figures; never fails a build.

usage: python bench/bench_duties.py [--households N] [--db PATH]
Builds (or reuses) a database with `demo`, then measures: `check --duties --json` as the clerk runs it (a
fresh process, imports included), compute_findings in process (median of 5) and each rule's share, the
counts alone (count_findings: what 首页's panel and the 月报 read), and the 首页 in a fresh process: the
window, its figures, its 督办提醒 panel and the list behind it."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def median_of_5(fn):
    """(median wall seconds, median CPU seconds, the last result) of five calls of fn."""
    times, cpus = [], []
    for _ in range(5):
        c = time.process_time()
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
        cpus.append(time.process_time() - c)
    return statistics.median(times), statistics.median(cpus), result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=100_000)
    parser.add_argument("--db", type=Path)
    args = parser.parse_args()
    path = args.db or Path(tempfile.gettempdir()) / f"houfu-bench-duties-{args.households}.db"
    if not path.exists():
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "app", "--db", str(path), "init", "--town", "清江镇"], check=True, cwd=ROOT)
        subprocess.run([sys.executable, "-m", "app", "--db", str(path), "demo", "--households", str(args.households)],
                       check=True, cwd=ROOT)
        print(f"demo {args.households} households: {time.perf_counter() - t:.1f} s")
    print(f"database: {path} ({path.stat().st_size / 1e6:.0f} MB)")

    print(f"load average now: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (other work slows the wall clock;"
          " CPU time is what the command itself spends)")
    runs, cpus = [], []
    for _ in range(3):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.perf_counter()
        out = subprocess.run([sys.executable, "-m", "app", "--db", str(path), "check", "--duties", "--json"],
                             capture_output=True, cwd=ROOT, check=True).stdout
        runs.append(time.perf_counter() - t)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    print(f"check --duties --json (fresh process, imports included), median of 3: wall {statistics.median(runs):.2f} s,"
          f" CPU {statistics.median(cpus):.2f} s   (target < 3 s; {len(out) / 1e6:.1f} MB of JSON)")

    from app.db import open_database
    from app.services import duties
    from app.services.duties.base import CHECKS

    db = open_database(path)
    today = dt.date.today()
    wall, cpu, found = median_of_5(lambda: duties.findings(db, today))
    print(f"compute_findings in process, median of 5: wall {wall:.2f} s, CPU {cpu:.2f} s   "
          f"({len(found.items):,} findings)")
    wall, cpu, counted = median_of_5(lambda: duties.counts(db, today))
    print(f"count_findings (the panel's counts, not worded), median of 5: wall {wall:.2f} s, CPU {cpu:.2f} s   "
          f"({sum(counted.by_rule.values()):,} subjects)")
    print("  each rule in one read (the first ones also read what the later ones share):")
    with db.read() as s:
        for check in CHECKS:
            t = time.perf_counter()
            n = len(list(check.run(s, today)))
            print(f"  {check.code:<10} {(time.perf_counter() - t) * 1000:7.0f} ms  {n:>7,} findings")
    db.close()

    stamp = time.time()
    out = subprocess.run([sys.executable, str(ROOT / "bench" / "_dashboard_window.py"), str(path), repr(stamp)],
                         capture_output=True, text=True, cwd=ROOT, check=True).stdout
    figures = dict(line.split(" ", 1) for line in out.strip().splitlines())
    print(f"首页 window shown: {float(figures['window']):.2f} s; figures: {float(figures['figures']):.2f} s; "
          f"督办提醒 panel: {float(figures['panel']):.2f} s, {float(figures['panel']) - float(figures['window']):.2f} s "
          f"after the window (target < 1 s); the list behind it: {float(figures['list']):.2f} s")


if __name__ == "__main__":
    main()
