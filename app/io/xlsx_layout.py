"""The township ledger layout of SPEC §6, in one place, for every .xlsx the program writes.

A ledger sheet is: a merged title row; a 填报单位 / 填报日期 row; the header row (frozen, repeated on every
printed page) starting with 序号; one row per record; a 填表人 / 审核人 footer. It prints on A4 landscape,
fitted to the page width, with page numbers. Sheets are streamed (openpyxl write-only), so a county-sized
ledger does not need the whole workbook in memory.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from collections.abc import Iterable, Sequence
from copy import copy
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook.child import INVALID_TITLE_REGEX
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from app import outputs

TEXT = "@"
DATE = "yyyy-mm-dd"

_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_TITLE_FONT = Font(name="宋体", size=16, bold=True)
_HEADER_FONT = Font(name="宋体", size=10, bold=True)
_BODY_FONT = Font(name="宋体", size=10)
_HEADER_FILL = PatternFill("solid", fgColor="D9D9D9")
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_LEFT = Alignment(horizontal="left", vertical="center")
_RIGHT = Alignment(horizontal="right", vertical="center")

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


def safe_sheet_name(name: str) -> str:
    """A name Excel accepts for a sheet: no []:*?/\\ and at most 31 characters."""
    cleaned = INVALID_TITLE_REGEX.sub("_", name).strip("'") or "Sheet"
    return cleaned[:31]


_STYLE_CACHE: dict[tuple, object] = {}


def _cell(ws, value, *, font=_BODY_FONT, alignment=None, border=None, fill=None, number_format=None):
    """A styled write-only cell. Each distinct style is registered once per workbook and its style array
    copied (setting font/border per cell hashes the style objects every time: 80 s for 40,000 rows)."""
    key = (id(ws.parent), id(font), id(alignment), id(border), id(fill), number_format)
    style = _STYLE_CACHE.get(key)
    cell = WriteOnlyCell(ws, value=value)
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"  # text typed by a clerk, never a formula Excel would run
    if style is None:
        cell.font = font
        if alignment is not None:
            cell.alignment = alignment
        if border is not None:
            cell.border = border
        if fill is not None:
            cell.fill = fill
        if number_format is not None:
            cell.number_format = number_format
        _STYLE_CACHE[key] = copy(cell._style)
    else:
        cell._style = copy(style)
    return cell


def _chinese_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def add_ledger_sheet(wb: Workbook, sheet: LedgerSheet) -> int:
    """Append one ledger sheet to a write-only workbook; returns the number of records written."""
    ws = wb.create_sheet(safe_sheet_name(sheet.name))
    columns = [LedgerColumn("序号", 6)] + list(sheet.columns)
    width = len(columns)
    last = get_column_letter(width)
    for index, column in enumerate(columns, start=1):
        dim = ws.column_dimensions[get_column_letter(index)]
        dim.width = column.width
        if column.number_format:
            dim.number_format = column.number_format  # new cells typed into the column keep the format
    ws.freeze_panes = f"A{FIRST_DATA_ROW}"
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"

    ws.row_dimensions[TITLE_ROW].height = 30
    ws.append([_cell(ws, sheet.title, font=_TITLE_FONT, alignment=_CENTER)])
    ws.merged_cells.add(f"A{TITLE_ROW}:{last}{TITLE_ROW}")
    half = max(width // 2, 1)
    day = sheet.date or dt.date.today()
    unit_row = [None] * width
    unit_row[0] = _cell(ws, f"填报单位：{sheet.unit}", alignment=_LEFT)
    unit_row[half] = _cell(ws, f"填报日期：{_chinese_date(day)}", alignment=_RIGHT)
    ws.append(unit_row)
    if half > 1:
        ws.merged_cells.add(f"A{UNIT_ROW}:{get_column_letter(half)}{UNIT_ROW}")
    if width > half + 1:
        ws.merged_cells.add(f"{get_column_letter(half + 1)}{UNIT_ROW}:{last}{UNIT_ROW}")
    ws.row_dimensions[HEADER_ROW].height = 32
    ws.append([_cell(ws, c.header, font=_HEADER_FONT, alignment=_CENTER, border=_BORDER, fill=_HEADER_FILL)
               for c in columns])

    formats = [c.number_format for c in columns]
    count = 0
    for values in sheet.rows:
        count += 1
        row = [_cell(ws, count, border=_BORDER, alignment=_CENTER)]
        for value, fmt in zip(values, formats[1:]):
            row.append(_cell(ws, value, border=_BORDER, number_format=fmt))
        ws.append(row)
    for _ in range(sheet.blank_rows):
        ws.append([_cell(ws, None, border=_BORDER, number_format=fmt) for fmt in formats])
    last_row = HEADER_ROW + count + sheet.blank_rows

    for column in columns:
        if column.choices:
            index = columns.index(column) + 1
            letter = get_column_letter(index)
            listed = ",".join(column.choices)
            if len(listed) <= 250:
                dv = DataValidation(type="list", formula1=f'"{listed}"', allow_blank=True, showErrorMessage=False)
                dv.add(f"{letter}{FIRST_DATA_ROW}:{letter}{max(last_row, FIRST_DATA_ROW + 999)}")
                ws.data_validations.append(dv)

    ws.append([])
    footer_row = [None] * width
    labels = list(sheet.footer)
    if labels and width - 1 < len(labels):  # too narrow for one cell each: one line in the first cell
        labels = ["        ".join(labels)]
    step = max((width - 1) // max(len(labels), 1), 1)
    for i, label in enumerate(labels):
        position = 1 + i * step if width > 1 else 0
        footer_row[position] = _cell(ws, label, alignment=_LEFT)
    ws.append(footer_row)
    ws.print_area = f"A1:{last}{last_row + 2}"
    return count


def write_ledger(path: Path, sheets: Sequence[LedgerSheet]) -> list[int]:
    """Write a workbook of ledger sheets to path through the output guard (never over the database or a
    backup; temporary file, fsync, rename); returns the number of records on each sheet. Raises
    outputs.OutputError (one Chinese line; an existing file at path unchanged) when refused or when it fails."""
    outputs.check_target(path)  # refuse before the rows are read, not after
    wb = Workbook(write_only=True)
    try:
        with outputs.replacing(path) as f:
            counts = [add_ledger_sheet(wb, sheet) for sheet in sheets]
            wb.save(f)
    finally:
        for key in [k for k in _STYLE_CACHE if k[0] == id(wb)]:
            del _STYLE_CACHE[key]
        _discard_streams(wb)
    return counts


def _discard_streams(wb: Workbook) -> None:
    """Close each streamed sheet and delete its temporary file (which holds the rows in plain text) now,
    whether the save worked or not. A sheet left open after a failed save would otherwise complain
    ("I/O operation on closed file") when Python collects it."""
    for ws in wb.worksheets:
        with contextlib.suppress(Exception):
            if not ws.closed:
                ws.close()
        writer = getattr(ws, "_writer", None)
        with contextlib.suppress(Exception):
            if writer is not None and isinstance(writer.out, str) and os.path.exists(writer.out):
                writer.cleanup()
