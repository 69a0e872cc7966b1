"""问题台账: the declared ledger page plus its workflow — record progress, resolve with a result, mark
暂无法解决 with a reason, reopen — and a panel with the selected problem's details and progress."""

from __future__ import annotations

import datetime as dt
import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.db import Database
from app.ledgers import PROBLEMS, LedgerRefused
from app.services import problems as ps
from app.ui.errors import info
from app.ui.ledger_page import LedgerPage
from app.ui.ledger_widgets import DateField, ErrorBanner, make_table, size_columns
from app.ui.rows_model import Column, RowsModel
from app.ui.widgets import dialog_buttons, set_invalid


class NoteDialog(QDialog):
    """A date and a text: a progress note, a resolution's result, or the reason it cannot be solved now.
    `action(day, text)` does the write; its refusal is shown in the dialog, which stays open."""

    def __init__(self, title: str, date_label: str, text_label: str, action, parent: QWidget | None = None,
                 hint: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.action = action
        self.date_label = date_label
        layout = QVBoxLayout(self)
        self.banner = ErrorBanner()
        layout.addWidget(self.banner)
        form = QFormLayout()
        self.date = DateField(dt.date.today())
        self.date.setObjectName("note_date")
        self.text = QPlainTextEdit()
        self.text.setObjectName("note_text")
        self.text.setPlaceholderText(hint)
        self.text.setTabChangesFocus(True)
        self.text.setFixedHeight(90)
        form.addRow(f"* {date_label}：", self.date)
        form.addRow(f"* {text_label}：", self.text)
        layout.addLayout(form)
        buttons, self.ok = dialog_buttons(self, self.save, "确定")
        layout.addWidget(buttons)
        self.resize(480, self.sizeHint().height())

    def save(self) -> None:
        try:
            day = self.date.date()
        except ValueError:
            self.banner.show_messages([f"“{self.date_label}”不是有效日期：{self.date.text()}，请按 年-月-日 填写"])
            set_invalid(self.date.edit, True)
            return
        try:
            self.action(day, self.text.toPlainText())
        except LedgerRefused as exc:
            self.banner.show_messages([e.message for e in exc.errors])
            fields = {e.field for e in exc.errors}
            set_invalid(self.date.edit, bool(fields & {"date", "resolved_date"}))
            set_invalid(self.text, bool(fields - {"date", "resolved_date"}))
            return
        self.accept()


class ProblemsPage(LedgerPage):
    """问题台账 with its workflow buttons and the detail panel."""

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(db, PROBLEMS, parent)
        self.new_button.setText("登记问题")
        detail = QWidget()
        row = QHBoxLayout(detail)
        row.setContentsMargins(0, 4, 0, 0)
        self.detail_label = QLabel("选择一个问题，查看详情和办理进展。")
        self.detail_label.setObjectName("problem_detail")
        self.detail_label.setWordWrap(True)
        self.detail_label.setTextFormat(Qt.TextFormat.RichText)
        self.detail_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.detail_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail_label.setStyleSheet("background: white; border: 1px solid #d5dde6; padding: 6px 8px;")
        self.progress_model = RowsModel([Column("日期", lambda p: p.date), Column("办理进展", lambda p: p.note)])
        self.progress_view = make_table(self.progress_model, "progress")
        self.progress_view.setWordWrap(True)
        size_columns(self.progress_view, (92,))
        row.addWidget(self.detail_label, 3)
        row.addWidget(self.progress_view, 2)
        self.body.removeWidget(self.view)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.view)
        splitter.addWidget(detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([330, 150])
        splitter.setChildrenCollapsible(False)
        self.body.addWidget(splitter, 1)
        self.current: ps.ProblemDetail | None = None
        self.selection_changed()

    def add_buttons(self, layout: QHBoxLayout) -> None:
        self.progress_button = QPushButton("记录进展")
        self.resolve_button = QPushButton("办结")
        self.unresolvable_button = QPushButton("暂无法解决")
        self.reopen_button = QPushButton("重新办理")
        self.import_button = QPushButton("导入村问题台账…")
        self.import_button.setEnabled(not self.db.readonly)
        self.import_button.clicked.connect(self.import_ledgers)
        self.progress_button.clicked.connect(self.record_progress)
        self.resolve_button.clicked.connect(self.resolve)
        self.unresolvable_button.clicked.connect(self.mark_unresolvable)
        self.reopen_button.clicked.connect(self.reopen)
        for b in (self.progress_button, self.resolve_button, self.unresolvable_button, self.reopen_button,
                  self.import_button):
            layout.addWidget(b)
        spacer = QLabel("")
        spacer.setFixedWidth(12)
        layout.addWidget(spacer)

    # -------------------------------------------------------------------------------- detail

    def selection_changed(self) -> None:
        if not hasattr(self, "detail_label"):
            return
        problem_id = self.selected_id()
        self.current = ps.detail(self.db, problem_id) if problem_id is not None else None
        d = self.current
        writable = not self.db.readonly and d is not None
        self.progress_button.setEnabled(writable and d.is_open)
        self.resolve_button.setEnabled(writable and d.is_open)
        self.unresolvable_button.setEnabled(writable and d.is_open)
        self.reopen_button.setEnabled(writable and not d.is_open)
        if d is None:
            self.detail_label.setText("选择一个问题，查看详情和办理进展。")
            self.progress_model.set_rows([])
            return
        self.detail_label.setText(detail_html(d))
        self.progress_model.set_rows(d.progress)
        self.progress_view.resizeRowsToContents()

    # -------------------------------------------------------------------------------- workflow

    def _selected_or_tell(self) -> int | None:
        problem_id = self.selected_id()
        if problem_id is None:
            info(self, "问题台账", "请先在列表中选择一个问题。")
        return problem_id

    def _run(self, dialog: NoteDialog) -> bool:
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self._after_save(self.selected_id())
            return True
        return False

    def record_progress(self) -> None:
        problem_id = self._selected_or_tell()
        if problem_id is not None:
            self._run(NoteDialog("记录办理进展", "进展日期", "进展情况",
                                 lambda day, text: ps.record_progress(self.db, problem_id, day, text), self,
                                 "例如：已联系镇社事办，正在办理临时救助"))

    def resolve(self) -> None:
        problem_id = self._selected_or_tell()
        if problem_id is not None:
            self._run(NoteDialog("办结问题", "办结日期", "办理结果",
                                 lambda day, text: ps.resolve(self.db, problem_id, day, text), self,
                                 "问题是怎样解决的"))

    def mark_unresolvable(self) -> None:
        problem_id = self._selected_or_tell()
        if problem_id is not None:
            self._run(NoteDialog("暂无法解决", "办结日期", "暂无法解决原因",
                                 lambda day, text: ps.mark_unresolvable(self.db, problem_id, day, text), self,
                                 "为什么暂时无法解决，下一步怎么办"))

    def reopen(self) -> None:
        problem_id = self._selected_or_tell()
        if problem_id is not None:
            ps.reopen(self.db, problem_id)
            self._after_save(problem_id)

    def import_ledgers(self) -> None:
        """Open the village problem-ledger import; the list reloads after problems were written."""
        from app.ui.problem_import import ProblemImportDialog

        dialog = ProblemImportDialog(self.db, self)
        dialog.imported.connect(lambda _r: self._after_save(None))
        dialog.exec()

    # -------------------------------------------------------------------------------- registering

    def register(self, *, household_id: int | None = None, point_id: int | None = None,
                 visit_id: int | None = None) -> int | None:
        """Open the form for a new problem found at a household, a point or on a visit."""
        return self.open_form(ps.new_problem(self.db, household_id=household_id, point_id=point_id,
                                             visit_id=visit_id))


def detail_html(d: ps.ProblemDetail) -> str:
    v, labels = d.record.values, d.record.labels
    e = html.escape

    def line(label: str, text: str) -> str:
        return f"<b>{e(label)}：</b>{e(text)}" if text else ""

    status = v["status"]
    colour = "#c0392b" if d.overdue else ("#2e7d32" if status == "已解决" else "#1d2733")
    deadline = v["deadline"].isoformat() if v["deadline"] else "未定"
    if d.deadline_note:
        deadline += f"（{d.deadline_note}）"
    who = "、".join(dict.fromkeys(x for x in (labels.get("responsible_cadre_id", ""), v["responsible_person"]) if x))
    place = "，".join(x for x in (labels.get("household_id", ""), labels.get("village_id", ""),
                                  labels.get("settlement_point_id", "")) if x)
    parts = [
        f"<span style='font-size:11pt'><b>{e(v['description'])}</b></span>",
        ("<span style='color:#c0392b'><b>【紧急】</b></span>" if v.get("priority") == "紧急" else "")
        + f"<span style='color:{colour}'><b>{e(status)}</b></span>　{e(v['focus_area'])}　{e(v['source'])}"
        f"　发现于 {v['found_date'].isoformat()}",
        line("涉及", place), line("来源走访", d.visit),
        line("责任单位", labels.get("unit_id", "")) + ("　" if who else "") + line("责任人", who),
        f"<b>办理期限：</b><span style='color:{colour}'>{e(deadline)}</span>",
        line("整改措施", v["measures"]),
        line("服务计划任务", labels.get("plan_item_id", "")),
    ]
    if status == "已解决":
        parts.append(line("办理结果", v["result"]) + f"（{v['resolved_date'].isoformat() if v['resolved_date'] else ''}）")
    if status == "暂无法解决":
        parts.append(line("暂无法解决原因", v["unresolvable_reason"]))
    return "<br>".join(p for p in parts if p)
