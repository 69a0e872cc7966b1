"""走访: the visit ledger (declared, shown by LedgerPage), recording a visit together with the problem it
raised, the monthly matrix of SPEC §4.4 (households under one-to-one 包保 × months, who is behind this
month) and each cadre's visits. Figures use the definitions of `app.services.stats`."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.db import Database
from app.ledgers import LEDGERS, PROBLEMS, VISITS, LedgerRefused, engine
from app.services import problems as ps
from app.services import stats
from app.services import visits as vs
from app.ui import file_dialogs, unvisited
from app.ui.cadre_picker import CadrePicker
from app.ui.errors import info, warn
from app.ui.feedback import select_id, tell
from app.ui.ledger_page import FieldsGrid, LedgerForm, LedgerPage
from app.ui.ledger_widgets import AMBER, GREEN, RED, HouseholdPicker, make_table, size_columns
from app.ui.rows_model import Column, RowsModel
from app.ui.widgets import fill_combo, page_title, primary_button, select_data
from app.ui.workers import Background

# The problem fields asked for when a visit raises one (the rest come from the visit).
PROBLEM_KEYS = ("focus_area", "description", "unit_id", "responsible_cadre_id", "deadline", "measures")


def this_month(today: dt.date | None = None) -> str:
    today = today or dt.date.today()
    return f"{today.year:04d}-{today.month:02d}"


class VisitForm(LedgerForm):
    """The visit form, with a section to register the problem the visit found, saved in the same step."""

    def add_extra(self, layout: QVBoxLayout) -> None:
        self.problem_box = QGroupBox("走访中发现问题，同时登记到问题台账")
        self.problem_box.setObjectName("raise_problem")
        self.problem_box.setCheckable(True)
        self.problem_box.setChecked(False)
        box = QVBoxLayout(self.problem_box)
        record = engine.new_record(PROBLEMS)
        record.values["description"] = ""
        self.problem_grid = FieldsGrid(self.db, [PROBLEMS.field(k) for k in PROBLEM_KEYS], record)
        box.addWidget(self.problem_grid)
        self.problem_grid.setVisible(False)
        self.problem_box.toggled.connect(self._toggle_problem)
        layout.addWidget(self.problem_box)
        picker = self.widgets.get("household_id")
        if isinstance(picker, HouseholdPicker):
            picker.changed.connect(self._propose_cadre)

    def _toggle_problem(self, on: bool) -> None:
        self.problem_grid.setVisible(on)
        if on:
            description = self.problem_grid.widgets["description"]
            if not description.toPlainText().strip():
                description.setPlainText(self.widgets["findings"].toPlainText())
        QTimer.singleShot(0, self.fit)

    def _propose_cadre(self) -> None:
        household_id = self.widgets["household_id"].value()
        combo = self.widgets["cadre_id"]
        if household_id is not None and combo.currentData() is None:
            select_data(combo, vs.current_cadre(self.db, household_id))

    def commit(self) -> int:
        problem = self.problem_grid.raw() if self.problem_box.isChecked() else None
        saved = vs.record_visit(self.db, self.raw(), problem, visit_id=self.record.id)
        self.problem_id = saved.problem_id
        return saved.visit_id

    def show_errors(self, exc: LedgerRefused) -> None:
        super().show_errors(exc)
        prefix = vs.PROBLEM_PREFIX
        self.problem_grid.mark({e.field[len(prefix):] for e in exc.errors if e.field.startswith(prefix)})


class VisitRecordsPage(LedgerPage):
    """The visit ledger inside the 走访 page, with 由此登记问题 for a visit already recorded."""

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(db, VISITS, parent, show_title=False)
        self.new_button.setText("记录走访")

    def add_buttons(self, layout: QHBoxLayout) -> None:
        self.raise_button = QPushButton("由此登记问题")
        self.raise_button.setToolTip("把选中走访中发现的问题登记到问题台账")
        self.raise_button.setEnabled(not self.db.readonly)
        self.raise_button.clicked.connect(self.raise_problem)
        layout.addWidget(self.raise_button)

    def form_for(self, record: engine.LedgerRecord) -> LedgerForm:
        return VisitForm(self.db, VISITS, record, self, title="编辑走访记录" if record.id else "记录走访")

    def raise_problem(self) -> int | None:
        visit_id = self.selected_id()
        if visit_id is None:
            info(self, "走访", "请先在列表中选择一次走访。")
            return None
        form = LedgerForm(self.db, PROBLEMS, ps.new_problem(self.db, visit_id=visit_id), self,
                          title="由走访登记问题")
        form.saved.connect(lambda _i: self._after_save(visit_id))
        form.exec()
        return form.saved_id


# ------------------------------------------------------------------------------------------ the matrix

MONTHS = [f"{m}月" for m in range(1, 13)]
FIXED = ("档案编号", "户主", "村", "安置点", "重点户类型", "包保干部")


class MatrixModel(QAbstractTableModel):
    """Households × months: the number of visits by the household's 包保 cadre; the reference month's
    missing visits in red."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.matrix: vs.Matrix | None = None
        self.rows: list[vs.MatrixRow] = []
        self.ref_month = 0

    def set_matrix(self, matrix: vs.Matrix, rows: list[vs.MatrixRow]) -> None:
        self.beginResetModel()
        self.matrix = matrix
        self.rows = rows
        self.ref_month = int(matrix.month[5:7]) if matrix.month.startswith(str(matrix.year)) else 0
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(FIXED) + 12

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return FIXED[section] if section < len(FIXED) else MONTHS[section - len(FIXED)]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self.rows)):
            return None
        r = self.rows[index.row()]
        col = index.column()
        month = col - len(FIXED) + 1  # 1..12 for month columns
        if role == Qt.ItemDataRole.DisplayRole:
            if col < len(FIXED):
                return (r.archive_no, r.head_name, r.village, r.point, r.tags, r.cadre)[col]
            count = r.counts[month - 1]
            if count is None:
                return ""
            if month == self.ref_month and r.behind:
                return "未访"
            return "✓" if count == 1 else (str(count) if count else "✗")
        if role == Qt.ItemDataRole.ForegroundRole:
            if col < len(FIXED):
                return QBrush(RED) if r.behind and col == 1 else None
            count = r.counts[month - 1]
            if month == self.ref_month and r.behind:
                return QBrush(RED)
            if count == 0:
                return QBrush(AMBER)
            return QBrush(GREEN) if count else None
        if role == Qt.ItemDataRole.BackgroundRole and month == self.ref_month and r.behind:
            return QBrush(QColor("#fdecea"))
        if role == Qt.ItemDataRole.TextAlignmentRole and col >= len(FIXED):
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.ToolTipRole and col < len(FIXED):
            return (r.archive_no, r.head_name, r.village, r.point, r.tags, r.cadre)[col] or None
        if role == Qt.ItemDataRole.ToolTipRole and col >= len(FIXED):
            count = r.counts[month - 1]
            if count is None:
                return None
            if month == self.ref_month and r.behind:
                return f"{r.cadre}本月尚未走访该户"
            return f"{month}月走访 {count} 次" if count else f"{month}月未走访"
        return None


