"""What every workbook reader hands the importer: sheets of plain cell values, and its two exceptions.

Values come back as Excel shows their type: str, int, float, bool, datetime/date/time, or None for blank.
A non-integer float whose cell has a fixed-decimals format (2019.10 shown as "0.00") comes back as a
`ShownFloat` carrying that format, so "2019.10" can be read as October. Formula cells give their cached
value; error values come back as their text ("#N/A").
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

MAX_CELLS = 20_000_000  # cells read across all sheets
MAX_COLUMNS = 256  # columns kept per row; a register never has more
MAX_ROWS = 1_048_576  # Excel's own limit
MERGES_KEPT_ROWS = 20  # merged ranges are kept only when they start in the first rows (the header area)

Progress = Callable[[float], None]
CancelCheck = Callable[[], bool]


class WorkbookError(Exception):
    """The file cannot be read as a workbook; the message is one Chinese line naming the file."""


class Cancelled(Exception):
    """The clerk pressed 取消; nothing was written."""


class ShownFloat(float):
    """A float from a cell with a fixed-decimals number format; `decimals` is how many Excel shows."""

    decimals: int

    def __new__(cls, value: float, decimals: int) -> ShownFloat:
        obj = super().__new__(cls, value)
        obj.decimals = decimals
        return obj

    def shown(self) -> str:
        """The number as Excel displays it, e.g. 2019.1 with format 0.00 -> "2019.10"."""
        return f"{float(self):.{self.decimals}f}"


@dataclass
class Sheet:
    """One worksheet: rows[i] holds the values of Excel row i + 1 (column A first; trailing blanks dropped)."""

    name: str
    rows: list[tuple] = field(default_factory=list)
    # (min_row, min_col, max_row, max_col) of the merged ranges that start in the first MERGES_KEPT_ROWS rows
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    hidden: bool = False

    def value(self, row: int, col: int):
        """The value at Excel row `row` (1-based) and column `col` (1-based), None when blank or outside."""
        if 1 <= row <= len(self.rows):
            cells = self.rows[row - 1]
            if 1 <= col <= len(cells):
                return cells[col - 1]
        return None


@dataclass
class Workbook:
    path: Path
    sheets: list[Sheet]


def file_name(path: Path) -> str:
    return Path(path).name


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector paused for a bulk read or write (an import, an archive export): these make
    millions of small objects that live until the end, and each full collection walks them all again (a fifth
    of a 10,000-household import's time); they form no cycles that need collecting meanwhile.

    On leaving, what was made is moved to the oldest generation (freeze, then unfreeze) before the collector
    runs again: left in the youngest, the first collection after a 10,000-household import would walk all of
    it at once (a quarter of a second), while the oldest is walked only by the rare full collection, by when
    most of it has been freed. Nothing is kept from the collector: that collection still finds any cycle."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.freeze()
            gc.unfreeze()
            gc.enable()
