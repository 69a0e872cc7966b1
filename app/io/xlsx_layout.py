"""The township ledger layout of SPEC §6, in one place, for every .xlsx the program writes.

A ledger sheet is: a merged title row; a 填报单位 / 填报日期 row; the header row (frozen, repeated on every
printed page) starting with 序号; one row per record; a 填表人 / 审核人 footer. It prints on A4 landscape,
fitted to the page width, with page numbers. XlsxWriter lays the sheet out; the data rows are serialised by
`xlsx_rows` into a temporary file and spliced in (XlsxWriter's per-cell cost is no lower than openpyxl's),
so a county-sized ledger needs flat memory. Figures against openpyxl write-only: bench/bench_excel.py.

`write_ledger(path, sheets)` writes the finished workbook to exactly `path` and nothing else there;
`write_ledger_to` takes an open binary file instead (for a guarded temporary file).
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name

from app import outputs
from app.io.xlsx_rows import SheetRows, Workbook, splice

TEXT = "@"
DATE = "yyyy-mm-dd"

TITLE_ROW, UNIT_ROW, HEADER_ROW = 1, 2, 3
FIRST_DATA_ROW = 4


@dataclass(frozen=True, slots=True)
class LedgerColumn:
    """One column: its header, width in characters, number format ("@" keeps IDs and phones as text),
    and for a blank template the choices offered in a drop-down list."""

    header: str
    width: float = 10
    number_format: str | None = None
    choices: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class LedgerSheet:
    """What goes on one ledger sheet; `rows` yields one sequence of values per record (without 序号)."""

    name: str
    title: str
    columns: Sequence[LedgerColumn]
    rows: Iterable[Sequence[object]]
    unit: str = ""
    date: dt.date | None = None
    blank_rows: int = 0  # pre-formatted empty rows (templates)
    footer: tuple[str, ...] = ("填表人：", "审核人：", "联系电话：")


_INVALID_TITLE = re.compile(r"[\\*?:/\[\]]")


def safe_sheet_name(name: str) -> str:
    """A name Excel accepts for a sheet: no []:*?/\\ and at most 31 characters."""
    cleaned = _INVALID_TITLE.sub("_", name).strip("'") or "Sheet"
    return cleaned[:31]


def _chinese_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


_FONT = "宋体"
_AUTO_FORMATS = {dt.datetime: "yyyy-mm-dd hh:mm:ss", dt.date: DATE, dt.time: "hh:mm:ss"}


class _Formats:
    """The layout's cell formats, each made once per workbook (XlsxWriter formats belong to one workbook)."""

    def __init__(self, wb: xlsxwriter.Workbook) -> None:
        self.wb = wb
        base = {"font_name": _FONT, "font_size": 10, "valign": "vcenter"}
        self.title = wb.add_format({**base, "font_size": 16, "bold": True, "align": "center", "text_wrap": True})
        self.left = wb.add_format({**base, "align": "left"})
        self.right = wb.add_format({**base, "align": "right"})
        self.header = wb.add_format({**base, "bold": True, "align": "center", "text_wrap": True, "border": 1,
                                     "bg_color": "#D9D9D9", "pattern": 1})
        self.serial = wb.add_format({**base, "align": "center", "text_wrap": True, "border": 1})
        self._body: dict[str | None, object] = {}
        self._column: dict[str, object] = {}

    def body(self, number_format: str | None):
        fmt = self._body.get(number_format)
        if fmt is None:
            props = {"font_name": _FONT, "font_size": 10, "border": 1}
            if number_format:
                props["num_format"] = number_format
            fmt = self._body[number_format] = self.wb.add_format(props)
        return fmt

    def column(self, number_format: str):
        """A column's own format, so cells typed into the column later keep it."""
        fmt = self._column.get(number_format)
        if fmt is None:
            fmt = self._column[number_format] = self.wb.add_format({"num_format": number_format})
        return fmt


