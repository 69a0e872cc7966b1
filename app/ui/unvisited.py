"""未走访: the households under one-to-one 包保 not yet visited in the month the 走访 matrix shows, saved as a
township-layout workbook or printed as a list for the cadres."""

from __future__ import annotations

import datetime as dt
import html
from pathlib import Path

from PySide6.QtGui import QPageLayout, QTextDocument
from PySide6.QtWidgets import QWidget

from app.db import Database
from app.services import town
from app.services import visits as vs

HEADERS: tuple[tuple[str, float], ...] = (("村", 10), ("安置点", 16), ("户主", 8), ("档案编号", 12),
                                           ("重点户类型", 18), ("包保干部", 10), ("本年已走访（次）", 10))


def rows_of(matrix: vs.Matrix) -> list[vs.MatrixRow]:
    """The households behind in the matrix's month, by village, point and archive number."""
    return sorted((r for r in matrix.rows if r.behind), key=lambda r: (r.village, r.point, r.archive_no))


def _values(r: vs.MatrixRow) -> list[object]:
    return [r.village, r.point, r.head_name, r.archive_no, r.tags, r.cadre, sum(c or 0 for c in r.counts)]


def title_of(db: Database, matrix: vs.Matrix) -> str:
    profile = town.load_town(db)
    return f"{profile.town_name}{int(matrix.month[:4])}年{int(matrix.month[5:])}月一对一包保未走访户清单"


def export(db: Database, matrix: vs.Matrix, path: Path, *, today: dt.date | None = None) -> int:
    """Write the list to path in the township layout; returns the number of households."""
    from app.io.xlsx_layout import LedgerColumn, LedgerSheet, write_ledger  # loaded when first used

    profile = town.load_town(db)
    columns = [LedgerColumn(h, w, "@" if h == "档案编号" else None) for h, w in HEADERS]
    sheet = LedgerSheet("未走访户", title_of(db, matrix), columns, (_values(r) for r in rows_of(matrix)),
                        unit=profile.station_name or profile.town_name, date=today or dt.date.today())
    (count,) = write_ledger(Path(path), [sheet])
    return count


def document(db: Database, matrix: vs.Matrix) -> QTextDocument:
    """The list as a printable document (a title, the table, the count)."""
    rows = rows_of(matrix)
    e = html.escape
    head = "".join(f"<th>{e(h)}</th>" for h in ("序号", *(h for h, _ in HEADERS)))
    body = "".join("<tr>" + f"<td>{i}</td>" + "".join(f"<td>{e(str(v))}</td>" for v in _values(r)) + "</tr>"
                   for i, r in enumerate(rows, start=1))
    text = (f"<h2 align='center'>{e(title_of(db, matrix))}</h2>"
            f"<table border='1' cellspacing='0' cellpadding='4' width='100%'><tr>{head}</tr>{body}</table>"
            f"<p>共 {len(rows)} 户。打印日期：{dt.date.today().isoformat()}</p>")
    doc = QTextDocument()
    doc.setHtml(text)
    return doc


def print_list(parent: QWidget, db: Database, matrix: vs.Matrix, printer=None) -> bool:
    """Print through the system printer dialog (or onto `printer` as given, e.g. a PDF file)."""
    from PySide6.QtPrintSupport import QPrintDialog, QPrinter

    if printer is None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName("未走访户清单")
        printer.setPageOrientation(QPageLayout.Orientation.Landscape)
        if QPrintDialog(printer, parent).exec() != QPrintDialog.DialogCode.Accepted:
            return False
    document(db, matrix).print_(printer)
    return True