class MatrixTab(QWidget):
    """The monthly matrix with its filters; double-clicking a household records a visit to it."""

    loaded = Signal(int)
    record_requested = Signal(int)  # household id

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.background = Background(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 6, 4, 4)
        row = QHBoxLayout()
        self.year = QComboBox()
        self.village = QComboBox()
        self.cadre = CadrePicker()
        self.search = QLineEdit()
        self.search.setPlaceholderText("搜索户主、档案编号")
        self.search.setClearButtonEnabled(True)
        self.behind_only = QCheckBox("只看本月未走访")
        row.addWidget(QLabel("年份"))
        row.addWidget(self.year)
        row.addWidget(QLabel("村"))
        row.addWidget(self.village, 1)
        row.addWidget(QLabel("包保干部"))
        row.addWidget(self.cadre, 1)
        row.addWidget(self.search, 1)
        row.addWidget(self.behind_only)
        self.export_button = QPushButton("导出未走访…")
        self.export_button.setToolTip("把本月未走访的户保存为Excel清单")
        self.export_button.clicked.connect(self.export_unvisited)
        self.print_button = QPushButton("打印未走访…")
        self.print_button.clicked.connect(self.print_unvisited)
        row.addWidget(self.export_button)
        row.addWidget(self.print_button)
        layout.addLayout(row)
        self.summary = QLabel("")
        self.summary.setObjectName("CountLabel")
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.model = MatrixModel(self)
        self.view = make_table(self.model, "visit_matrix")
        self.view.horizontalHeader().setStretchLastSection(False)
        size_columns(self.view, (78, 66, 62, 110, 120, 64) + (44,) * 12)
        layout.addWidget(self.view, 1)
        legend = QLabel("✓ 已走访（数字为次数）　✗ 当月未走访　未访：本月尚未走访（红色）　双击一户可记录走访")
        legend.setObjectName("Hint")
        layout.addWidget(legend)
        self.matrix: vs.Matrix | None = None
        self.reload_choices()
        self.year.currentIndexChanged.connect(lambda _i: self.refresh())
        self.village.currentIndexChanged.connect(lambda _i: self.refresh())
        self.cadre.currentIndexChanged.connect(lambda _i: self.refresh())
        self.behind_only.toggled.connect(lambda _c: self._show_rows())
        self.search.textChanged.connect(lambda _t: self._show_rows())
        self.view.doubleClicked.connect(lambda i: self.record_requested.emit(self.model.rows[i.row()].household_id))

    def reload_choices(self) -> None:
        for combo in (self.year, self.village, self.cadre):
            combo.blockSignals(True)
        fill_combo(self.year, ((f"{y}年", y) for y in vs.years_with_visits(self.db)))
        fill_combo(self.village, ((c.label, c.id) for c in engine.ref_choices(self.db, "village")), blank="全部村")
        fill_combo(self.cadre, ((c.label, c.id) for c in engine.ref_choices(self.db, "cadre")), blank="全部干部")
        for combo in (self.year, self.village, self.cadre):
            combo.blockSignals(False)

    def refresh(self) -> None:
        db = self.db
        year = self.year.currentData() or dt.date.today().year
        village, cadre = self.village.currentData(), self.cadre.currentData()
        self.background.submit(lambda: vs.matrix(db, year, village_id=village, cadre_id=cadre), self._loaded)

    def _loaded(self, matrix: vs.Matrix) -> None:
        self.matrix = matrix
        self._show_rows()

    def _show_rows(self) -> None:
        m = self.matrix
        if m is None:
            return
        words = self.search.text().split()
        rows = [r for r in m.rows if (not self.behind_only.isChecked() or r.behind)
                and all(w in r.head_name or w in r.archive_no for w in words)]
        self.model.set_matrix(m, rows)
        behind = m.due - m.done
        colour = "#c0392b" if behind else "#2e7d32"
        shown = f"　｜　列出 {len(rows):,} 户" if len(rows) != m.due else ""
        if not m.due:
            self.summary.setText("还没有一对一包保户：先在“包保”页为户安排一对一包保干部，这里就按月列出每户的走访。")
            self.loaded.emit(len(rows))
            return
        self.summary.setText(
            f"{m.month[:4]}年{int(m.month[5:])}月：一对一包保户应走访 <b>{m.due:,}</b> 户，已走访 <b>{m.done:,}</b> 户，"
            f"<span style='color:{colour}'><b>未走访 {behind:,} 户</b></span>{shown}")
        self.loaded.emit(len(rows))


    def export_unvisited(self, path: str | None = None) -> Path | None:
        """Save the households not yet visited this month as a township-layout workbook."""
        if self.matrix is None:
            return None
        if not path:
            name = f"未走访户清单-{self.matrix.month}.xlsx"
            path = file_dialogs.get_save_path(self, "导出未走访户清单", name, "Excel 工作簿 (*.xlsx)")
            if not path:
                return None
        target = Path(path if str(path).lower().endswith(".xlsx") else f"{path}.xlsx")
        try:
            count = unvisited.export(self.db, self.matrix, target)
        except OSError as exc:
            warn(self, "导出未走访户清单", f"无法写入文件：{target}（{exc.strerror or exc}）。文件可能正在被 Excel 打开。")
            return None
        tell(self, f"已导出未走访户清单：{count} 户，{target}")
        return target

    def print_unvisited(self) -> None:
        if self.matrix is not None:
            unvisited.print_list(self, self.db, self.matrix)


