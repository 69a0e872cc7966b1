"""The screen of any declared ledger: filters, search, sortable table with counts, the entry form and the
Excel export, all built from the ledger's declaration (`app.ledgers`). Ledgers with a workflow (问题台账,
走访) subclass LedgerPage and add their buttons; everything else is shared.

Queries run off the GUI thread (Background); the table holds ids and fetches rows a page at a time.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.db import Database, DatabaseError
from app.ledgers import Field, Kind, Ledger, LedgerQuery, LedgerRefused, engine
from app.ledgers.spec import REF_HOUSEHOLD, REF_MEMBER, Virtual
from app.outputs import OutputError
from app.ui import file_dialogs
from app.ui.cadre_picker import CadreNamesField, CadrePicker, cadre_picker
from app.ui.errors import confirm, info, warn
from app.ui.feedback import FILTER_CLEARED, center_on, select_row, tell
from app.ui.ledger_widgets import RED, DateField, ErrorBanner, HouseholdPicker, make_table
from app.ui.paged_model import PagedColumn, PagedModel
from app.ui.widgets import dialog_buttons, fill_combo, page_title, primary_button, select_data, set_invalid
from app.ui.workers import Background


def column_px(width: int) -> int:
    """Pixels of a table column for a declared width in Excel units (a Chinese character is two)."""
    return max(56, min(width * 8 + 16, 360))


# ------------------------------------------------------------------------------------------ the form


def field_widget(db: Database, f: Field, value: Any, label: str = "") -> QWidget:
    """The input widget of a ledger field, showing value."""
    if f.picks == "cadre":
        return CadreNamesField(db, value or "", several=f.kind is Kind.LONGTEXT)
    if f.kind is Kind.LONGTEXT:
        w = QPlainTextEdit(value or "")
        w.setTabChangesFocus(True)
        w.setFixedHeight(54)
        if f.hint:
            w.setPlaceholderText(f.hint)
        return w
    if f.kind is Kind.DATE:
        return DateField(value)
    if f.kind is Kind.BOOL:
        w = QCheckBox()
        w.setChecked(bool(value))
        return w
    if f.kind is Kind.CHOICE:
        w = QComboBox()
        fill_combo(w, ((c, c) for c in f.choices), blank="（请选择）" if f.required else "（不选）")
        select_data(w, value)
        return w
    if f.kind is Kind.REF and f.ref == REF_HOUSEHOLD:
        w = HouseholdPicker(db, required=f.required)
        w.set_value(value, label)
        return w
    if f.kind is Kind.REF and f.ref == "cadre":
        w = cadre_picker(db, blank="（请选择）" if f.required else "（不选）", keep=[value])
        w.select(value)
        return w
    if f.kind is Kind.REF:
        w = QComboBox()
        choices = engine.ref_choices(db, f.ref, keep=[value])
        fill_combo(w, ((c.label, c.id) for c in choices), blank="（请选择）" if f.required else "（不选）")
        select_data(w, value)
        w.setMinimumContentsLength(8)
        return w
    w = QLineEdit("" if value is None else str(value))
    if f.kind in (Kind.MONEY, Kind.INT):
        w.setAlignment(Qt.AlignmentFlag.AlignRight)
        w.setPlaceholderText("元" if f.kind is Kind.MONEY else "")
    elif f.hint:
        w.setPlaceholderText(f.hint)
    return w


def widget_value(f: Field, w: QWidget) -> Any:
    """What a field's widget holds, for the engine to read (it names the field in any error)."""
    if isinstance(w, QPlainTextEdit):
        return w.toPlainText()
    if isinstance(w, DateField):
        return w.value()
    if isinstance(w, QCheckBox):
        return w.isChecked()
    if isinstance(w, (QComboBox, HouseholdPicker)):
        return w.currentData() if isinstance(w, QComboBox) else w.value()
    return w.text()


def set_widget_value(w: QWidget, value: Any, label: str = "") -> None:
    if isinstance(w, QPlainTextEdit):
        w.setPlainText(value or "")
    elif isinstance(w, DateField):
        w.set_date(value)
    elif isinstance(w, QCheckBox):
        w.setChecked(bool(value))
    elif isinstance(w, HouseholdPicker):
        w.set_value(value, label)
    elif isinstance(w, QComboBox):
        select_data(w, value)
    else:
        w.setText("" if value is None else str(value))


