"""Bench: Excel in and out against openpyxl on the same data, in one run (SPEC §9). Prints figures; not a test.

Import: a register of N households (~4 rows each, bench_import.register_rows) imported into a fresh database
with full validation, against openpyxl read-only merely iterating the same file's cells. Goal: ≤ 1.0×, and
10,000 households in under 3 s. The register is saved twice, by openpyxl write-only (texts inline, each Chinese
character an entity) and as Excel/WPS save it (shared strings); each is imported and read by openpyxl.
Export: that archive exported in the township layout, against openpyxl write-only appending the same rows
(already in memory, no styles). Goal: ≤ 0.75×.
With --archive-households M, also the export of an M-household demo archive (the county's 100,000: goal
under 15 s, quoted, not promised).

    .venv/bin/python bench/bench_excel.py [--households 10000] [--archive-households 100000 [--archive-db PATH]]
                                          [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_import import build, build_as_excel_saves  # noqa: E402

from app.db import create_database, open_database  # noqa: E402
from app.io.export import _household_rows, export_households  # noqa: E402
from app.io.importer import run_import  # noqa: E402
from app.io.validate import Options  # noqa: E402
from app.services import town  # noqa: E402


def _fresh_database(path: Path):
    path.unlink(missing_ok=True)
    db = create_database(path)
    town.seed_reference_data(db)
    town.save_town(db, town.TownData(town_name="清江镇", county_name="某县", station_name="清江镇水利移民站"))
    return db


def _peak_reset() -> bool:
    """Start the process's peak memory afresh (Linux: /proc/self/clear_refs); False where it cannot."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def _peak_mb() -> int:
    """The process's peak memory since _peak_reset (VmHWM), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) // 1024
    return 0


def openpyxl_read(path: Path) -> int:
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True, data_only=True)
    cells = 0
    for ws in wb.worksheets:
        for row in ws.iter_rows(values_only=True):
            cells += len(row)
    wb.close()
    return cells


def openpyxl_write(path: Path, rows: list[list]) -> None:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("搬迁群众花名册")
    for row in rows:
        ws.append(row)
    wb.save(path)


def xlsxwriter_write(path: Path, rows: list[list]) -> None:
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = wb.add_worksheet("搬迁群众花名册")
    for r, row in enumerate(rows):
        ws.write_row(r, 0, row)
    wb.close()


CPU: dict[str, float] = {}  # process CPU seconds of the last call of each timed function (a shared machine's
# wall-clock figures grow with its load; CPU time shows what the work itself costs)


def timed(fn, *args):
    t, c = time.perf_counter(), time.process_time()
    value = fn(*args)
    CPU[getattr(fn, "__name__", "")] = time.process_time() - c
    return time.perf_counter() - t, value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Bench Excel import and export against openpyxl")
    parser.add_argument("--households", type=int, default=10_000)
    parser.add_argument("--archive-households", type=int, default=0,
                        help="also export a demo archive of this many households (e.g. 100000)")
    parser.add_argument("--archive-db", type=Path, help="the demo archive database to use (built when missing)")
    parser.add_argument("--keep", type=Path, help="keep the register, database and exports in this folder")
    args = parser.parse_args(argv)
    folder = args.keep or Path(tempfile.mkdtemp(prefix="houfu-bench-excel-"))
    folder.mkdir(parents=True, exist_ok=True)

    # The register twice: as openpyxl's write-only mode saves it (texts inline, every Chinese character an
    # entity: the heavier file to read), and as Excel and WPS save it (a shared-strings table), which is what
    # the villages send. The same rows; each import goes into a fresh database.
    registers = [("openpyxl write-only", folder / "register.xlsx", build),
                 ("as Excel/WPS save it", folder / "register-excel.xlsx", build_as_excel_saves)]
    db = None
    for label, register, write_register in registers:
        if db is not None:
            db.close()
        rows = write_register(register, args.households)
        print(f"register {label}: {args.households} households, {rows} rows, "
              f"{register.stat().st_size / 1e6:.1f} MB")
        db = _fresh_database(folder / f"{register.stem}.db")
        t_openpyxl_read, cells = timed(openpyxl_read, register)

        def import_register(db=db, register=register):
            return run_import(db, [register], Options(new_places=True))

        measured = _peak_reset()
        t_import, (prepared, result) = timed(import_register)
        peak = f"; peak memory {_peak_mb()} MB (goal < 250 MB)" if measured else ""
        del prepared
        timings = result.timings
        print(f"  openpyxl read-only, iterating {cells} cells: {t_openpyxl_read:.2f} s "
              f"(cpu {CPU['openpyxl_read']:.2f} s)")
        print(f"  import with full validation: {t_import:.2f} s (read {timings['read']:.2f}, validate "
              f"{timings['validate']:.2f}, apply {timings['apply']:.2f}; cpu {CPU['import_register']:.2f} s); "
              f"{result.households_imported} households, {len(result.errors)} errors{peak}")
        print(f"  import / openpyxl read = {t_import / t_openpyxl_read:.2f}x   (goal <= 1.00x; "
              f"{args.households} households in {t_import:.2f} s, goal < 3 s for 10,000)")
    assert db is not None

    t_rows, archive_rows = timed(lambda: list(_household_rows(db, None)))
    t_openpyxl_write, _ = timed(openpyxl_write, folder / "openpyxl.xlsx", archive_rows)
    t_xlsxwriter, _ = timed(xlsxwriter_write, folder / "xlsxwriter.xlsx", archive_rows)
    t_export, summary = timed(export_households, db, folder / "archive.xlsx")
    db.close()
    print(f"openpyxl write-only, {len(archive_rows)} rows x {len(archive_rows[0]) if archive_rows else 0} cells "
          f"(rows already in memory): {t_openpyxl_write:.2f} s (cpu {CPU['openpyxl_write']:.2f} s)")
    print(f"XlsxWriter constant_memory, the same rows (for comparison): {t_xlsxwriter:.2f} s "
          f"({t_xlsxwriter / t_openpyxl_write:.2f}x)")
    print(f"archive export, township layout (database read {t_rows:.2f} s included): {t_export:.2f} s "
          f"(cpu {CPU['export_households']:.2f} s); "
          f"{summary.households} households, {summary.members} people")
    print(f"  export / openpyxl write = {t_export / t_openpyxl_write:.2f}x   (goal <= 0.75x)")

    if args.archive_households:
        path = args.archive_db or Path(tempfile.gettempdir()) / f"houfu-bench-{args.archive_households}.db"
        if not path.exists():
            t = time.perf_counter()
            subprocess.run([sys.executable, "-m", "app", "--db", str(path), "init", "--town", "清江镇"],
                           check=True, cwd=ROOT)
            subprocess.run([sys.executable, "-m", "app", "--db", str(path), "demo", "--households",
                            str(args.archive_households)], check=True, cwd=ROOT)
            print(f"demo archive of {args.archive_households} households built in {time.perf_counter() - t:.0f} s")
        big = open_database(path)
        try:
            t_big, big_summary = timed(export_households, big, folder / "county.xlsx")
        finally:
            big.close()
        print(f"county archive export: {big_summary.households} households, {big_summary.members} people in "
              f"{t_big:.1f} s (cpu {CPU['export_households']:.1f} s)   (goal < 15 s, quoted)")
    print(f"load average during the run: {os.getloadavg()[0]:.1f} (2 cores: above 2, wall times are inflated)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
