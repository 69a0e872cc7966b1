"""The streaming .xlsx reader, for the sheets python-calamine cannot hold safely.

calamine keeps a sheet as one dense grid from its first to its last cell, so a register with a stray value at
row 1,000,000 or column XFD would need billions of cells (and a tiny hostile file could make it abort the
process). `workbook.read_workbook` reads such workbooks here instead: each part is streamed through the C
ElementTree parser after refusing any DTD or entity declaration, no member may inflate beyond its declared
size, columns past MAX_COLUMNS are ignored and blank rows cost nothing. The small structural parts
(workbook, relationships, styles) go through defusedxml.
"""

from __future__ import annotations

import datetime as dt
import io
import posixpath
import re
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree as ET

from defusedxml import ElementTree as SafeET
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

from app.io.cells import (
    MAX_CELLS,
    MAX_COLUMNS,
    MAX_ROWS,
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
from app.io.workbook_guard import DTD_MARKERS

# numFmtId 27-36 and 50-58 are the East-Asian locale date formats (e.g. yyyy"年"m"月"d"日"), not in BUILTIN_FORMATS.
_CJK_DATE_IDS = frozenset(range(27, 37)) | frozenset(range(50, 59))
_FIXED_DECIMALS = re.compile(r"^[#0,]*0\.(0+)$")
_REL_WORKSHEET = "/worksheet"


class _GuardedStream(io.RawIOBase):
    """A zip member's bytes, refusing DTDs/entities and any data beyond the member's declared size."""

    def __init__(self, archive: zipfile.ZipFile, info: zipfile.ZipInfo, file_name: str,
                 on_bytes: Callable[[int], None] | None = None) -> None:
        self._raw = archive.open(info)
        self._left = info.file_size
        self._file_name = file_name
        self._tail = b""
        self._on_bytes = on_bytes

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self._raw.read(len(buffer))
        if len(data) > self._left:
            raise WorkbookError(f"“{self._file_name}”内部数据与记录的大小不符，文件已损坏或被篡改，已拒绝读取")
        self._left -= len(data)
        window = self._tail + data
        for marker in DTD_MARKERS:
            if marker in window:
                raise WorkbookError(f"“{self._file_name}”含有不允许的 XML 声明（DTD/实体），可能不安全，已拒绝读取")
        self._tail = window[-32:]
        buffer[:len(data)] = data
        if self._on_bytes is not None:
            self._on_bytes(len(data))
        return len(data)

    def close(self) -> None:
        self._raw.close()
        super().close()


def read_part(archive: zipfile.ZipFile, part: str, file_name: str) -> bytes | None:
    try:
        info = archive.getinfo(part)
    except KeyError:
        return None
    with _GuardedStream(archive, info, file_name) as stream:
        return stream.read()


def _parse_small(archive: zipfile.ZipFile, part: str, file_name: str) -> ET.Element | None:
    data = read_part(archive, part, file_name)
    if data is None:
        return None
    try:
        return SafeET.fromstring(data)
    except Exception:  # defusedxml's refusals and plain syntax errors alike
        raise WorkbookError(f"“{file_name}”内部结构已损坏（{part}），无法读取") from None


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


# --------------------------------------------------------------------------------------- structure


@dataclass
class SheetRef:
    name: str
    part: str
    hidden: bool


def sheet_refs(archive: zipfile.ZipFile, file_name: str) -> tuple[list[SheetRef], bool]:
    """The worksheets in workbook order and whether the workbook uses the 1904 date system."""
    names = archive.namelist()
    workbook_part = "xl/workbook.xml"
    rels = _parse_small(archive, "_rels/.rels", file_name)
    if rels is not None:
        for rel in rels:
            if rel.get("Type", "").endswith("/officeDocument"):
                workbook_part = rel.get("Target", workbook_part).lstrip("/")
    root = _parse_small(archive, workbook_part, file_name)
    if root is None:
        raise WorkbookError(f"“{file_name}”不是 Excel 工作簿（缺少工作簿内容），无法导入")
    base = posixpath.dirname(workbook_part)
    rel_root = _parse_small(archive, posixpath.join(base, "_rels", posixpath.basename(workbook_part) + ".rels"),
                            file_name)
    targets: dict[str, tuple[str, str]] = {}
    if rel_root is not None:
        for rel in rel_root:
            target = rel.get("Target", "")
            part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(base, target))
            targets[rel.get("Id", "")] = (part, rel.get("Type", ""))
    date1904 = False
    refs: list[SheetRef] = []
    for el in root.iter():
        tag = _local(el.tag)
        if tag == "workbookPr":
            date1904 = el.get("date1904", "").lower() in ("1", "true")
        elif tag == "sheet":
            rid = next((v for k, v in el.attrib.items() if _local(k) == "id"), "")
            part, kind = targets.get(rid, ("", ""))
            if part in names and kind.endswith(_REL_WORKSHEET):
                refs.append(SheetRef(el.get("name", "") or part, part, el.get("state", "visible") != "visible"))
    return refs, date1904


