"""Step 1 of the import: read a workbook (.xlsx, .xlsm, .xls, .xlsb, .ods) into plain sheets of cell values.

python-calamine (the Rust calamine) does the reading: on a 40,000-row register it takes about a fifth of
the time of the streaming .xlsx reader and a sixteenth of openpyxl's read-only mode. Before calamine sees a
file, workbook_guard checks what calamine does not: the zip's sizes, members that inflate beyond their
declared size, DTD declarations, and that no sheet asks for a grid too big to hold (a stray cell at XFD100000
would). An .xlsx sheet too big for calamine's grid is read by the streaming reader (xlsx_stream) instead.

What calamine does not report is filled in here: merged ranges of .ods headers (from content.xml), and which
.xlsx cells show a fixed number of decimals (2019.10 formatted "0.00" comes back as a ShownFloat). Whole
floats come back as int, dates at midnight as datetime, blanks as None, as the rest of the importer expects.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections.abc import Iterable
from pathlib import Path

from app.io import workbook_guard as guard
from app.io.cells import (
    MAX_CELLS,
    MAX_COLUMNS,
    MERGES_KEPT_ROWS,
    CancelCheck,
    Cancelled,
    Progress,
    Sheet,
    ShownFloat,
    Workbook,
    WorkbookError,
    file_name,
)
from app.io.workbook_guard import open_zip

__all__ = ["Cancelled", "Sheet", "ShownFloat", "Workbook", "WorkbookError", "open_zip", "read_workbook",
           "EXTENSIONS"]

EXTENSIONS = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")
_ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")
_INT_LIMIT = 2 ** 53  # a whole float beyond this is a number Excel already rounded (an ID typed as a number)


def _unreadable(name: str, kind: str = "") -> WorkbookError:
    return WorkbookError(f"“{name}”已损坏，不是可以读取的 Excel 工作簿{kind}")


def _encrypted(name: str) -> WorkbookError:
    return WorkbookError(f"“{name}”设置了打开密码，无法读取；请在 Excel 或 WPS 中取消打开密码并保存后再导入")


def _too_big(name: str, cells: int) -> WorkbookError:
    return WorkbookError(f"“{name}”的工作表范围过大（约 {cells // 10_000} 万个单元格），可能有内容写到了很远的行或列；"
                         "请删除多余内容，或另存为 .xlsx 后再导入")


# ------------------------------------------------------------------------------------------- values


def _value(v):
    """A calamine value that is not text, as the importer expects it."""
    t = type(v)
    if t is float:
        return int(v) if v.is_integer() and -_INT_LIMIT < v < _INT_LIMIT else v
    if t is dt.date:
        return dt.datetime(v.year, v.month, v.day)
    return v


def _rows(raw_rows: Iterable[list], start: tuple[int, int] | None, cancel: CancelCheck | None) -> list[tuple]:
    """calamine's grid (from its first cell) as the Sheet's rows: row i is Excel row i + 1, blanks None.

    Each text is kept once: calamine gives every cell its own string, and a register repeats most of its texts
    (村, 组, 民族, 文化程度 … on every row), so a 40,000-row sheet holds some 150,000 distinct texts in place
    of a million (about 60 MB less, through the whole import)."""
    if start is None:
        return []
    top, left = start
    rows: list[tuple] = [()] * top
    pad = [None] * left
    width = MAX_COLUMNS - left
    value = _value
    texts: dict[str, str] = {}
    once = texts.setdefault
    for n, raw in enumerate(raw_rows):
        cells = [(once(v, v) if v else None) if type(v) is str else value(v) for v in raw[:width]]
        while cells and cells[-1] is None:
            cells.pop()
        rows.append(tuple(pad + cells) if cells and left else tuple(cells))
        if cancel is not None and n % 5000 == 4999 and cancel():
            raise Cancelled()
    while rows and not rows[-1]:
        rows.pop()
    return rows


def _merges(sheet, kept_rows: int = MERGES_KEPT_ROWS) -> list[tuple[int, int, int, int]]:
    ranges = sheet.merged_cell_ranges or []
    return [(r1 + 1, c1 + 1, r2 + 1, c2 + 1) for (r1, c1), (r2, c2) in ranges if r1 < kept_rows]


# ------------------------------------------------------------------------------ fixed-decimal cells

_CELL_REF = re.compile(rb'\br="([A-Za-z]{1,3})([0-9]{1,7})"')


def _column(letters: bytes) -> int:
    index = 0
    for ch in letters.upper():
        index = index * 26 + ch - 64
    return index


def _shown_decimals(data: bytes, decimals: list[int]) -> dict[tuple[int, int], int]:
    """(row, col) -> decimals shown, for the cells of a sheet XML whose style has a fixed-decimals format."""
    fixed = {str(i).encode(): d for i, d in enumerate(decimals) if d}
    if not fixed:
        return {}
    styles = b"|".join(sorted(fixed, key=len, reverse=True))
    found: dict[tuple[int, int], int] = {}
    for match in re.finditer(rb'<(?:[A-Za-z_][\w.-]*:)?c\s[^>]*?\bs="(' + styles + rb')"[^>]*>', data):
        ref = _CELL_REF.search(match.group(0))
        if ref is not None:
            found[(int(ref.group(2)), _column(ref.group(1)))] = fixed[match.group(1)]
    return found


def _apply_decimals(rows: list[tuple], shown: dict[tuple[int, int], int]) -> None:
    changed: dict[int, list] = {}
    for (r, c), decimals in shown.items():
        if r > len(rows) or c > len(rows[r - 1]):
            continue
        v = rows[r - 1][c - 1]
        if type(v) is float and not v.is_integer():
            cells = changed.setdefault(r, list(rows[r - 1]))
            cells[c - 1] = ShownFloat(v, decimals)
    for r, cells in changed.items():
        rows[r - 1] = tuple(cells)


# -------------------------------------------------------------------------------------- calamine


def _calamine(path: Path, name: str, *, progress: Progress | None, cancel: CancelCheck | None,
              merges: list[list[tuple[int, int, int, int]]] | None = None,
              decimals: dict[str, dict[tuple[int, int], int]] | None = None) -> Workbook:
    """Every worksheet read by calamine; `merges` replaces calamine's (by sheet order) where it has none."""
    from python_calamine import CalamineWorkbook, PasswordError, SheetTypeEnum, SheetVisibleEnum

    sheets: list[Sheet] = []
    try:
        book = CalamineWorkbook.from_path(str(path))
    except PasswordError:
        raise _encrypted(name) from None
    except Exception as exc:  # calamine's own errors and anything it lets through: one line, never a traceback
        if "password" in str(exc).lower() or "encrypt" in str(exc).lower():
            raise _encrypted(name) from None
        raise _unreadable(name) from None
    try:
        metas = [m for m in book.sheets_metadata if m.typ == SheetTypeEnum.WorkSheet]
        cells = 0
        for index, meta in enumerate(metas):
            if cancel is not None and cancel():
                raise Cancelled()
            try:
                sheet = book.get_sheet_by_name(meta.name)
                start = sheet.start
                ranges = _merges(sheet) if merges is None else (merges[index] if index < len(merges) else [])
            except PasswordError:
                raise _encrypted(name) from None
            except Exception as exc:
                if "limit" in str(exc).lower():  # calamine's own cap on an .ods grid (100 million cells)
                    raise _too_big(name, 100_000_000) from None
                raise _unreadable(name) from None
            cells += sheet.height * sheet.width if start is not None else 0
            if cells > MAX_CELLS:
                raise WorkbookError(f"“{name}”的单元格超过 {MAX_CELLS // 10_000} 万个，过大，请拆分成几个较小的文件")
            # Row by row from calamine's grid: its Python copy is never held whole beside the Sheet's rows.
            rows = _rows(sheet.iter_rows(), start, cancel)
            if decimals and meta.name in decimals:
                _apply_decimals(rows, decimals[meta.name])
            sheets.append(Sheet(meta.name, rows, ranges, meta.visible != SheetVisibleEnum.Visible))
            if progress is not None:
                progress((index + 1) / len(metas))
    finally:
        book.close()
    return Workbook(path, sheets)


