"""The frozen bundle (dist/houfu/, from scripts/build-bundle.sh): its size, how long the command line takes
to start and answer `stats`, and how long the window takes to show, next to the same from source.

Usage: .venv/bin/python bench/bench_bundle.py [--households 2000] [--runs 5]
Each program runs as on the office PC: no Python of ours on PATH, a fresh HOME, the window offscreen."""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUNDLE = ROOT / "dist" / "houfu"


def tree_size(path: Path) -> int:
    return sum(p.lstat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def clean_env(home: Path, **extra: str) -> dict[str, str]:
    return {"PATH": "/usr/bin:/bin", "HOME": str(home), "LANG": "C.UTF-8", **extra}


def timed(cmd: list[str], env: dict[str, str], runs: int) -> float:
    """Median wall time of a command that must succeed."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def first_window(cmd: list[str], env: dict[str, str], runs: int) -> float:
    """Median time from launch until the program reports its main window shown (HOUFU_SMOKE_SECONDS)."""
    env = dict(env, QT_QPA_PLATFORM="offscreen", HOUFU_SMOKE_SECONDS="0.2")
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        shown = None
        for line in proc.stderr:
            if "已显示主窗口" in line:
                shown = time.perf_counter() - start
                break
        proc.stderr.read()
        if proc.wait(timeout=120) != 0 or shown is None:
            raise SystemExit(f"window did not show: {' '.join(cmd)}")
        times.append(shown)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    if not (BUNDLE / "houfu").exists():
        raise SystemExit("dist/houfu/houfu is missing: run bash scripts/build-bundle.sh first")

    print(f"bundle dist/houfu/: {tree_size(BUNDLE) / 1e6:.1f} MB "
          f"({sum(1 for p in BUNDLE.rglob('*') if p.is_file())} files)")
    for deb in sorted((ROOT / "dist").glob("houfu_*.deb")):
        print(f"package {deb.name}: {deb.stat().st_size / 1e6:.1f} MB")
    kit = ROOT / "dist" / "houfu-windows"
    if kit.exists():
        print(f"windows kit dist/houfu-windows/: {tree_size(kit) / 1e6:.1f} MB")

    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        home.mkdir()
        db = Path(tmp) / "bench.db"
        env = clean_env(home)
        frozen = [str(BUNDLE / "houfu")]
        source = [sys.executable, "-m", "app"]
        source_env = dict(env, PYTHONPATH=str(ROOT))
        subprocess.run(frozen + ["--db", str(db), "demo", "--households", str(args.households)], env=env,
                       check=True, stdout=subprocess.DEVNULL)
        print(f"database: demo with {args.households} households")
        rows = [
            ("--version", lambda c, e: timed(c + ["--version"], e, args.runs)),
            ("stats", lambda c, e: timed(c + ["--db", str(db), "stats"], e, args.runs)),
            ("first window", lambda c, e: first_window(c + ["--db", str(db)], e, max(3, args.runs // 2))),
        ]
        print(f"{'':14}{'frozen':>10}{'source':>10}   (median seconds, wall clock)")
        for name, measure in rows:
            f = measure(frozen, env)
            s = measure(source, source_env)
            print(f"{name:14}{f:10.2f}{s:10.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