def add_ledger_sheet(wb: xlsxwriter.Workbook, formats: _Formats, sheet: LedgerSheet) -> tuple[SheetRows, int | None, str]:
    """Append one ledger sheet: its rows go to a temporary file first (so the footer, print area and drop-down
    ranges know where they end), then XlsxWriter lays out everything around them. Returns the rows, the
    footer's row (1-based, None without footer) and the last column's letter, for `xlsx_rows.splice`."""
    columns = [LedgerColumn("序号", 6)] + list(sheet.columns)
    width = len(columns)
    last = width - 1
    serial = formats.serial
    auto = {kind: formats.body(code)._get_xf_index() for kind, code in _AUTO_FORMATS.items()}
    styles = [serial._get_xf_index()] + [formats.body(c.number_format)._get_xf_index() for c in columns[1:]]
    rows = SheetRows(wb.str_table, styles, [None] + [None if c.number_format else auto for c in columns[1:]],
                     FIRST_DATA_ROW)
    try:
        count = rows.write(sheet.rows, sheet.blank_rows)
    except BaseException:
        rows.close()
        raise

    ws = wb.add_worksheet(safe_sheet_name(sheet.name))
    for index, column in enumerate(columns):
        ws.set_column(index, index, column.width,
                      formats.column(column.number_format) if column.number_format else None)
    ws.freeze_panes(FIRST_DATA_ROW - 1, 0)
    ws.repeat_rows(HEADER_ROW - 1)
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)
    ws.center_horizontally()
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    ws.set_footer("&C第 &P 页，共 &N 页")

    ws.set_row(TITLE_ROW - 1, 30)
    if last > 0:
        ws.merge_range(TITLE_ROW - 1, 0, TITLE_ROW - 1, last, sheet.title, formats.title)
    else:
        ws.write_string(TITLE_ROW - 1, 0, sheet.title, formats.title)
    half = max(width // 2, 1)
    day = sheet.date or dt.date.today()
    unit, dated = f"填报单位：{sheet.unit}", f"填报日期：{_chinese_date(day)}"
    row = UNIT_ROW - 1
    if half > 1:
        ws.merge_range(row, 0, row, half - 1, unit, formats.left)
    else:
        ws.write_string(row, 0, unit, formats.left)
    if width > half + 1:
        ws.merge_range(row, half, row, last, dated, formats.right)
    elif width > half:
        ws.write_string(row, half, dated, formats.right)
    ws.set_row(HEADER_ROW - 1, 32)
    for col, column in enumerate(columns):
        ws.write_string(HEADER_ROW - 1, col, column.header, formats.header)
    last_row = HEADER_ROW + count + sheet.blank_rows  # 1-based, like the rows above

    for index, column in enumerate(columns):
        listed = ",".join(column.choices)
        if column.choices and len(listed) <= 250:
            ws.data_validation(FIRST_DATA_ROW - 1, index, max(last_row, FIRST_DATA_ROW + 999) - 1, index,
                               {"validate": "list", "source": list(column.choices), "ignore_blank": True,
                                "show_error": False})

    labels = list(sheet.footer)
    if labels and width - 1 < len(labels):  # too narrow for one cell each: one line in the first cell
        labels = ["        ".join(labels)]
    step = max((width - 1) // max(len(labels), 1), 1)
    footer_row = last_row + 2  # a blank line, then the footer
    for i, label in enumerate(labels):
        ws.write_string(footer_row - 1, 1 + i * step if width > 1 else 0, label, formats.left)
    ws.print_area(0, 0, footer_row - 1, last)
    return rows, footer_row if labels else None, xl_col_to_name(last)


def write_ledger(path: Path, sheets: Sequence[LedgerSheet]) -> list[int]:
    """Write a workbook of ledger sheets to path through the output guard (never over the database or a
    backup; temporary file, fsync, rename); returns the number of records on each sheet. Raises
    outputs.OutputError (one Chinese line; an existing file at path unchanged) when refused or when it fails.
    Nothing is written there if a sheet's rows fail or are cancelled."""
    outputs.check_target(path)  # refuse before the rows are read, not after
    with outputs.replacing(path) as f:
        return write_ledger_to(f, sheets)


def write_ledger_to(target: Path | BinaryIO, sheets: Sequence[LedgerSheet]) -> list[int]:
    """write_ledger into `target`, a path or a writable binary file (such as a guarded temporary file):
    the rows are read and laid out first, and `target` is written only once they all are."""
    package = io.BytesIO()
    wb = Workbook(package, {"strings_to_formulas": False, "strings_to_urls": False,
                                       "strings_to_numbers": False, "nan_inf_to_errors": True})
    wb.strings_apart = True
    written: list[tuple[SheetRows, int | None, str]] = []
    try:
        formats = _Formats(wb)
        for sheet in sheets:
            written.append(add_ledger_sheet(wb, formats, sheet))
        wb.close()
        strings = {"xl/sharedStrings.xml": wb.shared_strings} if wb.shared_strings is not None else {}
        splice(package.getvalue(), target, [(f"xl/worksheets/sheet{i}.xml", rows, footer, last)
                                            for i, (rows, footer, last) in enumerate(written, start=1)], strings)
    finally:
        wb.fileclosed = True
        wb.close_shared_strings()
        for rows, _footer, _last in written:
            rows.close()  # the temporary files holding the rows are gone once closed
    return [rows.count for rows, _footer, _last in written]
