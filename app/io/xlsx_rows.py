"""A ledger's data rows as SpreadsheetML, spliced into the workbook XlsxWriter lays out around them.

Measured on the 10,000-household archive (40,000 rows x 35 cells, bench/bench_excel.py): XlsxWriter spends
about 30 µs on each cell (argument checks, a cell tuple, attribute escaping, inline-string escaping), no less
than openpyxl's write-only mode. The layout around the rows (merged title, 填报单位/日期, header, footer,
print setup, drop-downs, styles) is a few hundred cells and stays with XlsxWriter; the rows themselves are
serialised here, a thousand rows at a time, with each distinct text stored once in XlsxWriter's own
shared-string table and each cell's style the XlsxWriter format's own index. A worker thread deflates them
into a temporary file (flat memory) while the next rows are made: zlib lets go of the interpreter, so on two
cores the compression (a third of a county export's time when done after the rows) costs the rows nothing.
`splice` then copies XlsxWriter's package to the target (a path or an open file) with the deflated rows put
in their place as they are, between the deflated XML before and after them.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import math
import operator
import queue
import re
import shutil
import tempfile
import threading
import zipfile
import zlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import BinaryIO

import xlsxwriter
from xlsxwriter.packager import Packager
from xlsxwriter.sharedstrings import SharedStrings
from xlsxwriter.utility import xl_col_to_name

_DAY0 = dt.date(1899, 12, 30).toordinal()  # Excel's serial day 0 (1900 date system)
_MAX_TEXT = 32_767
_FLUSH = 1000  # rows per piece handed to the deflating thread
_LEVEL = 1  # deflate level of every part: a county archive's 550 MB sheet is 82 MB at 1 and hardly smaller at 6


def _serial(value: dt.date | dt.time) -> float:
    if isinstance(value, dt.datetime):
        seconds = value.hour * 3600 + value.minute * 60 + value.second + value.microsecond / 1e6
        return value.toordinal() - _DAY0 + seconds / 86400
    if isinstance(value, dt.date):
        return value.toordinal() - _DAY0
    return (value.hour * 3600 + value.minute * 60 + value.second + value.microsecond / 1e6) / 86400


class _NotFinite(ValueError):
    pass


def _finite(value: float | Decimal) -> float:
    number = float(value)
    if not math.isfinite(number):
        raise _NotFinite()
    return number


_UNSEEN = object()
# The format, the columns of each group of values (texts, numbers, dates, ints and bools), and what puts the
# groups' values back in column order.
_Template = tuple[str, list[int], list[int], list[int], list[int], Callable[[list], tuple]]


class _StringIndex(dict):
    """Text -> its index in XlsxWriter's shared-string table: the table's own dict (`string_table`), which
    XlsxWriter reads as before, giving a new text the next index on its first appearance without a call
    into the table for every text. Each use is counted by the caller."""

    def __init__(self, table) -> None:
        super().__init__(table.string_table)
        self.table = table

    def __missing__(self, text: str) -> int:
        if len(text) > _MAX_TEXT:  # stored cut to what a cell holds, under the cut text
            return self[text[:_MAX_TEXT]]
        index = self[text] = self.table.unique_count
        self.table.unique_count += 1
        return index


class _Serials(dict):
    """A date's (datetime's, time's) serial number, worked out once per distinct value."""

    def __missing__(self, value: dt.date | dt.time) -> float:
        number = self[value] = _serial(value)
        return number


class _Numbers(dict):
    """A float's or Decimal's value as written, worked out once per distinct value; zero is not kept (0.0 and
    -0.0 are equal keys but written apart) and neither is a value that is not finite (raises _NotFinite)."""

    def __missing__(self, value: float | Decimal) -> float:
        number = _finite(value)
        if number:
            self[value] = number
        return number


def _string_index(table) -> _StringIndex:
    if not isinstance(table.string_table, _StringIndex):
        table.string_table = _StringIndex(table)
    return table.string_table


def _gf2_times(matrix: list[int], vector: int) -> int:
    total, i = 0, 0
    while vector:
        if vector & 1:
            total ^= matrix[i]
        vector >>= 1
        i += 1
    return total


def _gf2_square(matrix: list[int]) -> list[int]:
    return [_gf2_times(matrix, row) for row in matrix]


