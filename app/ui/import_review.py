"""The import wizard's review of what an import does to the archive (SPEC §5, safety of imports): the
changes to households already held, and what the clerk must confirm first, one by one: each rename
("将 王明 改名为 王明华") and each new village or settlement point. Widgets only; app.io decides."""

from __future__ import annotations

from collections.abc import Hashable, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.io.against import NewPlace, Rename
from app.io.apply import HeldChange
from app.ui.rows_model import Column, RowsModel
from app.ui.widgets import setup_table

LEFT_OUT = "该户有错误，本次不导入"


class ChangesModel(RowsModel):
    """Every change to households already held; the changes of households left out in grey."""

    def __init__(self, parent=None) -> None:
        super().__init__([
            Column("档案编号", lambda c: c.household),
            Column("户主", lambda c: c.head),
            Column("成员", lambda c: "" if c.subject == "户" else c.subject),
            Column("项目", lambda c: c.field),
            Column("原来", lambda c: c.old),
            Column("导入后", lambda c: c.new),
            Column("说明", lambda c: "" if c.applies else LEFT_OUT),
        ], parent)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.ForegroundRole and index.isValid() and index.row() < len(self.rows):
            change: HeldChange = self.rows[index.row()]
            return None if change.applies else QBrush(QColor("#7f8c8d"))
        return super().data(index, role)


def changes_view(model: ChangesModel) -> QTableView:
    view = QTableView()
    view.setObjectName("import_changes")
    view.setModel(model)
    setup_table(view)
    for column, width in enumerate((90, 80, 80, 110, 150, 150)):
        view.setColumnWidth(column, width)
    return view


class ConfirmList(QWidget):
    """A titled list of checkable lines; `changed` after the clerk ticks or unticks one (or all)."""

    changed = Signal()

    def __init__(self, title: str, empty: str, *, check_all: bool = True, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel(title)
        self.title.setWordWrap(True)
        self.empty = empty
        self.list = QListWidget()
        self.all_button = QPushButton("全部勾选")
        self.keys: list[Hashable] = []
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        if check_all:
            top.addWidget(self.all_button)
        else:
            self.all_button.hide()  # each line is the clerk's own decision (a rename): no 全部勾选
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.list, 1)
        self.list.itemChanged.connect(lambda _item: self.changed.emit())
        self.all_button.clicked.connect(self.check_all)
        self.set_items([])

    def set_items(self, items: Sequence[tuple[Hashable, str, str, bool]]) -> None:
        """(key, text, tooltip, checked) per line; emits nothing."""
        self.list.blockSignals(True)
        self.list.clear()
        self.keys = []
        for key, text, tip, checked in items:
            item = QListWidgetItem(text)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
            item.setToolTip(tip)
            self.list.addItem(item)
            self.keys.append(key)
        if not items:
            item = QListWidgetItem(self.empty)
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.list.addItem(item)
        self.list.blockSignals(False)
        self.all_button.setEnabled(any(not checked for *_, checked in items))

    def checked(self) -> set[Hashable]:
        return {key for i, key in enumerate(self.keys)
                if self.list.item(i).checkState() == Qt.CheckState.Checked}

    def unchecked(self) -> int:
        return len(self.keys) - len(self.checked())

    def check_all(self) -> None:
        if not self.keys:
            return
        self.list.blockSignals(True)
        for i in range(len(self.keys)):
            self.list.item(i).setCheckState(Qt.CheckState.Checked)
        self.list.blockSignals(False)
        self.changed.emit()


def rename_items(renames: Sequence[Rename]) -> list[tuple[Hashable, str, str, bool]]:
    """One line per person (the same ID may appear once per file)."""
    seen: dict[str, tuple[Hashable, str, str, bool]] = {}
    for r in renames:
        seen.setdefault(r.id_number, (r.id_number, f"{r.label}（档案编号 {r.archive_no}）",
                                      f"身份证号相同、姓名不同：{r.sheet} 第{r.row}行。多半是身份证号填错了；"
                                      "只有确认是同一个人改了名字时才勾选。", r.confirmed))
    return list(seen.values())


def place_items(places: Sequence[NewPlace]) -> list[tuple[Hashable, str, str, bool]]:
    items = []
    for p in places:
        text = f"新建{p.label}（{p.households} 户）"
        tip = "数据库中还没有这个名称；确认是新的才勾选。"
        if p.similar:
            text += "　注意：与已有的" + "、".join(f"“{s}”" for s in p.similar) + "相近"
            tip = "名称与已有的相近，多半是写法不同；如果是同一个地方，请改正文件后重新检查，不要勾选。"
        items.append((p.key, text, tip, p.confirmed))
    return items
