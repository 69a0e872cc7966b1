"""Benchmark of `demo`: time app.demo.generate() for N households (default 100,000) on a temporary database.

Usage: python bench/bench_demo.py [N] [--seed S] [--profile]
Prints the wall and CPU seconds, the rows made per table, the file size and the peak memory.
Target (SPEC §9 scale, 2-core machine): 100,000 households in well under a minute, aim < 40 s.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app import demo  # noqa: E402
from app.db import create_database  # noqa: E402
from app.services import town  # noqa: E402


def peak_memory_mb() -> float | None:
    """Peak resident memory of this process in MB, where the platform tells it."""
    try:
        import resource
    except ImportError:  # Windows
        return None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 / (1024 if sys.platform == "darwin" else 1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("households", nargs="?", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--profile", action="store_true", help="run under cProfile and print the top functions")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="houfu-bench-") as folder:
        path = Path(folder) / "demo.db"
        db = create_database(path)
        town.seed_reference_data(db)  # as the `demo` command does
        try:
            wall, cpu = time.perf_counter(), time.process_time()
            if args.profile:
                import cProfile
                import pstats

                profiler = cProfile.Profile()
                summary = profiler.runcall(demo.generate, db, args.households, seed=args.seed)
            else:
                summary = demo.generate(db, args.households, seed=args.seed)
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        finally:
            db.close()
        size_mb = sum(p.stat().st_size for p in Path(folder).glob("demo.db*")) / 1024 / 1024

    print(f"demo.generate({args.households:,} households, seed {args.seed}): "
          f"{wall:.1f} s wall, {cpu:.1f} s CPU")
    print(f"rows: {summary.rows:,} in all; database {size_mb:.0f} MB", end="")
    peak = peak_memory_mb()
    print(f"; peak memory {peak:.0f} MB" if peak else "")
    for name, count in summary.as_dict().items():
        print(f"  {name:26s} {count:>9,}")
    if args.profile:
        pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
