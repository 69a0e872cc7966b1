"""督办提醒 on the 首页: the findings of SPEC §4.7 (`app.services.duties`) — how many per rule, and the list
behind each count (subject, owner, since, what to do). A finding about a household or one of its people
opens the household on a double-click; an 应保尽保 finding can be closed as 不符合条件 with a reason, kept with who and when."""

from __future__ import annotations

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
    QVBoxLayout,
    QWidget,
)

from app.db import Database
from app.ledgers import LedgerRefused
from app.services import duties, town
from app.ui.errors import info
from app.ui.ledger_widgets import ErrorBanner, make_table, size_columns
from app.ui.rows_model import Column, RowsModel
from app.ui.widgets import dialog_buttons, fill_combo, set_invalid

RED, AMBER = QColor("#c0392b"), QColor("#9a6700")


class FindingsModel(RowsModel):
    """Findings as rows; 问题 in red, 提醒 in amber."""

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.ForegroundRole and index.isValid() and index.row() < len(self.rows):
            return QBrush(RED if self.rows[index.row()].severity == duties.PROBLEM else AMBER)
        if role == Qt.ItemDataRole.ToolTipRole and index.isValid() and index.row() < len(self.rows):
            return self.rows[index.row()].message
        return super().data(index, role)


FINDING_COLUMNS = [
    Column("规则", lambda f: f.rule), Column("类别", lambda f: f.severity), Column("对象", lambda f: f.subject),
    Column("责任", lambda f: f.owner), Column("起始", lambda f: f.since), Column("怎么办", lambda f: f.message),
]


class RuleCountsModel(RowsModel):
    """(code, title, count, severity of the worst finding) per rule with findings."""

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.ForegroundRole and index.isValid() and index.row() < len(self.rows):
            return QBrush(RED if self.rows[index.row()][3] == duties.PROBLEM else AMBER)
        return super().data(index, role)


def rule_rows(found: duties.Findings) -> list[tuple[str, str, int, str]]:
    out = []
    for code, n in found.by_rule.items():
        if n:
            out.append((code, duties.title_of(code), n, found.worst.get(code, duties.REMINDER)))
    return out


