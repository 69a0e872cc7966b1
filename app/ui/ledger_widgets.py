"""Widgets the ledger screens share: a paged table model over ids, a date field with a calendar, a household
picker (search the archive, never a 100,000-item combo), and the red error banner of a form."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from PySide6.QtCore import QAbstractTableModel, QDate, QTimer, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCalendarWidget,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QStyle,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
    QWidgetAction,
)

from app.db import Database
from app.rules.dates import parse_date
from app.services import households as hs
from app.ui.rows_model import Column, RowsModel, display
from app.ui.widgets import dialog_buttons, setup_table

RED = QColor("#c0392b")
AMBER = QColor("#b9770e")
GREEN = QColor("#2e7d32")


def make_table(model: QAbstractTableModel, name: str = "") -> QTableView:
    view = QTableView()
    if name:
        view.setObjectName(name)
    view.setModel(model)
    setup_table(view)
    return view


def size_columns(view: QTableView, widths: Sequence[int]) -> None:
    for col, width in enumerate(widths):
        view.setColumnWidth(col, width)


def fit_to_text(view: QTableView, model: RowsModel, first: int = 1) -> None:
    """Size the columns from `first` on to their widest text over every row, header included. Qt's
    ResizeToContents does the same by asking the model for every role of every cell, which on 首页's list of
    the county's settlement points holds the GUI thread, and the queries waiting for Python, for half a second."""
    header = view.horizontalHeader()
    metrics = view.fontMetrics()
    pad = 2 * (view.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin) + 1) + 6
    for col in range(first, len(model.columns)):
        value = model.columns[col].value
        widest = max((metrics.horizontalAdvance(text) for text in {display(value(row)) for row in model.rows}),
                     default=0)
        header.resizeSection(col, max(widest + pad, header.sectionSizeHint(col)))


# ------------------------------------------------------------------------------------------ dates


class DateField(QWidget):
    """A date typed as 2026-05-03 (2026/5/3, 2026.5.3, 20260503 also read) or picked from a calendar.
    Blank is allowed; `date()` raises ValueError for text that is not a date."""

    changed = Signal()

    def __init__(self, value: dt.date | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self.edit = QLineEdit()
        self.edit.setPlaceholderText("年-月-日")
        self.edit.setMaxLength(12)
        self.edit.textChanged.connect(lambda _t: self.changed.emit())
        self.button = QToolButton()
        self.button.setText("▾")
        self.button.setToolTip("从日历中选择")
        self.calendar = QCalendarWidget()
        self.calendar.setGridVisible(True)
        menu = QMenu(self.button)
        action = QWidgetAction(menu)
        action.setDefaultWidget(self.calendar)
        menu.addAction(action)
        menu.aboutToShow.connect(self._sync_calendar)
        self.calendar.clicked.connect(lambda d: (self.set_date(dt.date(d.year(), d.month(), d.day())), menu.close()))
        self.menu = menu
        self.button.clicked.connect(lambda: menu.popup(self.edit.mapToGlobal(self.edit.rect().bottomLeft())))
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.button)
        self.setFocusProxy(self.edit)
        self.set_date(value)

    def _sync_calendar(self) -> None:
        try:
            day = self.date() or dt.date.today()
        except ValueError:
            day = dt.date.today()
        self.calendar.setSelectedDate(QDate(day.year, day.month, day.day))

    def set_date(self, value: dt.date | None) -> None:
        self.edit.setText(value.isoformat() if value else "")

    def text(self) -> str:
        return self.edit.text()

    def date(self) -> dt.date | None:
        return parse_date(self.edit.text())

    def value(self) -> dt.date | str | None:
        """The date, or the text as typed when it is not one (the engine names the field in its message)."""
        try:
            return self.date()
        except ValueError:
            return self.edit.text()


# ------------------------------------------------------------------------------------------ households


