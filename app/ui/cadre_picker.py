"""The one way a cadre is chosen on every screen: a combo the clerk can type into. Two characters of a name,
a post, a unit or a village list the cadres that match (village cadres are labelled with their village, see
engine.ref_choices); the arrow still shows the whole list."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QCompleter, QWidget

from app.db import Database
from app.ledgers import engine

SEARCH_HINT = "输入姓名、单位或村查找"


class CadrePicker(QComboBox):
    """An editable combo of (label, cadre id) with a search-as-you-type list. Text that names no cadre is
    not kept: on leaving the field it goes back to the cadre chosen (or to the blank entry when emptied)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(12)
        self._blank = ""
        completer = QCompleter(self.model(), self)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        completer.setMaxVisibleItems(12)
        self.setCompleter(completer)
        self.lineEdit().setPlaceholderText(SEARCH_HINT)
        self.setToolTip(SEARCH_HINT)
        self.lineEdit().editingFinished.connect(self.settle)

    def set_choices(self, items: Iterable[tuple[str, Any]], *, blank: str | None = None) -> None:
        """Replace the cadres (keeping the chosen one when still offered); `blank` is the no-cadre entry,
        shown when nothing is chosen (e.g. 全部干部 in a filter)."""
        current = self.currentData()
        self.blockSignals(True)
        self.clear()
        self._blank = blank or ""
        if blank is not None:
            self.addItem("", None)
            self.lineEdit().setPlaceholderText(blank)
            self.setToolTip(f"{blank}；{SEARCH_HINT}")
        for label, data in items:
            self.addItem(label, data)
        index = self.findData(current)
        self.setCurrentIndex(index if index >= 0 else 0)
        self.blockSignals(False)

    def select(self, cadre_id: int | None) -> None:
        index = self.findData(cadre_id)
        self.setCurrentIndex(index if index >= 0 else 0)

    def settle(self) -> None:
        """Make the text agree with the chosen entry: an exact label chooses it, anything else is undone."""
        text = self.currentText().strip()
        if not text:
            blank = self.findData(None)
            if blank >= 0:
                self.setCurrentIndex(blank)
                return
        index = self.findText(text, Qt.MatchFlag.MatchFixedString)
        if index >= 0:
            if index != self.currentIndex():
                self.setCurrentIndex(index)
            return
        matches = [i for i in range(self.count()) if text and text in self.itemText(i)]
        if len(matches) == 1:
            self.setCurrentIndex(matches[0])
            return
        self.setEditText(self.itemText(self.currentIndex()))

    def focusOutEvent(self, event) -> None:
        super().focusOutEvent(event)
        if not self.completer().popup().isVisible():
            self.settle()


def cadre_picker(db: Database, *, blank: str | None = "（请选择干部）", keep: Iterable[int | None] = (),
                 label=None) -> CadrePicker:
    """A picker of the active cadres (plus `keep`, those a record already holds); `label(choice)` may word
    each entry (e.g. with the cadre's load)."""
    picker = CadrePicker()
    picker.setObjectName("cadre")
    choices = engine.ref_choices(db, "cadre", keep=list(keep))
    picker.set_choices(((label(c) if label else c.label, c.id) for c in choices), blank=blank)
    return picker


class CadreNamesField(QWidget):
    """A text field of cadres' names (调度会 主持人, 参会人员): typed freely, or picked from the cadres — a pick
    sets the name (one name) or adds it, separated by 、 (several). The text is what is saved."""

    def __init__(self, db: Database, text: str = "", *, several: bool = False,
                 parent: QWidget | None = None) -> None:
        from PySide6.QtWidgets import QHBoxLayout, QLineEdit

        super().__init__(parent)
        self.several = several
        self.edit = QLineEdit(text)
        self.edit.setPlaceholderText("直接填写，或从右侧选择干部（可多人）" if several else "填写或选择")
        self.edit.setToolTip("可直接填写姓名，或从右侧选择干部")
        self.picker = cadre_picker(db, blank="选择干部")
        self.picker.setObjectName("pick_cadre")
        self._names = {c.id: c.label.split("（", 1)[0] for c in engine.ref_choices(db, "cadre")}
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.edit, 3 if several else 1)
        layout.addWidget(self.picker, 2 if several else 1)
        self.picker.currentIndexChanged.connect(self._picked)
        self.setFocusProxy(self.edit)

    def _picked(self, *_args) -> None:
        name = self._names.get(self.picker.currentData())
        if not name:
            return
        if self.several:
            names = [n for n in self.edit.text().replace("，", "、").replace(",", "、").split("、") if n.strip()]
            if name not in names:
                names.append(name)
            self.edit.setText("、".join(names))
        else:
            self.edit.setText(name)
        self.picker.select(None)

    def pick(self, cadre_id: int) -> None:
        """Pick a cadre as the clerk does from the list."""
        self.picker.select(cadre_id)
        self._picked()

    def text(self) -> str:
        return self.edit.text()

    def setText(self, text: str) -> None:
        self.edit.setText(text)
