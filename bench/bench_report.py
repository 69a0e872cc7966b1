"""Benchmark of the 月报 (SPEC §9: under 10 s at county size) and of 一户一档 cards. Prints figures; never
fails a build.

usage: python bench/bench_report.py [--households N ...] [--month YYYY-MM] [--repeat R]
Builds (or reuses, read-only) /tmp/houfu-bench-N.db with `init` and `demo`, then times: gathering the
packet's data, drawing the PDF, the whole packet, the `report monthly` command end to end in a fresh
process, and the cards of the largest settlement point."""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def ensure_db(n: int) -> Path:
    path = Path(tempfile.gettempdir()) / f"houfu-bench-{n}.db"
    if not path.exists():
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "app", "--db", str(path), "init", "--town", "清江镇", "--county", "某县"],
                       check=True, cwd=ROOT)
        subprocess.run([sys.executable, "-m", "app", "--db", str(path), "demo", "--households", str(n)],
                       check=True, cwd=ROOT)
        print(f"demo {n} households: {time.perf_counter() - t:.1f} s")
    return path


def bench(n: int, month: str, repeat: int) -> None:
    from app.db import open_database
    from app.reports import monthly
    from app.services import report_data

    path = ensure_db(n)
    print(f"== {n} households: {path} ({path.stat().st_size / 1e6:.0f} MB)")
    db = open_database(path, readonly=True)
    try:
        gather, draw, total = [], [], []
        for _ in range(repeat):
            t0 = time.perf_counter()
            data = report_data.monthly(db, month)
            t1 = time.perf_counter()
            result = monthly.build(data)
            t2 = time.perf_counter()
            gather.append(t1 - t0)
            draw.append(t2 - t1)
            total.append(t2 - t0)
        print(f"monthly packet {month}: median {statistics.median(total):.2f} s (data {statistics.median(gather):.2f} s, "
              f"PDF {statistics.median(draw):.2f} s), {result.pages} pages, {len(result.pdf) / 1e3:.0f} KB"
              f"   (target < 10 s)")
        out = Path(tempfile.mkdtemp(prefix="houfu-report-bench-")) / "月报.pdf"
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "app", "--db", str(path), "report", "monthly", "--month", month,
                        "--out", str(out)], check=True, cwd=ROOT, capture_output=True)
        print(f"`report monthly` command end to end: {time.perf_counter() - t:.2f} s")
        biggest = max(report_data.baobao.point_coverage(db), key=lambda p: p.households)
        t = time.perf_counter()
        cards = report_data.cards_pdf(db, point_id=biggest.point_id)
        print(f"cards of {biggest.name} ({biggest.households} households): {time.perf_counter() - t:.2f} s, "
              f"{cards.pages} pages")
    finally:
        db.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, nargs="+", default=[5_000, 100_000])
    parser.add_argument("--month", default=dt.date.today().strftime("%Y-%m"))
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    for n in args.households:
        bench(n, args.month, args.repeat)


if __name__ == "__main__":
    main()
