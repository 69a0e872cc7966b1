"""干部与单位: the cadres who take 包保 and visits, and the 责任单位 problems are assigned to. Add, edit,
deactivate (never delete: old ledger rows keep their names) and reactivate."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app import vocab
from app.db import Database
from app.ledgers import engine
from app.services import people
from app.ui.baobao_page import ColouredRowsModel, _FormDialog
from app.ui.errors import confirm, info
from app.ui.feedback import saved
from app.ui.ledger_widgets import make_table, size_columns
from app.ui.rows_model import Column
from app.ui.widgets import fill_combo, page_title, primary_button, select_data

GREY = QColor("#8a8a8a")


class PeoplePage(QWidget):
    """The 干部与单位 page. `changed()` after any edit, so lists elsewhere refresh."""

    changed = Signal()

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        layout = QVBoxLayout(self)
        layout.addWidget(page_title("干部与责任单位"))
        hint = QLabel("干部用于包保和走访，责任单位用于问题台账和分类包保。停用后不再出现在选择列表中，已有记录保留原名。")
        hint.setObjectName("Hint")
        hint.setWordWrap(True)
        layout.addWidget(hint)
        self.tabs = QTabWidget()
        layout.addWidget(self.tabs, 1)

        self.cadre_model = ColouredRowsModel([
            Column("姓名", lambda c: c.name), Column("职级", lambda c: c.rank), Column("职务", lambda c: c.post),
            Column("所在单位", lambda c: c.unit), Column("联系电话", lambda c: c.phone),
            Column("包保安置点", lambda c: c.points, True), Column("一对一包保户", lambda c: c.households, True),
            Column("状态", lambda c: "在用" if c.active else "已停用"),
        ], lambda c, _c: None if c.active else GREY)
        (self.cadre_view, self.add_cadre_button, self.edit_cadre_button, self.toggle_cadre_button,
         self.show_inactive_cadres) = self._tab("干部", "新增干部", self.cadre_model, self.add_cadre, self.edit_cadre,
                                                self.toggle_cadre)
        size_columns(self.cadre_view, (80, 140, 210, 110, 110, 90, 100))

        self.unit_model = ColouredRowsModel([
            Column("单位名称", lambda u: u.name), Column("类型", lambda u: u.kind), Column("负责人", lambda u: u.head),
            Column("联系电话", lambda u: u.phone), Column("在用干部", lambda u: u.cadres, True),
            Column("未办结问题", lambda u: u.open_problems, True), Column("其中逾期", lambda u: u.overdue_problems, True),
            Column("分类包保户", lambda u: u.households, True), Column("状态", lambda u: "在用" if u.active else "已停用"),
        ], lambda u, col: GREY if not u.active else (QColor("#c0392b") if u.overdue_problems and col == 6 else None))
        (self.unit_view, self.add_unit_button, self.edit_unit_button, self.toggle_unit_button,
         self.show_inactive_units) = self._tab("责任单位", "新增单位", self.unit_model, self.add_unit, self.edit_unit,
                                               self.toggle_unit)
        size_columns(self.unit_view, (140, 60, 90, 120, 80, 90, 80, 90))

    def _tab(self, name: str, add_text: str, model, add, edit, toggle):
        tab = QWidget()
        layout = QVBoxLayout(tab)
        row = QHBoxLayout()
        add_button = primary_button(add_text)
        edit_button = QPushButton("编辑")
        toggle_button = QPushButton("停用")
        show_inactive = QCheckBox("显示已停用")
        for b in (add_button, edit_button, toggle_button):
            b.setEnabled(not self.db.readonly)
            row.addWidget(b)
        row.addStretch(1)
        row.addWidget(show_inactive)
        layout.addLayout(row)
        view = make_table(model, f"{name}_list")
        layout.addWidget(view, 1)
        add_button.clicked.connect(add)
        edit_button.clicked.connect(edit)
        toggle_button.clicked.connect(toggle)
        view.doubleClicked.connect(lambda _i: edit())
        show_inactive.toggled.connect(lambda _c: self.reload())
        view.selectionModel().selectionChanged.connect(lambda *_: self._update_toggles())
        self.tabs.addTab(tab, name)
        return view, add_button, edit_button, toggle_button, show_inactive

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.reload()

    def reload(self) -> None:
        cadres = people.list_cadres(self.db)
        self.cadre_model.set_rows([c for c in cadres if c.active or self.show_inactive_cadres.isChecked()])
        units = people.list_units(self.db)
        self.unit_model.set_rows([u for u in units if u.active or self.show_inactive_units.isChecked()])
        self._update_toggles()

    def _update_toggles(self) -> None:
        for view, model, button in ((self.cadre_view, self.cadre_model, self.toggle_cadre_button),
                                    (self.unit_view, self.unit_model, self.toggle_unit_button)):
            row = self._selected(view, model)
            button.setText("启用" if row is not None and not row.active else "停用")

    def _selected(self, view, model):
        rows = view.selectionModel().selectedRows()
        return model.row_at(rows[0].row()) if rows else None

    def _done(self) -> None:
        self.reload()
        self.changed.emit()

    # -------------------------------------------------------------------------------- cadres

    def add_cadre(self) -> object:
        return self._edit_cadre(people.CadreData(rank="村干部"))

    def edit_cadre(self) -> object:
        row = self._selected(self.cadre_view, self.cadre_model)
        if row is None:
            info(self, "干部", "请先选择一名干部。")
            return None
        return self._edit_cadre(row.data())

    def _edit_cadre(self, data: people.CadreData) -> object:
        name = QLineEdit(data.name)
        name.setObjectName("name")
        rank = QComboBox()
        rank.setObjectName("rank")
        fill_combo(rank, ((r, r) for r in vocab.CADRE_RANKS), blank="（请选择）")
        select_data(rank, data.rank)
        post = QLineEdit(data.post)
        post.setPlaceholderText("例如：副镇长、村委会主任")
        unit = QComboBox()
        fill_combo(unit, ((c.label, c.id) for c in engine.ref_choices(self.db, "unit", keep=[data.unit_id])),
                   blank="（不选）")
        select_data(unit, data.unit_id)
        phone = QLineEdit(data.phone)
        order = QSpinBox()
        order.setRange(0, 999)
        order.setValue(data.sort_order)
        order.setToolTip("同一职级内的排列顺序，数字小的在前")

        def save() -> int:
            return people.save_cadre(self.db, people.CadreData(
                data.id, name.text(), post.text(), unit.currentData(), phone.text(), rank.currentData() or "",
                data.active, order.value()))

        dialog = _FormDialog("编辑干部" if data.id else "新增干部", "",
                             [("* 姓名：", name), ("* 职级：", rank), ("职务：", post), ("所在单位：", unit),
                              ("联系电话：", phone), ("排序：", order)], save, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self._done()
            saved(self.cadre_view, dialog.result_value, f"已保存干部：{name.text().strip()}",
                  unhide=lambda: self.show_inactive_cadres.setChecked(True))
            return dialog.result_value
        return None

    def toggle_cadre(self) -> None:
        row = self._selected(self.cadre_view, self.cadre_model)
        if row is None:
            info(self, "干部", "请先选择一名干部。")
            return
        if row.active:
            held = people.cadre_holdings(self.db, row.id)
            text = f"停用干部{row.name}？"
            if held.households or held.points:
                text += (f"\n\n{row.name}目前一对一包保 {held.households} 户、包保 {held.points} 个安置点，"
                         f"停用后这些包保将于今天结束，相关户和安置点会列为未落实包保，需要重新安排。")
            if not confirm(self, "停用干部", text, yes="停用"):
                return
        people.set_cadre_active(self.db, row.id, not row.active)
        self._done()

    # -------------------------------------------------------------------------------- units

    def add_unit(self) -> object:
        return self._edit_unit(people.UnitData())

    def edit_unit(self) -> object:
        row = self._selected(self.unit_view, self.unit_model)
        if row is None:
            info(self, "责任单位", "请先选择一个单位。")
            return None
        return self._edit_unit(row.data())

    def _edit_unit(self, data: people.UnitData) -> object:
        name = QLineEdit(data.name)
        name.setObjectName("name")
        kind = QComboBox()
        fill_combo(kind, ((k, k) for k in vocab.UNIT_KINDS))
        select_data(kind, data.kind)
        village = QComboBox()
        fill_combo(village, ((c.label, c.id) for c in engine.ref_choices(self.db, "village")), blank="（不选）")
        select_data(village, data.village_id)
        village.setEnabled(kind.currentData() == "村")
        kind.currentIndexChanged.connect(lambda _i: village.setEnabled(kind.currentData() == "村"))
        head = QLineEdit(data.head)
        phone = QLineEdit(data.phone)

        def save() -> int:
            return people.save_unit(self.db, people.UnitData(data.id, name.text(), kind.currentData(),
                                                             village.currentData(), head.text(), phone.text(),
                                                             data.active))

        dialog = _FormDialog("编辑责任单位" if data.id else "新增责任单位", "",
                             [("* 单位名称：", name), ("类型：", kind), ("所属村：", village), ("负责人：", head),
                              ("联系电话：", phone)], save, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self._done()
            saved(self.unit_view, dialog.result_value, f"已保存责任单位：{name.text().strip()}",
                  unhide=lambda: self.show_inactive_units.setChecked(True))
            return dialog.result_value
        return None

    def toggle_unit(self) -> None:
        row = self._selected(self.unit_view, self.unit_model)
        if row is None:
            info(self, "责任单位", "请先选择一个单位。")
            return
        if row.active:
            text = f"停用{row.name}？停用后不再出现在选择列表中。"
            if row.open_problems:
                text += f"\n\n该单位还有 {row.open_problems} 个未办结问题，停用后仍保留在问题台账中，请视情况改派。"
            if not confirm(self, "停用责任单位", text, yes="停用"):
                return
        people.set_unit_active(self.db, row.id, not row.active)
        self._done()
