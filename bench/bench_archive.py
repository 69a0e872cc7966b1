"""Benchmark of the household archive at county size (SPEC §9). Prints figures; never fails a build.

usage: python bench/bench_archive.py [--households N] [--db PATH]
Builds (or reuses) a database with `demo`, then measures: time to first window and to a filled list (real
process), filtering the list by text and by village (service and GUI), opening a household in the editor,
and peak memory."""

from __future__ import annotations

import argparse
import os
import random
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


def median_ms(fn, repeat: int = 7) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=100_000)
    parser.add_argument("--db", type=Path)
    args = parser.parse_args()
    path = args.db or Path(tempfile.gettempdir()) / f"houfu-bench-{args.households}.db"

    if not path.exists():
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "app", "--db", str(path), "init", "--town", "清江镇"], check=True, cwd=ROOT)
        subprocess.run([sys.executable, "-m", "app", "--db", str(path), "demo", "--households", str(args.households)],
                       check=True, cwd=ROOT)
        print(f"demo {args.households} households: {time.perf_counter() - t:.1f} s")
    print(f"database: {path} ({path.stat().st_size / 1e6:.0f} MB)")

    # Time to first window, in a fresh process (imports included).
    stamp = time.time()
    out = subprocess.run([sys.executable, str(ROOT / "bench" / "_first_window.py"), str(path), repr(stamp)],
                         capture_output=True, text=True, cwd=ROOT, check=True).stdout
    figures = dict(line.split(" ", 1) for line in out.strip().splitlines())
    print(f"first window shown: {float(figures['window']):.2f} s   (target < 2 s)")
    print(f"household list filled: {float(figures['list'].split()[0]):.2f} s   ({figures['list'].split()[1]} households)")
    print(f"GUI process peak memory: {figures['maxrss_mb']} MB   (target < 500 MB)")

    from PySide6.QtWidgets import QApplication

    from app.db import open_database
    from app.services import households as hs
    from app.services import town
    from app.ui.household.editor import HouseholdEditor
    from app.ui.household_list import HouseholdListPage
    from app.ui.main import setup_application

    app = QApplication([])
    setup_application(app)
    db = open_database(path)
    all_ids = hs.query_ids(db, hs.HouseholdQuery())
    rng = random.Random(1)
    sample = hs.load_household(db, rng.choice(all_ids))
    id_fragment = sample.members[0].id_number[6:14]
    name = sample.members[0].name
    village = town.villages(db)[0]

    print("\nlist filter (service: matching ids + people count), median of 7:")
    for label, query in (
        (f"text: ID fragment {id_fragment}", hs.HouseholdQuery(text=id_fragment)),
        (f"text: name {name}", hs.HouseholdQuery(text=name)),
        ("text: phone fragment 1380", hs.HouseholdQuery(text="1380")),
        (f"village {village.label}", hs.HouseholdQuery(village_id=village.id)),
        ("key group 三无户", hs.HouseholdQuery(key_group="三无户")),
        ("no filter", hs.HouseholdQuery()),
    ):
        def run(q=query):
            ids, _people = hs.query_list(db, q)
            hs.fetch_rows(db, ids[:200])
        print(f"  {label}: {median_ms(run):.1f} ms   (target < 100 ms)")

    page = HouseholdListPage(db)
    page.resize(1200, 700)
    page.show()

    def wait_loaded():
        done = []
        page.loaded.connect(done.append)
        t = time.perf_counter()
        while not done:
            app.processEvents()
            time.sleep(0.0005)
        page.loaded.disconnect()
        return (time.perf_counter() - t) * 1000

    wait_loaded()
    gui = []
    for _ in range(5):
        page.search.setText(id_fragment)
        page.refresh()
        gui.append(wait_loaded())
        page.search.setText("")
        page.refresh()
        wait_loaded()
    print(f"  GUI: type an ID fragment to list shown: {statistics.median(gui):.1f} ms")
    gui = []
    for _ in range(5):
        page.village.setCurrentIndex(1)
        gui.append(wait_loaded())
        page.village.setCurrentIndex(0)
        wait_loaded()
    print(f"  GUI: choose a village to list shown: {statistics.median(gui):.1f} ms")

    opened = []
    editor = HouseholdEditor(db, all_ids[0])  # built once, as the household list does
    for hid in rng.sample(all_ids, 20):
        t = time.perf_counter()
        editor.load(hid)
        editor.show()
        app.processEvents()
        opened.append((time.perf_counter() - t) * 1000)
        editor.hide()
        app.processEvents()
    print(f"\nopen a household in the editor: median {statistics.median(opened):.1f} ms, "
          f"max {max(opened):.1f} ms   (target < 50 ms)")
    print(f"bench process peak memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
    sys.stdout.flush()
    os._exit(0)  # skip tearing down Qt objects at interpreter exit; the figures are printed
