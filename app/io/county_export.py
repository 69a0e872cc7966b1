"""`export county OUT.xlsx`: the county summary as a township-layout workbook (one row per town by rank, then
the county total)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from app import outputs
from app.db import Database
from app.io.xlsx_layout import LedgerColumn, LedgerSheet, write_ledger
from app.services.county_summary import CountySummary, county_summary


def county_xlsx(db: Database, out: Path, *, month: str | None = None, today: dt.date | None = None) -> int:
    """Write the county summary to out (safely); returns the number of towns."""
    summary = county_summary(db, month=month, today=today)
    headers = CountySummary.HEADERS[1:]
    widths = {"镇（乡）": 14, "最近副本导出时间": 20}
    columns = [LedgerColumn(h, widths.get(h, 10)) for h in headers]
    rows = [r[1:] for r in summary.rows()]
    sheet = LedgerSheet(name="分镇汇总", title=f"{summary.county or '全县'}搬迁群众后续扶持工作分镇汇总（按排名）",
                        columns=columns, rows=rows, unit=summary.county, date=summary.today)
    with outputs.replacing_path(out, databases=[db.path]) as tmp:
        write_ledger(Path(tmp), [sheet])
    return len(summary.towns)