def crc32_combine(crc1: int, crc2: int, length2: int) -> int:
    """The CRC-32 of A + B from crc32(A), crc32(B) and len(B) (zlib's crc32_combine, which Python's zlib does
    not offer): the rows' CRC is taken as they are deflated, before the XML around them is known."""
    if length2 <= 0:
        return crc1
    odd = [0xEDB88320] + [1 << n for n in range(31)]  # the operator for one zero bit
    even = _gf2_square(odd)  # two zero bits
    odd = _gf2_square(even)  # four
    while True:  # apply len2 zero bytes to crc1, a bit of len2 at a time
        even = _gf2_square(odd)
        if length2 & 1:
            crc1 = _gf2_times(even, crc1)
        length2 >>= 1
        if not length2:
            break
        odd = _gf2_square(even)
        if length2 & 1:
            crc1 = _gf2_times(odd, crc1)
        length2 >>= 1
        if not length2:
            break
    return crc1 ^ crc2


class _Deflater:
    """A thread deflating the pieces it is given (raw deflate, ended by a sync flush so that other deflated
    data may follow) into `file`, keeping their CRC-32 and length. The queue is short: memory stays flat."""

    def __init__(self, file: BinaryIO) -> None:
        self.file = file
        self.crc = 0
        self.size = 0
        self.error: BaseException | None = None
        self._pieces: queue.Queue[bytes | None] = queue.Queue(maxsize=4)
        self._thread = threading.Thread(target=self._run, name="xlsx-deflate", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        deflate = zlib.compressobj(_LEVEL, zlib.DEFLATED, -15)
        crc, size = 0, 0
        while (piece := self._pieces.get()) is not None:
            if self.error is not None:
                continue  # keep taking pieces so that the producer never waits on a full queue
            try:
                crc = zlib.crc32(piece, crc)
                size += len(piece)
                self.file.write(deflate.compress(piece))
            except Exception as exc:  # a full disk: raised in the producer
                self.error = exc
        if self.error is None:
            try:
                self.file.write(deflate.flush(zlib.Z_SYNC_FLUSH))
            except Exception as exc:
                self.error = exc
        self.crc, self.size = crc, size

    def write(self, piece: bytes) -> None:
        if self.error is not None:
            raise self.error
        self._pieces.put(piece)

    def finish(self) -> None:
        """Wait for every piece to be deflated; raises what deflating or writing them raised."""
        if self._thread.is_alive():
            self._pieces.put(None)
            self._thread.join()
        if self.error is not None:
            raise self.error


class SheetRows:
    """The data rows of one sheet, deflated into a temporary file: rows `first_row`.. (1-based), one style per
    column; `crc` and `size` are those of the rows' XML."""

    def __init__(self, strings, styles: Sequence[int], date_styles: Sequence[dict[type, int] | None],
                 first_row: int) -> None:
        self.strings = strings  # XlsxWriter's SharedStringTable for the workbook
        self.styles = list(styles)
        self.date_styles = list(date_styles)
        self.first_row = first_row
        self.count = 0
        self.last_row = first_row - 1
        self.file = tempfile.TemporaryFile()
        self._deflater = _Deflater(self.file)
        self.crc = 0
        self.size = 0

    def write(self, rows: Iterable[Sequence[object]], blank_rows: int = 0) -> int:
        """Write a 序号 (1, 2, …) and the values of each row, then `blank_rows` formatted empty rows.

        A row is written through a template made once for each sequence of value types met (a ledger has a
        few dozen): one %-format of the 序号 and the values and one replace of the row number, in place of a
        branch and a string for each cell (at 400,000 rows x 36 cells, a third of the time). A row with an empty text, a number that is not finite or a value of another
        type is written cell by cell (`_cells`); both give the same XML."""
        letters = [xl_col_to_name(i) for i in range(len(self.styles))]
        self._pre = [f'<c r="{letter}' for letter in letters]
        self._mid = [f'" s="{style}"' for style in self.styles]
        cache = _string_index(self.strings)
        width = len(self.styles) - 1
        templates: dict[tuple[type, ...], _Template | None] = {}
        string_cells = 0
        out: list[str] = []
        r = self.first_row - 1
        n = 0
        serial = _Serials()
        finite = _Numbers()
        for values in rows:
            n += 1
            r += 1
            values = values[:width]
            kinds = tuple(map(type, values))
            entry = templates.get(kinds, _UNSEEN)
            if entry is _UNSEEN:
                entry = templates[kinds] = self._template(kinds, width)
            if entry is not None and "" not in values:
                fmt, texts, numbers, dates, plain, order = entry
                try:
                    got = [cache[values[i]] for i in texts]
                    if numbers:
                        got += [finite[values[i]] for i in numbers]
                    if dates:
                        got += [serial[values[i]] for i in dates]
                    if plain:
                        got += [values[i] for i in plain]
                    out.append((fmt % (n, *order(got))).replace("\0", str(r)))
                    string_cells += len(texts)
                except _NotFinite:
                    string_cells += self._cells(out, values, r, n, width, cache)
            else:
                string_cells += self._cells(out, values, r, n, width, cache)
            if n % _FLUSH == 0:
                self._deflater.write("".join(out).encode())
                out.clear()
        pre, mid = self._pre, self._mid
        for _ in range(blank_rows):
            r += 1
            out.append(f'<row r="{r}">' + "".join(f"{pre[c]}{r}{mid[c]}/>" for c in range(width + 1)) + "</row>")
        if out:
            self._deflater.write("".join(out).encode())
        self._deflater.finish()
        self.crc, self.size = self._deflater.crc, self._deflater.size
        self.strings.count += string_cells
        self.count = n
        self.last_row = r
        return n

    def _template(self, kinds: tuple[type, ...], width: int) -> _Template | None:
        """The %-format of a row whose values have these types, NUL standing for the row number: its values
        are the 序号, then each non-blank cell's in column order, which `order` picks out of the texts' string
        indexes, the numbers (floats, Decimals), the dates' serials and the ints and bools, each group in
        column order. None for a type the template does not take."""
        pre, mid = self._pre, self._mid
        texts = [i for i, kind in enumerate(kinds) if kind is str]
        numbers = [i for i, kind in enumerate(kinds) if kind is float or kind is Decimal]
        dates = [i for i, kind in enumerate(kinds) if kind is dt.date or kind is dt.datetime or kind is dt.time]
        plain = [i for i, kind in enumerate(kinds) if kind is int or kind is bool]
        slot = {i: k for k, i in enumerate(texts + numbers + dates + plain)}
        parts = ['<row r="\0">', pre[0], "\0", mid[0], "><v>%s</v></c>"]
        for i, kind in enumerate(kinds):
            c = i + 1
            head = pre[c] + "\0"
            if kind is type(None):
                parts.append(f"{head}{mid[c]}/>")
            elif kind is str:
                parts.append(f'{head}{mid[c]} t="s"><v>%s</v></c>')
            elif kind is int:
                parts.append(f"{head}{mid[c]}><v>%s</v></c>")
            elif kind is bool:
                parts.append(f'{head}{mid[c]} t="b"><v>%d</v></c>')
            elif kind is float or kind is Decimal:
                parts.append(f"{head}{mid[c]}><v>%r</v></c>")
            elif i in slot:  # a date, datetime or time: the column's format for that type
                styles = self.date_styles[c]
                style = styles.get(kind, self.styles[c]) if styles else self.styles[c]
                parts.append(f'{head}" s="{style}"><v>%r</v></c>')
            else:
                return None
        parts.extend(f"{pre[c]}\0{mid[c]}/>" for c in range(len(kinds) + 1, width + 1))
        parts.append("</row>")
        positions = [slot[i] for i in range(len(kinds)) if i in slot]
        order = operator.itemgetter(*positions) if len(positions) > 1 else (
            lambda got, p=tuple(positions): tuple(got[k] for k in p))
        return "".join(parts), texts, numbers, dates, plain, order

    def _cells(self, out: list[str], values: Sequence[object], r: int, n: int, width: int,
               cache: _StringIndex) -> int:
        """One row written cell by cell; returns the number of text cells (shared strings) in it."""
        pre, mid, dated = self._pre, self._mid, self.date_styles
        table = self.strings._get_shared_string_index
        texts = 0
        out.append(f'<row r="{r}">{pre[0]}{r}{mid[0]}><v>{n}</v></c>')
        for c, v in enumerate(values, start=1):
            kind = type(v)
            if kind is str:
                if not v:
                    out.append(f"{pre[c]}{r}{mid[c]}/>")
                    continue
                texts += 1
                out.append(f'{pre[c]}{r}{mid[c]} t="s"><v>{cache[v]}</v></c>')
            elif v is None:
                out.append(f"{pre[c]}{r}{mid[c]}/>")
            elif kind is int:
                out.append(f"{pre[c]}{r}{mid[c]}><v>{v}</v></c>")
            elif kind is float:
                if math.isfinite(v):
                    out.append(f"{pre[c]}{r}{mid[c]}><v>{v!r}</v></c>")
                else:
                    out.append(f'{pre[c]}{r}{mid[c]} t="e"><v>#NUM!</v></c>')
            elif kind is bool:
                out.append(f'{pre[c]}{r}{mid[c]} t="b"><v>{int(v)}</v></c>')
            elif isinstance(v, (dt.date, dt.time)):
                styles = dated[c]
                style = styles.get(kind, self.styles[c]) if styles else self.styles[c]
                out.append(f'{pre[c]}{r}" s="{style}"><v>{_serial(v)!r}</v></c>')
            elif isinstance(v, (int, float, Decimal)):
                number = float(v)
                out.append(f"{pre[c]}{r}{mid[c]}><v>{number!r}</v></c>" if math.isfinite(number)
                           else f'{pre[c]}{r}{mid[c]} t="e"><v>#NUM!</v></c>')
            else:
                text = str(v)[:_MAX_TEXT]
                # Not through the cache: its key is the value itself, and this text is counted here.
                out.append(f'{pre[c]}{r}{mid[c]} t="s"><v>{table(text)}</v></c>' if text
                           else f"{pre[c]}{r}{mid[c]}/>")
        if len(values) < width:
            out.extend(f"{pre[c]}{r}{mid[c]}/>" for c in range(len(values) + 1, width + 1))
        out.append("</row>")
        return texts

    def close(self) -> None:
        with contextlib.suppress(Exception):  # already raised by write(), or the rows are abandoned
            self._deflater.finish()  # the thread ends before its file closes
        self.file.close()


# What XlsxWriter's shared-string writer escapes or marks (xmlwriter, utility): XML's own characters, control
# characters and their _xHHHH_ escapes, non-characters, and line breaks (whitespace at either end is tested apart).
_NOT_PLAIN = re.compile("[&<>\x00-\x1f\ufffe\uffff]|_x[0-9a-fA-F]{4}_")
_SST_CHUNK = 1000


class _Packager(Packager):
    """XlsxWriter's packager with a faster shared-string table: its own writer spends about 6 µs on each
    string (a county archive holds a million: every ID number is one), most of them escape-free text. Each
    thousand strings none of which needs escaping (one test over them all) go out as one joined text; the
    others through XlsxWriter's own `_write_si`, so the part is byte for byte what XlsxWriter writes."""

    def _write_shared_strings_file(self) -> None:
        table = self.workbook.str_table
        if not table.count:
            return
        sst = SharedStrings()
        sst.string_table = table
        name = self._filename("xl/sharedStrings.xml")
        apart = isinstance(self.workbook, Workbook) and self.workbook.strings_apart
        if apart:  # the part stays empty in the package; splice writes this file in its place
            file = self.workbook.shared_strings = tempfile.TemporaryFile()
            sst.fh = io.TextIOWrapper(file, encoding="utf-8")
            sst.internal_fh = False
        else:
            sst._set_xml_writer(name)
        sst._xml_declaration()
        sst._write_sst()
        strings = table.string_array
        write = sst.fh.write
        for start in range(0, len(strings), _SST_CHUNK):
            chunk = strings[start:start + _SST_CHUNK]
            if _NOT_PLAIN.search("".join(chunk)) is None and all(s == s.strip() for s in chunk):
                write("<si><t>" + "</t></si><si><t>".join(chunk) + "</t></si>")
            else:
                for string in chunk:
                    sst._write_si(string)
        sst._xml_end_tag("sst")
        if apart:
            sst.fh.flush()
            sst.fh.detach()  # the binary file stays open, for splice
        else:
            sst._xml_close()


class Workbook(xlsxwriter.Workbook):
    """xlsxwriter.Workbook writing its shared strings through _Packager (XlsxWriter's own hook for a packager).

    With `strings_apart` they go to the temporary file `shared_strings` instead, the package holding an empty
    part in their place for `splice` to fill: XlsxWriter would deflate a county's 31 MB of them at zlib's
    default level (1.5 s), and splice inflate them and deflate them again."""

    strings_apart = False
    shared_strings: BinaryIO | None = None

    def _get_packager(self) -> Packager:
        return _Packager()

    def _prepare_sst_string_data(self) -> None:
        """The table's texts in index order: its dict's own order, each new text having taken the next index
        (checked), instead of XlsxWriter's sort of a million texts by index."""
        table = self.str_table
        if list(table.string_table.values()) == list(range(len(table.string_table))):
            table.string_array = list(table.string_table)
            table.string_table = {}
        else:
            table._sort_string_data()

    def close_shared_strings(self) -> None:
        if self.shared_strings is not None:
            self.shared_strings.close()


def _deflated(data: bytes, last: bool) -> bytes:
    deflate = zlib.compressobj(_LEVEL, zlib.DEFLATED, -15)
    return deflate.compress(data) + deflate.flush(zlib.Z_FINISH if last else zlib.Z_SYNC_FLUSH)


def _write_deflated(out_zip: zipfile.ZipFile, source: zipfile.ZipInfo, head: bytes, rows: SheetRows,
                    tail: bytes) -> None:
    """One member of out_zip made of head, the rows (already deflated) and tail: the local header with the
    sizes and CRC known beforehand, then the three deflated pieces as they are. zipfile has no call for data
    deflated elsewhere; this does what ZipFile.writestr does around its own compressor."""
    first, last = _deflated(head, False), _deflated(tail, True)
    deflated = rows.file.seek(0, 2)
    info = zipfile.ZipInfo(source.filename, source.date_time)
    info.external_attr = source.external_attr
    info.compress_type = zipfile.ZIP_DEFLATED
    info.file_size = len(head) + rows.size + len(tail)
    info.compress_size = len(first) + deflated + len(last)
    info.CRC = crc32_combine(crc32_combine(zlib.crc32(head), rows.crc, rows.size), zlib.crc32(tail), len(tail))
    zip64 = info.file_size > zipfile.ZIP64_LIMIT or info.compress_size > zipfile.ZIP64_LIMIT
    out_zip._writecheck(info)  # type: ignore[attr-defined]
    out_zip._didModify = True  # type: ignore[attr-defined]
    fp = out_zip.fp
    assert fp is not None
    info.header_offset = fp.tell()
    fp.write(info.FileHeader(zip64))
    fp.write(first)
    rows.file.seek(0)
    shutil.copyfileobj(rows.file, fp, 1 << 20)
    fp.write(last)
    out_zip.filelist.append(info)
    out_zip.NameToInfo[info.filename] = info
    out_zip.start_dir = fp.tell()  # type: ignore[attr-defined]


def splice(package: bytes, target: Path | BinaryIO,
           sheets: Sequence[tuple[str, SheetRows, int | None, str]], parts: Mapping[str, BinaryIO] | None = None) -> None:
    """Write XlsxWriter's `package` to `target` (a path or a writable binary file) with each sheet's rows put
    before its footer row (or at the end of its data), and its <dimension> covering them.
    sheets: (part name, rows, footer row or None, last column letter); parts: part name -> a file whose
    content replaces the package's part (Workbook.shared_strings)."""
    parts = parts or {}
    by_part = {part: (rows, footer, last_col) for part, rows, footer, last_col in sheets}
    with zipfile.ZipFile(io.BytesIO(package)) as source, \
            zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=_LEVEL) as out_zip:
        for info in source.infolist():
            if info.filename in parts:
                file = parts[info.filename]
                file.seek(0)
                data = file.read()
            else:
                data = source.read(info)
            if info.filename not in by_part:
                out_zip.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=_LEVEL)
                continue
            rows, footer, last_col = by_part[info.filename]
            marker = f'<row r="{footer}"'.encode() if footer else b"</sheetData>"
            at = data.find(marker)
            if at < 0:
                at = data.find(b"</sheetData>")
            head, tail = data[:at], data[at:]
            last_row = max(rows.last_row, footer or 0, rows.first_row - 1)
            head = re.sub(rb'<dimension ref="[^"]*"/>', f'<dimension ref="A1:{last_col}{last_row}"/>'.encode(),
                          head, count=1)
            _write_deflated(out_zip, info, head, rows, tail)
