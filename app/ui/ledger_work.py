"""Pages of the ledgers of work done that add something to the shared LedgerPage: 活动 shows the points
behind on the yearly 融合共建 rule (SPEC §4.4); 资金 shows exact totals by source, village and month; 调度会
lists each meeting's decisions and turns one into a plan item or a problem in one step."""

from __future__ import annotations

import datetime as dt
import html
from decimal import Decimal, InvalidOperation

from PySide6.QtCore import Qt
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
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app import vocab
from app.db import Database
from app.ledgers import LEDGERS, LedgerRefused, engine
from app.services import funds as fs
from app.services import meetings as ms
from app.services import visits as vs
from app.ui.errors import confirm, info
from app.ui.ledger_page import LedgerPage
from app.ui.ledger_widgets import DateField, ErrorBanner, make_table, size_columns
from app.ui.rows_model import Column, RowsModel
from app.ui.widgets import dialog_buttons, fill_combo
from app.ui.workers import Background


class ActivitiesPage(LedgerPage):
    """活动 with the yearly rule in view: the settlement points that have not yet held a 融合共建 activity."""

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(db, LEDGERS["activities"], parent)
        self.rule = QLabel("")
        self.rule.setObjectName("fusion_rule")
        self.rule.setWordWrap(True)
        self.rule.setTextFormat(Qt.TextFormat.RichText)
        self.body.insertWidget(0, self.rule)

    def refresh(self) -> None:
        super().refresh()
        self.show_rule()

    def show_rule(self, year: int | None = None) -> None:
        year = year or dt.date.today().year
        points = vs.fusion_status(self.db, year)
        behind = [p for p in points if not p.activities]
        if not points:
            self.rule.setText(f"{year}年：暂无有在册户的安置点。")
        elif not behind:
            self.rule.setText(f"<span style='color:#1e7b34'><b>{year}年 {len(points)} 个安置点都已开展居民融合共建活动"
                              "</b></span>（每个安置点每年至少一次）")
        else:
            names = "、".join(html.escape(f"{p.village}·{p.name}") for p in behind[:12])
            more = f" 等 {len(behind)} 个" if len(behind) > 12 else ""
            self.rule.setText(f"<span style='color:#c0392b'><b>{year}年尚未开展居民融合共建活动的安置点 "
                              f"{len(behind)} 个</b></span>（共 {len(points)} 个，每点每年至少一次）：{names}{more}")
        self.behind_points = behind


class FundsPage(LedgerPage):
    """资金 with the totals (exact, to the 分) of what the filters select: by source, by village, by month."""

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(db, LEDGERS["funds"], parent)
        self.totals_label = QLabel("")
        self.totals_label.setObjectName("fund_total")
        self.totals_label.setTextFormat(Qt.TextFormat.RichText)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("fund_totals")
        self.tables: dict[str, RowsModel] = {}
        for key, label in (("source", "按来源"), ("village", "按村"), ("month", "按月份")):
            model = RowsModel([Column(label[1:], lambda r: r[0]), Column("金额（元）", lambda r: r[1], True)], self)
            view = make_table(model, f"fund_by_{key}")
            size_columns(view, [120, 120])
            self.tables[key] = model
            self.tabs.addTab(view, label)
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(self.totals_label)
        side_layout.addWidget(self.tabs, 1)
        side.setMinimumWidth(280)
        side.setMaximumWidth(320)
        self.body.removeWidget(self.view)
        split = QSplitter()
        split.addWidget(self.view)
        split.addWidget(side)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 0)
        self.body.addWidget(split, 1)
        self.totals_worker = Background(self)
        self.totals: fs.FundTotals | None = None

    def refresh(self) -> None:
        super().refresh()
        db, q = self.db, self.query
        self.totals_worker.submit(lambda: fs.totals(db, q), self.show_totals)

    def show_totals(self, t: fs.FundTotals) -> None:
        self.totals = t
        self.totals_label.setText(f"合计 <b>{fs.yuan(t.total)}</b> 元（{t.count:,} 笔）")
        for key, data in (("source", t.by_source), ("village", t.by_village), ("month", t.by_month)):
            self.tables[key].set_rows([(k, fs.yuan(v)) for k, v in data.items()])