# ------------------------------------------------------------------------------------------ per cadre


class CadreTab(QWidget):
    """Each cadre's visits in a month; selecting one lists the households they hold."""

    loaded = Signal(int)

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 6, 4, 4)
        row = QHBoxLayout()
        self.month = QComboBox()
        today = dt.date.today()
        months = []
        y, m = today.year, today.month
        for _ in range(12):
            months.append(f"{y:04d}-{m:02d}")
            y, m = (y, m - 1) if m > 1 else (y - 1, 12)
        fill_combo(self.month, ((f"{x[:4]}年{int(x[5:])}月", x) for x in months))
        row.addWidget(QLabel("月份"))
        row.addWidget(self.month)
        row.addStretch(1)
        layout.addLayout(row)
        self.cadre_model = RowsModel([
            Column("干部", lambda c: c.name), Column("职级", lambda c: c.rank), Column("单位", lambda c: c.unit),
            Column("一对一包保户", lambda c: c.households, True), Column("已走访", lambda c: c.visited, True),
            Column("未走访", lambda c: c.behind, True), Column("本月走访次数", lambda c: c.visits, True),
        ])
        self.cadre_view = make_table(self.cadre_model, "cadre_visits")
        size_columns(self.cadre_view, (64, 128, 90, 92, 56, 56))
        self.household_model = RowsModel([
            Column("户", lambda h: h.label), Column("村", lambda h: h.village), Column("重点户类型", lambda h: h.tags),
            Column("最近走访", lambda h: h.last_visit), Column("本月", lambda h: "已走访" if h.visited else "未走访"),
        ])
        self.household_view = make_table(self.household_model, "cadre_households")
        size_columns(self.household_view, (150, 60, 130, 90))
        splitter = QSplitter()
        splitter.addWidget(self.cadre_view)
        splitter.addWidget(self.household_view)
        splitter.setSizes([640, 500])
        layout.addWidget(splitter, 1)
        self.month.currentIndexChanged.connect(lambda _i: self.refresh())
        self.cadre_view.selectionModel().selectionChanged.connect(lambda *_: self._show_households())

    def refresh(self) -> None:
        rows = vs.by_cadre(self.db, self.month.currentData())
        self.cadre_model.set_rows(rows)
        self._show_households()
        self.loaded.emit(len(rows))

    def select_cadre(self, cadre_id: int) -> None:
        for i, c in enumerate(self.cadre_model.rows):
            if c.cadre_id == cadre_id:
                self.cadre_view.selectRow(i)
                return

    def _show_households(self) -> None:
        selected = self.cadre_view.selectionModel().selectedRows()
        if not selected:
            self.household_model.set_rows([])
            return
        cadre = self.cadre_model.row_at(selected[0].row())
        self.household_model.set_rows(vs.cadre_households(self.db, cadre.cadre_id, self.month.currentData()))