class CloseDialog(QDialog):
    """不符合条件: the clerk's reason and name; the finding stays closed until the household's facts change."""

    def __init__(self, db: Database, finding: duties.Finding, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db, self.finding, self.closure = db, finding, None
        self.setWindowTitle("确认不符合条件")
        layout = QVBoxLayout(self)
        hint = QLabel(f"{finding.subject}：{finding.message}\n确认该户不符合兜底保障条件后，这条提醒关闭；"
                      "该户的重点户类型、成员劳动能力或兜底记录发生变化时会重新提醒。")
        hint.setWordWrap(True)
        layout.addWidget(hint)
        self.banner = ErrorBanner()
        layout.addWidget(self.banner)
        form = QFormLayout()
        self.reason = QPlainTextEdit()
        self.reason.setObjectName("close_reason")
        self.reason.setPlainText("不符合条件：")
        self.reason.setFixedHeight(80)
        self.reason.setTabChangesFocus(True)
        self.who = QLineEdit(town.load_town(db).daily_contact)
        self.who.setObjectName("close_who")
        form.addRow("* 原因：", self.reason)
        form.addRow("* 确认人：", self.who)
        layout.addLayout(form)
        buttons, self.ok = dialog_buttons(self, self.save, "确认关闭")
        layout.addWidget(buttons)
        self.resize(520, self.sizeHint().height())

    def save(self) -> None:
        reason = self.reason.toPlainText().strip()
        if reason in ("不符合条件：", "不符合条件:", "不符合条件"):
            reason = ""
        try:
            self.closure = duties.close(self.db, self.finding.rule, self.finding.subject_id, reason, self.who.text())
        except LedgerRefused as exc:
            self.banner.show_messages([e.message for e in exc.errors])
            bad = {e.field for e in exc.errors}
            set_invalid(self.reason, "reason" in bad)
            set_invalid(self.who, "closed_by" in bad)
            return
        self.accept()


class FindingsDialog(QDialog):
    """The findings of one rule (or all), with 打开该户 and, for closable rules, 确认不符合条件."""

    household_requested = Signal(int)
    changed = Signal()

    def __init__(self, db: Database, found: duties.Findings, rule: str | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db, self.found = db, found
        self.setWindowTitle("督办提醒")
        self.resize(1180, 620)
        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        self.rule = QComboBox()
        self.rule.setObjectName("findings_rule")
        fill_combo(self.rule, ((f"{title}（{code}）{n} 项", code) for code, title, n, _w in rule_rows(found)),
                   blank="全部规则")
        if rule is not None:
            self.rule.setCurrentIndex(max(self.rule.findData(rule), 0))
        self.search = QLineEdit()
        self.search.setPlaceholderText("按对象或责任筛选")
        self.search.setClearButtonEnabled(True)
        row.addWidget(QLabel(f"截至 {found.as_of.isoformat()}"))
        row.addWidget(self.rule)
        row.addWidget(self.search, 1)
        layout.addLayout(row)
        self.count = QLabel("")
        self.count.setObjectName("findings_count")
        layout.addWidget(self.count)
        self.model = FindingsModel(FINDING_COLUMNS, self)
        self.view = make_table(self.model, "findings")
        size_columns(self.view, (92, 40, 240, 130, 84))
        layout.addWidget(self.view, 1)
        self.detail = QLabel("选中一条，这里显示要做什么。")
        self.detail.setObjectName("finding_detail")
        self.detail.setWordWrap(True)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.detail)
        buttons = QHBoxLayout()
        self.open_button = QPushButton("打开该户")
        self.close_button = QPushButton("确认不符合条件…")
        self.close_button.setObjectName("close_finding")
        self.close_button.setEnabled(False)
        done = QPushButton("关闭")
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.close_button)
        buttons.addStretch(1)
        buttons.addWidget(done)
        layout.addLayout(buttons)
        self.rule.currentIndexChanged.connect(lambda _i: self.show_rows())
        self.search.textChanged.connect(lambda _t: self.show_rows())
        self.view.doubleClicked.connect(lambda _i: self.open_selected())
        self.view.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self.open_button.clicked.connect(self.open_selected)
        self.close_button.clicked.connect(self.close_selected)
        done.clicked.connect(self.accept)
        self.show_rows()

    def show_rows(self) -> None:
        code = self.rule.currentData()
        words = self.search.text().strip()
        rows = [f for f in self.found.items if (code is None or f.rule == code)
                and (not words or words in f.subject or words in f.owner)]
        self.model.set_rows(rows)
        closed = self.found.closed.get(code, 0) if code else sum(self.found.closed.values())
        self.count.setText(f"共 {len(rows)} 条" + (f"；另有 {closed} 条已确认不符合条件" if closed else ""))
        self._update_buttons()

    def selected(self) -> duties.Finding | None:
        rows = self.view.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def _update_buttons(self) -> None:
        f = self.selected()
        if f is not None:
            self.detail.setText(f"{f.subject}（{f.owner or '未定责任'}）：{f.message}")
        self.open_button.setEnabled(f is not None and f.household is not None)
        closable = f is not None and duties.check_by_code(f.rule).closable if f is not None else False
        self.close_button.setEnabled(bool(closable) and not self.db.readonly)

    def open_selected(self) -> None:
        f = self.selected()
        if f is None:
            return
        if f.household is not None:
            self.household_requested.emit(f.household)
        else:
            info(self, "督办提醒", f"{f.subject}\n{f.message}")

    def close_selected(self) -> duties.Closure | None:
        f = self.selected()
        if f is None:
            return None
        dialog = CloseDialog(self.db, f, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        self.found.leave_out(f)
        self.show_rows()
        self.changed.emit()
        return dialog.closure
