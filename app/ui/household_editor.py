"""The household editor (一户一档): the household's fields, its members, attachments, history and live checks.

Everything is edited on plain dataclasses (services.households.HouseholdData / MemberData) and written in one
transaction by services.households.save_household when the clerk presses 保存; 取消 writes nothing.
Database calls here touch one household and run on the GUI thread.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

from PySide6.QtCore import QAbstractTableModel, QDate, QModelIndex, QPersistentModelIndex, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QBrush, QColor, QDesktopServices, QKeySequence, QShortcut, QTextDocumentFragment
from PySide6.QtWidgets import (
    QAbstractItemView, QCheckBox, QComboBox, QDateEdit, QDialog, QFrame, QGridLayout, QGroupBox,
    QHBoxLayout, QHeaderView, QLabel, QLineEdit, QMessageBox, QPlainTextEdit, QPushButton, QScrollArea,
    QSplitter, QTableView, QTabWidget, QToolButton, QVBoxLayout, QWidget,
)

from app import vocab
from app.db import Database, DatabaseError
from app.rules import check_id, normalize_id, normalize_name, normalize_phone
from app.rules.completeness import SEVERITY_INCONSISTENT
from app.rules.normalize import parse_decimal, parse_relocation_date
from app.services import history as history_service
from app.services import town as town_service
from app.services.households import (
    HOUSEHOLD_LABELS, MEMBER_LABELS, AttachmentInfo, Evaluation, FieldError, HouseholdData, HouseholdNotFound,
    MemberData, SaveRefused, attachment_bytes, attachment_from_file, clean, evaluate, ids_held_elsewhere,
    load_household, save_household,
)
from app.ui import file_dialogs

# ------------------------------------------------------------------------------------------ texts & looks

TITLE_NEW = "新建户档案"
TITLE_EXISTING = "户档案 — {head}（{no}）"
NO_HEAD = "未填户主"
UNSAVED_QUESTION = "是否保存修改？"
UNSAVED_DETAIL = "该户档案有尚未保存的修改。"
BTN_SAVE = "保存"
BTN_DISCARD = "不保存"
BTN_CANCEL = "取消"
BTN_OK = "确定"
UNKNOWN = "未填"
YES, NO = "是", "否"
DIRTY_HINT = "● 有未保存的修改"

ETHNIC_GROUPS: tuple[str, ...] = (
    "汉族", "苗族", "布依族", "侗族", "土家族", "彝族", "仡佬族", "水族", "回族", "白族", "瑶族", "壮族",
    "畲族", "毛南族", "蒙古族", "满族", "仫佬族", "羌族",
)
EDUCATION_LEVELS: tuple[str, ...] = ("文盲或半文盲", "小学", "初中", "高中", "中专", "大专", "本科及以上")

MEMBER_COLUMNS: tuple[str, ...] = (
    "name", "relation", "sex", "id_number", "birth_date", "labour", "employment", "health", "status",
)

RED = "#c0392b"
AMBER = "#a05a00"
GREEN = "#2e7d32"
GREY = "#8a8a8a"

EDITOR_CSS = f"""
QLineEdit[invalid="true"], QComboBox[invalid="true"], QPlainTextEdit[invalid="true"] {{
    border: 1px solid {RED}; border-radius: 3px; background: #fff5f5; padding: 2px 4px;
}}
QLabel[role="error"] {{ color: {RED}; }}
QLabel[role="warning"] {{ color: {AMBER}; }}
QLabel[role="hint"] {{ color: #666666; }}
QLabel[role="dirty"] {{ color: {AMBER}; }}
QLabel[role="banner"] {{ background: #fff4d6; border: 1px solid #e6c877; padding: 4px 8px; }}
QLabel[role="section"] {{ font-weight: bold; color: #333333; padding-top: 4px; }}
QFrame#checkPanel {{ background: #fafbfc; border: 1px solid #d8dde3; border-radius: 4px; }}
QFrame#checkPanel QScrollArea, QFrame#checkPanel QScrollArea > QWidget > QWidget {{ background: transparent; }}
"""


def _repolish(widget: QWidget) -> None:
    widget.style().unpolish(widget)
    widget.style().polish(widget)
    widget.update()


def mark_invalid(widget: QWidget, message: str | None, label: QLabel | None = None) -> None:
    """Show (message) or clear (None) the invalid state of a field: a red border and a red reason below it."""
    invalid = bool(message)
    if widget.property("invalid") != invalid:
        widget.setProperty("invalid", invalid)
        _repolish(widget)
    if label is None:
        widget.setToolTip(message or "")
    else:
        label.setText(message or "")
        label.setVisible(invalid)


def _message_label(role: str) -> QLabel:
    label = QLabel()
    label.setProperty("role", role)
    label.setWordWrap(True)
    label.setVisible(False)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def _no_auto_default(*buttons: QPushButton) -> None:
    # Enter in a field must not press 保存 by accident.
    for b in buttons:
        b.setAutoDefault(False)
        b.setDefault(False)


def format_decimal(value: Decimal | None) -> str:
    """2.50 -> "2.5", 35000.00 -> "35000", None -> ""."""
    if value is None:
        return ""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def format_size(size: int) -> str:
    """A file size as the clerk reads it: KB under 1 MB, else MB with one decimal."""
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def _status_text(m: MemberData) -> str:
    if m.status == vocab.MEMBER_ACTIVE or m.status_date is None:
        return m.status
    return f"{m.status}（{m.status_date.isoformat()}）"


_BIRTH_PATTERNS = (
    re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})"),
    re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日?"),
    re.compile(r"(\d{4})(\d{2})(\d{2})"),
)


def parse_birth_date(text: str, today: dt.date | None = None) -> tuple[dt.date | None, str | None]:
    """(date, None) for 1980-05-03, 1980/5/3, 1980.5.3, 1980年5月3日 or 19800503; blank -> (None, None)."""
    raw = "".join(normalize_id(text).split())
    if not raw:
        return None, None
    for pattern in _BIRTH_PATTERNS:
        match = pattern.fullmatch(raw)
        if match:
            try:
                value = dt.date(*(int(g) for g in match.groups()))
            except ValueError:
                return None, f"出生日期“{text.strip()}”不是真实的日期，请改正"
            if value > (today or dt.date.today()):
                return None, "出生日期晚于今天，请核对"
            if value.year < 1900:
                return None, "出生日期早于1900年，请核对"
            return value, None
    return None, f"出生日期“{text.strip()}”无法识别，请写成 1980-05-03 这样的格式"


# ---------------------------------------------------------------------------------------- small widgets


class ChoiceCombo(QComboBox):
    """A non-editable combo of (label, value) pairs; a stored value missing from the list is kept and shown."""

    def __init__(self, choices: Sequence[tuple[str, object]] = (), parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(6)
        self.set_choices(choices)

    def set_choices(self, choices: Sequence[tuple[str, object]], keep: object = None) -> None:
        self.blockSignals(True)
        self.clear()
        for label, value in choices:
            self.addItem(label, value)
        self.blockSignals(False)
        self.set_value(keep)

    def value(self) -> object:
        return self.currentData()

    def set_value(self, value: object) -> None:
        for i in range(self.count()):
            if self.itemData(i) == value:
                self.setCurrentIndex(i)
                return
        if value not in (None, ""):
            self.addItem(str(value), value)
            self.setCurrentIndex(self.count() - 1)
        elif self.count():
            self.setCurrentIndex(0)


def vocab_combo(values: Sequence[str], blank: bool = True) -> ChoiceCombo:
    """A combo over a vocabulary of stored words; the blank entry means not filled in."""
    choices = ([("", "")] if blank else []) + [(v, v) for v in values]
    return ChoiceCombo(choices)


def yes_no_combo() -> ChoiceCombo:
    """是 / 否 / 未填: None is a meaningful answer (not known yet)."""
    return ChoiceCombo([(UNKNOWN, None), (YES, True), (NO, False)])


def free_combo(values: Sequence[str]) -> QComboBox:
    """An editable combo: pick a common value or type any other."""
    combo = QComboBox()
    combo.setEditable(True)
    combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    combo.addItem("")
    combo.addItems(list(values))
    combo.setMinimumContentsLength(6)
    return combo


class FieldBox(QWidget):
    """A field with its red reason line underneath (hidden while the value is fine)."""

    def __init__(self, field: QWidget, extra: QWidget | None = None) -> None:
        super().__init__()
        self.field = field
        self.error = _message_label("error")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        if extra is None:
            layout.addWidget(field)
        else:
            row = QHBoxLayout()
            row.setSpacing(4)
            row.addWidget(field, 1)
            row.addWidget(extra)
            layout.addLayout(row)
        layout.addWidget(self.error)

    def set_error(self, message: str | None) -> None:
        mark_invalid(self.field, message, self.error)


class FormGrid(QGridLayout):
    """Label/field pairs laid out in a fixed number of columns; a field may span the rest of its row."""

    def __init__(self, pairs_per_row: int = 3) -> None:
        super().__init__()
        self.pairs = pairs_per_row
        self.setHorizontalSpacing(8)
        self.setVerticalSpacing(6)
        self._row = 0
        self._col = 0
        self.labels: list[tuple[int, QLabel]] = []
        for c in range(pairs_per_row):
            self.setColumnStretch(2 * c + 1, 1)

    def add(self, label: str, widget: QWidget, span: bool = False) -> QLabel:
        if span and self._col:
            self.next_row()
        caption = QLabel(f"{label}：" if label else "")
        caption.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if isinstance(widget, FieldBox):
            caption.setBuddy(widget.field)
        elif not isinstance(widget, QLabel):
            caption.setBuddy(widget)
        self.addWidget(caption, self._row, 2 * self._col, Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignRight)
        width = 2 * (self.pairs - self._col) - 1 if span else 1
        self.addWidget(widget, self._row, 2 * self._col + 1, 1, width, Qt.AlignmentFlag.AlignTop)
        self.labels.append((self._col, caption))
        self._col = self.pairs if span else self._col + 1
        if self._col >= self.pairs:
            self.next_row()
        return caption

    def next_row(self) -> None:
        if self._col:
            self._row += 1
            self._col = 0


def align_label_columns(grids: Sequence[FormGrid]) -> None:
    """Give the label column of every grid the same width, so fields line up across group boxes."""
    widths: dict[int, int] = {}
    for grid in grids:
        for col, label in grid.labels:
            widths[col] = max(widths.get(col, 0), label.sizeHint().width())
    for grid in grids:
        for col, label in grid.labels:
            label.setMinimumWidth(widths[col])


def ask_unsaved(parent: QWidget) -> str:
    """The 是否保存修改？ question: returns "save", "discard" or "cancel"."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(UNSAVED_QUESTION)
    box.setText(UNSAVED_QUESTION)
    box.setInformativeText(UNSAVED_DETAIL)
    save = box.addButton(BTN_SAVE, QMessageBox.ButtonRole.AcceptRole)
    discard = box.addButton(BTN_DISCARD, QMessageBox.ButtonRole.DestructiveRole)
    cancel = box.addButton(BTN_CANCEL, QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(save)
    box.setEscapeButton(cancel)
    box.exec()
    clicked = box.clickedButton()
    if clicked is save:
        return "save"
    if clicked is discard:
        return "discard"
    return "cancel"


def show_warning(parent: QWidget, title: str, text: str, detail: str = "") -> None:
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(title)
    box.setText(text)
    if detail:
        box.setInformativeText(detail)
    box.addButton(BTN_OK, QMessageBox.ButtonRole.AcceptRole)
    box.exec()


def confirm(parent: QWidget, title: str, text: str, yes: str) -> bool:
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(title)
    box.setText(text)
    ok = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
    cancel = box.addButton(BTN_CANCEL, QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(cancel)
    box.setEscapeButton(cancel)
    box.exec()
    return box.clickedButton() is ok


# ---------------------------------------------------------------------------------------- table models


class MemberTableModel(QAbstractTableModel):
    """The members of the household being edited (plain MemberData, in the household's order).

    Members who are not 在册 are greyed; an invalid ID number is shown red with the reason as tooltip.
    """

    def __init__(self, members: Sequence[MemberData] = (), parent=None) -> None:
        super().__init__(parent)
        self._members: list[MemberData] = list(members)

    # Qt interface
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._members)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(MEMBER_COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            if 0 <= section < len(MEMBER_COLUMNS):
                return MEMBER_LABELS[MEMBER_COLUMNS[section]]
            return None
        return str(section + 1)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not (0 <= index.row() < len(self._members)):
            return None
        m = self._members[index.row()]
        column = MEMBER_COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            if column == "status":
                return _status_text(m)
            if column == "birth_date":
                return m.birth_date.isoformat() if m.birth_date else ""
            return str(getattr(m, column) or "")
        if role == Qt.ItemDataRole.ForegroundRole:
            if m.status != vocab.MEMBER_ACTIVE:
                return QBrush(QColor(GREY))
            if column == "id_number" and m.id_number and not check_id(m.id_number).ok:
                return QBrush(QColor(RED))
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == "id_number" and m.id_number:
                error = check_id(m.id_number).error
                return error
            if m.status != vocab.MEMBER_ACTIVE:
                return f"{m.name}已{_status_text(m)}，不计入在册人口"
            return None
        return None

    # editing API (the editor stages changes here; nothing is written until 保存)
    def members(self) -> list[MemberData]:
        return list(self._members)

    def member(self, row: int) -> MemberData:
        return self._members[row]

    def set_members(self, members: Sequence[MemberData]) -> None:
        self.beginResetModel()
        self._members = list(members)
        self.endResetModel()

    def replace(self, row: int, member: MemberData) -> None:
        self._members[row] = member
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(MEMBER_COLUMNS) - 1))

    def append(self, member: MemberData) -> int:
        row = len(self._members)
        self.beginInsertRows(QModelIndex(), row, row)
        self._members.append(member)
        self.endInsertRows()
        return row


class TextTableModel(QAbstractTableModel):
    """A read-only table of text rows under fixed headers (attachments, history)."""

    def __init__(self, headers: Sequence[str], parent=None) -> None:
        super().__init__(parent)
        self._headers = list(headers)
        self._rows: list[tuple[str, ...]] = []
        self._tips: list[str] = []

    def set_rows(self, rows: Sequence[Sequence[str]], tips: Sequence[str] | None = None) -> None:
        self.beginResetModel()
        self._rows = [tuple(r) for r in rows]
        self._tips = list(tips) if tips is not None else []
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._headers)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self._headers[section] if 0 <= section < len(self._headers) else None
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._rows[index.row()][index.column()]
        if role == Qt.ItemDataRole.ToolTipRole:
            if self._tips and self._tips[index.row()]:
                return self._tips[index.row()]
            return self._rows[index.row()][index.column()] or None
        return None


def _table(model: QAbstractTableModel) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 12)
    view.horizontalHeader().setHighlightSections(False)
    view.horizontalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    return view


# ---------------------------------------------------------------------------------------- member dialogs


class StatusDateDialog(QDialog):
    """Asks the date a member moved out or died (defaults to today, never in the future)."""

    def __init__(self, name: str, status: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"标记{status}")
        self.date_edit = QDateEdit(QDate.currentDate())
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("yyyy-MM-dd")
        self.date_edit.setMaximumDate(QDate.currentDate())
        self.date_edit.setMinimumDate(QDate(1900, 1, 1))
        text = QLabel(f"将 {name} 标记为“{status}”。此人仍保留在档案中，不计入在册人口。")
        text.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(QLabel(f"{status}日期："))
        row.addWidget(self.date_edit)
        row.addStretch(1)
        self.ok_button = QPushButton(BTN_OK)
        self.ok_button.setDefault(True)
        self.ok_button.clicked.connect(self.accept)
        cancel = QPushButton(BTN_CANCEL)
        cancel.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.ok_button)
        buttons.addWidget(cancel)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addLayout(row)
        layout.addLayout(buttons)
        self.setMinimumWidth(360)

    def chosen_date(self) -> dt.date:
        return self.date_edit.date().toPython()


class MemberDialog(QDialog):
    """Add or edit one member. The ID number is checked on every keystroke; 确定 stays disabled while the
    name is empty, the ID or birth date is invalid, or the ID belongs to someone else."""

    def __init__(self, member: MemberData | None = None, *, others: Sequence[MemberData] = (),
                 held_elsewhere: Callable[[str], str | None] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._original = member or MemberData()
        self._others = list(others)
        self._held_elsewhere = held_elsewhere
        self._birth_auto = False  # birth date / sex were filled from the ID (and may follow it)
        self._sex_auto = False
        self.setWindowTitle(f"编辑家庭成员 — {member.name}" if member and member.name else "添加家庭成员")
        self.setStyleSheet(EDITOR_CSS)

        m = self._original
        self.name_edit = QLineEdit(m.name)
        self.name_edit.setPlaceholderText("必填")
        self.relation_combo = vocab_combo(vocab.RELATIONS)
        self.relation_combo.set_value(m.relation or self._default_relation(member))
        self.id_edit = QLineEdit(m.id_number)
        self.id_edit.setPlaceholderText("18位公民身份号码")
        self.id_box = FieldBox(self.id_edit)
        self.id_warning = _message_label("warning")
        self.id_box.layout().addWidget(self.id_warning)
        self.sex_combo = vocab_combo(vocab.SEXES)
        self.sex_combo.set_value(m.sex)
        self.birth_edit = QLineEdit(m.birth_date.isoformat() if m.birth_date else "")
        self.birth_edit.setPlaceholderText("如 1980-05-03；可由身份证号自动填入")
        self.birth_box = FieldBox(self.birth_edit)
        self.ethnic_combo = free_combo(ETHNIC_GROUPS)
        self.ethnic_combo.setCurrentText(m.ethnic_group)
        self.education_combo = free_combo(EDUCATION_LEVELS)
        self.education_combo.setCurrentText(m.education)
        self.health_combo = vocab_combo(vocab.HEALTH)
        self.health_combo.set_value(m.health)
        self.labour_combo = vocab_combo(vocab.LABOUR)
        self.labour_combo.set_value(m.labour)
        self.employment_combo = vocab_combo(vocab.EMPLOYMENT)
        self.employment_combo.set_value(m.employment)
        self.party_check = QCheckBox("中共党员（含预备党员）")
        self.party_check.setChecked(m.party_member)
        self.phone_edit = QLineEdit(m.phone)
        self.status_combo = vocab_combo(vocab.MEMBER_STATUS, blank=False)
        self.status_combo.set_value(m.status)
        self.status_date_edit = QDateEdit()
        self.status_date_edit.setCalendarPopup(True)
        self.status_date_edit.setDisplayFormat("yyyy-MM-dd")
        self.status_date_edit.setMinimumDate(QDate(1900, 1, 1))
        self.status_date_edit.setMaximumDate(QDate.currentDate())
        self.status_date_edit.setDate(
            QDate(m.status_date.year, m.status_date.month, m.status_date.day) if m.status_date else QDate.currentDate()
        )
        self.notes_edit = QPlainTextEdit(m.notes)
        self.notes_edit.setFixedHeight(self.fontMetrics().lineSpacing() * 3 + 14)

        status_row = QWidget()
        status_layout = QHBoxLayout(status_row)
        status_layout.setContentsMargins(0, 0, 0, 0)
        status_layout.addWidget(self.status_combo)
        self.status_date_label = QLabel("日期：")
        status_layout.addWidget(self.status_date_label)
        status_layout.addWidget(self.status_date_edit, 1)

        grid = FormGrid(pairs_per_row=2)
        grid.add(MEMBER_LABELS["name"], self.name_edit)
        grid.add(MEMBER_LABELS["relation"], self.relation_combo)
        grid.add(MEMBER_LABELS["id_number"], self.id_box, span=True)
        grid.add(MEMBER_LABELS["sex"], self.sex_combo)
        grid.add(MEMBER_LABELS["birth_date"], self.birth_box)
        grid.add(MEMBER_LABELS["ethnic_group"], self.ethnic_combo)
        grid.add(MEMBER_LABELS["education"], self.education_combo)
        grid.add(MEMBER_LABELS["health"], self.health_combo)
        grid.add(MEMBER_LABELS["labour"], self.labour_combo)
        grid.add(MEMBER_LABELS["employment"], self.employment_combo)
        grid.add(MEMBER_LABELS["phone"], self.phone_edit)
        grid.add("政治面貌", self.party_check)
        grid.add(MEMBER_LABELS["status"], status_row)
        grid.add(MEMBER_LABELS["notes"], self.notes_edit, span=True)

        self.ok_button = QPushButton(BTN_OK)
        self.ok_button.setDefault(True)
        self.ok_button.clicked.connect(self.accept)
        self.cancel_button = QPushButton(BTN_CANCEL)
        self.cancel_button.setAutoDefault(False)
        self.cancel_button.clicked.connect(self.reject)
        self.ok_hint = QLabel()
        self.ok_hint.setProperty("role", "hint")
        buttons = QHBoxLayout()
        buttons.addWidget(self.ok_hint, 1)
        buttons.addWidget(self.ok_button)
        buttons.addWidget(self.cancel_button)

        layout = QVBoxLayout(self)
        layout.addLayout(grid)
        layout.addStretch(1)
        layout.addLayout(buttons)
        self.setMinimumWidth(640)

        self.name_edit.textChanged.connect(self._update_ok)
        self.id_edit.textChanged.connect(self._on_id_changed)
        self.birth_edit.textChanged.connect(self._on_birth_changed)
        self.birth_edit.textEdited.connect(self._birth_touched)
        self.sex_combo.activated.connect(self._sex_touched)
        self.sex_combo.currentIndexChanged.connect(self._check_consistency)
        self.relation_combo.currentIndexChanged.connect(self._check_consistency)
        self.status_combo.currentIndexChanged.connect(self._on_status_changed)
        self._on_status_changed()
        self._on_birth_changed()
        self._on_id_changed()

    def _default_relation(self, member: MemberData | None) -> str:
        if member is not None:
            return member.relation
        has_head = any(o.relation == vocab.HEAD and o.status == vocab.MEMBER_ACTIVE for o in self._others)
        return "" if has_head else vocab.HEAD

    # --- live checks
    def _id_problem(self) -> str | None:
        """Why the ID cannot be accepted (blocks 确定), or None."""
        raw = self.id_edit.text()
        if not raw.strip():
            return None
        check = check_id(raw)
        if not check.ok:
            return check.error
        for other in self._others:
            if other.id_number and normalize_id(other.id_number) == check.normalized:
                return f"本户的{other.name}已登记了这个身份证号，同一号码只能属于一个人"
        if self._held_elsewhere is not None:
            holder = self._held_elsewhere(check.normalized)
            if holder:
                return f"该身份证号已属于{holder}，同一身份证号不能登记两次，请核对"
        return None

    def _on_id_changed(self) -> None:
        problem = self._id_problem()
        self.id_box.set_error(problem)
        check = check_id(self.id_edit.text()) if self.id_edit.text().strip() else None
        if check is not None and check.ok:
            if not self.birth_edit.text().strip() or self._birth_auto:
                self.birth_edit.setText(check.birth_date.isoformat())
                self._birth_auto = True
            if not self.sex_combo.value() or self._sex_auto:
                self.sex_combo.set_value(check.sex)
                self._sex_auto = True
        self._check_consistency()
        self._update_ok()

    def _birth_touched(self) -> None:
        self._birth_auto = False

    def _sex_touched(self) -> None:
        self._sex_auto = False

    def _on_birth_changed(self) -> None:
        _, error = parse_birth_date(self.birth_edit.text())
        self.birth_box.set_error(error)
        self._check_consistency()
        self._update_ok()

    def _check_consistency(self) -> None:
        """Warnings that do not block: the ID disagrees with the sex or birth date entered, a second head."""
        warnings: list[str] = []
        raw = self.id_edit.text()
        check = check_id(raw) if raw.strip() else None
        if check is not None and check.ok:
            sex = self.sex_combo.value()
            if sex and sex != check.sex:
                warnings.append(f"性别与身份证号不符：身份证号第17位显示为{check.sex}，请核对")
            birth, _ = parse_birth_date(self.birth_edit.text())
            if birth is not None and birth != check.birth_date:
                warnings.append(
                    f"出生日期与身份证号不符：身份证号显示为{check.birth_date.isoformat()}，请核对"
                )
        if self.relation_combo.value() == vocab.HEAD and self.status_combo.value() == vocab.MEMBER_ACTIVE:
            heads = [o.name for o in self._others if o.relation == vocab.HEAD and o.status == vocab.MEMBER_ACTIVE]
            if heads:
                warnings.append(f"本户已有户主{heads[0]}，一户只能有一位在册户主，请把其中一人改为实际关系")
        self.id_warning.setText("\n".join(warnings))
        self.id_warning.setVisible(bool(warnings))

    def _on_status_changed(self) -> None:
        active = self.status_combo.value() == vocab.MEMBER_ACTIVE
        self.status_date_edit.setEnabled(not active)
        self.status_date_label.setEnabled(not active)
        self._check_consistency()

    def _update_ok(self) -> None:
        reasons = []
        if not normalize_name(self.name_edit.text()):
            reasons.append("请填写姓名")
        if self._id_problem():
            reasons.append("请改正身份证号")
        if parse_birth_date(self.birth_edit.text())[1]:
            reasons.append("请改正出生日期")
        self.ok_button.setEnabled(not reasons)
        self.ok_button.setToolTip("；".join(reasons))
        self.ok_hint.setText("；".join(reasons))

    # --- result
    def member(self) -> MemberData:
        """The member as entered (names, IDs and phones normalised)."""
        birth, _ = parse_birth_date(self.birth_edit.text())
        status = self.status_combo.value() or vocab.MEMBER_ACTIVE
        return replace(
            self._original,
            name=normalize_name(self.name_edit.text()),
            relation=self.relation_combo.value() or "",
            sex=self.sex_combo.value() or "",
            id_number=normalize_id(self.id_edit.text()),
            birth_date=birth,
            ethnic_group=self.ethnic_combo.currentText().strip(),
            education=self.education_combo.currentText().strip(),
            health=self.health_combo.value() or "",
            labour=self.labour_combo.value() or "",
            employment=self.employment_combo.value() or "",
            party_member=self.party_check.isChecked(),
            phone=normalize_phone(self.phone_edit.text()),
            status=status,
            status_date=None if status == vocab.MEMBER_ACTIVE else self.status_date_edit.date().toPython(),
            notes=self.notes_edit.toPlainText().strip(),
        )

    def accept(self) -> None:
        if not self.ok_button.isEnabled():
            return
        super().accept()


# ---------------------------------------------------------------------------------------- the editor


class HouseholdEditor(QDialog):
    """Edit one household archive (household_id=None creates one). Emits saved(id) after a successful save."""

    saved = Signal(int)

    def __init__(self, db: Database, household_id: int | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self._temp_dir: Path | None = None
        self._read(household_id)

        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)
        self.setWindowFlag(Qt.WindowType.WindowContextHelpButtonHint, False)
        self.setStyleSheet(EDITOR_CSS)
        self.setWindowTitle(self._title())

        self._live_timer = QTimer(self)
        self._live_timer.setSingleShot(True)
        self._live_timer.setInterval(150)
        self._live_timer.timeout.connect(self._refresh_live)

        self._build()
        self._show(self._data)
        self._baseline = self._snapshot()
        self._connect_changes()
        self._refresh_live()
        self._size_to_screen()

    def _read(self, household_id: int | None) -> None:
        self._load_error: str | None = None
        self._elsewhere_cache: tuple[tuple[str, ...], dict[str, str]] = ((), {})
        self._finding_targets: list[tuple[object, str]] = []
        try:
            self._data = load_household(self.db, household_id) if household_id is not None else HouseholdData()
        except HouseholdNotFound as exc:
            self._load_error = str(exc)
            self._data = HouseholdData()
        self._villages = town_service.villages(self.db)
        self._points = town_service.settlement_points(self.db)
        self._attachments: list[AttachmentInfo] = list(self._data.attachments)

    def load(self, household_id: int | None) -> None:
        """Show another household in this (closed) editor: building the widgets is the slow part of opening,
        so the household list keeps one editor and reloads it."""
        self._read(household_id)
        self.village_combo.set_choices([("", None)] + [(v.label, v.id) for v in self._villages])
        self.setWindowTitle(self._title())
        self._show(self._data)
        self._baseline = self._snapshot()
        self._refresh_live()
        self.tabs.setCurrentIndex(0)

    # ------------------------------------------------------------------ layout
    def _build(self) -> None:
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(False)
        self.tabs.addTab(self._build_household_tab(), "户基本信息")
        self.tabs.addTab(self._build_members_tab(), "家庭成员")
        self.tabs.addTab(self._build_attachments_tab(), "附件")
        self.tabs.addTab(self._build_history_tab(), "变更记录")

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.tabs)
        self.splitter.addWidget(self._build_check_panel())
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 0)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setSizes([860, 320])

        self.save_button = QPushButton(BTN_SAVE)
        self.save_button.setMinimumWidth(88)
        self.save_button.setToolTip("保存全部修改（Ctrl+S）")
        self.save_button.clicked.connect(self.save)
        self.cancel_button = QPushButton(BTN_CANCEL)
        self.cancel_button.setMinimumWidth(88)
        self.cancel_button.clicked.connect(self.reject)
        _no_auto_default(self.save_button, self.cancel_button)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Save), self, activated=self.save)

        self.dirty_label = QLabel(DIRTY_HINT)
        self.dirty_label.setProperty("role", "dirty")
        self.dirty_label.setVisible(False)
        buttons = QHBoxLayout()
        buttons.addWidget(self.dirty_label)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.cancel_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 10, 10, 10)
        if self.db.readonly:
            banner = QLabel(self.db.readonly_reason or "数据库以只读方式打开，不能修改。")
            banner.setProperty("role", "banner")
            banner.setWordWrap(True)
            layout.addWidget(banner)
            self.save_button.setEnabled(False)
            self.save_button.setToolTip(banner.text())
        layout.addWidget(self.splitter, 1)
        layout.addLayout(buttons)

    def _build_household_tab(self) -> QWidget:
        self.archive_no_edit = QLineEdit()
        self.archive_no_edit.setPlaceholderText("留空则保存时自动生成")
        self.archive_no_box = FieldBox(self.archive_no_edit)
        self.status_combo = vocab_combo(vocab.HOUSEHOLD_STATUS, blank=False)
        self.size_edit = QLineEdit()
        self.size_edit.setPlaceholderText(UNKNOWN)
        self.size_sync = QToolButton()
        self.size_sync.setText("按在册人数")
        self.size_sync.setToolTip("把家庭人口设为在册成员人数")
        self.size_sync.clicked.connect(self._sync_size)
        self.size_box = FieldBox(self.size_edit, self.size_sync)
        self.village_combo = ChoiceCombo([("", None)] + [(v.label, v.id) for v in self._villages])
        self.group_edit = QLineEdit()
        self.group_edit.setPlaceholderText("如 3组")
        self.phone_edit = QLineEdit()

        self.point_combo = ChoiceCombo()
        self.settlement_combo = vocab_combo(vocab.SETTLEMENT_TYPES)
        self.relocation_edit = QLineEdit()
        self.relocation_edit.setPlaceholderText("如 2019 或 2019-05")
        self.relocation_edit.setToolTip("可写 2019、2019.5、2019年5月、2019-05-03 等")
        self.relocation_box = FieldBox(self.relocation_edit)
        self.address_edit = QLineEdit()
        self.original_edit = QLineEdit()
        self.original_edit.setPlaceholderText("库区原住址，如 某某村某组")
        self.housing_combo = vocab_combo(vocab.HOUSING_STATUS)
        self.leaks_combo = yes_no_combo()
        self.geohazard_combo = yes_no_combo()

        self.land_edit = QLineEdit()
        self.land_edit.setPlaceholderText("未填；没有承包地请填 0")
        self.land_box = FieldBox(self.land_edit)
        self.income_edit = QLineEdit()
        self.income_edit.setPlaceholderText(UNKNOWN)
        self.income_box = FieldBox(self.income_edit)

        self.tag_checks: dict[str, QCheckBox] = {tag: QCheckBox(tag) for tag in vocab.KEY_TAGS}
        self.notes_edit = QPlainTextEdit()
        self.notes_edit.setFixedHeight(self.fontMetrics().lineSpacing() * 3 + 14)

        grids: list[FormGrid] = []

        def group(title: str) -> tuple[QGroupBox, FormGrid]:
            box = QGroupBox(title)
            grid = FormGrid(3)
            box.setLayout(grid)
            grids.append(grid)
            return box, grid

        basic, g = group("基本信息")
        g.add(HOUSEHOLD_LABELS["archive_no"], self.archive_no_box)
        g.add(HOUSEHOLD_LABELS["status"], self.status_combo)
        g.add(HOUSEHOLD_LABELS["household_size"], self.size_box)
        g.add(HOUSEHOLD_LABELS["village_id"], self.village_combo)
        g.add(HOUSEHOLD_LABELS["group_name"], self.group_edit)
        g.add(HOUSEHOLD_LABELS["phone"], self.phone_edit)

        settle, g = group("安置与住房")
        g.add(HOUSEHOLD_LABELS["settlement_point_id"], self.point_combo)
        g.add(HOUSEHOLD_LABELS["settlement_type"], self.settlement_combo)
        g.add(HOUSEHOLD_LABELS["relocation_date"], self.relocation_box)
        g.add(HOUSEHOLD_LABELS["address"], self.address_edit, span=True)
        g.add(HOUSEHOLD_LABELS["original_residence"], self.original_edit, span=True)
        g.add(HOUSEHOLD_LABELS["housing_status"], self.housing_combo)
        g.add(HOUSEHOLD_LABELS["house_leaks"], self.leaks_combo)
        g.add(HOUSEHOLD_LABELS["geohazard_unmoved"], self.geohazard_combo)

        money, g = group("收入与土地")
        g.add(HOUSEHOLD_LABELS["land_mu"], self.land_box)
        g.add(HOUSEHOLD_LABELS["annual_income"], self.income_box)
        g.add("", QWidget())  # keeps the columns in step with the other groups
        tags_row = QWidget()
        tags_layout = QGridLayout(tags_row)
        tags_layout.setContentsMargins(0, 0, 0, 0)
        tags_layout.setHorizontalSpacing(16)
        for i, tag in enumerate(vocab.KEY_TAGS):
            tags_layout.addWidget(self.tag_checks[tag], 0, i)
        tags_layout.setColumnStretch(len(vocab.KEY_TAGS), 1)
        g.add("申报重点户", tags_row, span=True)
        hint = QLabel("低收入户、困难户、孤寡老残户以民政认定为准；无房户、无地户、无劳动力户未申报时按规则自动认定，见右侧。")
        hint.setProperty("role", "hint")
        hint.setWordWrap(True)
        g.add("", hint, span=True)

        notes, g = group(HOUSEHOLD_LABELS["notes"])
        g.add("", self.notes_edit, span=True)
        align_label_columns(grids)

        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.setSpacing(8)
        for box in (basic, settle, money, notes):
            layout.addWidget(box)
        layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(page)
        return scroll

    def _build_members_tab(self) -> QWidget:
        self.members_model = MemberTableModel(parent=self)
        self.members_view = _table(self.members_model)
        self.members_view.doubleClicked.connect(lambda index: self.edit_member(index.row()))
        header = self.members_view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        header.setMinimumSectionSize(48)
        self.members_model.modelReset.connect(self._fit_member_columns)
        self.members_model.rowsInserted.connect(self._fit_member_columns)
        self.members_model.dataChanged.connect(self._fit_member_columns)

        self.add_member_button = QPushButton("添加成员")
        self.add_member_button.clicked.connect(self.add_member)
        self.edit_member_button = QPushButton("编辑成员")
        self.edit_member_button.clicked.connect(lambda: self.edit_member(self._selected_member()))
        self.move_out_button = QPushButton("标记迁出")
        self.move_out_button.setToolTip("成员迁出本户：保留在档案中，不计入在册人口")
        self.move_out_button.clicked.connect(lambda: self.mark_member("迁出"))
        self.died_button = QPushButton("标记死亡")
        self.died_button.setToolTip("成员死亡：保留在档案中，不计入在册人口")
        self.died_button.clicked.connect(lambda: self.mark_member("死亡"))
        self.restore_button = QPushButton("恢复在册")
        self.restore_button.setToolTip("误标迁出或死亡时，恢复为在册")
        self.restore_button.clicked.connect(self.restore_member)
        _no_auto_default(self.add_member_button, self.edit_member_button, self.move_out_button,
                         self.died_button, self.restore_button)
        self.members_summary = QLabel()
        self.members_summary.setProperty("role", "hint")

        buttons = QHBoxLayout()
        for b in (self.add_member_button, self.edit_member_button, self.move_out_button, self.died_button,
                  self.restore_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.members_summary)

        note = QLabel("成员不删除：迁出或死亡的成员以灰色显示，保留在档案中。双击一行可编辑。")
        note.setProperty("role", "hint")
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addLayout(buttons)
        layout.addWidget(self.members_view, 1)
        layout.addWidget(note)
        self.members_view.selectionModel().selectionChanged.connect(self._update_member_buttons)
        self.members_model.modelReset.connect(self._update_member_buttons)
        self.members_model.dataChanged.connect(self._update_member_buttons)
        return page

    def _build_attachments_tab(self) -> QWidget:
        self.attachments_model = TextTableModel(("文件名", "大小", "添加时间"), parent=self)
        self.attachments_view = _table(self.attachments_model)
        self.attachments_view.doubleClicked.connect(lambda _i: self.open_attachment())
        header = self.attachments_view.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.add_attachment_button = QPushButton("添加附件…")
        self.add_attachment_button.clicked.connect(self.add_attachments)
        self.open_attachment_button = QPushButton("打开")
        self.open_attachment_button.clicked.connect(self.open_attachment)
        self.remove_attachment_button = QPushButton("移除")
        self.remove_attachment_button.clicked.connect(self.remove_attachment)
        _no_auto_default(self.add_attachment_button, self.open_attachment_button, self.remove_attachment_button)
        buttons = QHBoxLayout()
        for b in (self.add_attachment_button, self.open_attachment_button, self.remove_attachment_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        note = QLabel("扫描件、照片、PDF 等，单个文件不超过 50 MB。添加和移除在点“保存”后才生效。")
        note.setProperty("role", "hint")
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addLayout(buttons)
        layout.addWidget(self.attachments_view, 1)
        layout.addWidget(note)
        self.attachments_view.selectionModel().selectionChanged.connect(self._update_attachment_buttons)
        self.attachments_model.modelReset.connect(self._update_attachment_buttons)
        return page

    def _build_history_tab(self) -> QWidget:
        self.history_model = TextTableModel(("时间", "对象", "字段", "原值", "新值", "原因"), parent=self)
        self.history_view = _table(self.history_model)
        header = self.history_view.horizontalHeader()
        for col in (0, 1, 2, 5):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.history_empty = QLabel("新建的户尚无变更记录，保存后开始记录每一项修改。")
        self.history_empty.setProperty("role", "hint")
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(self.history_view, 1)
        layout.addWidget(self.history_empty)
        return page

    def _build_check_panel(self) -> QWidget:
        panel = QFrame()
        panel.setObjectName("checkPanel")
        panel.setMinimumWidth(260)
        title = QLabel("重点户类型与档案检查")
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.15)
        font.setBold(True)
        title.setFont(font)

        groups_title = QLabel("重点户类型")
        groups_title.setProperty("role", "section")
        self.key_groups_label = QLabel()
        self.key_groups_label.setWordWrap(True)
        self.key_groups_label.setTextFormat(Qt.TextFormat.RichText)

        check_title = QLabel("档案检查（准确、齐全、一致）")
        check_title.setProperty("role", "section")
        self.check_summary_label = QLabel()
        self.check_summary_label.setWordWrap(True)
        self.findings_label = QLabel()
        self.findings_label.setWordWrap(True)
        self.findings_label.setTextFormat(Qt.TextFormat.RichText)
        self.findings_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.findings_label.linkActivated.connect(self._go_to_finding)
        findings_page = QWidget()
        findings_layout = QVBoxLayout(findings_page)
        findings_layout.setContentsMargins(0, 0, 4, 0)
        findings_layout.addWidget(self.findings_label)
        findings_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(findings_page)

        layout = QVBoxLayout(panel)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.addWidget(title)
        layout.addWidget(groups_title)
        layout.addWidget(self.key_groups_label)
        layout.addSpacing(4)
        layout.addWidget(check_title)
        layout.addWidget(self.check_summary_label)
        layout.addWidget(scroll, 1)
        return panel

    def _size_to_screen(self) -> None:
        screen = (self.parentWidget().screen() if self.parentWidget() else None) or self.screen()
        avail = screen.availableGeometry() if screen else None
        width, height = 1200, 700
        if avail is not None:
            width = min(width, avail.width() - 40)
            height = min(height, avail.height() - 40)
        self.resize(width, height)

    # ------------------------------------------------------------------ data <-> widgets
    def _title(self) -> str:
        if self._data.id is None:
            return TITLE_NEW
        heads = [m.name for m in self._data.members if m.relation == vocab.HEAD and m.status == vocab.MEMBER_ACTIVE]
        return TITLE_EXISTING.format(head=heads[0] if heads else NO_HEAD, no=self._data.archive_no)

    def _show(self, d: HouseholdData) -> None:
        self.archive_no_edit.setText(d.archive_no)
        self.status_combo.set_value(d.status)
        self.size_edit.setText("" if d.household_size is None else str(d.household_size))
        self.village_combo.set_value(d.village_id)
        self._fill_points(d.village_id, d.settlement_point_id)
        self.group_edit.setText(d.group_name)
        self.phone_edit.setText(d.phone)
        self.settlement_combo.set_value(d.settlement_type)
        self.relocation_edit.setText(d.relocation_date)
        self.address_edit.setText(d.address)
        self.original_edit.setText(d.original_residence)
        self.housing_combo.set_value(d.housing_status)
        self.leaks_combo.set_value(d.house_leaks)
        self.geohazard_combo.set_value(d.geohazard_unmoved)
        self.land_edit.setText(format_decimal(d.land_mu))
        self.income_edit.setText(format_decimal(d.annual_income))
        for tag, box in self.tag_checks.items():
            box.setChecked(tag in d.declared_tags)
        self.notes_edit.setPlainText(d.notes)
        self.members_model.set_members(d.members)
        self._show_attachments()
        self._show_history()
        self._validate_fields()

    def _show_attachments(self) -> None:
        rows = []
        tips = []
        for a in self._attachments:
            added = a.added_at.strftime("%Y-%m-%d %H:%M") if a.added_at else "待保存"
            rows.append((a.filename, format_size(a.size), added))
            tips.append(str(a.source_path) if a.source_path else a.filename)
        self.attachments_model.set_rows(rows, tips)
        self.tabs.setTabText(2, f"附件（{len(self._attachments)}）" if self._attachments else "附件")

    def _show_history(self) -> None:
        rows = []
        if self._data.id is not None:
            for r in history_service.household_history(self.db, self._data.id):
                rows.append((r.at.strftime("%Y-%m-%d %H:%M"), r.subject, r.field, r.old, r.new, r.reason))
        self.history_model.set_rows(rows)
        self.history_empty.setVisible(self._data.id is None)

    def _fill_points(self, village_id: int | None, keep: int | None) -> None:
        """安置点 choices of the chosen village (all points, labelled with their village, when none is chosen)."""
        names = {v.id: v.label for v in self._villages}
        if village_id is None:
            choices = [(f"{p.label}（{names.get(p.parent_id, '')}）", p.id) for p in self._points]
        else:
            choices = [(p.label, p.id) for p in self._points if p.parent_id == village_id]
        ids = {value for _, value in choices}
        self.point_combo.set_choices([("", None)] + choices, keep if keep in ids else None)

    def _on_village_changed(self) -> None:
        self._fill_points(self.village_combo.value(), self.point_combo.value())
        self._changed()

    def _on_point_changed(self) -> None:
        point_id = self.point_combo.value()
        if point_id is not None and self.village_combo.value() is None:
            parent = next((p.parent_id for p in self._points if p.id == point_id), None)
            if parent is not None:
                self.village_combo.blockSignals(True)
                self.village_combo.set_value(parent)
                self.village_combo.blockSignals(False)
                self._fill_points(parent, point_id)
        self._changed()

    def _parse_fields(self) -> tuple[dict, dict[str, str]]:
        """Parsed values of the typed household fields and, per field, the reason one cannot be read."""
        values: dict = {}
        errors: dict[str, str] = {}
        date, error = parse_relocation_date(self.relocation_edit.text())
        values["relocation_date"] = date or ""
        if error:
            errors["relocation_date"] = error
        for attr, edit, label in (("land_mu", self.land_edit, "承包地面积"),
                                  ("annual_income", self.income_edit, "家庭年收入")):
            number, error = parse_decimal(edit.text(), label)
            values[attr] = number
            if error:
                errors[attr] = error
        size_text = self.size_edit.text().strip()
        values["household_size"] = None
        if size_text:
            digits = normalize_id(size_text)
            if digits.isdigit() and len(digits) <= 3:
                values["household_size"] = int(digits)
            else:
                errors["household_size"] = f"家庭人口“{size_text}”无法识别，请填写人数（整数），不知道可留空"
        return values, errors

    def _validate_fields(self) -> dict[str, str]:
        _, errors = self._parse_fields()
        self.relocation_box.set_error(errors.get("relocation_date"))
        self.land_box.set_error(errors.get("land_mu"))
        self.income_box.set_error(errors.get("annual_income"))
        self.size_box.set_error(errors.get("household_size"))
        return errors

    def household(self) -> HouseholdData:
        """The household as currently entered (unreadable typed fields are left blank)."""
        values, _ = self._parse_fields()
        return HouseholdData(
            id=self._data.id,
            archive_no=self.archive_no_edit.text().strip(),
            village_id=self.village_combo.value(),
            group_name=self.group_edit.text().strip(),
            settlement_point_id=self.point_combo.value(),
            address=self.address_edit.text().strip(),
            original_residence=self.original_edit.text().strip(),
            relocation_date=values["relocation_date"],
            settlement_type=self.settlement_combo.value() or "",
            housing_status=self.housing_combo.value() or "",
            house_leaks=self.leaks_combo.value(),
            geohazard_unmoved=self.geohazard_combo.value(),
            land_mu=values["land_mu"],
            annual_income=values["annual_income"],
            phone=self.phone_edit.text().strip(),
            household_size=values["household_size"],
            status=self.status_combo.value() or vocab.HOUSEHOLD_ACTIVE,
            notes=self.notes_edit.toPlainText().strip(),
            declared_tags={tag for tag, box in self.tag_checks.items() if box.isChecked()},
            members=self.members_model.members(),
            attachments=list(self._attachments),
        )

    def _snapshot(self) -> tuple:
        """Everything the clerk can change, as typed (so that an edit undone by hand is not a change)."""
        return (
            self.archive_no_edit.text(), self.status_combo.value(), self.size_edit.text(),
            self.village_combo.value(), self.point_combo.value(), self.group_edit.text(), self.phone_edit.text(),
            self.settlement_combo.value(), self.relocation_edit.text(), self.address_edit.text(),
            self.original_edit.text(), self.housing_combo.value(), self.leaks_combo.value(),
            self.geohazard_combo.value(), self.land_edit.text(), self.income_edit.text(),
            tuple(box.isChecked() for box in self.tag_checks.values()), self.notes_edit.toPlainText(),
            tuple(self.members_model.members()),
            tuple((a.id, a.filename, a.size, str(a.source_path)) for a in self._attachments),
        )

    def is_dirty(self) -> bool:
        """True when something differs from what was loaded (or last saved)."""
        return self._snapshot() != self._baseline

    def _connect_changes(self) -> None:
        for edit in (self.archive_no_edit, self.group_edit, self.phone_edit, self.address_edit, self.original_edit):
            edit.textChanged.connect(self._changed)
        for edit in (self.relocation_edit, self.land_edit, self.income_edit, self.size_edit):
            edit.textChanged.connect(self._on_typed_field)
        for combo in (self.status_combo, self.settlement_combo, self.housing_combo, self.leaks_combo,
                      self.geohazard_combo):
            combo.currentIndexChanged.connect(self._changed)
        self.village_combo.currentIndexChanged.connect(self._on_village_changed)
        self.point_combo.currentIndexChanged.connect(self._on_point_changed)
        for box in self.tag_checks.values():
            box.toggled.connect(self._changed)
        self.notes_edit.textChanged.connect(self._changed)
        for sig in (self.members_model.dataChanged, self.members_model.rowsInserted, self.members_model.modelReset):
            sig.connect(self._changed)

    def _on_typed_field(self) -> None:
        self._validate_fields()  # at once, not debounced: the clerk sees the reason while typing
        self._changed()

    def _changed(self, *_args) -> None:
        self._live_timer.start()

    # ------------------------------------------------------------------ live checks
    def _elsewhere(self, data: HouseholdData) -> dict[str, str]:
        ids = tuple(sorted({m.id_number for m in data.members if m.id_number}))
        if ids != self._elsewhere_cache[0]:
            self._elsewhere_cache = (ids, ids_held_elsewhere(self.db, ids, data.id))
        return self._elsewhere_cache[1]

    def evaluation(self) -> Evaluation:
        """Key groups and completeness findings of the household as entered (SPEC §4.2, §4.5)."""
        data = clean(self.household())
        return evaluate(data, self._elsewhere(data))

    def _refresh_live(self) -> None:
        self._live_timer.stop()
        ev = self.evaluation()
        members = self.members_model.members()

        if ev.key_groups:
            lines = []
            for tr in ev.key_groups:
                color = "#1f4e8c" if tr.declared else AMBER
                lines.append(f'<div style="margin-bottom:3px"><span style="color:{color}">■</span> '
                             f'{html.escape(tr.tag)} — {html.escape(tr.reason)}</div>')
            tags = {tr.tag for tr in ev.key_groups}
            groups = [name for name, members_of in ((vocab.GROUP_SANTE, vocab.SANTE_TAGS),
                                                    (vocab.GROUP_SANWU, vocab.SANWU_TAGS))
                      if tags & set(members_of)]
            if groups:
                lines.append(f'<div style="color:#555">属于：{"、".join(groups)}</div>')
            self.key_groups_label.setText("".join(lines))
        else:
            self.key_groups_label.setText('<span style="color:#555">不属于重点户</span>')

        self._finding_targets = []
        if not ev.findings:
            self.check_summary_label.setText(f'<span style="color:{GREEN}">✔ 档案完整、一致</span>')
            self.findings_label.setText("")
        else:
            bad = sum(1 for f in ev.findings if f.severity == SEVERITY_INCONSISTENT)
            missing = len(ev.findings) - bad
            parts = []
            if bad:
                parts.append(f'<span style="color:{RED}">不一致 {bad} 项</span>')
            if missing:
                parts.append(f'<span style="color:{AMBER}">不完整 {missing} 项</span>')
            self.check_summary_label.setText("，".join(parts) + "。点“定位”可转到该项。")
            items = []
            for i, f in enumerate(ev.findings):
                self._finding_targets.append((f.member_key, f.field))
                color = RED if f.severity == SEVERITY_INCONSISTENT else AMBER
                who = f"{html.escape(f.member_name)} · " if f.member_name else ""
                items.append(
                    f'<p style="margin:0 0 6px 0"><span style="color:{color}; font-weight:bold">'
                    f'{html.escape(f.severity)}</span>　{who}{html.escape(f.field)}'
                    f'　<a href="finding:{i}">定位</a><br>{html.escape(f.message)}</p>'
                )
            self.findings_label.setText("".join(items))

        active = sum(1 for m in members if m.status == vocab.MEMBER_ACTIVE)
        left = len(members) - active
        self.members_summary.setText(f"在册 {active} 人" + (f"，迁出或死亡 {left} 人" if left else ""))
        self.tabs.setTabText(1, f"家庭成员（{active}）")
        self.dirty_label.setVisible(self.is_dirty())

    def key_groups_text(self) -> str:
        """The 重点户类型 part of the side panel as plain text."""
        return _plain(self.key_groups_label.text())

    def findings_text(self) -> str:
        """The 档案检查 part of the side panel as plain text."""
        return _plain(self.check_summary_label.text() + "\n" + self.findings_label.text())

    def _go_to_finding(self, link: str) -> None:
        try:
            member_key, field = self._finding_targets[int(link.split(":", 1)[1])]
        except (ValueError, IndexError):
            return
        if isinstance(member_key, int) and 0 <= member_key < self.members_model.rowCount():
            self.tabs.setCurrentIndex(1)
            self.members_view.selectRow(member_key)
            self.edit_member(member_key)
            return
        if field == "户主":
            self.tabs.setCurrentIndex(1)
            return
        widget = {
            "村": self.village_combo, "安置点": self.point_combo, "住房情况": self.housing_combo,
            "承包地面积": self.land_edit, "家庭人口": self.size_edit,
        }.get(field)
        if widget is not None:
            self.tabs.setCurrentIndex(0)
            widget.setFocus(Qt.FocusReason.OtherFocusReason)

    # ------------------------------------------------------------------ members
    def _fit_member_columns(self, *_args) -> None:
        # A household has a handful of members: fitting the columns to their contents is cheap.
        view = self.members_view
        view.resizeColumnsToContents()
        id_col = MEMBER_COLUMNS.index("id_number")
        wide_enough = view.fontMetrics().horizontalAdvance("00000000000000000X") + 16
        view.setColumnWidth(id_col, max(view.columnWidth(id_col), wide_enough))
        for col in range(len(MEMBER_COLUMNS) - 1):
            view.setColumnWidth(col, view.columnWidth(col) + 8)

    def _selected_member(self) -> int:
        rows = self.members_view.selectionModel().selectedRows()
        return rows[0].row() if rows else -1

    def _update_member_buttons(self, *_args) -> None:
        row = self._selected_member()
        has = row >= 0
        active = has and self.members_model.member(row).status == vocab.MEMBER_ACTIVE
        self.edit_member_button.setEnabled(has)
        self.move_out_button.setEnabled(active)
        self.died_button.setEnabled(active)
        self.restore_button.setEnabled(has and not active)

    def _held_elsewhere(self, id_number: str) -> str | None:
        return ids_held_elsewhere(self.db, [id_number], self._data.id).get(id_number)

    def _member_dialog(self, member: MemberData | None, row: int) -> MemberDialog:
        others = [m for i, m in enumerate(self.members_model.members()) if i != row]
        return MemberDialog(member, others=others, held_elsewhere=self._held_elsewhere, parent=self)

    def add_member(self) -> None:
        dialog = self._member_dialog(None, -1)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            row = self.members_model.append(dialog.member())
            self.members_view.selectRow(row)

    def edit_member(self, row: int) -> None:
        if not 0 <= row < self.members_model.rowCount():
            return
        dialog = self._member_dialog(self.members_model.member(row), row)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.members_model.replace(row, dialog.member())

    def mark_member(self, status: str) -> None:
        """Mark the selected member 迁出 or 死亡 on a date the clerk picks (the person stays in the archive)."""
        row = self._selected_member()
        if row < 0:
            return
        m = self.members_model.member(row)
        dialog = StatusDateDialog(m.name or f"第{row + 1}位成员", status, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.members_model.replace(row, replace(m, status=status, status_date=dialog.chosen_date()))

    def restore_member(self) -> None:
        row = self._selected_member()
        if row < 0:
            return
        m = self.members_model.member(row)
        self.members_model.replace(row, replace(m, status=vocab.MEMBER_ACTIVE, status_date=None))

    def _sync_size(self) -> None:
        active = sum(1 for m in self.members_model.members() if m.status == vocab.MEMBER_ACTIVE)
        self.size_edit.setText(str(active))

    # ------------------------------------------------------------------ attachments
    _last_dir: str = ""

    def _selected_attachment(self) -> int:
        rows = self.attachments_view.selectionModel().selectedRows()
        return rows[0].row() if rows else -1

    def _update_attachment_buttons(self, *_args) -> None:
        has = self._selected_attachment() >= 0
        self.open_attachment_button.setEnabled(has)
        self.remove_attachment_button.setEnabled(has)

    def add_attachments(self) -> None:
        paths = file_dialogs.get_open_paths(
            self, "添加附件", HouseholdEditor._last_dir or None,
            "图片和 PDF (*.jpg *.jpeg *.png *.bmp *.gif *.tif *.tiff *.pdf);;所有文件 (*)",
        )
        problems = []
        for p in paths:
            path = Path(p)
            HouseholdEditor._last_dir = str(path.parent)
            try:
                info = attachment_from_file(path)
            except ValueError as exc:
                problems.append(str(exc))
                continue
            except OSError as exc:
                problems.append(f"无法读取文件 {path.name}：{exc.strerror or exc}")
                continue
            if any(a.source_path == info.source_path for a in self._attachments):
                continue
            self._attachments.append(info)
        if paths:
            self._show_attachments()
            self.attachments_view.selectRow(len(self._attachments) - 1)
            self._changed()
        if problems:
            show_warning(self, "添加附件", "以下文件没有添加：", "\n".join(problems))

    def open_attachment(self) -> None:
        row = self._selected_attachment()
        if row < 0:
            return
        a = self._attachments[row]
        try:
            if a.id is None:
                path = a.source_path
                if path is None or not path.exists():
                    raise OSError(f"找不到文件：{path}")
            else:
                name, blob = attachment_bytes(self.db, a.id)
                if self._temp_dir is None:
                    self._temp_dir = Path(tempfile.mkdtemp(prefix="houfu-附件-"))
                path = self._temp_dir / (Path(name).name or f"附件{a.id}")
                path.write_bytes(blob)
        except (OSError, HouseholdNotFound) as exc:
            show_warning(self, "打开附件", f"无法打开附件“{a.filename}”。", str(exc))
            return
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
            show_warning(self, "打开附件", f"没有可以打开“{a.filename}”的程序。", str(path))

    def remove_attachment(self) -> None:
        row = self._selected_attachment()
        if row < 0:
            return
        a = self._attachments[row]
        if confirm(self, "移除附件", f"从该户档案中移除附件“{a.filename}”？\n（点“保存”后才会真正移除）", "移除"):
            del self._attachments[row]
            self._show_attachments()
            self._changed()

    # ------------------------------------------------------------------ save / close
    def save(self) -> bool:
        """Save everything as one transaction; on success emit saved(id) and close. False when not saved."""
        if self.db.readonly:
            return False
        errors = self._validate_fields()
        if errors:
            show_warning(self, "无法保存", "以下内容需要改正后才能保存：",
                         "\n".join(f"• {HOUSEHOLD_LABELS[attr]}：{msg}" for attr, msg in errors.items()))
            self.tabs.setCurrentIndex(0)
            return False
        data = self.household()
        try:
            result = save_household(self.db, data)
        except SaveRefused as exc:
            show_warning(self, "无法保存", "该户档案有以下问题，改正后才能保存（尚未写入任何内容）：",
                         "\n".join(self._describe(e, data) for e in exc.errors))
            return False
        except (DatabaseError, OSError) as exc:
            show_warning(self, "无法保存", "保存失败，尚未写入任何内容。", str(exc))
            return False
        self._baseline = self._snapshot()
        self.saved.emit(result.household_id)
        self.accept()
        return True

    @staticmethod
    def _describe(error: FieldError, data: HouseholdData) -> str:
        """One line of a refused save: whose field, which field, and what to do."""
        if error.member_index is None:
            return f"• 户 · {HOUSEHOLD_LABELS.get(error.field, error.field)}：{error.message}"
        m = data.members[error.member_index] if 0 <= error.member_index < len(data.members) else None
        who = (m.name if m and m.name else f"第{error.member_index + 1}位成员")
        message = error.message
        for prefix in (f"{who}：", f"{who}的"):
            if message.startswith(prefix):
                message = message[len(prefix):]
                break
        return f"• 成员 {who} · {MEMBER_LABELS.get(error.field, error.field)}：{message}"

    def reject(self) -> None:
        """取消, Esc and the window's close button: ask first when there are unsaved changes."""
        if self.is_dirty() and not self.db.readonly:
            answer = ask_unsaved(self)
            if answer == "cancel":
                return
            if answer == "save":
                self.save()
                return
        super().reject()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._load_error:
            QTimer.singleShot(0, self._fail_load)

    def _fail_load(self) -> None:
        message, self._load_error = self._load_error, None
        show_warning(self, "无法打开户档案", message or "")
        super().reject()

    def done(self, result: int) -> None:
        self._live_timer.stop()
        if self._temp_dir is not None:
            shutil.rmtree(self._temp_dir, ignore_errors=True)
            self._temp_dir = None
        super().done(result)


def _plain(rich: str) -> str:
    return QTextDocumentFragment.fromHtml(rich).toPlainText()


__all__ = [
    "HouseholdEditor", "MemberDialog", "MemberTableModel", "StatusDateDialog", "TextTableModel",
    "parse_birth_date", "format_decimal", "format_size",
]
