"""Benchmark of the 月报 as of a past month (SPEC §9: under 5 s at county size) and of 一户一档 cards.
Prints figures; never fails a build.

usage: python bench/bench_report.py [--households N ... | --db FILE] [--month YYYY-MM] [--repeat R]
Builds (or reuses, read-only) /tmp/houfu-bench-report-N.db with `init` and `demo` (or opens FILE, read-only:
a copy of a demo database made elsewhere), then times, for the month
(default: last month, a past month): the as-of figures alone (`stats --month`), gathering and drafting the
whole 月报, drawing the PDF and the .docx, the `report monthly` command end to end in a fresh process, and
the cards of the largest settlement point. The figures are SQL aggregates: the peak memory printed shows
that no household is held as a Python object."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def ensure_db(n: int) -> Path:
    path = Path(tempfile.gettempdir()) / f"houfu-bench-report-{n}.db"
    if not path.exists():
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "app", "--db", str(path), "init", "--town", "清江镇", "--county", "某县"],
                       check=True, cwd=ROOT)
        subprocess.run([sys.executable, "-m", "app", "--db", str(path), "demo", "--households", str(n)],
                       check=True, cwd=ROOT)
        print(f"demo {n} households: {time.perf_counter() - t:.1f} s")
    return path


def bench(path: Path, month: str, repeat: int) -> None:
    import resource

    from app.db import open_database
    from app.services import asof, monthly_report, report_data

    print(f"== {path} ({path.stat().st_size / 1e6:.0f} MB)")
    db = open_database(path, readonly=True)
    try:
        figs, gather, draw, word, total, cpu = [], [], [], [], [], []
        load = os.getloadavg()[0]
        for _ in range(repeat):
            c0 = time.process_time()
            t0 = time.perf_counter()
            asof.month_stats(db, month)
            t1 = time.perf_counter()
            prepared = monthly_report.prepare(db, month)
            doc = monthly_report.document(prepared, dated=dt.date.today())
            t2 = time.perf_counter()
            result = monthly_report.build_pdf(doc)
            t3 = time.perf_counter()
            cpu.append(time.process_time() - c0)
            docx = monthly_report.build_docx(doc)
            t4 = time.perf_counter()
            figs.append(t1 - t0)
            gather.append(t2 - t1)
            draw.append(t3 - t2)
            word.append(t4 - t3)
            total.append(t3 - t1)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"figures as of {asof.month_end(month)} (stats --month): median {statistics.median(figs):.2f} s")
        print(f"load average at the start: {load:.1f} on {os.cpu_count()} cores")
        print(f"月报 {month}: median {statistics.median(total):.2f} s (facts and text {statistics.median(gather):.2f} s, "
              f"PDF {statistics.median(draw):.2f} s; CPU {statistics.median(cpu):.2f} s over both connections), "
              f"{result.pages} pages, {len(result.pdf) / 1e3:.0f} KB   (target < 5 s); .docx {statistics.median(word):.2f} s, {len(docx) / 1e3:.0f} KB; "
              f"peak memory {peak:.0f} MB")
        out = Path(tempfile.mkdtemp(prefix="houfu-report-bench-")) / "月报.pdf"
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "app", "--db", str(path), "report", "monthly", "--month", month,
                        "--out", str(out), "--current"], check=True, cwd=ROOT, capture_output=True)
        print(f"`report monthly --current` command end to end: {time.perf_counter() - t:.2f} s")
        biggest = max(monthly_report.prepare(db, month).facts.points, key=lambda p: p.households)
        t = time.perf_counter()
        cards = report_data.cards_pdf(db, point_id=biggest.point_id)
        print(f"cards of {biggest.name} ({biggest.households} households): {time.perf_counter() - t:.2f} s, "
              f"{cards.pages} pages")
    finally:
        db.close()


def last_month() -> str:
    first = dt.date.today().replace(day=1)
    return (first - dt.timedelta(days=1)).strftime("%Y-%m")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, nargs="+", default=[5_000, 100_000])
    parser.add_argument("--db", type=Path, help="time this database (opened read-only) instead of building one")
    parser.add_argument("--month", default=last_month())
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if args.db:
        bench(args.db, args.month, args.repeat)
        return
    for n in args.households:
        bench(ensure_db(n), args.month, args.repeat)


if __name__ == "__main__":
    main()
