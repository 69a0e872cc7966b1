"""A table model over a long list of records that holds only their ids and fetches the display rows a page
at a time: the household archive and every ledger use it, so a list of 100,000 costs only its ids."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

PAGE = 200


@dataclass(frozen=True)
class PagedColumn:
    """A column of a paged table: header, text of a row, alignment, width in pixels, sort key (or None)."""

    label: str
    text: Callable[[Any], str]
    width: int = 100
    align_right: bool = False
    sort_key: str | None = None


class PagedModel(QAbstractTableModel):
    """Rows are ids; their display rows are fetched PAGE at a time by `fetch(ids)` and kept in a small
    cache, so a list of 100,000 records costs only its ids. `colour(row)` may return a text colour."""

    def __init__(self, columns: Sequence[PagedColumn], fetch: Callable[[list[int]], list[Any]],
                 colour: Callable[[Any], QColor | None] | None = None, tooltip: Callable[[Any, int], str] | None = None,
                 key: Callable[[Any], int] = lambda r: r.id, colour_columns: set[int] | None = None,
                 parent=None) -> None:
        super().__init__(parent)
        self.colour_columns = colour_columns
        self.key = key
        self.columns = list(columns)
        self.fetch = fetch
        self.colour = colour
        self.tooltip = tooltip
        self.ids: list[int] = []
        self._pages: OrderedDict[int, list[Any]] = OrderedDict()

    def set_ids(self, ids: list[int]) -> None:
        self.beginResetModel()
        self.ids = list(ids)
        self._pages.clear()
        self.endResetModel()

    def invalidate(self) -> None:
        """Forget fetched rows (after an edit) and repaint."""
        self._pages.clear()
        if self.ids:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.ids) - 1, len(self.columns) - 1))

    def id_at(self, row: int) -> int:
        return self.ids[row]

    def row(self, row: int) -> Any:
        page = row // PAGE
        rows = self._pages.get(page)
        if rows is None:
            chunk = self.ids[page * PAGE:(page + 1) * PAGE]
            fetched = {self.key(r): r for r in self.fetch(chunk)}
            rows = [fetched.get(i) for i in chunk]
            self._pages[page] = rows
            if len(self._pages) > 50:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(page)
        offset = row - page * PAGE
        return rows[offset] if offset < len(rows) else None

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.ids)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self.ids)):
            return None
        column = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            r = self.row(index.row())
            return column.text(r) if r is not None else ""
        if role == Qt.ItemDataRole.ForegroundRole and self.colour is not None and (
                self.colour_columns is None or index.column() in self.colour_columns):
            r = self.row(index.row())
            colour = self.colour(r) if r is not None else None
            return QBrush(colour) if colour is not None else None
        if role == Qt.ItemDataRole.ToolTipRole:
            r = self.row(index.row())
            if r is None:
                return None
            if self.tooltip is not None:
                tip = self.tooltip(r, index.column())
                if tip:
                    return tip
            text = column.text(r)
            return text if len(text) > 12 else None
        if role == Qt.ItemDataRole.TextAlignmentRole and column.align_right:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.columns[section].label
        return None
