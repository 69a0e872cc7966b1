"""The checks a workbook passes before python-calamine opens it: what calamine itself does not guard against.

Measured against hostile files (tests/io/test_io_read.py builds them):
- XML entities: calamine's parser refuses an undeclared entity and never expands one ("billion laughs" and
  external entities end in an error), so entities are safe; a part that declares a DTD is still refused here
  with its own clear message.
- Zip bombs: calamine inflates whatever a member holds. `open_zip` refuses archives whose members declare
  too much, or too many members, and `inflate` refuses a member that inflates beyond its declared size.
- Sparse sheets: calamine holds a sheet as one dense grid from its first to its last cell (about 32 bytes a
  cell), and a failed allocation aborts the whole process. A 5 KB .xlsx with one value at A1 and another at
  XFD100000 asks for 52 GB. `xlsx_extent` bounds a sheet's grid from its XML with a few regular-expression
  scans; a sheet too big for calamine is read by the streaming reader (xlsx_stream) instead. For .xlsb the
  records are walked (`xlsb_extent`); .ods sheets are measured while their header merges are read (ods_scan);
  .xls is bounded by its own format (65,536 x 256 cells).
"""

from __future__ import annotations

import re
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path

from app.io.cells import MAX_ROWS, WorkbookError, file_name

MAX_UNCOMPRESSED = 200 * 1024 * 1024  # bytes, whole workbook
MAX_MEMBERS = 10_000  # files inside the zip
MAX_GRID = 10_000_000  # cells in one sheet's grid that calamine may hold (~320 MB); larger sheets are streamed

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
DTD_MARKERS = tuple(
    marker.encode(enc) for marker in ("<!DOCTYPE", "<!ENTITY") for enc in ("utf-8", "utf-16-le", "utf-16-be")
)
_CHUNK = 1 << 20


# ------------------------------------------------------------------------------------------- the zip


def sniff(path: Path) -> bytes:
    """The file's first bytes; WorkbookError for a missing file, a folder or an unreadable one."""
    path = Path(path)
    name = file_name(path)
    try:
        if path.is_dir():
            raise WorkbookError(f"“{name}”是一个文件夹，不是 Excel 文件")
        with open(path, "rb") as f:
            return f.read(8)
    except FileNotFoundError:
        raise WorkbookError(f"找不到文件：{path}") from None
    except OSError as exc:
        raise WorkbookError(f"无法读取文件“{name}”（{exc.strerror or exc}）") from None


def open_zip(path: Path) -> zipfile.ZipFile:
    """The file as a zip archive after the size checks; WorkbookError (one line naming the file) otherwise."""
    path = Path(path)
    name = file_name(path)
    head = sniff(path)
    if head.startswith(OLE_MAGIC):
        raise WorkbookError(f"“{name}”是旧版 Excel（.xls）文件或设置了打开密码，不是 .xlsx 工作簿")
    if not head.startswith(b"PK"):
        raise WorkbookError(f"“{name}”不是 Excel 工作簿（.xlsx/.xls/.ods），无法导入")
    try:
        archive = zipfile.ZipFile(path)
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError):
        raise WorkbookError(f"“{name}”已损坏，不是可以读取的 Excel 工作簿") from None
    if len(infos) > MAX_MEMBERS:
        archive.close()
        raise WorkbookError(f"“{name}”内部文件数量异常（{len(infos)} 个），不像正常的 Excel 工作簿，已拒绝读取")
    total = sum(i.file_size for i in infos)
    if total > MAX_UNCOMPRESSED:
        archive.close()
        raise WorkbookError(
            f"“{name}”解压后超过 {MAX_UNCOMPRESSED // (1024 * 1024)} MB，过大或已损坏，已拒绝读取；请拆分成几个较小的文件"
        )
    return archive