class FieldsGrid(QWidget):
    """The fields of a ledger laid out two to a row; long texts take a whole row. Labels of required
    fields carry a *."""

    def __init__(self, db: Database, fields: list[Field], record: engine.LedgerRecord, parent=None) -> None:
        super().__init__(parent)
        self.fields = {f.key: f for f in fields}
        self.widgets: dict[str, QWidget] = {}
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(6)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        row, col = 0, 0
        for f in fields:
            w = field_widget(db, f, record.values.get(f.key), record.labels.get(f.key, ""))
            w.setObjectName(f"field_{f.key}")
            if f.hint and f.kind is not Kind.LONGTEXT:
                w.setToolTip(f.hint)
            self.widgets[f.key] = w
            label = QLabel(("* " if f.required else "") + f.label + "：")
            label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            wide = f.kind is Kind.LONGTEXT or (f.kind is Kind.REF and f.ref == REF_HOUSEHOLD)
            if wide and col:
                row, col = row + 1, 0
            if wide:
                vertical = Qt.AlignmentFlag.AlignTop if f.kind is Kind.LONGTEXT else Qt.AlignmentFlag.AlignVCenter
                label.setAlignment(Qt.AlignmentFlag.AlignRight | vertical)
                grid.addWidget(label, row, 0)
                grid.addWidget(w, row, 1, 1, 3)
                row, col = row + 1, 0
            else:
                grid.addWidget(label, row, col * 2)
                grid.addWidget(w, row, col * 2 + 1)
                col += 1
                if col == 2:
                    row, col = row + 1, 0

    def raw(self) -> dict[str, Any]:
        return {key: widget_value(self.fields[key], w) for key, w in self.widgets.items()}

    def mark(self, bad: set[str]) -> None:
        for key, w in self.widgets.items():
            target = w.edit if isinstance(w, (DateField, CadreNamesField)) else \
                w.label if isinstance(w, HouseholdPicker) else w
            set_invalid(target, key in bad)


