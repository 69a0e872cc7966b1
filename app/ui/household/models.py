"""The members table and the read-only text tables (attachments, history) of the household window."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QAbstractItemView, QTableView

from app import vocab
from app.rules import check_id
from app.services.households import MEMBER_LABELS, MemberData
from app.ui.household.texts import GREY, MEMBER_COLUMNS, RED, status_text

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
                return status_text(m)
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
                return f"{m.name}已{status_text(m)}，不计入在册人口"
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


def table_view(model: QAbstractTableModel) -> QTableView:
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