# ------------------------------------------------------------------------------------------ formats


def _read_xlsx(path: Path, name: str, archive: zipfile.ZipFile, progress: Progress | None,
               cancel: CancelCheck | None) -> Workbook:
    from app.io import xlsx_stream

    refs, _date1904 = xlsx_stream.sheet_refs(archive, name)
    data = guard.inflate(archive, {r.part for r in refs}, name)
    _is_date, decimals = xlsx_stream.styles(archive, "xl/styles.xml", name)
    shown: dict[str, dict[tuple[int, int], int]] = {}
    for ref in refs:
        grid = guard.xlsx_extent(data[ref.part])
        if grid is None or grid > guard.MAX_GRID:
            # A sparse or huge sheet: calamine's grid would not fit; the streaming reader takes the whole file.
            del data
            return xlsx_stream.read_xlsx(path, archive, progress=progress, cancel=cancel)
        shown[ref.name] = _shown_decimals(data[ref.part], decimals)
    del data
    try:
        return _calamine(path, name, progress=progress, cancel=cancel, decimals=shown)
    except WorkbookError as exc:
        if "已损坏" not in str(exc):
            raise
        # What calamine cannot parse (Strict Open XML namespaces, say), the streaming reader may still read.
        return xlsx_stream.read_xlsx(path, archive, progress=progress, cancel=cancel)


