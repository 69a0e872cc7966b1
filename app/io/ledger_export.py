"""Ledgers and the year's assessment as township-layout workbooks (the 导出Excel buttons, `ledger export`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.db import Database
from app.io.xlsx_layout import DATE, LedgerColumn, LedgerSheet, write_ledger
from app.ledgers import engine
from app.ledgers.spec import Kind, Ledger, LedgerQuery
from app.ledgers.values import export_value
from app.services import assessment, town


@dataclass(frozen=True, slots=True)
class ExportResult:
    rows: int
    path: Path


def export_ledger(db: Database, ledger: Ledger, path: Path, q: LedgerQuery | None = None, *,
                  today: dt.date | None = None, progress: Callable[[float], None] | None = None) -> ExportResult:
    """Write the ledger (the rows q selects, in its order; all by default) to path in the township layout."""
    today = today or dt.date.today()
    profile = town.load_town(db)
    ids = engine.query(db, ledger, q, today=today).ids
    cols = engine.export_columns(ledger)
    keys = [c[0] for c in cols]

    def rows() -> Iterator[list[Any]]:
        for start in range(0, len(ids), engine.CHUNK):
            for r in engine.fetch_rows(db, ledger, ids[start:start + engine.CHUNK], today=today, keys=keys):
                yield [r.labels.get(key) or None if (kind is None or kind is Kind.REF)
                       else export_value(kind, r.values.get(key)) for key, _, kind, _ in cols]
            if progress is not None:
                progress(min((start + engine.CHUNK) / max(len(ids), 1), 1.0))

    formats = {Kind.DATE: DATE, Kind.MONEY: "#,##0.00", Kind.TEXT: "@"}
    columns = [LedgerColumn(header, width, formats.get(kind) if kind else None) for _, header, kind, width in cols]
    title = f"{profile.town_name}{ledger.title}" if profile.town_name else ledger.title
    unit = profile.station_name or profile.town_name
    (count,) = write_ledger(Path(path), [LedgerSheet(ledger.title, title, columns, rows(), unit=unit, date=today)])
    return ExportResult(count, Path(path))


def export_assessment(db: Database, year: int, path: Path, *, today: dt.date | None = None) -> int:
    """The assessment as a township-layout workbook: one row per village/department, the parts and the total."""
    today = today or dt.date.today()
    subjects = sorted(assessment.assess(db, year, today=today), key=lambda x: (-x.total, x.kind, x.name))
    profile = town.load_town(db)
    columns = [LedgerColumn("考核对象", 16), LedgerColumn("类别", 6)]
    columns += [LedgerColumn(f"{label}（权重{subjects[0].part(key).weight if subjects else ''}）", 12, "0.0")
                for key, label in assessment.PARTS]
    columns += [LedgerColumn("总分", 8, "0.0"), LedgerColumn("名次", 6), LedgerColumn("得分说明", 60)]

    def rows():
        for rank, sub in enumerate(subjects, start=1):
            yield ([sub.name, sub.kind] + [float(sub.part(k).score) if sub.part(k).score is not None else "不适用"
                                           for k, _l in assessment.PARTS]
                   + [float(sub.total), rank, "；".join(f"{p.label}：{p.basis}" for p in sub.parts)])

    title = f"{profile.town_name}{year}年度搬迁群众后续扶持目标考核"
    (count,) = write_ledger(Path(path), [LedgerSheet("年度考核", title, columns, rows(),
                                                     unit=profile.station_name or profile.town_name, date=today)])
    return count
