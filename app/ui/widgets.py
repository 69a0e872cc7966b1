"""Small widgets and helpers shared by the screens."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from PySide6.QtWidgets import QAbstractItemView, QComboBox, QHeaderView, QLabel, QPushButton, QTableView, QWidget

from app.ui.cadre_picker import CadrePicker
from app.ui.table_columns import install as install_columns


def fill_combo(combo: QComboBox, items: Iterable[tuple[str, Any]], *, blank: str | None = None) -> None:
    """Replace a combo's items with (label, data) pairs, keeping the current data when still present."""
    if isinstance(combo, CadrePicker):
        combo.set_choices(items, blank=blank)
        return
    current = combo.currentData()
    combo.blockSignals(True)
    combo.clear()
    if blank is not None:
        combo.addItem(blank, None)
    for label, data in items:
        combo.addItem(label, data)
    index = combo.findData(current)
    combo.setCurrentIndex(index if index >= 0 else 0)
    combo.blockSignals(False)


def select_data(combo: QComboBox, data: Any) -> None:
    index = combo.findData(data)
    combo.setCurrentIndex(index if index >= 0 else 0)


def primary_button(text: str, parent: QWidget | None = None) -> QPushButton:
    button = QPushButton(text, parent)
    button.setProperty("primary", True)
    return button


def page_title(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("PageTitle")
    return label


def setup_table(view: QTableView) -> None:
    """The common look of a read-only table: whole-row selection, alternating rows, last column stretched;
    columns fitted to the window, long text elided with a tooltip, columns shown or hidden from the header's
    context menu (app.ui.table_columns)."""
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setDefaultSectionSize(28)
    view.horizontalHeader().setStretchLastSection(True)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    view.setWordWrap(False)
    install_columns(view)


def set_invalid(widget: QWidget, invalid: bool) -> None:
    """Mark a field invalid (red border from the style sheet)."""
    widget.setProperty("invalid", invalid)
    widget.style().unpolish(widget)
    widget.style().polish(widget)


def dialog_buttons(dialog, on_accept, accept_text: str = "保存", reject_text: str = "取消"):
    """The 保存/取消 row of a form dialog: (button box, the primary button); 取消 rejects the dialog."""
    from PySide6.QtWidgets import QDialogButtonBox

    buttons = QDialogButtonBox()
    accept = primary_button(accept_text)
    buttons.addButton(accept, QDialogButtonBox.ButtonRole.AcceptRole)
    buttons.addButton(reject_text, QDialogButtonBox.ButtonRole.RejectRole)
    buttons.accepted.connect(on_accept)
    buttons.rejected.connect(dialog.reject)
    return buttons, accept


FIRST_STEPS = ("第一步：在“基础信息”中填写镇名，建好村和安置点；第二步：在“户档案”中点“导入花名册…”导入搬迁群众"
               "花名册，或点“新建户”逐户录入。")


def empty_hint(text: str) -> QLabel:
    """What to do first on a page that has nothing to show yet (hidden until the page finds it empty)."""
    label = QLabel(text)
    label.setObjectName("EmptyHint")
    label.setWordWrap(True)
    label.setStyleSheet("background: #eef4fb; border: 1px solid #b9cde5; padding: 8px 10px; color: #1d3b5c;")
    label.setVisible(False)
    return label


def pct_text(value: float | None) -> str:
    """A rate as the clerk reads it; "—" when there is nothing to take a rate of."""
    return "—" if value is None else f"{value:.1f}%"