# ------------------------------------------------------------------------------------------ 调度会


class DecisionDialog(QDialog):
    """One decision of a meeting: what, which unit, by when."""

    def __init__(self, db: Database, meeting_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db, self.meeting_id, self.saved_id = db, meeting_id, None
        self.setWindowTitle("新增议定事项")
        layout = QVBoxLayout(self)
        self.banner = ErrorBanner()
        layout.addWidget(self.banner)
        form = QFormLayout()
        self.text = QPlainTextEdit()
        self.text.setFixedHeight(70)
        self.text.setTabChangesFocus(True)
        self.unit = QComboBox()
        fill_combo(self.unit, ((c.label, c.id) for c in engine.ref_choices(db, "unit")), blank="（不选）")
        self.deadline = DateField()
        form.addRow("* 议定事项：", self.text)
        form.addRow("责任单位：", self.unit)
        form.addRow("完成时限：", self.deadline)
        layout.addLayout(form)
        buttons, self.save_button = dialog_buttons(self, self.save, "保存")
        layout.addWidget(buttons)
        self.resize(520, 260)

    def save(self) -> None:
        try:
            deadline = self.deadline.date()
        except ValueError:
            self.banner.show_messages(["“完成时限”不是有效日期，请按 年-月-日 填写"])
            return
        try:
            self.saved_id = ms.save_decision(self.db, self.meeting_id, self.text.toPlainText(),
                                             self.unit.currentData(), deadline)
        except LedgerRefused as exc:
            self.banner.show_messages([e.message for e in exc.errors])
            return
        self.accept()


class ConvertDialog(QDialog):
    """Turn a decision into a plan item (focus area, target) or a problem (focus area)."""

    def __init__(self, db: Database, decision: ms.DecisionRow, to_plan: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db, self.decision, self.to_plan, self.result_id = db, decision, to_plan, None
        self.setWindowTitle("转为计划任务" if to_plan else "转为问题台账")
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"议定事项：{decision.text}"))
        self.banner = ErrorBanner()
        layout.addWidget(self.banner)
        form = QFormLayout()
        self.focus = QComboBox()
        fill_combo(self.focus, ((a, a) for a in vocab.FOCUS_AREAS), blank="（请选择）")
        form.addRow("* 所属领域：", self.focus)
        self.target = QLineEdit("1")
        self.target_unit = QLineEdit("项")
        if to_plan:
            form.addRow("* 目标值：", self.target)
            form.addRow("计量单位：", self.target_unit)
        layout.addLayout(form)
        buttons, self.save_button = dialog_buttons(self, self.save, "确定")
        layout.addWidget(buttons)
        self.resize(480, 200)

    def save(self) -> None:
        focus = self.focus.currentData()
        try:
            if self.to_plan:
                target = self.target.text().strip()
                try:
                    Decimal(target)
                except InvalidOperation:
                    self.banner.show_messages(["“目标值”应为数字，例如 200"])
                    return
                self.result_id = ms.to_plan_item(self.db, self.decision.id, focus_area=focus or "",
                                                 target_value=target, target_unit=self.target_unit.text().strip())
            else:
                self.result_id = ms.to_problem(self.db, self.decision.id, focus_area=focus or "")
        except LedgerRefused as exc:
            self.banner.show_messages([e.message for e in exc.errors])
            return
        self.accept()