class HouseholdSearchDialog(QDialog):
    """Find one household in the archive by name, ID, phone or 档案编号."""

    def __init__(self, db: Database, parent: QWidget | None = None, title: str = "选择户") -> None:
        super().__init__(parent)
        self.db = db
        self.setWindowTitle(title)
        layout = QVBoxLayout(self)
        self.search = QLineEdit()
        self.search.setPlaceholderText("输入户主或成员姓名、身份证号、电话、档案编号")
        self.search.setClearButtonEnabled(True)
        layout.addWidget(self.search)
        self.model = RowsModel([
            Column("户", lambda r: r.label), Column("村", lambda r: r.village), Column("安置点", lambda r: r.point),
        ])
        self.view = make_table(self.model, "household_results")
        size_columns(self.view, (220, 90))
        layout.addWidget(self.view, 1)
        self.hint = QLabel("")
        self.hint.setObjectName("Hint")
        layout.addWidget(self.hint)
        buttons, self.ok = dialog_buttons(self, self._accept, "选择")
        layout.addWidget(buttons)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(200)
        self.timer.timeout.connect(self.refresh)
        self.search.textChanged.connect(lambda _t: self.timer.start())
        self.view.doubleClicked.connect(lambda _i: self._accept())
        self.chosen: hs.HouseholdChoice | None = None
        self.resize(560, 440)
        self.refresh()

    def refresh(self) -> None:
        rows = hs.find_households(self.db, self.search.text(), limit=100)
        self.model.set_rows(rows)
        self.hint.setText("最多显示 100 户，请输入更多文字缩小范围。" if len(rows) == 100 else f"找到 {len(rows)} 户")
        if rows:
            self.view.selectRow(0)

    def _accept(self) -> None:
        selected = self.view.selectionModel().selectedRows()
        if not selected:
            return
        self.chosen = self.model.row_at(selected[0].row())
        self.accept()


class HouseholdPicker(QWidget):
    """The household of a ledger record: shows 户主（档案编号）, 选择… opens the search, 清除 empties it."""

    changed = Signal()

    def __init__(self, db: Database, *, required: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self._id: int | None = None
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        self.label = QLineEdit()
        self.label.setReadOnly(True)
        self.label.setPlaceholderText("（未选择）")
        self.choose = QPushButton("选择…")
        self.clear = QPushButton("清除")
        self.clear.setVisible(not required)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.choose)
        layout.addWidget(self.clear)
        self.choose.clicked.connect(self.pick)
        self.clear.clicked.connect(lambda: self.set_value(None, ""))
        self.setFocusProxy(self.choose)

    def set_value(self, household_id: int | None, label: str = "") -> None:
        self._id = household_id
        self.label.setText(label if household_id is not None else "")
        self.label.setCursorPosition(0)
        self.changed.emit()

    def value(self) -> int | None:
        return self._id

    def pick(self) -> None:
        dialog = HouseholdSearchDialog(self.db, self)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.chosen is not None:
            self.set_value(dialog.chosen.id, dialog.chosen.label)


def grow(window: QWidget) -> None:
    """Let a dialog grow to show everything it now holds (never shrink it under the clerk)."""
    layout = window.layout()
    if layout is not None:
        layout.activate()
    hint = window.sizeHint()
    window.resize(max(window.width(), hint.width()), max(window.height(), hint.height()))


class ErrorBanner(QLabel):
    """The reasons a form cannot be saved, in red, one per line; hidden when there are none."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ErrorText")
        self.setWordWrap(True)
        self.setStyleSheet("background: #fdf0ee; border: 1px solid #e6b0aa; padding: 6px 8px;")
        self.hide()

    def show_messages(self, messages: Sequence[str]) -> None:
        if messages:
            self.setText("\n".join(f"• {m}" for m in messages))
            self.show()
        else:
            self.clear()
            self.hide()
        grow(self.window())

    def messages(self) -> list[str]:
        return [line[2:] for line in self.text().splitlines() if line]
