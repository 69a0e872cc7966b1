"""年度计划 / 发展规划: the plan's items under the eight focus areas with completion computed from monthly
progress, and the 责任分解 by unit or person beside them, so that "what is 镇人社中心 behind on this month"
is one click: pick the month, click the unit, the items left are its items, the behind ones in red."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app import vocab
from app.db import Database
from app.ledgers import LedgerRefused, engine
from app.services import plan_measures, plan_sheet
from app.services import plans as ps
from app.ui import file_dialogs
from app.ui.cadre_picker import CadrePicker
from app.ui.errors import confirm, info
from app.ui.feedback import FILTER_CLEARED, select_id, tell
from app.ui.ledger_widgets import DateField, ErrorBanner, make_table, size_columns
from app.ui.rows_model import Column, RowsModel
from app.ui.widgets import (
    dialog_buttons,
    fill_combo,
    page_title,
    primary_button,
    select_data,
    set_invalid,
)

RED, GREEN = QColor("#c0392b"), QColor("#1e7b34")


def qty(value: Decimal) -> str:
    return f"{value.normalize():f}" if value == value.to_integral() else f"{value:.2f}"


def state_text(st: ps.ItemStatus) -> str:
    if st.completion >= 1:
        return "已完成"
    if st.overdue:
        return "逾期未完成"
    if st.behind:
        return f"落后（差 {qty(st.shortfall)}）"
    return "正常推进"


class ItemsModel(RowsModel):
    """The plan items; behind or overdue ones in red, complete ones in green."""

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.ForegroundRole and index.isValid():
            st: ps.ItemStatus = self.rows[index.row()]
            if st.completion >= 1:
                return QBrush(GREEN)
            if st.behind or st.overdue:
                return QBrush(RED)
            return None
        return super().data(index, role)


ITEM_COLUMNS = [
    Column("所属领域", lambda r: r.focus_area), Column("任务内容", lambda r: r.title),
    Column("目标", lambda r: f"{qty(r.target)} {r.target_unit}", True),
    Column("累计完成", lambda r: qty(r.done), True), Column("完成率", lambda r: r.percent, True),
    Column("本月完成", lambda r: qty(r.this_month) if r.this_month else "", True),
    Column("应完成", lambda r: qty((r.target * r.expected).quantize(Decimal("0.01"))), True),
    Column("推进情况", state_text), Column("进度来源", lambda r: r.source),
    Column("责任单位", lambda r: r.unit), Column("责任人", lambda r: r.person),
    Column("完成时限", lambda r: r.deadline),
]
ITEM_WIDTHS = [64, 160, 76, 60, 50, 60, 60, 116, 110, 86, 60, 80]


class ItemDialog(QDialog):
    """Add or edit a plan item; every missing field is named."""

    def __init__(self, db: Database, data: ps.ItemData, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db, self.data, self.saved_id = db, data, None
        self.setWindowTitle("编辑计划任务" if data.id else "新增计划任务")
        layout = QVBoxLayout(self)
        self.banner = ErrorBanner()
        layout.addWidget(self.banner)
        form = QFormLayout()
        self.focus = QComboBox()
        fill_combo(self.focus, ((a, a) for a in vocab.FOCUS_AREAS), blank="（请选择）")
        select_data(self.focus, data.focus_area or None)
        self.title = QLineEdit(data.title)
        self.target = QLineEdit("" if data.target_value is None else qty(Decimal(str(data.target_value))))
        self.target.setPlaceholderText("例如 200")
        self.target_unit = QLineEdit(data.target_unit)
        self.target_unit.setPlaceholderText("人次、户、个……")
        self.unit = QComboBox()
        fill_combo(self.unit, ((c.label, c.id) for c in engine.ref_choices(db, "unit", keep=[data.unit_id])),
                   blank="（请选择）")
        select_data(self.unit, data.unit_id)
        self.cadre = CadrePicker()
        fill_combo(self.cadre, ((c.label, c.id) for c in engine.ref_choices(db, "cadre",
                                                                             keep=[data.responsible_cadre_id])),
                   blank="（不选）")
        select_data(self.cadre, data.responsible_cadre_id)
        self.person = QLineEdit(data.responsible_person)
        self.person.setPlaceholderText("责任人不在干部名单中时填写")
        self.deadline = DateField(data.deadline)
        self.measure = QComboBox()
        self.measure.setObjectName("plan_measure")
        fill_combo(self.measure, [(f"{plan_measures.TYPED}（每月填报进度）", "")]
                   + [(m.label, m.code) for m in plan_measures.MEASURES])
        select_data(self.measure, data.measure or "")
        self.measure.setToolTip("选择台账后，完成情况按台账记录自动统计（自1月1日起），不再手填")
        self.notes = QPlainTextEdit(data.notes)
        self.notes.setFixedHeight(54)
        self.widgets = {"focus_area": self.focus, "title": self.title, "target_value": self.target,
                        "unit_id": self.unit}
        for label, w in (("* 所属领域", self.focus), ("* 任务内容", self.title), ("* 目标值", self.target),
                         ("计量单位", self.target_unit), ("* 责任单位", self.unit), ("责任人", self.cadre),
                         ("其他责任人", self.person), ("完成时限", self.deadline), ("进度来源", self.measure),
                         ("备注", self.notes)):
            form.addRow(label + "：", w)
        self.deadline.setFixedWidth(170)
        layout.addLayout(form)
        layout.addStretch(1)
        buttons, self.save_button = dialog_buttons(self, self.save, "保存")
        layout.addWidget(buttons)
        self.resize(560, 430)

    def save(self) -> None:
        try:
            deadline = self.deadline.date()
        except ValueError:
            self.banner.show_messages(["“完成时限”不是有效日期，请按 年-月-日 填写"])
            return
        d = ps.ItemData(self.data.plan_id, self.focus.currentData() or "", self.title.text(), self.target.text(),
                        self.target_unit.text(), self.unit.currentData(), self.cadre.currentData(), self.person.text(),
                        deadline, self.notes.toPlainText(), self.data.id, self.measure.currentData() or "")
        try:
            self.saved_id = ps.save_item(self.db, d)
        except LedgerRefused as exc:
            self.banner.show_messages([e.message for e in exc.errors])
            bad = {e.field for e in exc.errors}
            for key, w in self.widgets.items():
                set_invalid(w, key in bad)
            return
        self.accept()


class ProgressDialog(QDialog):
    """填报进度: what an item achieved in one month, with a note; earlier months listed below."""

    def __init__(self, db: Database, item: ps.ItemStatus, month: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db, self.item, self.saved = db, item, False
        self.setWindowTitle("填报进度")
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"<b>{item.title}</b>　目标 {qty(item.target)} {item.target_unit}，"
                                f"已完成 {qty(item.done)}（{item.percent}）"))
        self.banner = ErrorBanner()
        layout.addWidget(self.banner)
        form = QFormLayout()
        self.month = QLineEdit(month)
        self.value = QLineEdit()
        self.value.setPlaceholderText(f"本月完成的{item.target_unit or '数量'}")
        self.note = QLineEdit()
        form.addRow("* 月份：", self.month)
        form.addRow("* 本月完成：", self.value)
        form.addRow("进展说明：", self.note)
        layout.addLayout(form)
        history = ps.progress_of(db, item.id)
        if history:
            layout.addWidget(QLabel("已填报：" + "；".join(f"{p.month} {qty(p.value)}" for p in history)))
        buttons, self.save_button = dialog_buttons(self, self.save, "保存")
        layout.addWidget(buttons)
        self.resize(520, 240)

    def save(self) -> None:
        try:
            ps.record_progress(self.db, self.item.id, self.month.text().strip(), self.value.text().strip() or "x",
                               self.note.text())
        except LedgerRefused as exc:
            self.banner.show_messages([e.message.replace("“x”", "空白") for e in exc.errors])
            return
        self.saved = True
        self.accept()


class PlanPage(QWidget):
    """年度计划 / 发展规划 with the 责任分解. `loaded` after each refresh."""

    loaded = Signal()

    def __init__(self, db: Database, parent: QWidget | None = None, *, today: dt.date | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.today = today or dt.date.today()
        layout = QVBoxLayout(self)
        head = QHBoxLayout()
        head.addWidget(page_title("年度计划"))
        head.addStretch(1)
        self.new_button = primary_button("新增任务")
        self.edit_button = QPushButton("编辑")
        self.progress_button = QPushButton("填报进度")
        self.delete_button = QPushButton("删除")
        for b in (self.new_button, self.edit_button, self.progress_button, self.delete_button):
            b.setEnabled(not db.readonly)
            head.addWidget(b)
        self.print_button = QPushButton("打印责任分解表…")
        self.print_button.clicked.connect(self.save_breakdown)
        head.addWidget(self.print_button)
        layout.addLayout(head)
        hint = QLabel("任务按八个紧盯分类；关联了台账的任务按台账记录自动统计完成情况，其余按每月填报的进度（手填）计算；"
                      "红色为至本月落后或逾期的任务。"
                      "点左侧的责任单位或责任人，只看其任务。")
        hint.setObjectName("Hint")
        hint.setWordWrap(True)
        layout.addWidget(hint)

        row = QHBoxLayout()
        self.year = QComboBox()
        years = sorted(set(ps.plan_years(db)) | {self.today.year}, reverse=True)
        fill_combo(self.year, ((f"{y}年", y) for y in years))
        self.kind = QComboBox()
        fill_combo(self.kind, ((k, k) for k in vocab.PLAN_KINDS))
        self.month = QComboBox()
        self.focus = QComboBox()
        fill_combo(self.focus, ((a, a) for a in vocab.FOCUS_AREAS), blank="全部领域")
        self.by = QComboBox()
        fill_combo(self.by, (("按责任单位分解", "unit"), ("按责任人分解", "person")))
        for label, w in (("年度", self.year), ("类型", self.kind), ("截至月份", self.month), ("领域", self.focus),
                         ("", self.by)):
            if label:
                row.addWidget(QLabel(label))
            row.addWidget(w)
        row.addStretch(1)
        self.show_all = QPushButton("显示全部任务")
        row.addWidget(self.show_all)
        layout.addLayout(row)
        self.summary = QLabel("")
        self.summary.setObjectName("plan_summary")
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)

        self.groups_model = RowsModel([
            Column("责任单位", lambda g: g.name), Column("任务", lambda g: g.items, True),
            Column("落后", lambda g: g.behind or "", True), Column("逾期", lambda g: g.overdue or "", True),
            Column("完成率", lambda g: f"{g.average * 100:.0f}%", True),
        ], self)
        self.groups_view = make_table(self.groups_model, "plan_groups")
        size_columns(self.groups_view, [110, 40, 40, 40, 56])
        self.items_model = ItemsModel(ITEM_COLUMNS, self)
        self.items_view = make_table(self.items_model, "plan_items")
        size_columns(self.items_view, ITEM_WIDTHS)
        self.items_view.setWordWrap(False)
        self.detail = QLabel("")
        self.detail.setObjectName("plan_detail")
        self.detail.setWordWrap(True)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        self.items_title = QLabel("全部任务")
        self.items_title.setObjectName("SectionTitle")
        right_layout.addWidget(self.items_title)
        right_layout.addWidget(self.items_view, 1)
        right_layout.addWidget(self.detail)
        split = QSplitter()
        split.addWidget(self.groups_view)
        split.addWidget(right)
        split.setSizes([300, 1000])
        layout.addWidget(split, 1)

        self.selected_group: str | None = None
        self.statuses: list[ps.ItemStatus] = []
        self._fill_months()
        self.year.currentIndexChanged.connect(lambda _i: (self._fill_months(), self.refresh()))
        for w in (self.kind, self.month, self.focus, self.by):
            w.currentIndexChanged.connect(lambda _i: self.refresh())
        self.by.currentIndexChanged.connect(lambda _i: self.pick_group(None))
        self.groups_view.clicked.connect(lambda index: self.pick_group(self.groups_model.row_at(index.row()).name))
        self.show_all.clicked.connect(lambda: self.pick_group(None))
        self.items_view.doubleClicked.connect(lambda _i: self.edit_selected())
        self.items_view.selectionModel().selectionChanged.connect(lambda *_: self._show_detail())
        self.new_button.clicked.connect(self.new_item)
        self.edit_button.clicked.connect(self.edit_selected)
        self.progress_button.clicked.connect(self.enter_progress)
        self.delete_button.clicked.connect(self.delete_selected)

    def _fill_months(self) -> None:
        year = self.year.currentData() or self.today.year
        last = 12 if year < self.today.year else (self.today.month if year == self.today.year else 1)
        self.month.blockSignals(True)
        fill_combo(self.month, ((f"{m}月", ps.month_text(year, m)) for m in range(1, 13)))
        self.month.setCurrentIndex(last - 1)
        self.month.blockSignals(False)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.refresh()

    @property
    def month_value(self) -> str:
        return self.month.currentData() or ps.month_text(self.today.year, self.today.month)

    def refresh(self) -> None:
        year = self.year.currentData() or self.today.year
        self.statuses = ps.item_statuses(self.db, year, self.month_value, kind=self.kind.currentData(),
                                         focus_area=self.focus.currentData(), today=self.today)
        by = self.by.currentData() or "unit"
        self.groups = ps.decompose(self.statuses, by)
        self.groups_model.columns[0] = Column("责任单位" if by == "unit" else "责任人", lambda g: g.name)
        self.groups_model.set_rows(self.groups)
        n = len(self.statuses)
        complete = sum(s.completion >= 1 for s in self.statuses)
        behind = sum(s.behind for s in self.statuses)
        areas = ps.by_focus_area(self.statuses)
        area_text = "　".join(f"{a} {c * 100:.0f}%" for a, (k, c) in areas.items() if k)
        if not n:
            self.summary.setText(f"{year}年{self.kind.currentData()}：暂无任务。点“新增任务”把年度计划的任务逐项录入，"
                                 "每月填报进度后自动计算完成率。")
        else:
            avg = sum((s.completion for s in self.statuses), Decimal(0)) / n * 100
            self.summary.setText(
                f"{year}年{self.kind.currentData()}：任务 <b>{n}</b> 项，已完成 {complete} 项，平均完成率 <b>{avg:.0f}%</b>，"
                f"<span style='color:#c0392b'><b>至{int(self.month_value[5:])}月落后 {behind} 项</b></span>"
                + (f"<br>{area_text}" if area_text else ""))
        self._show_items()
        self.loaded.emit()

    def pick_group(self, name: str | None) -> None:
        self.selected_group = name
        self._show_items()

    def _show_items(self) -> None:
        rows = self.statuses
        name = self.selected_group
        if name is not None:
            by = self.by.currentData() or "unit"
            rows = [s for s in rows if ((s.unit or "（未定责任单位）") == name if by == "unit"
                                        else name in (s.person.split("、") if s.person else ["（未定责任人）"]))]
            behind = sum(s.behind or s.overdue for s in rows)
            self.items_title.setText(f"{name} 的任务 {len(rows)} 项，至{int(self.month_value[5:])}月落后或逾期 {behind} 项")
        else:
            self.items_title.setText(f"全部任务 {len(rows)} 项")
        # Behind first, so the answer to "what is X behind on" is at the top.
        rows = sorted(rows, key=lambda s: (not (s.behind or s.overdue), s.completion >= 1))
        self.items_model.set_rows(rows)
        self._show_detail()

    def selected_item(self) -> ps.ItemStatus | None:
        rows = self.items_view.selectionModel().selectedRows()
        return self.items_model.row_at(rows[0].row()) if rows else None

    def _show_detail(self) -> None:
        st = self.selected_item()
        if st is None:
            self.detail.setText("")
            return
        if st.measure:
            self.detail.setText(f"{st.title}：进度由“{st.source}”自动统计，至本月累计 {qty(st.done)}，"
                                f"本月 {qty(st.this_month)}。")
            return
        entries = ps.progress_of(self.db, st.id)
        self.detail.setText(f"{st.title}：" + ("；".join(f"{p.month} 完成 {qty(p.value)}"
                                                       + (f"（{p.note}）" if p.note else "") for p in entries)
                                              if entries else "尚未填报进度"))

    def plan_id(self) -> int:
        return ps.plan_id(self.db, self.year.currentData() or self.today.year, self.kind.currentData())

    def new_item(self) -> int | None:
        dialog = ItemDialog(self.db, ps.ItemData(self.plan_id()), self)
        dialog.exec()
        self.refresh()
        if dialog.saved_id is not None:
            self._show_saved(dialog.saved_id, "已保存计划任务")
        return dialog.saved_id

    def _show_saved(self, item_id: int, text: str) -> None:
        """Select the saved task and say so; a filter that hides it is cleared."""
        if select_id(self.items_view, item_id):
            tell(self, text)
            return
        self.focus.blockSignals(True)
        self.focus.setCurrentIndex(0)
        self.focus.blockSignals(False)
        self.selected_group = None
        self.refresh()
        select_id(self.items_view, item_id)
        tell(self, text + FILTER_CLEARED)

    def edit_selected(self) -> None:
        st = self.selected_item()
        if st is None:
            info(self, "年度计划", "请先在列表中选择一项任务。")
            return
        dialog = ItemDialog(self.db, ps.load_item(self.db, st.id), self)
        dialog.exec()
        self.refresh()
        if dialog.saved_id is not None:
            self._show_saved(dialog.saved_id, "已保存计划任务")

    def enter_progress(self) -> None:
        st = self.selected_item()
        if st is None:
            info(self, "年度计划", "请先在列表中选择一项任务。")
            return
        if st.measure:
            info(self, "年度计划", f"“{st.title}”的进度由“{st.source}”自动统计，不需要手填。"
                                   "如要手填，请先在“编辑”中把“进度来源”改为手填。")
            return
        accepted = ProgressDialog(self.db, st, self.month_value, self).exec() == QDialog.DialogCode.Accepted
        self.refresh()
        if accepted:
            self._show_saved(st.id, f"已保存进度：{st.title}")

    def save_breakdown(self, target: str | None = None) -> Path | None:
        """年度计划责任分解表 as of the chosen month, to .xlsx (township layout) or .pdf (printable)."""
        year = self.year.currentData() or self.today.year
        if target is None:
            target = file_dialogs.get_save_path(
                self, "打印责任分解表", f"{year}年{self.kind.currentData()}责任分解表.pdf",
                "PDF 文件 (*.pdf);;Excel 工作簿 (*.xlsx)")
            if not target:
                return None
        path = Path(target)
        if path.suffix.lower() not in (".pdf", ".xlsx"):
            path = path.with_suffix(".pdf")
        sheet = plan_sheet.breakdown(self.db, year, self.month_value, kind=self.kind.currentData(), today=self.today)
        try:
            if path.suffix.lower() == ".xlsx":
                from app.io.plan_sheet import write_plan_sheet

                write_plan_sheet(sheet, path)
            else:
                from app.outputs import write_bytes
                from app.reports.plan_sheet import build

                write_bytes(path, build(sheet).pdf, databases=[self.db.path])
        except OSError as exc:  # outputs.OutputError: one Chinese line, the old file unchanged
            info(self, "打印责任分解表", str(exc) if str(exc) else f"无法写入 {path}")
            return None
        info(self, "打印责任分解表", f"已保存：{path}")
        return path

    def delete_selected(self) -> None:
        st = self.selected_item()
        if st is None:
            info(self, "年度计划", "请先在列表中选择一项任务。")
            return
        if confirm(self, "删除计划任务", f"确定删除“{st.title}”及其进度记录吗？", yes="删除"):
            ps.delete_item(self.db, st.id)
            self.refresh()

    def apply_filter(self, **_kw) -> None:
        self.refresh()
