"""基础信息: the town profile (also the first-run setup), villages and settlement points."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app import vocab
from app.db import Database
from app.services import town
from app.ui.errors import info, warn
from app.ui.feedback import saved
from app.ui.rows_model import Column, RowsModel
from app.ui.widgets import dialog_buttons, fill_combo, page_title, primary_button, select_data, setup_table

_MULTILINE = {"deputy_leaders", "group_members"}


class TownForm(QWidget):
    """The town profile fields; multi-line for the leading group's lists."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        form = QFormLayout(self)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.fields: dict[str, QLineEdit | QPlainTextEdit] = {}
        for key, label in town.TOWN_LABELS.items():
            if key in _MULTILINE:
                widget: QLineEdit | QPlainTextEdit = QPlainTextEdit()
                widget.setPlaceholderText("每行一人，如：张三（副镇长）")
                widget.setFixedHeight(64)
            else:
                widget = QLineEdit()
            widget.setObjectName(f"town_{key}")
            self.fields[key] = widget
            form.addRow(("* " if key == "town_name" else "") + label + "：", widget)
        self.fields["town_name"].setPlaceholderText("必填，例如：清江镇")
        self.fields["station_name"].setPlaceholderText("例如：清江镇水利移民站")
        self.fields["county_bureau"].setPlaceholderText(f"导出数据交给的县级部门，例如：{vocab.DEFAULT_COUNTY_BUREAU}")

    def set_data(self, data: town.TownData) -> None:
        for key, widget in self.fields.items():
            value = getattr(data, key)
            widget.setPlainText(value) if isinstance(widget, QPlainTextEdit) else widget.setText(value)

    def data(self) -> town.TownData:
        values = {key: (w.toPlainText() if isinstance(w, QPlainTextEdit) else w.text())
                  for key, w in self.fields.items()}
        return town.TownData(**values)


class TownSetupDialog(QDialog):
    """First run: the town profile must be filled before the archive is used."""

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.setWindowTitle("首次使用：填写镇情信息")
        layout = QVBoxLayout(self)
        intro = QLabel("欢迎使用搬迁群众后续扶持台账。请先填写本镇的基本信息，这些信息将印在每一份报表上，以后可在“基础信息”中修改。")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.form = TownForm()
        self.form.set_data(town.load_town(db))
        layout.addWidget(self.form)
        buttons = QDialogButtonBox()
        self.ok = primary_button("保存并开始使用")
        buttons.addButton(self.ok, QDialogButtonBox.ButtonRole.AcceptRole)
        later = buttons.addButton("以后再填", QDialogButtonBox.ButtonRole.RejectRole)
        later.setObjectName("later")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(560, 520)

    def save(self) -> None:
        try:
            town.save_town(self.db, self.form.data())
        except ValueError as exc:
            warn(self, "镇情信息", str(exc))
            return
        self.accept()


