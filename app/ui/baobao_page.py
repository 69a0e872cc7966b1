"""包保: what breaks the rules of SPEC §4.3 right now (key households without a one-to-one cadre, points
without the leader they need), one-to-one assignment in bulk with history, 分类包保 by department and
reason, and each cadre's load. Every figure is recomputed from the database when the page is shown."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from PySide6.QtCore import QItemSelection, QItemSelectionModel, Qt, QTimer, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app import vocab
from app.db import Database
from app.ledgers import LedgerRefused, engine
from app.services import baobao as bs
from app.services import households as hs
from app.services.visits import month_of
from app.ui.cadre_picker import CadrePicker, cadre_picker
from app.ui.errors import info
from app.ui.ledger_widgets import RED, DateField, ErrorBanner, make_table, size_columns
from app.ui.paged_model import PagedColumn, PagedModel
from app.ui.rows_model import Column, RowsModel, display
from app.ui.widgets import FIRST_STEPS, dialog_buttons, fill_combo, page_title, primary_button, select_data
from app.ui.workers import Background


class ColouredRowsModel(RowsModel):
    """RowsModel whose cells may be coloured: colour(row, column) -> QColor or None (e.g. red for a point
    breaking the rule)."""

    def __init__(self, columns, colour: Callable[[object, int], QColor | None], parent=None) -> None:
        super().__init__(columns, parent)
        self.colour = colour

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.ForegroundRole and index.isValid():
            return self.colour(self.rows[index.row()], index.column())
        if role == Qt.ItemDataRole.ToolTipRole and index.isValid():
            text = display(self.columns[index.column()].value(self.rows[index.row()]))
            return text if len(text) > 10 else None
        return super().data(index, role)


class _FormDialog(QDialog):
    """A small dialog: rows of (label, widget), an error banner, and `action()` run on 确定; a refusal
    keeps the dialog open with its message."""

    def __init__(self, title: str, intro: str, rows: Sequence[tuple[str, QWidget]], action: Callable[[], object],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.action = action
        self.result_value: object = None
        layout = QVBoxLayout(self)
        if intro:
            label = QLabel(intro)
            label.setWordWrap(True)
            layout.addWidget(label)
        self.banner = ErrorBanner()
        layout.addWidget(self.banner)
        form = QFormLayout()
        for text, widget in rows:
            form.addRow(text, widget)
        layout.addLayout(form)
        buttons, self.ok = dialog_buttons(self, self.run, "确定")
        layout.addWidget(buttons)
        self.resize(460, self.sizeHint().height())

    def run(self) -> None:
        try:
            self.result_value = self.action()
        except (LedgerRefused, ValueError) as exc:
            self.banner.show_messages([e.message for e in exc.errors] if isinstance(exc, LedgerRefused) else [str(exc)])
            return
        self.accept()


def _date_or_none(field: DateField) -> dt.date | None:
    try:
        return field.date()
    except ValueError:
        raise ValueError(f"日期格式不对：{field.text()}，请按 年-月-日 填写，例如 2026-05-03") from None


def cadre_combo(db: Database, loads: dict[int, bs.CadreLoad] | None = None) -> QComboBox:
    """Active cadres (searchable), each with its current load so the clerk can spread the work."""

    def label(c) -> str:
        load = loads.get(c.id) if loads else None
        extra = f"，已包保 {load.households} 户" if load and load.households else ""
        return c.label[:-1] + extra + "）" if extra else c.label

    combo = cadre_picker(db, label=label)
    combo.setMinimumContentsLength(18)
    return combo


class HistoryDialog(QDialog):
    def __init__(self, title: str, entries: list[bs.HistoryEntry], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        layout = QVBoxLayout(self)
        model = RowsModel([Column("包保方式", lambda e: e.kind), Column("包保干部/单位", lambda e: e.who),
                           Column("开始日期", lambda e: e.start), Column("结束日期", lambda e: e.end or "至今")])
        model.set_rows(entries)
        view = make_table(model, "history")
        size_columns(view, (90, 200, 100))
        layout.addWidget(view)
        if not entries:
            layout.addWidget(QLabel("该户还没有包保记录。"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("关闭")
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(560, 320)


# ------------------------------------------------------------------------------------------ the page


class BaobaoPage(QWidget):
    """The 包保 page. `changed()` after any assignment changes."""

    changed = Signal()
    loaded = Signal(int)  # households listed in the one-to-one tab, after each query

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.background = Background(self)
        self.coverage: bs.Coverage | None = None
        layout = QVBoxLayout(self)
        head = QHBoxLayout()
        head.addWidget(page_title("包保"))
        self.summary = QLabel("")
        self.summary.setObjectName("baobao_summary")
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.summary.setWordWrap(True)
        head.addSpacing(16)
        head.addWidget(self.summary, 1)
        layout.addLayout(head)
        rule = QLabel("50户以上集中安置点由镇级主要领导牵头包保，其他安置点由联系村党政班子成员（或以上）包保；"
                      "“三特户”“三无户”由镇、村干部一对一包保；镇属部门对因病、因学等困难实行分类包保。")
        rule.setObjectName("Hint")
        rule.setWordWrap(True)
        layout.addWidget(rule)
        self.tabs = QTabWidget()
        self.tabs.addTab(self._build_coverage_tab(), "落实情况")
        self.tabs.addTab(self._build_households_tab(), "一对一包保")
        self.tabs.addTab(self._build_units_tab(), "分类包保")
        self.tabs.addTab(self._build_loads_tab(), "干部包保量")
        layout.addWidget(self.tabs, 1)
        self.tabs.currentChanged.connect(lambda _i: self._refresh_tab())
        for b in (self.assign_uncovered_button, self.assign_point_button, self.assign_button, self.end_button,
                  self.unit_button, self.end_unit_button):
            b.setEnabled(not db.readonly)

    # -------------------------------------------------------------------------------- tabs

    def _build_coverage_tab(self) -> QWidget:
        tab = QWidget()
        layout = QHBoxLayout(tab)
        left = QVBoxLayout()
        self.uncovered_title = QLabel("未落实一对一包保的重点户")
        self.uncovered_title.setObjectName("SectionTitle")
        self.uncovered_title.setStyleSheet("font-weight: bold;")
        row = QHBoxLayout()
        row.addWidget(self.uncovered_title, 1)
        self.assign_uncovered_button = primary_button("指定包保干部…")
        row.addWidget(self.assign_uncovered_button)
        left.addLayout(row)
        self.uncovered_model = RowsModel([
            Column("户", lambda h: h.label), Column("村", lambda h: h.village), Column("安置点", lambda h: h.point),
            Column("重点户类型", lambda h: h.tags),
        ])
        self.uncovered_view = make_table(self.uncovered_model, "uncovered")
        self.uncovered_view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        size_columns(self.uncovered_view, (150, 60, 120))
        left.addWidget(self.uncovered_view, 1)
        self.double_label = QLabel("")
        self.double_label.setObjectName("ErrorText")
        self.double_label.setWordWrap(True)
        self.double_label.hide()
        left.addWidget(self.double_label)
        right = QVBoxLayout()
        row = QHBoxLayout()
        self.points_title = QLabel("安置点包保")
        self.points_title.setStyleSheet("font-weight: bold;")
        row.addWidget(self.points_title, 1)
        self.point_history_button = QPushButton("包保记录")
        self.assign_point_button = primary_button("安排包保干部…")
        row.addWidget(self.point_history_button)
        row.addWidget(self.assign_point_button)
        right.addLayout(row)
        self.points_model = ColouredRowsModel([
            Column("安置点", lambda p: p.name), Column("村", lambda p: p.village),
            Column("在册户数", lambda p: p.households, True),
            Column("要求", lambda p: "镇级主要领导" if p.required == bs.TOWN_LEADER else "联系村领导或以上"),
            Column("情况", lambda p: "✓ 符合" if p.ok else "✗ 未落实"), Column("包保干部", lambda p: p.leaders),
        ], lambda p, _c: RED if not p.ok else None)
        self.points_view = make_table(self.points_model, "points")
        size_columns(self.points_view, (120, 58, 64, 120, 70))
        right.addWidget(self.points_view, 1)
        splitter = QSplitter()
        lw, rw = QWidget(), QWidget()
        lw.setLayout(left)
        rw.setLayout(right)
        left.setContentsMargins(0, 0, 4, 0)
        right.setContentsMargins(4, 0, 0, 0)
        splitter.addWidget(lw)
        splitter.addWidget(rw)
        splitter.setSizes([520, 640])
        layout.addWidget(splitter)
        self.assign_uncovered_button.clicked.connect(self.assign_uncovered)
        self.assign_point_button.clicked.connect(self.assign_point)
        self.point_history_button.clicked.connect(self.point_history)
        self.points_view.doubleClicked.connect(lambda _i: self.assign_point())
        self.uncovered_view.doubleClicked.connect(lambda _i: self.assign_uncovered())
        return tab

    def _build_households_tab(self) -> QWidget:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        row = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setPlaceholderText("搜索姓名、身份证号、电话、档案编号")
        self.search.setClearButtonEnabled(True)
        self.village = QComboBox()
        self.key_group = QComboBox()
        fill_combo(self.key_group, ((g, g) for g in hs.KEY_GROUP_FILTERS), blank="全部户")
        select_data(self.key_group, hs.KEY_GROUP_ANY)
        self.cover = QComboBox()
        self.cover.setObjectName("coverage_filter")
        fill_combo(self.cover, ((c, c) for c in bs.COVERAGE_FILTERS), blank="全部")
        self.cadre_filter = CadrePicker()
        row.addWidget(self.search, 2)
        for label, combo in (("村", self.village), ("户类型", self.key_group), ("包保", self.cover),
                             ("包保干部", self.cadre_filter)):
            row.addWidget(QLabel(label))
            row.addWidget(combo, 1)
        layout.addLayout(row)
        row = QHBoxLayout()
        self.count_label = QLabel("")
        self.count_label.setObjectName("CountLabel")
        self.count_label.setWordWrap(True)
        row.addWidget(self.count_label, 1)
        self.history_button = QPushButton("包保记录")
        self.end_button = QPushButton("结束包保…")
        self.unit_button = QPushButton("分类包保…")
        self.assign_button = primary_button("指定包保干部…")
        for b in (self.history_button, self.end_button, self.unit_button, self.assign_button):
            row.addWidget(b)
        layout.addLayout(row)
        columns = [
            PagedColumn("档案编号", lambda r: r.archive_no, 84), PagedColumn("户主", lambda r: r.head_name, 70),
            PagedColumn("村", lambda r: r.village, 64), PagedColumn("安置点", lambda r: r.point, 120),
            PagedColumn("重点户类型", lambda r: r.tags, 170), PagedColumn("一对一包保干部", lambda r: r.cadre or "未落实", 110),
            PagedColumn("包保开始", lambda r: display(r.since), 90), PagedColumn("分类包保", lambda r: r.units, 160),
        ]
        self.household_model = PagedModel(
            columns, lambda ids: bs.fetch_households(self.db, ids),
            colour=lambda r: RED if not r.cadre and r.tags else None, key=lambda r: r.household_id, parent=self)
        self.household_view = make_table(self.household_model, "baobao_households")
        self.household_view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        for i, c in enumerate(columns):
            self.household_view.setColumnWidth(i, c.width)
        layout.addWidget(self.household_view, 1)
        hint = QLabel("按住 Ctrl 或 Shift 可选择多户，一次指定同一名包保干部；改派时原包保在新包保开始之日结束，记录保留。")
        hint.setObjectName("Hint")
        layout.addWidget(hint)
        self.debounce = QTimer(self)
        self.debounce.setSingleShot(True)
        self.debounce.setInterval(200)
        self.debounce.timeout.connect(self.refresh_households)
        self.search.textChanged.connect(lambda _t: self.debounce.start())
        for combo in (self.village, self.key_group, self.cover, self.cadre_filter):
            combo.currentIndexChanged.connect(lambda _i: self.refresh_households())
        self.assign_button.clicked.connect(self.assign_selected)
        self.end_button.clicked.connect(self.end_selected)
        self.unit_button.clicked.connect(self.unit_selected)
        self.history_button.clicked.connect(self.history_selected)
        self.household_view.doubleClicked.connect(lambda _i: self.history_selected())
        return tab

    def _build_units_tab(self) -> QWidget:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        row = QHBoxLayout()
        self.unit_filter = QComboBox()
        self.reason_filter = QComboBox()
        fill_combo(self.reason_filter, ((r, r) for r in vocab.UNIT_BAOBAO_REASONS), blank="全部原因")
        row.addWidget(QLabel("包保单位"))
        row.addWidget(self.unit_filter, 1)
        row.addWidget(QLabel("原因"))
        row.addWidget(self.reason_filter, 1)
        self.unit_count = QLabel("")
        self.unit_count.setObjectName("CountLabel")
        row.addWidget(self.unit_count, 2)
        self.end_unit_button = QPushButton("结束选中的分类包保…")
        row.addWidget(self.end_unit_button)
        layout.addLayout(row)
        self.unit_model = RowsModel([
            Column("包保单位", lambda a: a.unit), Column("原因", lambda a: a.reason), Column("户", lambda a: a.household),
            Column("村", lambda a: a.village), Column("开始日期", lambda a: a.start),
        ])
        self.unit_view = make_table(self.unit_model, "unit_assignments")
        self.unit_view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        size_columns(self.unit_view, (120, 70, 170, 80))
        layout.addWidget(self.unit_view, 1)
        hint = QLabel("新增分类包保：在“一对一包保”中选择户后点“分类包保…”。")
        hint.setObjectName("Hint")
        layout.addWidget(hint)
        self.unit_filter.currentIndexChanged.connect(lambda _i: self.refresh_units())
        self.reason_filter.currentIndexChanged.connect(lambda _i: self.refresh_units())
        self.end_unit_button.clicked.connect(self.end_unit_selected)
        return tab

    def _build_loads_tab(self) -> QWidget:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        self.load_model = ColouredRowsModel([
            Column("干部", lambda c: c.name), Column("职级", lambda c: c.rank), Column("单位", lambda c: c.unit),
            Column("一对一包保户", lambda c: c.households, True), Column("其中重点户", lambda c: c.key_households, True),
            Column("本月已走访", lambda c: c.visited, True), Column("包保安置点", lambda c: c.points),
        ], lambda c, _c: QColor("#8a8a8a") if not c.active else None)
        self.load_view = make_table(self.load_model, "loads")
        size_columns(self.load_view, (70, 130, 100, 96, 80, 80))
        layout.addWidget(self.load_view, 1)
        hint = QLabel("灰色为已停用的干部（仍有包保记录）。")
        hint.setObjectName("Hint")
        layout.addWidget(hint)
        return tab

    # -------------------------------------------------------------------------------- loading

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.refresh()

    def refresh(self) -> None:
        """Recompute the rules and reload the visible tab (called when shown and after each change)."""
        self._reload_choices()
        self.coverage = bs.coverage(self.db)
        c = self.coverage
        self.uncovered_model.set_rows(c.uncovered)
        self.points_model.set_rows(sorted(c.points, key=lambda p: (p.ok, p.village, p.name)))
        self.uncovered_title.setText(f"未落实一对一包保的重点户（{len(c.uncovered)} 户）")
        failing = len(c.failing_points)
        self.points_title.setText(f"安置点包保（{len(c.points)} 个，未落实 {failing} 个）")
        if c.double:
            names = "、".join(h.label for h in c.double[:10])
            self.double_label.setText(f"以下 {len(c.double)} 户同时有两名以上一对一包保干部，请结束多余的包保：{names}")
            self.double_label.show()
        else:
            self.double_label.hide()
        bad = "#c0392b"
        ok = "#2e7d32"
        big = c.big_points
        big_bad = sum(not p.ok for p in big)
        self.summary.setText(
            f"重点户 <b>{c.key_households:,}</b> 户，"
            f"<span style='color:{bad if c.uncovered else ok}'><b>未落实一对一包保 {len(c.uncovered):,} 户</b></span>；"
            f"50户以上集中安置点 <b>{len(big)}</b> 个，"
            f"<span style='color:{bad if big_bad else ok}'><b>缺镇级主要领导包保 {big_bad} 个</b></span>；"
            f"其他安置点未落实 <span style='color:{bad if failing - big_bad else ok}'><b>{failing - big_bad}</b></span> 个")
        self._refresh_tab()

    def _reload_choices(self) -> None:
        for combo, ref, blank in ((self.village, "village", "全部村"), (self.cadre_filter, "cadre", "全部干部"),
                                  (self.unit_filter, "unit", "全部单位")):
            combo.blockSignals(True)
            fill_combo(combo, ((c.label, c.id) for c in engine.ref_choices(self.db, ref)), blank=blank)
            combo.blockSignals(False)

    def _refresh_tab(self) -> None:
        index = self.tabs.currentIndex()
        if index == 1:
            self.refresh_households()
        elif index == 2:
            self.refresh_units()
        elif index == 3:
            self.load_model.set_rows(bs.cadre_loads(self.db, month_of(dt.date.today())))

    def household_query(self) -> bs.HouseholdQuery:
        return bs.HouseholdQuery(text=self.search.text(), village_id=self.village.currentData(),
                                 key_group=self.key_group.currentData(), coverage=self.cover.currentData(),
                                 cadre_id=self.cadre_filter.currentData())

    def refresh_households(self) -> None:
        self.debounce.stop()
        db, q = self.db, self.household_query()
        self.background.submit(lambda: bs.query_households(db, q), self._show_households)

    def _show_households(self, ids: list[int]) -> None:
        selected = set(self.selected_households())
        self.household_model.set_ids(ids)
        if ids:
            self.count_label.setText(f"共 {len(ids):,} 户")
        elif hs.has_households(self.db):
            self.count_label.setText("没有符合筛选条件的户：请修改搜索内容或筛选条件。")
        else:
            self.count_label.setText("还没有户档案，无户可包保。" + FIRST_STEPS)
        if selected:
            # One selection of row ranges (not a call per row: thousands may be selected).
            selection = QItemSelection()
            last = self.household_model.columnCount() - 1
            rows = [i for i, hid in enumerate(ids) if hid in selected]
            start = prev = rows[0] if rows else None
            for r in rows[1:] + [None]:
                if r is not None and r == prev + 1:
                    prev = r
                    continue
                selection.select(self.household_model.index(start, 0), self.household_model.index(prev, last))
                start = prev = r
            if rows:
                self.household_view.selectionModel().select(
                    selection, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        self.loaded.emit(len(ids))

    def refresh_units(self) -> None:
        rows = bs.unit_assignments(self.db, unit_id=self.unit_filter.currentData(),
                                   reason=self.reason_filter.currentData())
        self.unit_model.set_rows(rows)
        self.unit_count.setText(f"共 {len(rows):,} 条，{len({r.household_id for r in rows}):,} 户")

    def apply_filter(self, *, uncovered: bool = False, points: bool = False, cadre_id: int | None = None) -> None:
        """Show the list behind a dashboard figure: uncovered key households or points breaking the rule
        (the 落实情况 tab), or one cadre's households."""
        if cadre_id is not None:
            self.tabs.setCurrentIndex(1)
            for combo, value in ((self.cover, None), (self.village, None), (self.key_group, None)):
                combo.blockSignals(True)
                select_data(combo, value)
                combo.blockSignals(False)
            select_data(self.cadre_filter, cadre_id)
            self.refresh_households()
            return
        self.tabs.setCurrentIndex(0)
        self.refresh()
        (self.points_view if points else self.uncovered_view).setFocus()

    # -------------------------------------------------------------------------------- actions

    def selected_households(self) -> list[int]:
        rows = sorted({i.row() for i in self.household_view.selectionModel().selectedRows()})
        return [self.household_model.id_at(r) for r in rows]

    def _after_change(self) -> None:
        self.household_model.invalidate()
        self.refresh()
        self.changed.emit()

    def _assign(self, household_ids: list[int], title: str) -> object:
        if not household_ids:
            info(self, "包保", "请先选择要包保的户（可按住 Ctrl 或 Shift 多选）。")
            return None
        loads = {c.cadre_id: c for c in bs.cadre_loads(self.db, month_of(dt.date.today()))}
        cadre = cadre_combo(self.db, loads)
        start = DateField(dt.date.today())
        start.setObjectName("start")
        dialog = _FormDialog(
            title, f"为选中的 {len(household_ids)} 户指定一对一包保干部。已有包保干部的户将改派，原包保在开始日期结束。",
            [("* 包保干部：", cadre), ("* 包保开始日期：", start)],
            lambda: bs.assign_households(self.db, household_ids, cadre.currentData(), _date_or_none(start)), self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            r: bs.AssignResult = dialog.result_value
            self._after_change()
            parts = [f"新落实 {r.assigned} 户"] + ([f"改派 {r.reassigned} 户"] if r.reassigned else []) \
                + ([f"{r.unchanged} 户原本就由该干部包保"] if r.unchanged else [])
            self.window().statusBar().showMessage("包保已保存：" + "，".join(parts), 8000) \
                if hasattr(self.window(), "statusBar") else None
            return r
        return None

    def assign_uncovered(self) -> object:
        rows = sorted({i.row() for i in self.uncovered_view.selectionModel().selectedRows()})
        return self._assign([self.uncovered_model.row_at(r).household_id for r in rows], "指定一对一包保干部")

    def assign_selected(self) -> object:
        return self._assign(self.selected_households(), "指定一对一包保干部")

    def end_selected(self) -> None:
        ids = self.selected_households()
        if not ids:
            info(self, "包保", "请先选择要结束包保的户。")
            return
        end = DateField(dt.date.today())
        dialog = _FormDialog("结束一对一包保", f"结束选中 {len(ids)} 户的一对一包保（记录保留）。重点户结束后会列为未落实。",
                             [("* 结束日期：", end)],
                             lambda: bs.end_households(self.db, ids, _date_or_none(end)), self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self._after_change()

    def unit_selected(self) -> None:
        ids = self.selected_households()
        if not ids:
            info(self, "分类包保", "请先选择户。")
            return
        unit = QComboBox()
        fill_combo(unit, ((c.label, c.id) for c in engine.ref_choices(self.db, "unit")), blank="（请选择单位）")
        reason = QComboBox()
        fill_combo(reason, ((r, r) for r in vocab.UNIT_BAOBAO_REASONS), blank="（请选择原因）")
        start = DateField(dt.date.today())
        dialog = _FormDialog("分类包保", f"由镇属部门对选中的 {len(ids)} 户按困难原因实行分类包保。",
                             [("* 包保单位：", unit), ("* 包保原因：", reason), ("* 开始日期：", start)],
                             lambda: bs.assign_unit(self.db, ids, unit.currentData(), reason.currentData(),
                                                    _date_or_none(start)), self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self._after_change()

    def end_unit_selected(self) -> None:
        rows = sorted({i.row() for i in self.unit_view.selectionModel().selectedRows()})
        ids = [self.unit_model.row_at(r).id for r in rows]
        if not ids:
            info(self, "分类包保", "请先选择要结束的分类包保。")
            return
        end = DateField(dt.date.today())
        dialog = _FormDialog("结束分类包保", f"结束选中的 {len(ids)} 条分类包保（记录保留）。", [("* 结束日期：", end)],
                             lambda: bs.end_unit_assignments(self.db, ids, _date_or_none(end)), self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self._after_change()

    def history_selected(self) -> None:
        ids = self.selected_households()
        if not ids:
            info(self, "包保", "请先选择一户。")
            return
        row = self.household_model.row(self.household_view.selectionModel().selectedRows()[0].row())
        HistoryDialog(f"包保记录 — {row.head_name}（{row.archive_no}）", bs.household_history(self.db, ids[0]),
                      self).exec()

    def _selected_point(self) -> bs.PointCoverage | None:
        rows = self.points_view.selectionModel().selectedRows()
        return self.points_model.row_at(rows[0].row()) if rows else None

    def assign_point(self) -> object:
        point = self._selected_point()
        if point is None:
            info(self, "安置点包保", "请先在右侧列表中选择一个安置点。")
            return None
        cadre = cadre_combo(self.db)
        role = QComboBox()
        fill_combo(role, ((r, r) for r in bs.POINT_ROLES))
        start = DateField(dt.date.today())
        need = "镇级主要领导" if point.required == bs.TOWN_LEADER else "联系村党政班子成员（或以上）"
        current = point.leaders or "暂无"
        dialog = _FormDialog(
            "安排安置点包保干部",
            f"{point.village}·{point.name}（在册 {point.households} 户）应由{need}牵头包保。现包保：{current}。"
            f"新的牵头干部从开始日期起接替原牵头干部。",
            [("* 包保干部：", cadre), ("* 角色：", role), ("* 开始日期：", start)],
            lambda: bs.assign_point(self.db, point.point_id, cadre.currentData(), role.currentData(),
                                    _date_or_none(start)), self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self._after_change()
            return dialog.result_value
        return None

    def point_history(self) -> None:
        point = self._selected_point()
        if point is None:
            info(self, "安置点包保", "请先在右侧列表中选择一个安置点。")
            return
        rows = bs.point_assignments(self.db, point.point_id)
        entries = [bs.HistoryEntry(a.role, f"{a.cadre}（{a.rank}）", a.start, a.end) for a in rows]
        dialog = HistoryDialog(f"安置点包保记录 — {point.name}", entries, self)
        current = [a for a in rows if a.end is None]
        if current and not self.db.readonly:
            end_button = QPushButton("结束选中的包保…")
            dialog.layout().insertWidget(1, end_button)
            view = dialog.findChild(type(self.points_view), "history")

            def end_selected() -> None:
                picked = view.selectionModel().selectedRows()
                if not picked:
                    return
                a = rows[picked[0].row()]
                if a.end is not None:
                    return
                end = DateField(dt.date.today())
                sub = _FormDialog("结束安置点包保", f"结束{a.cadre}对{point.name}的包保（记录保留）。",
                                  [("* 结束日期：", end)],
                                  lambda: bs.end_point_assignment(self.db, a.id, _date_or_none(end)), dialog)
                if sub.exec() == QDialog.DialogCode.Accepted:
                    dialog.accept()
                    self._after_change()

            end_button.clicked.connect(end_selected)
            lead_button = QPushButton("改为牵头/成员…")
            lead_button.setObjectName("point_role_button")
            dialog.layout().insertWidget(2, lead_button)

            def change_role() -> None:
                picked = view.selectionModel().selectedRows()
                if not picked:
                    info(dialog, "安置点包保", "请先选择一条现在的包保。")
                    return
                a = rows[picked[0].row()]
                if a.end is not None:
                    info(dialog, "安置点包保", "这条包保已结束，请选择现在的包保。")
                    return
                new_role = bs.POINT_ROLES[1] if a.role == bs.POINT_ROLES[0] else bs.POINT_ROLES[0]
                start = DateField(dt.date.today())
                sub = _FormDialog("改变包保角色", f"{a.cadre}（{a.rank}）在{point.name}的包保角色由“{a.role}”改为"
                                  f"“{new_role}”。改为牵头时，原牵头干部转为成员。记录保留。",
                                  [("* 开始日期：", start)],
                                  lambda: bs.set_point_role(self.db, a.id, new_role, _date_or_none(start)), dialog)
                if sub.exec() == QDialog.DialogCode.Accepted:
                    dialog.accept()
                    self._after_change()

            lead_button.clicked.connect(change_role)
        dialog.exec()