class MeetingsPage(LedgerPage):
    """调度会 with the selected meeting's decisions below: add one, or turn one into a plan item or a problem."""

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(db, LEDGERS["meetings"], parent)
        box = QWidget()
        box_layout = QVBoxLayout(box)
        box_layout.setContentsMargins(0, 4, 0, 0)
        head = QHBoxLayout()
        self.decisions_title = QLabel("议定事项（请先在上方选择一次调度会）")
        self.decisions_title.setObjectName("SectionTitle")
        head.addWidget(self.decisions_title, 1)
        self.add_decision = QPushButton("新增议定事项")
        self.to_plan = QPushButton("转为计划任务")
        self.to_problem = QPushButton("转为问题")
        self.remove_decision = QPushButton("删除事项")
        for b in (self.add_decision, self.to_plan, self.to_problem, self.remove_decision):
            head.addWidget(b)
        box_layout.addLayout(head)
        self.decisions_model = RowsModel([
            Column("序号", lambda r: r[0]), Column("议定事项", lambda r: r[1].text),
            Column("责任单位", lambda r: r[1].unit), Column("完成时限", lambda r: r[1].deadline),
            Column("转办情况", lambda r: r[1].became),
        ], self)
        self.decisions_view = make_table(self.decisions_model, "meeting_decisions")
        size_columns(self.decisions_view, [44, 560, 120, 100, 120])
        box_layout.addWidget(self.decisions_view, 1)
        self.body.removeWidget(self.view)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.view)
        split.addWidget(box)
        split.setSizes([300, 200])
        self.body.addWidget(split, 1)
        self.add_decision.clicked.connect(self.new_decision)
        self.to_plan.clicked.connect(lambda: self.convert(True))
        self.to_problem.clicked.connect(lambda: self.convert(False))
        self.remove_decision.clicked.connect(self.delete_decision)
        self.decisions_view.selectionModel().selectionChanged.connect(lambda *_: self._enable())
        self._enable()

    def selection_changed(self) -> None:
        self.load_decisions()

    def load_decisions(self) -> None:
        meeting = self.selected_id() if hasattr(self, "decisions_model") else None
        if not hasattr(self, "decisions_model"):
            return
        rows = ms.decisions(self.db, meeting) if meeting is not None else []
        self.decisions_model.set_rows(list(enumerate(rows, start=1)))
        self.decisions_title.setText(f"议定事项（{len(rows)} 项）" if meeting is not None
                                     else "议定事项（请先在上方选择一次调度会）")
        self._enable()

    def selected_decision(self) -> ms.DecisionRow | None:
        rows = self.decisions_view.selectionModel().selectedRows()
        return self.decisions_model.row_at(rows[0].row())[1] if rows else None

    def _enable(self) -> None:
        writable = not self.db.readonly
        d = self.selected_decision()
        self.add_decision.setEnabled(writable and self.selected_id() is not None)
        for b in (self.to_plan, self.to_problem):
            b.setEnabled(writable and d is not None and not d.became)
        self.remove_decision.setEnabled(writable and d is not None)

    def new_decision(self) -> int | None:
        meeting = self.selected_id()
        if meeting is None:
            info(self, "议定事项", "请先在列表中选择一次调度会。")
            return None
        dialog = DecisionDialog(self.db, meeting, self)
        dialog.exec()
        self._after_save(meeting)
        return dialog.saved_id

    def convert(self, to_plan: bool) -> int | None:
        d = self.selected_decision()
        if d is None:
            info(self, "议定事项", "请先选择一项议定事项。")
            return None
        dialog = ConvertDialog(self.db, d, to_plan, self)
        dialog.exec()
        if dialog.result_id is not None:
            info(self, "议定事项", "已转为计划任务，可在“年度计划”中查看和填报进度。" if to_plan
                 else "已转为问题，可在“问题台账”中跟踪办理。")
            self._after_save(self.selected_id() or 0)
        return dialog.result_id

    def delete_decision(self) -> None:
        d = self.selected_decision()
        if d is None:
            return
        if confirm(self, "删除议定事项", f"确定删除“{d.text}”吗？", yes="删除"):
            ms.delete_decision(self.db, d.id)
            self._after_save(self.selected_id() or 0)


PAGES = {"activities": ActivitiesPage, "funds": FundsPage, "meetings": MeetingsPage}