class FusionTab(QWidget):
    """SPEC §4.4: each settlement point holds at least one 居民融合共建活动 a year; points without one are
    listed first, in red."""

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 6, 4, 4)
        row = QHBoxLayout()
        self.year = QComboBox()
        row.addWidget(QLabel("年份"))
        row.addWidget(self.year)
        self.summary = QLabel("")
        self.summary.setObjectName("CountLabel")
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        row.addSpacing(12)
        row.addWidget(self.summary, 1)
        self.new_button = primary_button("新增活动…")
        self.new_button.setToolTip("登记一次居民融合共建活动（选中一个安置点时为该安置点）")
        self.new_button.setEnabled(not db.readonly)
        self.new_button.clicked.connect(self.add_activity)
        row.addWidget(self.new_button)
        layout.addLayout(row)
        self.model = FusionModel()
        self.view = make_table(self.model, "fusion")
        size_columns(self.view, (160, 90, 80, 110, 110))
        layout.addWidget(self.view, 1)
        hint = QLabel("居民融合共建活动记在“活动”台账中（安置点、日期、类型为居民融合共建活动）。")
        hint.setObjectName("Hint")
        layout.addWidget(hint)
        self.year.currentIndexChanged.connect(lambda _i: self.refresh())

    def add_activity(self) -> int | None:
        """The 活动 form for a 居民融合共建活动 at the selected point; the list counts it once saved."""
        rows = self.view.selectionModel().selectedRows()
        point_id = self.model.row_at(rows[0].row()).point_id if rows else None
        ledger = LEDGERS["activities"]
        form = LedgerForm(self.db, ledger, engine.new_record(ledger, kind=stats.FUSION_ACTIVITY, settlement_point_id=point_id),
                          self, title="新增居民融合共建活动")
        form.exec()
        if form.saved_id is not None:
            self.refresh()
            tell(self, "已保存：居民融合共建活动")
            select_id(self.view, point_id, attr="point_id")
        return form.saved_id

    def refresh(self) -> None:
        self.year.blockSignals(True)
        fill_combo(self.year, ((f"{y}年", y) for y in vs.years_with_visits(self.db)))
        self.year.blockSignals(False)
        rows = vs.fusion_status(self.db, self.year.currentData() or dt.date.today().year)
        self.model.set_rows(rows)
        behind = sum(p.behind for p in rows)
        colour = "#c0392b" if behind else "#2e7d32"
        self.summary.setText(f"安置点 <b>{len(rows)}</b> 个，已开展 <b>{len(rows) - behind}</b> 个，"
                             f"<span style='color:{colour}'><b>尚未开展 {behind} 个</b></span>")