class VillageDialog(QDialog):
    def __init__(self, data: town.VillageData, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.data = data
        self.setWindowTitle("编辑村" if data.id else "新增村")
        form = QFormLayout(self)
        self.name = QLineEdit(data.name)
        self.secretary = QLineEdit(data.secretary)
        self.director = QLineEdit(data.director)
        self.phone = QLineEdit(data.phone)
        form.addRow("* 村名：", self.name)
        form.addRow("支书：", self.secretary)
        form.addRow("主任：", self.director)
        form.addRow("联系电话：", self.phone)
        _ok_cancel(self, form)

    def result_data(self) -> town.VillageData:
        return town.VillageData(self.data.id, self.name.text(), self.secretary.text(), self.director.text(),
                                self.phone.text())


class PointDialog(QDialog):
    def __init__(self, data: town.PointData, villages: list[town.Choice], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.data = data
        self.setWindowTitle("编辑安置点" if data.id else "新增安置点")
        form = QFormLayout(self)
        self.name = QLineEdit(data.name)
        self.village = QComboBox()
        fill_combo(self.village, ((v.label, v.id) for v in villages), blank="（请选择）")
        select_data(self.village, data.village_id)
        self.kind = QComboBox()
        fill_combo(self.kind, ((k + "安置", k) for k in vocab.POINT_KINDS))
        select_data(self.kind, data.kind)
        self.address = QLineEdit(data.address)
        form.addRow("* 安置点名称：", self.name)
        form.addRow("* 所在村：", self.village)
        form.addRow("安置类型：", self.kind)
        form.addRow("地址：", self.address)
        note = QLabel("户数由户档案自动统计，无需填写。")
        note.setObjectName("Hint")
        form.addRow("", note)
        _ok_cancel(self, form)

    def result_data(self) -> town.PointData:
        return town.PointData(self.data.id, self.name.text(), self.village.currentData(), self.kind.currentData(),
                              self.address.text())


def _ok_cancel(dialog: QDialog, form: QFormLayout) -> None:
    buttons, _ok = dialog_buttons(dialog, dialog.accept, "确定")
    form.addRow(buttons)
    dialog.resize(420, dialog.sizeHint().height())


class OrgPage(QWidget):
    """The 基础信息 page. Emits `changed` after villages or points change, so filters elsewhere refresh."""

    changed = Signal()

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        layout = QVBoxLayout(self)
        layout.addWidget(page_title("基础信息"))
        self.tabs = QTabWidget()
        layout.addWidget(self.tabs)

        town_tab = QWidget()
        tl = QVBoxLayout(town_tab)
        self.town_form = TownForm()
        tl.addWidget(self.town_form)
        row = QHBoxLayout()
        row.addStretch(1)
        self.save_town_button = primary_button("保存镇情信息")
        self.save_town_button.clicked.connect(self.save_town)
        self.save_town_button.setEnabled(not db.readonly)
        row.addWidget(self.save_town_button)
        tl.addLayout(row)
        tl.addStretch(1)
        self.tabs.addTab(town_tab, "镇情信息")

        self.village_model = RowsModel([
            Column("村名", lambda v: v.name), Column("在册户数", lambda v: v.households, True),
            Column("在册人数", lambda v: v.members, True), Column("支书", lambda v: v.secretary),
            Column("主任", lambda v: v.director), Column("联系电话", lambda v: v.phone),
        ])
        self.village_view = self._list_tab("村", self.village_model, self.add_village, self.edit_village)
        self.point_model = RowsModel([
            Column("安置点", lambda p: p.name), Column("所在村", lambda p: p.village),
            Column("安置类型", lambda p: p.kind + "安置"), Column("在册户数", lambda p: p.households, True),
            Column("地址", lambda p: p.address),
        ])
        self.point_view = self._list_tab("安置点", self.point_model, self.add_point, self.edit_point)
        from app.ui.subsidy_settings import SubsidySettingsTab

        self.subsidy_settings = SubsidySettingsTab(db)
        self.tabs.addTab(self.subsidy_settings, "后扶直补设置")
        self.reload()

    def _list_tab(self, name: str, model: RowsModel, add, edit) -> QTableView:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        row = QHBoxLayout()
        add_button = QPushButton(f"新增{name}")
        edit_button = QPushButton("编辑")
        for b in (add_button, edit_button):
            b.setEnabled(not self.db.readonly)
            row.addWidget(b)
        row.addStretch(1)
        layout.addLayout(row)
        view = QTableView()
        view.setModel(model)
        setup_table(view)
        layout.addWidget(view)
        add_button.clicked.connect(add)
        edit_button.clicked.connect(edit)
        view.doubleClicked.connect(lambda _i: edit())
        self.tabs.addTab(tab, name)
        return view

    def reload(self) -> None:
        self.town_form.set_data(town.load_town(self.db))
        self.village_model.set_rows(town.list_villages(self.db))
        self.point_model.set_rows(town.list_points(self.db))
        for view in (self.village_view, self.point_view):
            view.resizeColumnsToContents()
            for col in range(view.model().columnCount() - 1):
                view.setColumnWidth(col, max(view.columnWidth(col) + 16, 110))

    def save_town(self) -> None:
        try:
            town.save_town(self.db, self.town_form.data())
        except ValueError as exc:
            warn(self, "镇情信息", str(exc))
            return
        info(self, "镇情信息", "镇情信息已保存。")

    def _selected(self, view: QTableView, model: RowsModel):
        rows = view.selectionModel().selectedRows()
        return model.row_at(rows[0].row()) if rows else None

    def add_village(self) -> None:
        self._edit_village(town.VillageData())

    def edit_village(self) -> None:
        current = self._selected(self.village_view, self.village_model)
        if current is not None and not self.db.readonly:
            self._edit_village(current)

    def _edit_village(self, data: town.VillageData) -> None:
        dialog = VillageDialog(data, self)
        while dialog.exec() == QDialog.DialogCode.Accepted:
            try:
                village_id = town.save_village(self.db, dialog.result_data())
            except ValueError as exc:
                warn(dialog, "村", str(exc))
                continue
            self.reload()
            saved(self.village_view, village_id, f"已保存村：{dialog.result_data().name}")
            self.changed.emit()
            return

    def add_point(self) -> None:
        self._edit_point(town.PointData())

    def edit_point(self) -> None:
        current = self._selected(self.point_view, self.point_model)
        if current is not None and not self.db.readonly:
            self._edit_point(current)

    def _edit_point(self, data: town.PointData) -> None:
        if not town.villages(self.db):
            warn(self, "安置点", "请先在“村”中新增安置点所在的村。")
            return
        dialog = PointDialog(data, town.villages(self.db), self)
        while dialog.exec() == QDialog.DialogCode.Accepted:
            try:
                point_id = town.save_point(self.db, dialog.result_data())
            except ValueError as exc:
                warn(dialog, "安置点", str(exc))
                continue
            self.reload()
            saved(self.point_view, point_id, f"已保存安置点：{dialog.result_data().name}")
            self.changed.emit()
            return
