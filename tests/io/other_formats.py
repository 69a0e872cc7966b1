"""The same register saved as .xls (by xlwt, as old Excel and WPS save it) and as .ods (by odfpy), for the
tests that every format imports exactly like the .xlsx. Values, merged ranges and dates are carried over."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl


def _sheets(source: Path):
    wb = openpyxl.load_workbook(source)
    for ws in wb.worksheets:
        merges = [(m.min_row, m.min_col, m.max_row, m.max_col) for m in ws.merged_cells.ranges]
        values = {(c.row, c.column): c.value for row in ws.iter_rows() for c in row if c.value is not None}
        yield ws.title, values, merges, ws.sheet_state != "visible"


def to_xls(source: Path, path: Path) -> Path:
    """The .xlsx register at `source` written again as a BIFF8 .xls workbook."""
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    dates = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    for title, values, merges, _hidden in _sheets(source):
        ws = book.add_sheet(title, cell_overwrite_ok=True)
        covered = set()
        for r1, c1, r2, c2 in merges:
            value = values.get((r1, c1))
            ws.write_merge(r1 - 1, r2 - 1, c1 - 1, c2 - 1, value, dates if isinstance(value, dt.date) else xlwt.Style.default_style)
            covered |= {(r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)}
        for (r, c), value in values.items():
            if (r, c) not in covered:
                ws.write(r - 1, c - 1, value, dates if isinstance(value, dt.date) else xlwt.Style.default_style)
    book.save(str(path))
    return path


def to_ods(source: Path, path: Path) -> Path:
    """The .xlsx register at `source` written again as an OpenDocument spreadsheet, merges as spanned cells."""
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import CoveredTableCell, Table, TableCell, TableRow
    from odf.text import P

    doc = OpenDocumentSpreadsheet()
    for title, values, merges, _hidden in _sheets(source):
        table = Table(name=title)
        spans = {(r1, c1): (r2 - r1 + 1, c2 - c1 + 1) for r1, c1, r2, c2 in merges}
        covered = {(r, c) for r1, c1, r2, c2 in merges for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)}
        covered -= set(spans)
        last_row = max((r for r, _c in values), default=0)
        last_col = max((c for _r, c in values), default=0)
        for r1, c1, r2, c2 in merges:
            last_row, last_col = max(last_row, r2), max(last_col, c2)
        for r in range(1, last_row + 1):
            row = TableRow()
            for c in range(1, last_col + 1):
                if (r, c) in covered:
                    row.addElement(CoveredTableCell())
                    continue
                value = values.get((r, c))
                attrs = {}
                if (r, c) in spans:
                    attrs = {"numberrowsspanned": spans[(r, c)][0], "numbercolumnsspanned": spans[(r, c)][1]}
                if value is None:
                    cell = TableCell(**attrs)
                elif isinstance(value, bool):
                    cell = TableCell(valuetype="boolean", booleanvalue=str(value).lower(), **attrs)
                elif isinstance(value, (int, float)):
                    cell = TableCell(valuetype="float", value=value, **attrs)
                    cell.addElement(P(text=str(value)))
                elif isinstance(value, dt.date):
                    cell = TableCell(valuetype="date", datevalue=value.isoformat(), **attrs)
                    cell.addElement(P(text=value.isoformat()))
                else:
                    cell = TableCell(valuetype="string", **attrs)
                    cell.addElement(P(text=str(value)))
                row.addElement(cell)
            table.addElement(row)
        doc.spreadsheet.addElement(table)
    doc.save(str(path))
    return path