class LedgerForm(QDialog):
    """Add or edit one record of a ledger. 保存 validates through the engine: nothing is written until
    every field is right, and each message names its field. Emits saved(id)."""

    saved = Signal(int)

    def __init__(self, db: Database, ledger: Ledger, record: engine.LedgerRecord, parent: QWidget | None = None,
                 *, title: str | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.ledger = ledger
        self.record = record
        self.saved_id: int | None = None
        self.setWindowTitle(title or (f"编辑{ledger.title}记录" if record.id else f"新增{ledger.title}记录"))
        outer = QVBoxLayout(self)
        self.banner = ErrorBanner()
        outer.addWidget(self.banner)
        body = QWidget()
        self.body_layout = QVBoxLayout(body)
        self.body_layout.setContentsMargins(6, 0, 10, 0)
        self.grid = FieldsGrid(db, list(ledger.form_fields), record)
        self.body_layout.addWidget(self.grid)
        self.add_extra(self.body_layout)
        self.body_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(body)
        outer.addWidget(scroll, 1)
        buttons, self.save_button = dialog_buttons(self, self.save, "保存")
        self.save_button.setEnabled(not db.readonly)
        outer.addWidget(buttons)
        self.body_widget = body
        self.fit()
        picker = self.widgets.get(ledger.household_field or "")
        if isinstance(picker, HouseholdPicker):
            picker.changed.connect(self._follow_household)
        self._refill_members()

    def _refill_members(self) -> None:
        """A member field offers the members of the chosen household (keeping the one already chosen)."""
        picker = self.widgets.get(self.ledger.household_field or "")
        household_id = picker.value() if isinstance(picker, HouseholdPicker) else None
        for f in self.ledger.form_fields:
            w = self.widgets.get(f.key)
            if f.kind is not Kind.REF or f.ref != REF_MEMBER or not isinstance(w, QComboBox):
                continue
            current = w.currentData()
            choices = engine.ref_choices(self.db, REF_MEMBER, household_id=household_id or 0)
            w.blockSignals(True)
            fill_combo(w, ((c.label, c.id) for c in choices), blank="（请选择）" if f.required else "（不选）")
            select_data(w, current)
            w.blockSignals(False)

    def _follow_household(self) -> None:
        """A record about a household is about its village and point: show them as soon as it is chosen."""
        self._refill_members()
        household_id = self.widgets[self.ledger.household_field].value()
        if household_id is None:
            return
        village_id, point_id = engine.household_place(self.db, household_id)
        for key, value in ((self.ledger.village_field, village_id), (self.ledger.point_field, point_id)):
            w = self.widgets.get(key or "")
            if isinstance(w, QComboBox) and value is not None:
                select_data(w, value)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        center_on(self, self.parentWidget())

    def fit(self) -> None:
        """Size the dialog to its fields, within a 1366×768 screen (the fields scroll beyond that)."""
        self.body_widget.adjustSize()
        self.resize(max(self.width(), 760), min(self.body_widget.sizeHint().height() + 110, 690))

    @property
    def widgets(self) -> dict[str, QWidget]:
        return self.grid.widgets

    def add_extra(self, layout: QVBoxLayout) -> None:
        """Room for a subclass to add a section below the fields."""

    def raw(self) -> dict[str, Any]:
        """The form's values; fields not on the form (e.g. the visit a problem came from) keep the record's."""
        raw = {f.key: self.record.values.get(f.key) for f in self.ledger.fields if not f.form}
        raw.update(self.grid.raw())
        return raw

    def commit(self) -> int:
        """Write the record; returns its id. Raises LedgerRefused."""
        return engine.save(self.db, self.ledger, self.record.id, self.raw()).id

    def save(self) -> None:
        try:
            self.saved_id = self.commit()
        except LedgerRefused as exc:
            self.show_errors(exc)
            return
        except DatabaseError as exc:
            warn(self, self.ledger.title, str(exc))
            return
        self.saved.emit(self.saved_id)
        self.accept()

    def show_errors(self, exc: LedgerRefused) -> None:
        self.banner.show_messages([e.message for e in exc.errors])
        self.grid.mark({e.field for e in exc.errors})
        first = next((self.widgets[e.field] for e in exc.errors if e.field in self.widgets), None)
        if first is not None:
            first.setFocus()


# ------------------------------------------------------------------------------------------ the page


def _combo(label_blank: str, items) -> QComboBox:
    combo = QComboBox()
    fill_combo(combo, items, blank=label_blank)
    return combo


class LedgerPage(QWidget):
    """A ledger's page. `loaded(n)` after each query; `changed()` after a save or delete."""

    loaded = Signal(int)
    changed = Signal()

    def __init__(self, db: Database, ledger: Ledger, parent: QWidget | None = None, *, show_title: bool = True) -> None:
        super().__init__(parent)
        self.db = db
        self.ledger = ledger
        self.background = Background(self)
        self.query = LedgerQuery()
        self.result: engine.QueryResult | None = None
        self._sort = (ledger.sort_key, ledger.default_descending)

        layout = QVBoxLayout(self)
        head = QHBoxLayout()
        if show_title:
            head.addWidget(page_title(ledger.title))
        else:
            layout.setContentsMargins(4, 6, 4, 4)
        self.buttons_row = head
        head.addStretch(1)
        self.new_button = primary_button("新增")
        self.edit_button = QPushButton("编辑")
        self.delete_button = QPushButton("删除")
        self.export_button = QPushButton("导出Excel")
        self.export_button.setToolTip("按当前筛选导出为乡镇台账格式的 Excel 表")
        for b in (self.new_button, self.edit_button, self.delete_button):
            b.setEnabled(not db.readonly)
        self.add_buttons(head)
        for b in (self.new_button, self.edit_button, self.delete_button, self.export_button):
            head.addWidget(b)
        layout.addLayout(head)
        if ledger.description and show_title:
            hint = QLabel(ledger.description)
            hint.setObjectName("Hint")
            layout.addWidget(hint)

        # Filters: search, quick filter and dates on the first row; village and the declared filters below.
        row1 = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setObjectName("search")
        words = "、".join(f.label for f in ledger.fields if f.search)
        self.search.setPlaceholderText(f"搜索：{words}")
        self.search.setClearButtonEnabled(True)
        row1.addWidget(self.search, 3)
        self.preset = None
        if ledger.presets:
            self.preset = _combo("全部", ((p.label, p.label) for p in ledger.presets))
            row1.addWidget(QLabel("快速筛选"))
            row1.addWidget(self.preset)
        date_label = ledger.field(ledger.date_field).label
        row1.addWidget(QLabel(date_label))
        self.date_from = DateField()
        self.date_to = DateField()
        for w in (self.date_from, self.date_to):
            w.setFixedWidth(128)
        row1.addWidget(self.date_from)
        row1.addWidget(QLabel("至"))
        row1.addWidget(self.date_to)
        layout.addLayout(row1)

        row2 = QHBoxLayout()
        self.village = None
        if ledger.reaches_village:
            self.village = _combo("全部村", ((c.label, c.id) for c in engine.ref_choices(db, "village")))
            row2.addWidget(QLabel("村"))
            row2.addWidget(self.village, 1)
        self.filter_combos: dict[str, QComboBox] = {}
        for f in ledger.filter_fields:
            if f.kind is Kind.CHOICE:
                items = [(c, c) for c in f.choices]
            elif f.kind is Kind.REF and f.ref != REF_HOUSEHOLD:
                items = [(c.label, c.id) for c in engine.ref_choices(db, f.ref, keep=())]
            elif f.kind is Kind.BOOL:
                items = [("是", True), ("否", False)]
            else:
                continue
            if f.kind is Kind.REF and f.ref == "cadre":
                combo = CadrePicker()
                combo.set_choices(items, blank="全部")
            else:
                combo = _combo("全部", items)
            combo.setObjectName(f"filter_{f.key}")
            self.filter_combos[f.key] = combo
            row2.addWidget(QLabel(f.label))
            row2.addWidget(combo, 1)
        self.clear_button = QPushButton("清除筛选")
        row2.addStretch(0)
        row2.addWidget(self.clear_button)
        layout.addLayout(row2)

        self.count_label = QLabel("正在加载……")
        self.count_label.setObjectName("CountLabel")
        self.count_label.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.count_label)

        self.columns = engine.table_columns(ledger)
        paged = [PagedColumn(c.label, self._text_fn(c), column_px(c.width),
                             align_right=isinstance(c, Field) and c.kind in (Kind.MONEY, Kind.INT),
                             sort_key=c.key if isinstance(c, Field) and c.sortable and c.kind is not Kind.LONGTEXT
                             else None)
                 for c in self.columns]
        self.model = PagedModel(paged, self._fetch, colour=lambda r: RED if r.alert else None, parent=self)
        self.view = make_table(self.model, f"ledger_{ledger.name}")
        for col, c in enumerate(paged):
            self.view.setColumnWidth(col, c.width)
        header = self.view.horizontalHeader()
        header.setSectionsClickable(True)
        header.setSortIndicatorShown(True)
        header.sectionClicked.connect(self._sort_clicked)
        self._show_sort_indicator()
        self.body = QVBoxLayout()
        self.body.addWidget(self.view, 1)
        layout.addLayout(self.body, 1)

        self.debounce = QTimer(self)
        self.debounce.setSingleShot(True)
        self.debounce.setInterval(200)
        self.debounce.timeout.connect(self.refresh)
        self.search.textChanged.connect(lambda _t: self.debounce.start())
        for w in (self.date_from, self.date_to):
            w.changed.connect(self.debounce.start)
        for combo in [self.preset, self.village, *self.filter_combos.values()]:
            if combo is not None:
                combo.currentIndexChanged.connect(lambda _i: self.refresh())
        self.clear_button.clicked.connect(self.clear_filters)
        self.view.doubleClicked.connect(lambda index: self.edit_record(self.model.id_at(index.row())))
        self.view.selectionModel().selectionChanged.connect(lambda *_: self.selection_changed())
        self.new_button.clicked.connect(lambda: self.new_record())
        self.edit_button.clicked.connect(self.edit_selected)
        self.delete_button.clicked.connect(self.delete_selected)
        self.export_button.clicked.connect(self.export_dialog)
        self._pending_select: int | None = None
        self._cleared_for_save = False
        self._saved_note = ""

    # -------------------------------------------------------------------------------- hooks

    def add_buttons(self, layout: QHBoxLayout) -> None:
        """Room for a subclass's workflow buttons, left of 新增."""

    def selection_changed(self) -> None:
        """Called when the selected row changes."""

    # -------------------------------------------------------------------------------- table

    def _text_fn(self, c: Field | Virtual):
        kind = c.kind if isinstance(c, Field) else None
        key = c.key
        return lambda r: r.text(key, kind).replace("\n", " ")

    def _fetch(self, ids: list[int]) -> list[engine.LedgerRow]:
        return engine.fetch_rows(self.db, self.ledger, ids, keys=[c.key for c in self.columns])

    def _show_sort_indicator(self) -> None:
        key, descending = self._sort
        index = next((i for i, c in enumerate(self.columns) if c.key == key), -1)
        order = Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder
        self.view.horizontalHeader().setSortIndicator(index, order)

    def _sort_clicked(self, section: int) -> None:
        key = self.model.columns[section].sort_key
        if key is not None:
            descending = not self._sort[1] if self._sort[0] == key else False
            self._sort = (key, descending)
        self._show_sort_indicator()
        if key is not None:
            self.refresh()

    def current_query(self) -> LedgerQuery:
        filters = {key: combo.currentData() for key, combo in self.filter_combos.items()
                   if combo.currentData() is not None}
        try:
            date_from = self.date_from.date()
        except ValueError:
            date_from = None
        try:
            date_to = self.date_to.date()
        except ValueError:
            date_to = None
        return LedgerQuery(text=self.search.text(), filters=filters,
                           village_id=self.village.currentData() if self.village is not None else None,
                           date_from=date_from, date_to=date_to,
                           preset=self.preset.currentData() if self.preset is not None else None,
                           sort=self._sort[0], descending=self._sort[1])

    def refresh(self) -> None:
        """Run the current query in the background and show the result when it arrives."""
        self.debounce.stop()
        q = self.current_query()
        self.query = q
        db, ledger = self.db, self.ledger
        self.background.submit(lambda: engine.query(db, ledger, q), self._show)

    def _show(self, result: engine.QueryResult) -> None:
        pending = self._pending_select
        if pending is not None and pending not in result.ids and not self._cleared_for_save:
            # The record just saved is hidden by a filter: clear the filters once and show it.
            self._cleared_for_save = True
            self.clear_filters()
            return
        selected = pending if pending is not None else self.selected_id()
        if pending is not None and self._cleared_for_save and pending in result.ids:
            tell(self, self._saved_note + FILTER_CLEARED)
        self._pending_select = None
        self._cleared_for_save = False
        self.result = result
        self.model.set_ids(result.ids)
        self.count_label.setText(self.counts_text(result))
        if selected in result.ids:
            select_row(self.view, result.ids.index(selected))
        self.selection_changed()
        self.loaded.emit(len(result.ids))

    def filtered(self) -> bool:
        q = self.current_query()
        return bool(q.text.strip() or q.filters or q.village_id is not None or q.date_from or q.date_to or q.preset)

    def counts_text(self, result: engine.QueryResult) -> str:
        if not result.ids:
            if self.filtered():
                return f"没有符合筛选条件的{html.escape(self.ledger.title)}记录：可点“清除筛选”查看全部。"
            return f"还没有{html.escape(self.ledger.title)}记录：点右上方“新增”登记第一条。"
        parts = [f"共 <b>{len(result.ids):,}</b> {self.ledger.noun}"]
        if result.counts:
            parts.append("　".join(f"{html.escape(k)} {n:,}" for k, n in result.counts.items()))
        if self.ledger.alert is not None:
            colour = "#c0392b" if result.alerts else "#4a5a6a"
            parts.append(f"<span style='color:{colour}'><b>{html.escape(self.ledger.alert.label)} "
                         f"{result.alerts:,}</b></span>（红色显示）")
        return "　｜　".join(parts)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.refresh()  # data may have changed on another page

    def clear_filters(self) -> None:
        for w in [self.preset, self.village, *self.filter_combos.values()]:
            if w is not None:
                w.blockSignals(True)
                w.setCurrentIndex(0)
                w.blockSignals(False)
        for w in (self.date_from, self.date_to):
            w.blockSignals(True)
            w.set_date(None)
            w.blockSignals(False)
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self.refresh()

    def apply_filter(self, *, preset: str | None = None, village_id: int | None = None, text: str = "",
                     filters: Mapping[str, Any] | None = None, date_from: dt.date | None = None,
                     date_to: dt.date | None = None) -> None:
        """Show the rows behind a figure elsewhere (the dashboard): every other filter is cleared."""
        widgets = [self.preset, self.village, *self.filter_combos.values(), self.search, self.date_from, self.date_to]
        for w in widgets:
            if w is not None:
                w.blockSignals(True)
        try:
            if self.preset is not None:
                select_data(self.preset, preset)
            if self.village is not None:
                select_data(self.village, village_id)
            for key, combo in self.filter_combos.items():
                select_data(combo, (filters or {}).get(key))
            self.search.setText(text)
            self.date_from.set_date(date_from)
            self.date_to.set_date(date_to)
        finally:
            for w in widgets:
                if w is not None:
                    w.blockSignals(False)
        self.refresh()

    # -------------------------------------------------------------------------------- records

    def selected_id(self) -> int | None:
        rows = self.view.selectionModel().selectedRows() if self.view.selectionModel() else []
        return self.model.id_at(rows[0].row()) if rows else None

    def select_id(self, record_id: int) -> None:
        if record_id in self.model.ids:
            self.view.selectRow(self.model.ids.index(record_id))

    def form_for(self, record: engine.LedgerRecord) -> LedgerForm:
        """The form of this ledger (subclasses return their own)."""
        return LedgerForm(self.db, self.ledger, record, self)

    def open_form(self, record: engine.LedgerRecord) -> int | None:
        form = self.form_for(record)
        form.saved.connect(self._after_save)
        form.exec()
        return form.saved_id

    def new_record(self, **preset: Any) -> int | None:
        return self.open_form(engine.new_record(self.ledger, **preset))

    def edit_record(self, record_id: int) -> int | None:
        if self.db.readonly:
            return None
        try:
            record = engine.load(self.db, self.ledger, record_id)
        except engine.RecordNotFound as exc:
            warn(self, self.ledger.title, str(exc))
            self.refresh()
            return None
        return self.open_form(record)

    def edit_selected(self) -> None:
        record_id = self.selected_id()
        if record_id is None:
            info(self, self.ledger.title, "请先在列表中选择一条记录。")
            return
        self.edit_record(record_id)

    def delete_selected(self) -> None:
        record_id = self.selected_id()
        if record_id is None:
            info(self, self.ledger.title, "请先在列表中选择一条记录。")
            return
        if not confirm(self, f"删除{self.ledger.title}记录", "确定删除选中的这条记录吗？删除后无法恢复。", yes="删除"):
            return
        engine.delete(self.db, self.ledger, record_id)
        self._after_save(record_id)

    def _after_save(self, record_id: int) -> None:
        self._saved_note = f"已保存：{self.ledger.title}记录"
        tell(self, self._saved_note)
        self._pending_select = record_id
        self.model.invalidate()
        self.refresh()
        self.changed.emit()

    # -------------------------------------------------------------------------------- export

    def default_export_name(self) -> str:
        return f"{self.ledger.title}_{dt.date.today():%Y%m%d}.xlsx"

    def export_dialog(self) -> None:
        path = file_dialogs.get_save_path(self, f"导出{self.ledger.title}", self.default_export_name(),
                                          "Excel 工作簿 (*.xlsx)")
        if path:
            self.export_to(Path(path))

    def export_to(self, path: Path) -> None:
        """Export the rows the current filters select, in the current order, in the background."""
        if path.suffix.lower() != ".xlsx":
            path = path.with_suffix(".xlsx")
        db, ledger, q = self.db, self.ledger, self.current_query()
        self.export_button.setEnabled(False)
        self.export_button.setText("正在导出……")

        def done(result: engine.ExportResult) -> None:
            self._export_finished()
            info(self, f"导出{ledger.title}", f"已导出 {result.rows:,} 条记录到：\n{result.path}")

        def failed(exc: BaseException) -> None:
            self._export_finished()
            if isinstance(exc, OutputError):  # refused or failed: one line saying what to do; old file kept
                warn(self, f"导出{ledger.title}", str(exc))
            elif isinstance(exc, OSError):
                warn(self, f"导出{ledger.title}", f"无法写入文件：{path}\n（{exc.strerror or exc}）。文件可能正在被 Excel 打开。")
            else:
                from app.ui.errors import show_unexpected

                show_unexpected(exc, self)

        from app.io.ledger_export import export_ledger  # the Excel writer is loaded when first used

        Background(self).submit(lambda: export_ledger(db, ledger, path, q), done, failed)

    def _export_finished(self) -> None:
        self.export_button.setEnabled(True)
        self.export_button.setText("导出Excel")