def _chunks(archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str) -> Iterator[bytes]:
    left = info.file_size
    with archive.open(info) as raw:
        while True:
            data = raw.read(_CHUNK)
            if not data:
                return
            if len(data) > left:
                raise WorkbookError(f"“{name}”内部数据与记录的大小不符，文件已损坏或被篡改，已拒绝读取")
            left -= len(data)
            yield data


def _whole(archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str) -> bytes:
    """A member inflated in one read of at most one byte more than it declares (the zip module stops there):
    one buffer in place of a join of 1 MB chunks, the same refusal of a member that grows beyond its size."""
    with archive.open(info) as raw:
        data = raw.read(info.file_size + 1)
    if len(data) > info.file_size:
        raise WorkbookError(f"“{name}”内部数据与记录的大小不符，文件已损坏或被篡改，已拒绝读取")
    return data


def refuse_dtd(data: bytes, name: str) -> None:
    if b"<!" not in data and not (data[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\0" in data[:64]):
        return  # no declaration at all (UTF-16 parts, which start with a byte-order mark or a zero, are searched)
    for marker in DTD_MARKERS:
        if marker in data:
            raise WorkbookError(f"“{name}”含有不允许的 XML 声明（DTD/实体），可能不安全，已拒绝读取")


def inflate(archive: zipfile.ZipFile, keep: set[str], name: str) -> dict[str, bytes]:
    """Inflate every member once, refusing one that grows beyond its declared size or an XML part with a
    DTD; returns the bytes of the members named in `keep` (the others are only checked)."""
    kept: dict[str, bytes] = {}
    try:
        for info in archive.infolist():
            if info.is_dir():
                continue
            is_xml = info.filename.lower().endswith((".xml", ".rels", ".vml"))
            if info.filename in keep or is_xml:
                data = _whole(archive, info, name)
                if is_xml:
                    refuse_dtd(data, name)
                if info.filename in keep:
                    kept[info.filename] = data
            else:
                for _ in _chunks(archive, info, name):
                    pass
    except WorkbookError:
        raise
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError, RuntimeError, NotImplementedError,
            MemoryError):
        raise WorkbookError(f"“{name}”已损坏，不是可以读取的 Excel 工作簿") from None
    return kept


# --------------------------------------------------------------------------------------- grid sizes

# One pass over a sheet that finds nothing in an ordinary register: a cell without its own reference (its
# place then depends on counting), a column past AZ, or a row below the last <row> element's number.
_NO_REF = rb'<c(?:/>|>|\s(?:(?!r=)[^>])*>)'
_NO_REF_PREFIXED = rb'<(?:[A-Za-z_][\w.-]*:)?c(?:/>|>|\s(?:(?!r=)[^>])*>)'
_PAST_AZ = rb'\sr="(?:[B-Zb-z][A-Za-z]|[A-Za-z]{3})[0-9]'
_FAR_COLUMN = re.compile(rb'\sr="(?:[A-Za-z]{3}|[J-Zj-z][A-Za-z]|[Ii][W-Zw-z])[0-9]')  # past IV (256)
_LAST_ROW = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?row\s[^>]*?\br="([0-9]{1,7})"')


def _rows_beyond(last: int) -> tuple[bytes, int]:
    """The row part of a reference past `last`'s leading digit (2 for 2,xxx) as a pattern, and the bound it proves."""
    digits = str(max(last, 1))
    k, lead = len(digits), int(digits[0])
    longer = rb"[1-9][0-9]{%d,}" % k
    if lead < 9:
        return rb'(?:[%d-9][0-9]{%d}|%s)"' % (lead + 1, k - 1, longer), (lead + 1) * 10 ** (k - 1) - 1
    return longer + b'"', 10 ** k - 1


def _every_cell_has_its_reference(data: bytes) -> bool:
    """True when every tag starting "<c" between <sheetData and </sheetData> is a cell written '<c r="…',
    and none is outside: two counts over the sheet in place of a search for each other way of writing a
    cell (<c>, <c/>, <c s=…, <c followed by a tab or line break). A rich text's <color> or <charset> inside
    the data makes it False, and the detailed scans below decide."""
    start = data.find(b"<sheetData")
    end = data.rfind(b"</sheetData>")
    if start < 0 or end < start:
        start = end = len(data)
    outside_tags = data.count(b"<c", 0, start) + data.count(b"<c", end)
    outside_cells = data.count(b'<c r="', 0, start) + data.count(b'<c r="', end)
    return outside_cells == 0 and data.count(b"<c") - outside_tags == data.count(b'<c r="')


def _width_within_az(data: bytes) -> int:
    """The columns of a sheet whose cells all lie within A..AZ: 52 when any reference has two letters, else the
    last single letter used (a bank's return of 300,000 rows in columns A..G is a grid of 7 columns, not 52).
    A bisection over the letters: a handful of scans that each stop at their first match."""
    if re.search(rb'<c r="[A-Za-z]{2}[0-9]', data) is not None:
        return 52
    lo, hi = 1, 26
    while lo < hi:
        mid = (lo + hi + 1) // 2
        upper, lower = chr(64 + mid).encode(), chr(96 + mid).encode()
        if re.search(rb'<c r="[' + upper + rb'-Z' + lower + rb'-z][0-9]', data) is not None:
            lo = mid
        else:
            hi = mid - 1
    return lo


def xlsx_extent(data: bytes) -> int | None:
    """An upper bound of the cells in the grid calamine would build for this sheet XML, or None when a cell's
    place is not written down (calamine's grid could then be as wide as the row is long)."""
    tail = data[-4096:]
    last_rows = _LAST_ROW.findall(tail) or _LAST_ROW.findall(data[-(1 << 20):])
    last = int(last_rows[-1]) if last_rows else 0
    rows_pattern, row_bound = _rows_beyond(last)
    prefixed = b":c" in data or b":row" in data
    if not prefixed and _every_cell_has_its_reference(data):
        # Every cell starts with its reference, as Excel, WPS and the common libraries write it: one quick scan
        # anchored on '<c r="' (a column past AZ, a row past the last row's leading digit) settles the common case.
        # One scan for both (a column past AZ, or a row past the bound).
        if re.search(rb'<c r="(?:(?:[B-Zb-z][A-Za-z]|[A-Za-z]{3})[0-9]|[A-Za-z]{1,3}' + rows_pattern + b')',
                     data) is None:
            return row_bound * _width_within_az(data)
    if re.search(_NO_REF_PREFIXED if prefixed else _NO_REF, data):
        return None
    width = 52
    if re.search(_PAST_AZ, data):
        width = MAX_ROWS if _FAR_COLUMN.search(data) else 256  # past IV: only "too big" matters
    height = row_bound
    if re.search(rb'\sr="[A-Za-z]{0,3}' + rows_pattern, data):
        height = 9_999
        for k in (7, 6, 5):
            if re.search(rb'\sr="[A-Za-z]{0,3}[1-9][0-9]{%d,}"' % (k - 1), data):
                height = MAX_ROWS if k == 7 else 10 ** k - 1
                break
    return height * width


def xlsb_extent(data: bytes) -> int:
    """The grid of an .xlsb sheet part, from its row headers and cell records (row, column as written)."""
    size = len(data)
    pos = 0
    row = max_row = max_col = 0
    while pos < size:
        rtype = data[pos]
        pos += 1
        if rtype & 0x80:
            if pos >= size:
                break
            rtype = (rtype & 0x7F) | ((data[pos] & 0x7F) << 7)
            pos += 1
        length = shift = 0
        for _ in range(4):
            if pos >= size:
                return (max_row + 1) * (max_col + 1)
            byte = data[pos]
            pos += 1
            length |= (byte & 0x7F) << shift
            shift += 7
            if not byte & 0x80:
                break
        body = pos
        pos += length
        if rtype == 0 and length >= 4:  # BrtRowHdr: the row index comes first
            row = int.from_bytes(data[body:body + 4], "little")
            max_row = max(max_row, row)
        elif 1 <= rtype <= 13 and length >= 4:  # BrtCellBlank .. BrtFmlaError, BrtCellRString, BrtCellIsst
            max_col = max(max_col, int.from_bytes(data[body:body + 4], "little"))
    return (max_row + 1) * (max_col + 1)


# ---------------------------------------------------------------------------------------------- .ods

_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_T_TABLE, _T_ROW, _T_CELL, _T_COVERED = (f"{{{_TABLE}}}{t}" for t in
                                         ("table", "table-row", "table-cell", "covered-table-cell"))
_T_NAME = f"{{{_TABLE}}}name"
_ROWS_REPEATED, _COLS_REPEATED = f"{{{_TABLE}}}number-rows-repeated", f"{{{_TABLE}}}number-columns-repeated"
_COLS_SPANNED, _ROWS_SPANNED = f"{{{_TABLE}}}number-columns-spanned", f"{{{_TABLE}}}number-rows-spanned"
_VALUE_TYPE = f"{{{_OFFICE}}}value-type"


def _count(el, attr: str) -> int:
    try:
        return max(int(el.get(attr, "1")), 1)
    except ValueError:
        return 1


def ods_scan(content: bytes, name: str, header_rows: int) -> list[tuple[str, int, list[tuple[int, int, int, int]]]]:
    """Each table of an .ods content.xml (already refused if it declares a DTD): its name, the grid calamine
    would build for it (first to last non-empty cell) and the merged ranges starting in its first
    `header_rows` rows as (min_row, min_col, max_row, max_col), 1-based. calamine reports no merges for .ods."""
    import io
    from xml.etree import ElementTree as ET

    tables: list[tuple[str, int, list[tuple[int, int, int, int]]]] = []
    depth_table = 0
    row = col = 0
    row_filled = False
    first_row = first_col = None
    last_row = last_col = 0
    merges: list[tuple[int, int, int, int]] = []
    table_name = ""
    try:
        for event, el in ET.iterparse(io.BytesIO(content), events=("start", "end")):
            tag = el.tag
            if event == "start":
                if tag == _T_TABLE:
                    depth_table += 1
                    if depth_table == 1:
                        table_name = el.get(_T_NAME, "")
                        row, first_row, first_col, last_row, last_col, merges = 0, None, None, 0, 0, []
                elif tag == _T_ROW and depth_table == 1:
                    col = 0
                    row_filled = False
                continue
            if depth_table != 1:
                if tag == _T_TABLE:
                    depth_table -= 1
                continue
            if tag in (_T_CELL, _T_COVERED):
                repeat = _count(el, _COLS_REPEATED)
                filled = tag == _T_CELL and (el.get(_VALUE_TYPE) is not None or len(el))
                if filled:
                    row_filled = True
                    first_col = col if first_col is None else min(first_col, col)
                    first_row = row if first_row is None else first_row
                    last_col = max(last_col, col + repeat - 1)
                    last_row = max(last_row, row)
                if tag == _T_CELL and row < header_rows:
                    span_c, span_r = _count(el, _COLS_SPANNED), _count(el, _ROWS_SPANNED)
                    if span_c > 1 or span_r > 1:
                        merges.append((row + 1, col + 1, row + span_r, col + span_c))
                col += repeat
                el.clear()
            elif tag == _T_ROW:
                repeat = _count(el, _ROWS_REPEATED)
                if repeat > 1 and row_filled:
                    last_row = row + repeat - 1
                row += repeat
                el.clear()
            elif tag == _T_TABLE:
                depth_table -= 1
                grid = 0 if first_row is None else (last_row - first_row + 1) * (last_col - (first_col or 0) + 1)
                tables.append((table_name, grid, merges))
    except ET.ParseError:
        raise WorkbookError(f"“{name}”已损坏，不是可以读取的 ODS 工作簿") from None
    return tables