class FusionModel(RowsModel):
    def __init__(self, parent=None) -> None:
        super().__init__([
            Column("安置点", lambda p: p.name), Column("村", lambda p: p.village),
            Column("在册户数", lambda p: p.households, True), Column("本年活动次数", lambda p: p.activities, True),
            Column("最近一次", lambda p: p.last or "尚未开展"),
        ], parent)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.ForegroundRole and index.isValid() and self.rows[index.row()].behind:
            return QBrush(RED)
        return super().data(index, role)


# ------------------------------------------------------------------------------------------ the page


class VisitsPage(QWidget):
    """The 走访 page: this month's figures on top; records, the monthly matrix and per-cadre tabs."""

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        layout = QVBoxLayout(self)
        head = QHBoxLayout()
        head.addWidget(page_title("走访"))
        self.summary = QLabel("")
        self.summary.setObjectName("visit_summary")
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        head.addSpacing(16)
        head.addWidget(self.summary, 1)
        self.record_button = primary_button("记录走访")
        self.record_button.setEnabled(not db.readonly)
        head.addWidget(self.record_button)
        layout.addLayout(head)
        hint = QLabel(VISITS.description + " 每个安置点每年至少开展一次居民融合共建活动。")
        hint.setWordWrap(True)
        hint.setObjectName("Hint")
        layout.addWidget(hint)
        self.tabs = QTabWidget()
        self.records = VisitRecordsPage(db)
        self.matrix = MatrixTab(db)
        self.cadres = CadreTab(db)
        self.tabs.addTab(self.matrix, "月度走访情况")
        self.tabs.addTab(self.records, "走访记录")
        self.tabs.addTab(self.cadres, "按干部查看")
        self.fusion = FusionTab(db)
        self.tabs.addTab(self.fusion, "融合共建活动")
        layout.addWidget(self.tabs, 1)
        self.record_button.clicked.connect(lambda: self.record_visit())
        self.matrix.record_requested.connect(lambda hid: self.record_visit(hid))
        self.records.changed.connect(self.refresh)
        self.tabs.currentChanged.connect(lambda _i: self._refresh_tab())

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.refresh()

    def refresh(self) -> None:
        """Reload this month's figures and the visible tab."""
        month = this_month()
        with self.db.read() as s:
            count = stats.visit_count(s, month)
        behind = count.due - count.done
        colour = "#c0392b" if behind else "#2e7d32"
        self.summary.setText(
            f"本月（{int(month[5:])}月）应走访 <b>{count.due:,}</b> 户，已走访 <b>{count.done:,}</b> 户，"
            f"<span style='color:{colour}'><b>未走访 {behind:,} 户</b></span>")
        self.matrix.reload_choices()
        self._refresh_tab()

    def _refresh_tab(self) -> None:
        tab = self.tabs.currentWidget()
        if tab is self.matrix:
            self.matrix.refresh()
        elif tab is self.cadres:
            self.cadres.refresh()
        elif tab is self.fusion:
            self.fusion.refresh()
        # the records tab refreshes itself when shown

    def record_visit(self, household_id: int | None = None) -> int | None:
        """Open the visit form (for a household: its 包保 cadre proposed); returns the visit's id if saved."""
        record = vs.new_visit(self.db, household_id=household_id)
        form = self.records.form_for(record)
        form.saved.connect(self.records._after_save)
        form.exec()
        if form.saved_id is not None:
            self.refresh()
        return form.saved_id

    def apply_filter(self, *, behind: bool = False, cadre_id: int | None = None) -> None:
        """Show who is behind this month (the dashboard's figure) or one cadre's households."""
        if cadre_id is not None:
            self.tabs.setCurrentWidget(self.cadres)
            self.cadres.refresh()
            self.cadres.select_cadre(cadre_id)
            return
        self.tabs.setCurrentWidget(self.matrix)
        select_data(self.matrix.year, dt.date.today().year)
        select_data(self.matrix.village, None)
        select_data(self.matrix.cadre, None)
        self.matrix.search.clear()
        self.matrix.behind_only.setChecked(behind)
        self.matrix.refresh()
