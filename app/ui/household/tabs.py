"""How the household editor is laid out: its four tabs and the live check panel."""

from __future__ import annotations

from operator import itemgetter

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app import vocab
from app.services.households import HOUSEHOLD_LABELS
from app.ui.household.models import MemberTableModel, table_view
from app.ui.household.texts import BTN_CANCEL, BTN_SAVE, DIRTY_HINT, UNKNOWN
from app.ui.household.widgets import (
    ChoiceCombo,
    FieldBox,
    FormGrid,
    align_label_columns,
    no_auto_default,
    vocab_combo,
    yes_no_combo,
)
from app.ui.rows_model import RowsModel, text_columns


class EditorTabs:
    """Builds the editor's widgets; mixed into HouseholdEditor, which holds the behaviour."""

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
        no_auto_default(self.save_button, self.cancel_button)
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
        self.members_view = table_view(self.members_model)
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
        no_auto_default(self.add_member_button, self.edit_member_button, self.move_out_button,
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
        self.attachments_model = RowsModel(text_columns(("文件名", "大小", "添加时间")), self, tip=itemgetter(3))
        self.attachments_view = table_view(self.attachments_model)
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
        no_auto_default(self.add_attachment_button, self.open_attachment_button, self.remove_attachment_button)
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
        self.history_model = RowsModel(text_columns(("时间", "对象", "字段", "原值", "新值", "原因")), self,
                                       cell_tips=True)
        self.history_view = table_view(self.history_model)
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
