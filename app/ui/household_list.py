"""户档案: the household list. The model holds only the matching ids and fetches rows by the page, so the
list stays fast at 100,000 households; queries run off the GUI thread."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app import vocab
from app.db import Database
from app.rules import flags_to_tags
from app.services import households as hs
from app.services import town
from app.ui import file_dialogs
from app.ui.feedback import FILTER_CLEARED, select_row, tell
from app.ui.paged_model import PagedColumn, PagedModel
from app.ui.widgets import FIRST_STEPS, fill_combo, page_title, primary_button, select_data, setup_table
from app.ui.workers import Background

STATE_COLOURS = {vocab.ARCHIVE_INCOMPLETE: QColor("#b9770e"), vocab.ARCHIVE_INCONSISTENT: QColor("#c0392b")}


def _tags_text(flags: int) -> str:
    return "、".join(flags_to_tags(flags))


# Sort keys are those of services.households.SORT_COLUMNS; 联系电话 does not sort.
COLUMNS: list[PagedColumn] = [
    PagedColumn("档案编号", lambda r: r.archive_no, 100, sort_key="archive_no"),
    PagedColumn("户主", lambda r: r.head_name, 80, sort_key="head_name"),
    PagedColumn("村", lambda r: r.village, 90, sort_key="village"),
    PagedColumn("组", lambda r: r.group_name, 60, sort_key="group"),
    PagedColumn("安置点", lambda r: r.point, 170, sort_key="point"),
    PagedColumn("在册人口", lambda r: str(r.member_count), 70, align_right=True, sort_key="member_count"),
    PagedColumn("重点户类型", lambda r: _tags_text(r.key_flags), 200, sort_key="key_flags"),
    PagedColumn("档案", lambda r: vocab.ARCHIVE_STATE_LABELS[r.archive_state], 70, sort_key="archive_state"),
    PagedColumn("原户编号", lambda r: r.original_no, 90, sort_key="original_no"),  # the register's own 户编号
    PagedColumn("联系电话", lambda r: r.phone, 110),
]
STATE_COLUMN = 7


class HouseholdTableModel(PagedModel):
    """The archive list: household ids, rows fetched by the page; the 档案 column coloured by its state."""

    def __init__(self, db: Database, parent=None) -> None:
        super().__init__(COLUMNS, lambda ids: hs.fetch_rows(db, ids),
                         colour=lambda r: STATE_COLOURS.get(r.archive_state), colour_columns={STATE_COLUMN},
                         parent=parent)
        self.db = db

    def household_id(self, row: int) -> int:
        return self.id_at(row)


class HouseholdListPage(QWidget):
    """Filters, the counts line and the list; double-click or 打开 opens the editor."""

    loaded = Signal(int)  # number of households listed, after each query
    visit_requested = Signal(int)  # 记录走访 for the selected household
    problem_requested = Signal(int)  # 登记问题 for the selected household
    print_requested = Signal(int)  # 打印一户一档 from the household window

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.query = hs.HouseholdQuery()
        self.background = Background(self)
        self._editor = None
        self._pending_select: int | None = None
        self._saved_note = ""
        self._saved_status: str | None = None
        self._cleared_for_save = False

        layout = QVBoxLayout(self)
        head = QHBoxLayout()
        head.addWidget(page_title("户档案（一户一档）"))
        head.addStretch(1)
        self.new_button = primary_button("新建户")
        self.open_button = QPushButton("打开")
        self.import_button = QPushButton("导入花名册…")
        self.export_button = QPushButton("导出Excel…")
        self.visit_button = QPushButton("记录走访…")
        self.problem_button = QPushButton("登记问题…")
        for button in (self.new_button, self.import_button, self.visit_button, self.problem_button):
            button.setEnabled(not db.readonly)
        for button in (self.visit_button, self.problem_button, self.import_button, self.export_button,
                       self.new_button, self.open_button):
            head.addWidget(button)
        layout.addLayout(head)

        filters = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setObjectName("search")
        self.search.setPlaceholderText("搜索姓名、身份证号、电话、档案编号")
        self.search.setToolTip("可搜索姓名、身份证号（可输部分）、电话、档案编号、原户编号")
        self.search.setClearButtonEnabled(True)
        self.village = QComboBox()
        self.point = QComboBox()
        self.point.setMinimumContentsLength(10)
        self.key_group = QComboBox()
        fill_combo(self.key_group, ((g, g) for g in hs.KEY_GROUP_FILTERS), blank="全部类型")
        self.state = QComboBox()
        fill_combo(self.state, ((label, code) for code, label in vocab.ARCHIVE_STATE_LABELS.items()), blank="全部档案")
        self.status = QComboBox()
        fill_combo(self.status, ((s, s) for s in vocab.HOUSEHOLD_STATUS), blank="全部状态")
        self.status.setCurrentIndex(1)
        filters.addWidget(self.search, 3)
        for label, combo in (("村", self.village), ("安置点", self.point), ("重点户", self.key_group),
                             ("档案", self.state), ("状态", self.status)):
            filters.addWidget(QLabel(label))
            filters.addWidget(combo, 1)
        layout.addLayout(filters)

        self.count_label = QLabel("正在加载……")
        self.count_label.setObjectName("CountLabel")
        layout.addWidget(self.count_label)

        self.model = HouseholdTableModel(db, self)
        self.view = QTableView()
        self.view.setObjectName("households")
        self.view.setModel(self.model)
        setup_table(self.view)
        self.view.setSortingEnabled(False)
        header = self.view.horizontalHeader()
        header.setSectionsClickable(True)
        header.setSortIndicatorShown(True)
        header.setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        header.sectionClicked.connect(self._sort_clicked)
        for col, column in enumerate(COLUMNS[:-1]):
            self.view.setColumnWidth(col, column.width)
        layout.addWidget(self.view, 1)

        self.debounce = QTimer(self)
        self.debounce.setSingleShot(True)
        self.debounce.setInterval(200)
        self.debounce.timeout.connect(self.refresh)
        self.search.textChanged.connect(lambda _t: self.debounce.start())
        self.village.currentIndexChanged.connect(self._village_changed)
        for combo in (self.point, self.key_group, self.state, self.status):
            combo.currentIndexChanged.connect(lambda _i: self.refresh())
        self.view.doubleClicked.connect(lambda index: self.open_household(self.model.household_id(index.row())))
        self.open_button.clicked.connect(self.open_selected)
        self.new_button.clicked.connect(lambda: self.open_household(None))
        self.import_button.clicked.connect(self.import_registers)
        self.visit_button.clicked.connect(lambda: self._for_selected(self.visit_requested))
        self.problem_button.clicked.connect(lambda: self._for_selected(self.problem_requested))
        self.export_button.clicked.connect(self.export_archive)

        self.reload_choices()
        self.refresh()

    # -------------------------------------------------------------------------------------- filters

    def reload_choices(self) -> None:
        """Refill the village and point filters (after villages or points change)."""
        self._villages = town.villages(self.db)
        self._points = town.settlement_points(self.db)
        fill_combo(self.village, ((v.label, v.id) for v in self._villages), blank="全部村")
        self._fill_points()

    def _fill_points(self) -> None:
        vid = self.village.currentData()
        fill_combo(self.point, ((p.label, p.id) for p in self._points if vid is None or p.parent_id == vid),
                   blank="全部安置点")

    def _village_changed(self) -> None:
        self.point.blockSignals(True)
        self._fill_points()
        self.point.blockSignals(False)
        self.refresh()

    def _sort_clicked(self, section: int) -> None:
        key = COLUMNS[section].sort_key
        if key is None:
            self.view.horizontalHeader().setSortIndicator(
                [c.sort_key for c in COLUMNS].index(self.query.sort), Qt.SortOrder.DescendingOrder
                if self.query.descending else Qt.SortOrder.AscendingOrder)
            return
        descending = self.query.sort == key and not self.query.descending
        self.query.sort, self.query.descending = key, descending
        self.view.horizontalHeader().setSortIndicator(
            section, Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder)
        self.refresh()

    def current_query(self) -> hs.HouseholdQuery:
        return hs.HouseholdQuery(
            text=self.search.text(), village_id=self.village.currentData(), point_id=self.point.currentData(),
            key_group=self.key_group.currentData(), archive_state=self.state.currentData(),
            status=self.status.currentData(), sort=self.query.sort, descending=self.query.descending,
        )

    def refresh(self) -> None:
        """Run the current query in the background and show the result when it arrives."""
        self.debounce.stop()
        query = self.current_query()
        self.query = query
        db = self.db

        self.background.submit(lambda: hs.query_list(db, query), self._show)

    def _show(self, result: tuple[list[int], int]) -> None:
        ids, people = result
        pending, self._pending_select = self._pending_select, None
        if pending is not None and pending not in ids and self._filtered() and not self._cleared_for_save:
            # The household just saved is hidden by the filters: clear them (keeping 在册 when it is 在册).
            self._cleared_for_save = True
            self._pending_select = pending
            self.apply_filter(status=vocab.HOUSEHOLD_ACTIVE if self._saved_status == vocab.HOUSEHOLD_ACTIVE
                              else None)
            self._saved_note += FILTER_CLEARED
            return
        self._cleared_for_save = False
        selected = pending if pending is not None else self.selected_id()
        self.model.set_ids(ids)
        if ids:
            self.count_label.setText(f"共 {len(ids):,} 户，在册 {people:,} 人")
        elif self._filtered() and hs.has_households(self.db):
            self.count_label.setText("没有符合筛选条件的户：请修改搜索内容或筛选条件。")
        else:
            self.count_label.setText("还没有户档案。" + FIRST_STEPS)
        if selected in ids:
            select_row(self.view, ids.index(selected))
        if pending is not None:
            tell(self, self._saved_note)
        self.loaded.emit(len(ids))

    def _filtered(self) -> bool:
        q = self.current_query()
        return bool(q.text.strip()) or any(v is not None for v in (q.village_id, q.point_id, q.key_group,
                                                                    q.archive_state, q.status))

    # -------------------------------------------------------------------------------------- editing

    def selected_id(self) -> int | None:
        rows = self.view.selectionModel().selectedRows() if self.view.selectionModel() else []
        return self.model.household_id(rows[0].row()) if rows else None

    def _for_selected(self, signal) -> None:
        hid = self.selected_id()
        if hid is None:
            from app.ui.errors import info

            info(self, "请选择一户", "请先在列表中选中一户，再记录走访或登记问题。")
            return
        signal.emit(hid)

    def open_selected(self) -> None:
        hid = self.selected_id()
        if hid is not None:
            self.open_household(hid)

    def open_household(self, household_id: int | None) -> None:
        """Open the editor on a household (None: a new one); one editor is built once and reused."""

        self.editor_for(household_id).exec()

    def editor_for(self, household_id: int | None):
        """The (one, reused) household window loaded with a household; its 记录走访 / 登记问题 buttons go
        through this page's requests, so the window and the list share one mechanism."""
        from app.ui.household.editor import HouseholdEditor

        if self._editor is None:
            self._editor = HouseholdEditor(self.db, household_id, self)
            self._editor.saved.connect(self._after_save)
            self._editor.visit_requested.connect(self.visit_requested)
            self._editor.problem_requested.connect(self.problem_requested)
            self._editor.print_requested.connect(self.print_requested)
        else:
            self._editor.load(household_id)
        return self._editor

    def import_registers(self) -> None:
        """The import wizard; after an import the filters and the list show the new data."""
        from app.ui.import_wizard import ImportWizard

        wizard = ImportWizard(self.db, self)
        wizard.imported.connect(lambda _result: (self.reload_choices(), self.model.invalidate(), self.refresh()))
        wizard.exec()

    def export_archive(self) -> None:
        """Save the whole archive as a township-layout workbook (one row per person), off the GUI thread."""
        import datetime as dt
        from pathlib import Path

        from app.io.export import export_households
        from app.ui.errors import info

        mask_ids = self.ask_id_masking()
        if mask_ids is None:
            return
        name = f"搬迁群众花名册-{dt.date.today():%Y%m%d}.xlsx"
        target = file_dialogs.get_save_path(self, "导出户档案", name, "Excel 文件 (*.xlsx)")
        if not target:
            return
        path = Path(target if target.lower().endswith(".xlsx") else target + ".xlsx")
        self.export_button.setEnabled(False)
        self.export_button.setText("正在导出…")

        def done(summary) -> None:
            self._export_finished()
            info(self, "导出完成", f"已导出 {summary.households} 户、{summary.members} 人：\n{path}")

        def failed(exc: BaseException) -> None:
            self._export_finished()
            from app.outputs import OutputError
            from app.ui.errors import show_unexpected, warn

            if isinstance(exc, OutputError):  # refused or failed: one line saying what to do; old file kept
                warn(self, "无法导出", str(exc))
            elif isinstance(exc, OSError):
                warn(self, "无法导出", f"无法写入文件：{path}（{exc.strerror or exc}）")
            else:
                show_unexpected(exc, self)

        self._export_job = Background(self)
        self._export_job.submit(lambda: export_households(self.db, path, mask_ids=mask_ids), done, failed)

    def ask_id_masking(self) -> bool | None:
        """Ask whether the exported file shows whole ID numbers (True: masked; None: cancelled)."""
        from PySide6.QtWidgets import QMessageBox

        box = QMessageBox(QMessageBox.Icon.Question, "导出户档案",
                          "导出的文件中身份证号如何显示？\n\n隐藏中间8位：适合打印、外发，但不能再导入。\n"
                          "完整号码：可再导入本软件，请妥善保管文件。", parent=self)
        masked = box.addButton("隐藏中间8位", QMessageBox.ButtonRole.AcceptRole)
        full = box.addButton("完整号码", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("取消", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(masked)
        box.exec()
        clicked = box.clickedButton()
        return True if clicked is masked else False if clicked is full else None

    def _export_finished(self) -> None:
        self.export_button.setEnabled(True)
        self.export_button.setText("导出Excel…")

    def _after_save(self, household_id: int) -> None:
        rows = hs.fetch_rows(self.db, [household_id])
        who = f"{rows[0].head_name or '未填户主'}（{rows[0].archive_no}）" if rows else ""
        self._saved_note = f"已保存户档案：{who}"
        self._saved_status = rows[0].status if rows else None
        self._pending_select = household_id
        self.model.invalidate()
        self.refresh()

    def apply_filter(self, *, village_id: int | None = None, point_id: int | None = None,
                     key_group: str | None = None, archive_state: int | None = None,
                     status: str | None = vocab.HOUSEHOLD_ACTIVE, text: str = "") -> None:
        """Show the households behind a figure elsewhere (the 首页): set every filter at once, then query
        once. A point implies its village."""
        if point_id is not None and village_id is None:
            village_id = next((p.parent_id for p in self._points if p.id == point_id), None)
        combos = (self.village, self.point, self.key_group, self.state, self.status)
        for w in (*combos, self.search):
            w.blockSignals(True)
        try:
            select_data(self.village, village_id)
            self._fill_points()
            select_data(self.point, point_id)
            select_data(self.key_group, key_group)
            select_data(self.state, archive_state)
            select_data(self.status, status)
            self.search.setText(text)
        finally:
            for w in (*combos, self.search):
                w.blockSignals(False)
        self.refresh()