def _read_xlsb(path: Path, name: str, archive: zipfile.ZipFile, progress: Progress | None,
               cancel: CancelCheck | None) -> Workbook:
    parts = {n for n in archive.namelist() if n.startswith("xl/worksheets/") and n.endswith(".bin")}
    data = guard.inflate(archive, parts, name)
    for part in parts:
        grid = guard.xlsb_extent(data[part])
        if grid > guard.MAX_GRID:
            raise _too_big(name, grid)
    del data
    return _calamine(path, name, progress=progress, cancel=cancel)


def _read_ods(path: Path, name: str, archive: zipfile.ZipFile, progress: Progress | None,
              cancel: CancelCheck | None) -> Workbook:
    data = guard.inflate(archive, {"content.xml"}, name)
    if "content.xml" not in data:
        raise WorkbookError(f"“{name}”不是 ODS 工作簿（缺少表格内容），无法导入")
    tables = guard.ods_scan(data.pop("content.xml"), name, MERGES_KEPT_ROWS)
    for _table, grid, _merged in tables:
        if grid > guard.MAX_GRID:
            raise _too_big(name, grid)
    return _calamine(path, name, progress=progress, cancel=cancel, merges=[m for _t, _g, m in tables])


def _read_ole(path: Path, name: str, progress: Progress | None, cancel: CancelCheck | None) -> Workbook:
    """An OLE compound file: an old .xls workbook, or an .xlsx/.xlsm encrypted with an opening password."""
    try:
        size = path.stat().st_size
        if size > guard.MAX_UNCOMPRESSED:
            raise WorkbookError(f"“{name}”超过 {guard.MAX_UNCOMPRESSED // (1024 * 1024)} MB，过大，请拆分成几个较小的文件")
        content = path.read_bytes()
    except OSError as exc:
        raise WorkbookError(f"无法读取文件“{name}”（{exc.strerror or exc}）") from None
    if _ENCRYPTED_PACKAGE in content:
        raise _encrypted(name)
    del content
    try:
        return _calamine(path, name, progress=progress, cancel=cancel)
    except WorkbookError as exc:
        if "已损坏" in str(exc):
            raise _unreadable(name, "（.xls）") from None
        raise


def read_workbook(path: Path, *, progress: Progress | None = None, cancel: CancelCheck | None = None) -> Workbook:
    """Every worksheet of a workbook as plain values; WorkbookError with one Chinese line on any failure.

    progress(fraction) is called as sheets are read; cancel() returning True raises Cancelled.
    """
    path = Path(path)
    name = file_name(path)
    head = guard.sniff(path)
    if head.startswith(guard.OLE_MAGIC):
        return _read_ole(path, name, progress, cancel)
    if not head.startswith(b"PK"):
        raise WorkbookError(f"“{name}”不是 Excel 工作簿（.xlsx/.xls/.ods），无法导入")
    archive = open_zip(path)
    try:
        names = set(archive.namelist())
        if "mimetype" in names and archive.getinfo("mimetype").file_size < 200 \
                and archive.read("mimetype").strip() == _ODS_MIME:
            return _read_ods(path, name, archive, progress, cancel)
        if "xl/workbook.bin" in names:
            return _read_xlsb(path, name, archive, progress, cancel)
        return _read_xlsx(path, name, archive, progress, cancel)
    except (WorkbookError, Cancelled):
        raise
    except Exception:  # anything a damaged file can still provoke: one line naming it, never a traceback
        raise _unreadable(name) from None
    finally:
        archive.close()
