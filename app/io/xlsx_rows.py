"""A ledger's data rows as SpreadsheetML, spliced into the workbook XlsxWriter lays out around them.

Measured on the 10,000-household archive (40,000 rows x 35 cells, bench/bench_excel.py): XlsxWriter spends
about 30 µs on each cell (argument checks, a cell tuple, attribute escaping, inline-string escaping), no less
than openpyxl's write-only mode. The layout around the rows (merged title, 填报单位/日期, header, footer,
print setup, drop-downs, styles) is a few hundred cells and stays with XlsxWriter; the rows themselves are
serialised here, a row at a time into a temporary file (flat memory), with each distinct text stored once in
XlsxWriter's own shared-string table and each cell's style the XlsxWriter format's own index. `splice` then
copies XlsxWriter's package to the target (a path or an open file) with the rows put in their place.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import operator
import re
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import BinaryIO

import xlsxwriter
from xlsxwriter.packager import Packager
from xlsxwriter.sharedstrings import SharedStrings
from xlsxwriter.utility import xl_col_to_name

_DAY0 = dt.date(1899, 12, 30).toordinal()  # Excel's serial day 0 (1900 date system)
_MAX_TEXT = 32_767
_FLUSH = 1000  # rows per write to the temporary file


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
    """Text -> its index in XlsxWriter's shared-string table, asking the table (which counts the use) on a
    text's first appearance only."""

    def __init__(self, table) -> None:
        super().__init__()
        self.table = table

    def __missing__(self, text: str) -> int:
        index = self[text] = self.table(text[:_MAX_TEXT])
        return index


class SheetRows:
    """The data rows of one sheet, in a temporary file: rows `first_row`.. (1-based), one style per column."""

    def __init__(self, strings, styles: Sequence[int], date_styles: Sequence[dict[type, int] | None],
                 first_row: int) -> None:
        self.strings = strings  # XlsxWriter's SharedStringTable for the workbook
        self.styles = list(styles)
        self.date_styles = list(date_styles)
        self.first_row = first_row
        self.count = 0
        self.last_row = first_row - 1
        self.file = tempfile.TemporaryFile()

    def write(self, rows: Iterable[Sequence[object]], blank_rows: int = 0) -> int:
        """Write a 序号 (1, 2, …) and the values of each row, then `blank_rows` formatted empty rows.

        A row is written through a template made once for each sequence of value types met (a ledger has a
        few dozen): one %-format of the 序号 and the values and one replace of the row number, in place of a
        branch and a string for each cell (at 400,000 rows x 36 cells, a third of the time). A row with an empty text, a number that is not finite or a value of another
        type is written cell by cell (`_cells`); both give the same XML."""
        letters = [xl_col_to_name(i) for i in range(len(self.styles))]
        self._pre = [f'<c r="{letter}' for letter in letters]
        self._mid = [f'" s="{style}"' for style in self.styles]
        table = self.strings._get_shared_string_index
        cache = _StringIndex(table)
        width = len(self.styles) - 1
        templates: dict[tuple[type, ...], _Template | None] = {}
        string_cells = 0
        out: list[str] = []
        r = self.first_row - 1
        n = 0
        serial = _serial
        finite = _finite
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
                        got += [finite(values[i]) for i in numbers]  # type: ignore[arg-type]
                    if dates:
                        got += [serial(values[i]) for i in dates]  # type: ignore[arg-type]
                    if plain:
                        got += [values[i] for i in plain]
                    out.append((fmt % (n, *order(got))).replace("\0", str(r)))
                    string_cells += len(texts)
                except _NotFinite:
                    string_cells += self._cells(out, values, r, n, width, cache)
            else:
                string_cells += self._cells(out, values, r, n, width, cache)
            if n % _FLUSH == 0:
                self.file.write("".join(out).encode())
                out.clear()
        pre, mid = self._pre, self._mid
        for _ in range(blank_rows):
            r += 1
            out.append(f'<row r="{r}">' + "".join(f"{pre[c]}{r}{mid[c]}/>" for c in range(width + 1)) + "</row>")
        self.file.write("".join(out).encode())
        self.strings.count += string_cells - len(cache)  # the first use of each text was counted by the table
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
        sst._set_xml_writer(self._filename("xl/sharedStrings.xml"))
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
        sst._xml_close()


class Workbook(xlsxwriter.Workbook):
    """xlsxwriter.Workbook writing its shared strings through _Packager (XlsxWriter's own hook for a packager)."""

    def _get_packager(self) -> Packager:
        return _Packager()


def splice(package: bytes, target: Path | BinaryIO,
           sheets: Sequence[tuple[str, SheetRows, int | None, str]]) -> None:
    """Write XlsxWriter's `package` to `target` (a path or a writable binary file) with each sheet's rows put
    before its footer row (or at the end of its data), and its <dimension> covering them.
    sheets: (part name, rows, footer row or None, last column letter)."""
    by_part = {part: (rows, footer, last_col) for part, rows, footer, last_col in sheets}
    with zipfile.ZipFile(io.BytesIO(package)) as source, \
            zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as out_zip:
        for info in source.infolist():
            data = source.read(info)
            if info.filename not in by_part:
                out_zip.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
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
            size = rows.file.seek(0, 2)
            rows.file.seek(0)
            with out_zip.open(info.filename, "w", force_zip64=size > (1 << 30)) as out:
                out.write(head)
                shutil.copyfileobj(rows.file, out, 1 << 20)
                out.write(tail)
