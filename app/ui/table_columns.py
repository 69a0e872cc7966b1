"""How every table fits its window: columns shrink to the room there is (never below their header's text),
long text is elided with the full text as its tooltip, and the header's context menu lets the clerk hide
columns and show them again — remembered per table in the settings file. Installed by widgets.setup_table."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QSettings, Qt
from PySide6.QtWidgets import QHeaderView, QMenu, QTableView, QToolTip
from shiboken6 import isValid

from app.config import data_dir

SETTINGS_FILE = "界面设置.ini"
PADDING = 20  # room for the cell margins and the sort indicator beside a header's text


def settings() -> QSettings:
    return QSettings(str(data_dir() / SETTINGS_FILE), QSettings.Format.IniFormat)


def _header_text(view: QTableView, col: int) -> str:
    text = view.model().headerData(col, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole)
    return "" if text is None else str(text)


class TableColumns(QObject):
    """Fitting, eliding tooltips and the show/hide menu of one table view."""

    def __init__(self, view: QTableView) -> None:
        super().__init__(view)
        self.view = view
        self._natural: dict[int, int] = {}  # the widths the page chose (or the clerk dragged)
        self._fitting = False
        self._restored_for: tuple[str, ...] | None = None
        self._chosen = False  # the clerk chose the columns (else those that do not fit are hidden)
        self._auto_hidden: list[int] = []
        view.setTextElideMode(Qt.TextElideMode.ElideRight)
        header = view.horizontalHeader()
        header.setTextElideMode(Qt.TextElideMode.ElideRight)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self.menu)
        header.sectionResized.connect(self._resized)
        header.setToolTip("右键点击表头，可选择显示或隐藏哪些列")
        self._viewport = view.viewport()
        self._viewport.installEventFilter(self)
        view.installEventFilter(self)

    # ------------------------------------------------------------------ which columns
    def key(self) -> str:
        return self.view.objectName()

    def labels(self) -> list[str]:
        model = self.view.model()
        return [_header_text(self.view, c) for c in range(model.columnCount())] if model is not None else []

    def restore(self) -> None:
        """Hide the columns the clerk hid last time (once per set of columns)."""
        labels = tuple(self.labels())
        if not labels or labels == self._restored_for or not self.key():
            return
        self._restored_for = labels
        store = settings()
        self._chosen = store.contains(f"columns/{self.key()}/hidden")
        hidden = store.value(f"columns/{self.key()}/hidden", [], list) or []
        for col, label in enumerate(labels):
            if label in hidden and len(hidden) < len(labels):
                self.view.setColumnHidden(col, True)

    def set_hidden(self, col: int, hidden: bool) -> None:
        visible = [c for c in range(len(self.labels())) if not self.view.isColumnHidden(c)]
        if hidden and visible == [col]:
            return  # the last column stays
        self.view.setColumnHidden(col, hidden)
        if not hidden and self.view.columnWidth(col) < 40:
            self.view.setColumnWidth(col, self._natural.get(col, 100))
        self._save()
        self.fit()

    def show_all(self) -> None:
        for col in range(len(self.labels())):
            self.view.setColumnHidden(col, False)
        self._save()
        self.fit()

    def _save(self) -> None:
        self._chosen = True
        self._auto_hidden = []
        if self.key():
            hidden = [label for col, label in enumerate(self.labels()) if self.view.isColumnHidden(col)]
            store = settings()
            store.setValue(f"columns/{self.key()}/hidden", hidden)
            store.sync()

    def menu(self, pos) -> QMenu:
        menu = QMenu(self.view)
        menu.setObjectName("columnsMenu")
        for col, label in enumerate(self.labels()):
            action = menu.addAction(label or f"第{col + 1}列")
            action.setCheckable(True)
            action.setChecked(not self.view.isColumnHidden(col))
            action.toggled.connect(lambda on, c=col: self.set_hidden(c, not on))
        menu.addSeparator()
        menu.addAction("显示全部列").triggered.connect(self.show_all)
        if pos is not None:
            menu.popup(self.view.horizontalHeader().mapToGlobal(pos))
        return menu

    # ------------------------------------------------------------------ fitting
    def text_width(self, col: int) -> int:
        """What the header's text needs (a column is never narrower)."""
        return self.view.horizontalHeader().fontMetrics().horizontalAdvance(_header_text(self.view, col)) + PADDING

    def min_width(self, col: int) -> int:
        """The narrowest a column goes: its header text, and room for a date or a name when it was wider."""
        text = self.view.horizontalHeader().fontMetrics().horizontalAdvance(_header_text(self.view, col)) + PADDING
        return max(text, min(self._natural.get(col, text), self.view.fontMetrics().horizontalAdvance("2026-12-31") + 12))

    def _resized(self, col: int, _old: int, new: int) -> None:
        """A width the page set or the clerk dragged becomes the column's chosen width (not the stretched
        last column's: Qt sizes that one to what is left)."""
        if self._fitting or new <= 0 or self.view.isColumnHidden(col):
            return
        header = self.view.horizontalHeader()
        visible = [c for c in range(header.count()) if not self.view.isColumnHidden(c)]
        if header.stretchLastSection() and visible and col == visible[-1]:
            return
        self._natural[col] = new

    def fit(self) -> None:
        """Shrink the freely sized columns to the viewport (not below their header text); widen them back
        to their chosen widths when there is room again."""
        view, header = self.view, self.view.horizontalHeader()
        model = view.model()
        if model is None or self._fitting:
            return
        self.restore()
        if not self._chosen:
            self._fitting = True
            try:
                self._hide_what_does_not_fit()
            finally:
                self._fitting = False
        cols = [c for c in range(model.columnCount()) if not view.isColumnHidden(c)]
        free = [c for c in cols if header.sectionResizeMode(c) == QHeaderView.ResizeMode.Interactive
                and not (header.stretchLastSection() and c == cols[-1])]
        if not free:
            return
        for c in free:
            self._natural.setdefault(c, view.columnWidth(c))
        stretching = {c for c in cols if header.sectionResizeMode(c) == QHeaderView.ResizeMode.Stretch}
        if header.stretchLastSection():
            stretching.add(cols[-1])
        fixed = sum(self.min_width(c) if c in stretching else header.sectionSize(c) for c in cols if c not in free)
        room = view.viewport().width() - fixed
        widened = {c: max(self._natural[c], self.text_width(c)) for c in free}
        self._fitting = True
        try:
            widths = widened if sum(widened.values()) <= room else self._share(free, room)
            if header.stretchLastSection() and cols[-1] not in free:
                # The stretched last column fills what is left; it must not keep a width that overflows.
                widths[cols[-1]] = self.min_width(cols[-1])
            for c, w in widths.items():
                if view.columnWidth(c) != w:
                    view.setColumnWidth(c, w)
        finally:
            self._fitting = False

    def _share(self, free: list[int], room: int) -> dict[int, int]:
        """Widths for the free columns summing to about `room`: all shrink in proportion to their chosen
        widths, none below its header text (those at their minimum leave the rest to the others)."""
        widths: dict[int, int] = {}
        left = list(free)
        while left:
            space = room - sum(widths.values())
            total = sum(self._natural[c] for c in left) or 1
            scale = max(space, 0) / total
            pinned = [c for c in left if self._natural[c] * scale < self.min_width(c)]
            if not pinned:
                for c in left:
                    widths[c] = int(self._natural[c] * scale)
                break
            for c in pinned:
                widths[c] = self.min_width(c)
                left.remove(c)
        return widths

    def _hide_what_does_not_fit(self) -> None:
        """Until the clerk chooses, the rightmost columns that cannot fit even at their narrowest are hidden
        (the header's context menu shows them)."""
        view, header = self.view, self.view.horizontalHeader()
        for c in self._auto_hidden:
            view.setColumnHidden(c, False)
        self._auto_hidden = []
        cols = [c for c in range(view.model().columnCount()) if not view.isColumnHidden(c)]

        def narrowest(c: int) -> int:
            if header.sectionResizeMode(c) in (QHeaderView.ResizeMode.Interactive, QHeaderView.ResizeMode.Stretch):
                return self.min_width(c)
            return header.sectionSize(c)

        room = view.viewport().width()
        while len(cols) > 2 and sum(narrowest(c) for c in cols) > room:
            last = cols.pop()
            view.setColumnHidden(last, True)
            self._auto_hidden.append(last)
        header.setToolTip("右键点击表头，可选择显示或隐藏哪些列" +
                          (f"（因窗口宽度，{'、'.join(_header_text(view, c) for c in reversed(self._auto_hidden))}"
                           "暂未显示）" if self._auto_hidden else ""))

    @property
    def auto_hidden(self) -> list[str]:
        return [_header_text(self.view, c) for c in reversed(self._auto_hidden)]

    # ------------------------------------------------------------------ events
    def eventFilter(self, obj, event) -> bool:
        kind = event.type()
        if kind not in (QEvent.Type.Resize, QEvent.Type.Show, QEvent.Type.ToolTip) or not isValid(self.view):
            return False
        if obj is self._viewport and kind == QEvent.Type.Resize or obj is self.view and kind == QEvent.Type.Show:
            self.fit()
        elif obj is self._viewport and kind == QEvent.Type.ToolTip:
            return self._tooltip(event)
        return False

    def _tooltip(self, event) -> bool:
        index = self.view.indexAt(event.pos())
        if not index.isValid() or index.data(Qt.ItemDataRole.ToolTipRole):
            return False  # the model's own tooltip
        text = index.data(Qt.ItemDataRole.DisplayRole)
        text = "" if text is None else str(text)
        if text and self.is_elided(index):
            QToolTip.showText(event.globalPos(), text, self.view.viewport())
        else:
            QToolTip.hideText()
            event.ignore()
        return True

    def is_elided(self, index) -> bool:
        text = index.data(Qt.ItemDataRole.DisplayRole)
        if text is None:
            return False
        width = self.view.visualRect(index).width() - 8
        return self.view.fontMetrics().horizontalAdvance(str(text)) > width


def install(view: QTableView) -> TableColumns:
    existing = view.findChild(TableColumns)
    return existing if existing is not None else TableColumns(view)
