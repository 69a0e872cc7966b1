"""Small generic widgets of the household window: choice combos, form grids, field errors, questions."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.ui.household.texts import (
    BTN_CANCEL,
    BTN_DISCARD,
    BTN_OK,
    BTN_SAVE,
    NO,
    UNKNOWN,
    UNSAVED_DETAIL,
    UNSAVED_QUESTION,
    YES,
)


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


def message_label(role: str) -> QLabel:
    label = QLabel()
    label.setProperty("role", role)
    label.setWordWrap(True)
    label.setVisible(False)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def no_auto_default(*buttons: QPushButton) -> None:
    # Enter in a field must not press 保存 by accident.
    for b in buttons:
        b.setAutoDefault(False)
        b.setDefault(False)


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
        self.error = message_label("error")
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