def _shared_strings(archive: zipfile.ZipFile, part: str, file_name: str) -> list[str]:
    try:
        info = archive.getinfo(part)
    except KeyError:
        return []
    strings: list[str] = []
    try:
        with _GuardedStream(archive, info, file_name) as stream:
            for _event, el in ET.iterparse(io.BufferedReader(stream, 1 << 16), events=("end",)):
                if _local(el.tag) == "si":
                    strings.append(_rich_text(el))
                    el.clear()
    except ET.ParseError:
        raise WorkbookError(f"“{file_name}”内部结构已损坏（共享字符串），无法读取") from None
    return strings


def _rich_text(el: ET.Element) -> str:
    """The text of an <si> or <is>: its <t>, or its runs' <t>, leaving out phonetic runs (<rPh>)."""
    if len(el) == 1 and el[0].tag.endswith("}t") and not len(el[0]):
        return el[0].text or ""
    parts: list[str] = []
    for child in el:
        tag = _local(child.tag)
        if tag == "t":
            parts.append(child.text or "")
        elif tag == "r":
            for t in child:
                if _local(t.tag) == "t":
                    parts.append(t.text or "")
    return "".join(parts)


def styles(archive: zipfile.ZipFile, part: str, file_name: str) -> tuple[list[bool], list[int]]:
    """Per cell style index: is it a date format, and how many fixed decimals it shows (0 if not fixed)."""
    root = _parse_small(archive, part, file_name)
    if root is None:
        return [], []
    custom: dict[int, str] = {}
    is_date: list[bool] = []
    decimals: list[int] = []
    for el in root:
        tag = _local(el.tag)
        if tag == "numFmts":
            for fmt in el:
                try:
                    custom[int(fmt.get("numFmtId", "-1"))] = fmt.get("formatCode", "")
                except ValueError:
                    continue
        elif tag == "cellXfs":
            for xf in el:
                try:
                    fmt_id = int(xf.get("numFmtId", "0"))
                except ValueError:
                    fmt_id = 0
                code = custom.get(fmt_id) or BUILTIN_FORMATS.get(fmt_id) or ""
                dated = fmt_id in _CJK_DATE_IDS or (bool(code) and _is_date(code))
                is_date.append(dated)
                match = _FIXED_DECIMALS.match(code.strip())
                decimals.append(len(match.group(1)) if match else 0)
    return is_date, decimals


def _is_date(code: str) -> bool:
    try:
        return bool(is_date_format(code))
    except Exception:
        return False


# ------------------------------------------------------------------------------------------- sheets

_COLUMN_CACHE: dict[str, int] = {}


def _column_index(ref: str) -> int:
    """1-based column of a cell reference such as "AB12" (0 when it has no letters)."""
    letters = ref.rstrip("0123456789")
    index = _COLUMN_CACHE.get(letters)
    if index is None:
        index = 0
        for ch in letters.upper():
            if "A" <= ch <= "Z":
                index = index * 26 + ord(ch) - 64
            else:
                return 0
        if len(_COLUMN_CACHE) < 20_000:
            _COLUMN_CACHE[letters] = index
    return index


def _range(ref: str) -> tuple[int, int, int, int] | None:
    first, _, last = ref.partition(":")
    last = last or first

    def split(cell: str) -> tuple[int, int]:
        col = _column_index(cell)
        digits = cell[len(cell.rstrip("0123456789")):]
        return int(digits) if digits else 0, col

    try:
        (r1, c1), (r2, c2) = split(first.replace("$", "")), split(last.replace("$", ""))
    except ValueError:
        return None
    if min(r1, c1, r2, c2) <= 0:
        return None
    return min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2)


_NAMESPACES = ("http://schemas.openxmlformats.org/spreadsheetml/2006/main", "http://purl.oclc.org/ooxml/spreadsheetml/main")


def _tags(local: str) -> frozenset[str]:
    return frozenset({local} | {f"{{{ns}}}{local}" for ns in _NAMESPACES})


_ROW, _C, _V, _IS, _MERGE = _tags("row"), _tags("c"), _tags("v"), _tags("is"), _tags("mergeCell")


