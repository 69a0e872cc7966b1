"""Dialogs of 后扶直补: a member's support facts (from the household window), the one-click 核减 of a
finding (date and reason prefilled), and the outcome of a roster import."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
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

from app import vocab
from app.db import Database
from app.rules.subsidy import mask_account
from app.services import subsidy
from app.ui.errors import warn


def _qdate(day: dt.date | None) -> QDate:
    day = day or dt.date.today()
    return QDate(day.year, day.month, day.day)


def _day(edit: QDateEdit) -> dt.date:
    d = edit.date()
    return dt.date(d.year(), d.month(), d.day())


def _date_edit(day: dt.date | None) -> QDateEdit:
    edit = QDateEdit(_qdate(day))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    edit.setMinimumDate(QDate(1949, 10, 1))
    return edit


def facts_summary(facts: subsidy.FactsData | None) -> str:
    """One line for the member dialog: what the roster holds about this person."""
    if facts is None or not facts.on_roster:
        return "未纳入后扶名册"
    parts = [facts.category or "类别未填", facts.state]
    if facts.state == vocab.SUBSIDY_REDUCED:
        parts.append(f"{facts.reduced_on.isoformat() if facts.reduced_on else ''} {facts.reduced_reason}".strip())
    parts.append(f"账号 {mask_account(facts.account)}" if facts.account else "无一卡通账号")
    return "，".join(parts)


class SubsidyFactsDialog(QDialog):
    """Edit one member's 后扶 facts; 保存 writes them (with history) in one transaction."""

    def __init__(self, db: Database, member_id: int, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db, self.member_id = db, member_id
        self.setWindowTitle(f"后扶直补信息 — {name}")
        facts = subsidy.load_facts(db, member_id) or subsidy.FactsData(on_roster=False)
        self.on_roster = QCheckBox("纳入大中型水库移民后期扶持人口名册")
        self.on_roster.setChecked(facts.on_roster)
        self.category = QComboBox()
        self.category.addItems(list(vocab.SUBSIDY_CATEGORIES))
        if facts.category:
            self.category.setCurrentText(facts.category)
        self.start_known = QCheckBox("按类别默认（现状人口 2006-07-01，原迁人口 搬迁时间）")
        self.start_known.setChecked(facts.start_on is None)
        self.start = _date_edit(facts.start_on or dt.date(2006, 7, 1))
        self.account = QLineEdit(facts.account)
        self.account.setPlaceholderText("16到19位数字")
        self.bank = QLineEdit(facts.bank)
        self.state = QComboBox()
        self.state.addItems(list(vocab.SUBSIDY_STATES))
        self.state.setCurrentText(facts.state)
        self.reduced_on = _date_edit(facts.reduced_on)
        self.reason = QComboBox()
        self.reason.setEditable(True)
        self.reason.addItems(list(vocab.REDUCE_REASONS))
        self.reason.setCurrentText(facts.reduced_reason or "")
        self.error = QLabel()
        self.error.setStyleSheet("color: #C00000")
        self.error.setWordWrap(True)
        form = QFormLayout()
        form.addRow(self.on_roster)
        form.addRow("扶持类别：", self.category)
        start_row = QHBoxLayout()
        start_row.addWidget(self.start)
        start_row.addWidget(self.start_known)
        form.addRow("纳入扶持时间：", start_row)
        form.addRow("一卡通账号：", self.account)
        form.addRow("开户银行：", self.bank)
        form.addRow("状态：", self.state)
        form.addRow("核减时间：", self.reduced_on)
        form.addRow("核减原因：", self.reason)
        save, cancel = QPushButton("保存"), QPushButton("取消")
        save.setDefault(True)
        save.clicked.connect(self.save)
        cancel.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.error, 1)
        buttons.addWidget(save)
        buttons.addWidget(cancel)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(buttons)
        self.state.currentTextChanged.connect(self._enable)
        self.start_known.toggled.connect(self._enable)
        self._enable()
        self.setMinimumWidth(520)

    def _enable(self) -> None:
        reduced = self.state.currentText() == vocab.SUBSIDY_REDUCED
        self.reduced_on.setEnabled(reduced)
        self.reason.setEnabled(reduced)
        self.start.setEnabled(not self.start_known.isChecked())

    def data(self) -> subsidy.FactsData:
        reduced = self.state.currentText() == vocab.SUBSIDY_REDUCED
        return subsidy.FactsData(
            on_roster=self.on_roster.isChecked(), category=self.category.currentText(),
            start_on=None if self.start_known.isChecked() else _day(self.start), account=self.account.text(),
            bank=self.bank.text(), state=self.state.currentText(), reduced_on=_day(self.reduced_on) if reduced else None,
            reduced_reason=self.reason.currentText().strip() if reduced else "")

    def save(self) -> None:
        try:
            subsidy.save_facts(self.db, self.member_id, self.data())
        except subsidy.SubsidyRefused as exc:
            self.error.setText(str(exc))
            return
        self.accept()


class ReduceDialog(QDialog):
    """核减 one person: date and reason prefilled from the archive (死亡/迁出 and its date)."""

    def __init__(self, db: Database, member_id: int, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db, self.member_id = db, member_id
        self.setWindowTitle(f"核减 — {name}")
        day, reason = subsidy.reduce_prefill(db, member_id)
        self.day = _date_edit(day)
        self.reason = QComboBox()
        self.reason.setEditable(True)
        self.reason.addItems(list(vocab.REDUCE_REASONS))
        self.reason.setCurrentText(reason)
        form = QFormLayout()
        form.addRow(QLabel(f"将 {name} 从后扶名册核减，核减后不再列入发放名册。"))
        form.addRow("核减时间：", self.day)
        form.addRow("核减原因：", self.reason)
        ok, cancel = QPushButton("核减"), QPushButton("取消")
        ok.setDefault(True)
        ok.clicked.connect(self.save)
        cancel.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(ok)
        buttons.addWidget(cancel)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(buttons)

    def save(self) -> None:
        reason = self.reason.currentText().strip()
        if not reason:
            warn(self, "核减", "请填写核减原因")
            return
        subsidy.reduce(self.db, self.member_id, _day(self.day), reason)
        self.accept()


class ImportOutcomeDialog(QDialog):
    """What a roster import found (a dry run): counts, errors and warnings; 导入 or 只导入没有错误的行."""

    def __init__(self, text: str, *, has_errors: bool, has_changes: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("导入后扶人口名册")
        self.skip_invalid = False
        view = QPlainTextEdit(text)
        view.setReadOnly(True)
        layout = QVBoxLayout(self)
        layout.addWidget(view, 1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        if has_errors:
            skip = QPushButton("只导入没有错误的行")
            skip.clicked.connect(self._skip)
            skip.setEnabled(has_changes)
            buttons.addWidget(skip)
        else:
            go = QPushButton("导入")
            go.setDefault(True)
            go.setEnabled(has_changes)
            go.clicked.connect(self.accept)
            buttons.addWidget(go)
        close = QPushButton("取消")
        close.clicked.connect(self.reject)
        buttons.addWidget(close)
        layout.addLayout(buttons)
        self.resize(720, 460)

    def _skip(self) -> None:
        self.skip_invalid = True
        self.accept()