class _SheetReader:
    def __init__(self, strings: list[str], is_date: list[bool], decimals: list[int], epoch: dt.datetime,
                 file_name: str) -> None:
        self.strings = strings
        self.is_date = is_date
        self.decimals = decimals
        self.epoch = epoch
        self.file_name = file_name
        self.cells = 0

    def number(self, v: str, style: str | None):
        """A numeric cell: int, float, ShownFloat, or a date when its style is a date format."""
        try:
            number: int | float = int(v) if v.lstrip("-").isdigit() else float(v)
        except ValueError:
            return v
        if style is not None:
            try:
                s = int(style)
            except ValueError:
                s = -1
            if 0 <= s < len(self.is_date):
                if self.is_date[s]:
                    try:
                        return from_excel(number, self.epoch)
                    except (ValueError, OverflowError, TypeError):
                        return number
                if self.decimals[s] and isinstance(number, float) and not number.is_integer():
                    return ShownFloat(number, self.decimals[s])
        return number

    def typed(self, kind: str, v: str):
        if kind == "s":
            try:
                return self.strings[int(v)]
            except (ValueError, IndexError):
                return None
        if kind == "b":
            return v.strip() in ("1", "true")
        if kind == "d":
            try:
                return dt.datetime.fromisoformat(v.strip().rstrip("Z"))
            except ValueError:
                return v
        return v  # "str" (a formula's text result) and "e" (an error such as #N/A)

    def read(self, stream, sheet: Sheet, cancel: CancelCheck | None) -> None:
        rows: list[tuple] = []
        next_row = 1
        seen = 0
        row_tags, c_tags, v_tags, is_tags, merge_tags = _ROW, _C, _V, _IS, _MERGE
        try:
            for _event, el in ET.iterparse(io.BufferedReader(stream, 1 << 16), events=("end",)):
                tag = el.tag
                if tag in row_tags:
                    try:
                        number = int(el.get("r", next_row))
                    except ValueError:
                        number = next_row
                    if number < next_row or number > MAX_ROWS:
                        number = next_row
                    values: list = []
                    col = 0
                    strings = self.strings
                    for c in el:
                        if c.tag not in c_tags:
                            continue
                        attrib = c.attrib
                        ref = attrib.get("r")
                        col = _column_index(ref) if ref else col + 1
                        if col <= 0 or col > MAX_COLUMNS:
                            continue
                        kind = attrib.get("t", "n")
                        value = None
                        for child in c:
                            ctag = child.tag
                            if ctag in v_tags:
                                text = child.text
                                if text is None:
                                    continue
                                if kind == "s":
                                    try:
                                        value = strings[int(text)]
                                    except (ValueError, IndexError):
                                        value = None
                                elif kind == "n":
                                    value = self.number(text, attrib.get("s"))
                                else:
                                    value = self.typed(kind, text)
                            elif ctag in is_tags and kind == "inlineStr":
                                value = _rich_text(child)
                        if value is None or value == "":
                            continue
                        if col > len(values):
                            values.extend([None] * (col - len(values)))
                        values[col - 1] = value
                    self.cells += len(el)
                    if self.cells > MAX_CELLS:
                        raise WorkbookError(
                            f"“{self.file_name}”的单元格超过 {MAX_CELLS // 10_000} 万个，过大，请拆分成几个较小的文件"
                        )
                    if values:
                        if number > len(rows) + 1:
                            rows.extend([()] * (number - 1 - len(rows)))
                        rows.append(tuple(values))
                    next_row = number + 1
                    el.clear()
                    seen += 1
                    if cancel is not None and seen % 2000 == 0 and cancel():
                        raise Cancelled()
                elif tag in merge_tags:
                    span = _range(el.get("ref", ""))
                    # Only the header area needs merges; a layout-A register can hold 100,000 of them below.
                    if span is not None and span[0] <= MERGES_KEPT_ROWS:
                        sheet.merged.append(span)
        except ET.ParseError:
            raise WorkbookError(f"“{self.file_name}”中的工作表“{sheet.name}”已损坏，无法读取") from None
        sheet.rows = rows


def read_xlsx(path: Path, archive: zipfile.ZipFile, *, progress: Progress | None = None,
              cancel: CancelCheck | None = None) -> Workbook:
    """Every worksheet of an .xlsx archive (already size-checked by workbook_guard.open_zip) as plain values.

    progress(fraction) is called as the sheets' bytes are read; cancel() returning True raises Cancelled.
    """
    path = Path(path)
    name = file_name(path)
    try:
        refs, date1904 = sheet_refs(archive, name)
        base = "xl"
        strings_part = next((n for n in archive.namelist() if n.lower() == "xl/sharedstrings.xml"),
                            f"{base}/sharedStrings.xml")
        strings = _shared_strings(archive, strings_part, name)
        is_date, decimals = styles(archive, f"{base}/styles.xml", name)
        reader = _SheetReader(strings, is_date, decimals, CALENDAR_MAC_1904 if date1904 else CALENDAR_WINDOWS_1900,
                              name)
        total = sum(archive.getinfo(r.part).file_size for r in refs) or 1
        done = [0]

        def on_bytes(n: int) -> None:
            done[0] += n
            if progress is not None:
                progress(min(done[0] / total, 1.0))

        sheets: list[Sheet] = []
        for ref in refs:
            sheet = Sheet(ref.name, hidden=ref.hidden)
            with _GuardedStream(archive, archive.getinfo(ref.part), name, on_bytes) as stream:
                reader.read(stream, sheet, cancel)
            sheets.append(sheet)
        return Workbook(path, sheets)
    except (WorkbookError, Cancelled):
        raise
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError, RuntimeError, NotImplementedError,
            UnicodeDecodeError, OverflowError, MemoryError, KeyError, IndexError, TypeError):
        # zlib errors, CRC mismatches, truncated members, odd encodings, absurd numbers: all "unreadable".
        raise WorkbookError(f"“{name}”已损坏，不是可以读取的 Excel 工作簿") from None
