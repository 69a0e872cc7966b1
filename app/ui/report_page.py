"""月报 page: choose the month, build the report (as of the month's end) off the GUI thread with a progress
bar, edit its sections, file (报送) it, preview its pages (page jump, zoom), save it as PDF or Word, print it
(QPrinter, page images) or open it in the system viewer. Also 一户一档 cards for a settlement point or one
household."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QDate, QObject, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QImage, QPainter, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app import outputs
from app.db import Database, DatabaseError
from app.reports import preview
from app.services import monthly_report, report_data, town
from app.ui import file_dialogs
from app.ui.errors import confirm, warn
from app.ui.report_sections import SectionEditor
from app.ui.widgets import fill_combo, page_title, primary_button
from app.ui.workers import Background

PREVIEW_DPI = 80
PRINT_DPI = 200
PREVIEW_MAX_PAGES = 60  # a long set of cards is previewed in part; saving and printing take every page
ZOOMS = (50, 75, 100, 125, 150, 200)  # preview zoom, percent of PREVIEW_DPI


def to_qimage(page: preview.PageImage) -> QImage:
    """A rendered page as a QImage that owns its pixels."""
    return QImage(page.rgb, page.width, page.height, page.stride, QImage.Format.Format_RGB888).copy()


class _Progress(QObject):
    """Carries progress from the worker thread to the GUI thread (queued signal)."""

    changed = Signal(int, str)


class ReportPage(QWidget):
    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.background = Background(self)
        self.result = None  # the last BuildResult
        self.month_state: monthly_report.MonthState | None = None  # the 月报 last built, for editing and filing
        self._jump_page = 1
        self.kind = ""  # 月报 / 一户一档, for file names
        self.print_dpi = PRINT_DPI
        self._progress = _Progress(self)
        self._progress.changed.connect(self._on_progress)

        self.month = QDateEdit(QDate.currentDate())
        self.month.setDisplayFormat("yyyy年M月")
        self.month.setCalendarPopup(False)
        self.full_ids = QCheckBox("打印完整身份证号")
        self.full_ids.setToolTip("默认只显示前6位和后4位；只有确需时才勾选")
        self.build_button = primary_button("生成月报")
        self.build_button.clicked.connect(self.build_monthly)

        self.point = QComboBox()
        self.point.setObjectName("point")
        self.point_cards = QPushButton("打印该安置点一户一档")
        self.point_cards.clicked.connect(self.build_point_cards)
        self.archive_no = QLineEdit()
        self.archive_no.setPlaceholderText("档案编号，多个用空格分隔")
        self.household_cards = QPushButton("打印该户一户一档")
        self.household_cards.clicked.connect(self.build_household_cards)

        self.save_button = QPushButton("保存PDF…")
        self.save_button.clicked.connect(self.save_pdf)
        self.print_button = QPushButton("打印…")
        self.print_button.clicked.connect(self.print_pdf)
        self.open_button = QPushButton("用系统程序打开")
        self.open_button.clicked.connect(self.open_external)
        self.docx_button = QPushButton("保存Word…")
        self.docx_button.setToolTip("月报另存为 .docx，便于在 Word 中修改")
        self.docx_button.clicked.connect(self.save_docx)
        self.docx_button.setEnabled(False)

        self.editor = SectionEditor()
        self.editor.save_requested.connect(self.save_sections)
        self.editor.file_requested.connect(self.file_month)
        self.editor.current_toggled.connect(lambda _on: self.month_state and self.build_monthly())
        self.editor.filer.setText(monthly_report.remembered_name(db))
        self.editor.setVisible(False)

        self.zoom = QComboBox()
        self.zoom.setObjectName("zoom")
        for z in ZOOMS:
            self.zoom.addItem(f"{z}%", z)
        self.zoom.setCurrentIndex(ZOOMS.index(100))
        self.zoom.currentIndexChanged.connect(lambda _i: self.result is not None and self._show_preview(self.result))
        self.page_spin = QSpinBox()
        self.page_spin.setObjectName("pageJump")
        self.page_spin.setRange(1, 1)
        self.page_spin.setPrefix("第 ")
        self.page_spin.setSuffix(" 页")
        self.jump_button = QPushButton("跳转")
        self.jump_button.clicked.connect(lambda: self.jump_to(self.page_spin.value()))
        self.page_spin.editingFinished.connect(lambda: self.jump_to(self.page_spin.value()))

        self.bar = QProgressBar()
        self.bar.setRange(0, 100)
        self.bar.setVisible(False)
        self.status = QLabel("选择月份后点“生成月报”。")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.pages_box = QWidget()
        self.pages_layout = QVBoxLayout(self.pages_box)
        self.pages_layout.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setWidget(self.pages_box)

        top = QHBoxLayout()
        top.addWidget(QLabel("月份："))
        top.addWidget(self.month)
        top.addWidget(self.full_ids)
        top.addWidget(self.build_button)
        top.addSpacing(24)
        top.addWidget(self.save_button)
        top.addWidget(self.print_button)
        top.addWidget(self.open_button)
        top.addWidget(self.docx_button)
        top.addStretch(1)
        cards = QHBoxLayout()
        cards.addWidget(QLabel("一户一档："))
        cards.addWidget(self.point, 1)
        cards.addWidget(self.point_cards)
        cards.addSpacing(16)
        cards.addWidget(self.archive_no, 1)
        cards.addWidget(self.household_cards)
        layout = QVBoxLayout(self)
        layout.addWidget(page_title("月报和一户一档"))
        layout.addLayout(top)
        layout.addLayout(cards)
        layout.addWidget(self.bar)
        layout.addWidget(self.status)
        tools = QHBoxLayout()
        tools.addWidget(QLabel("预览："))
        tools.addWidget(self.page_spin)
        tools.addWidget(self.jump_button)
        tools.addSpacing(12)
        tools.addWidget(QLabel("缩放："))
        tools.addWidget(self.zoom)
        tools.addStretch(1)
        right = QWidget()
        right_lay = QVBoxLayout(right)
        right_lay.setContentsMargins(0, 0, 0, 0)
        right_lay.addLayout(tools)
        right_lay.addWidget(self.scroll, 1)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.editor)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        layout.addWidget(self.splitter, 1)
        self._set_result_buttons(False)
        self.reload_points()

    # ------------------------------------------------------------------ building

    def reload_points(self) -> None:
        fill_combo(self.point, [(c.label, c.id) for c in town.settlement_points(self.db)])

    def selected_month(self) -> str:
        d = self.month.date()
        return f"{d.year():04d}-{d.month():02d}"

    def _report(self, percent: int, text: str) -> None:  # worker thread: only emit
        self._progress.changed.emit(percent, text)

    def _on_progress(self, percent: int, text: str) -> None:
        self.bar.setValue(percent)
        self.status.setText(text + "…")

    def _start(self, kind: str, job) -> None:
        self.kind = kind
        self._set_busy(True)
        self.bar.setValue(0)
        self.background.submit(job, self._built, self._failed)

    def build_monthly(self) -> None:
        """Build the chosen month: its sections (drafts with the clerk's edits) and what prints (the filed
        version of a filed month unless 按现在的数据预览)."""
        db, month, current = self.db, self.selected_month(), self.editor.current.isChecked()
        self._start(f"月报{month}", lambda: monthly_report.month_state(db, month, current=current,
                                                                      progress=self._report))

    def save_sections(self) -> None:
        """Keep the clerk's edits with the month and redraw the preview from them."""
        state = self.month_state
        if state is None:
            return
        month = state.prepared.facts.month
        try:
            kept = monthly_report.save_sections(self.db, month, self.editor.texts(), state.prepared.drafts)
        except DatabaseError as exc:
            warn(self, "保存失败", str(exc))
            return
        self.editor.current.blockSignals(True)
        self.editor.current.setChecked(True)
        self.editor.current.blockSignals(False)
        self.build_monthly()
        self.status.setText(f"已保存修改（{len(kept)} 节与草稿不同），正在刷新预览…")

    def file_month(self) -> None:
        """报送: file the month with the texts in the boxes (a 更正 version when filed before)."""
        state = self.month_state
        if state is None:
            return
        name = self.editor.filer.text().strip()
        if not name:
            warn(self, "报送", "请先填写报送人姓名。")
            self.editor.filer.setFocus()
            return
        month = state.prepared.facts.month
        what = "更正版" if state.filed else "月报"
        if not confirm(self, "报送", f"报送{state.prepared.facts.month_label}{what}：保存本月的PDF、Word、数字和"
                                     f"文字，报送人 {name}。报送后不能删除，确定报送？", yes="报送"):
            return
        db, texts = self.db, self.editor.texts()
        self._set_busy(True)
        self.background.submit(lambda: monthly_report.file_month(db, month, name, texts=texts,
                                                                 progress=self._report),
                               self._filed, self._failed)

    def _filed(self, version) -> None:
        self._set_busy(False)
        self.editor.current.blockSignals(True)
        self.editor.current.setChecked(False)
        self.editor.current.blockSignals(False)
        self.build_monthly()
        self.status.setText(f"已报送第{version.version}版（{version.kind}），报送人 {version.filed_by}。")

    def build_point_cards(self) -> None:
        point_id = self.point.currentData()
        if point_id is None:
            warn(self, "一户一档", "请先选择安置点。")
            return
        db, full = self.db, self.full_ids.isChecked()
        self._start(f"一户一档-{self.point.currentText()}",
                    lambda: report_data.cards_pdf(db, point_id=point_id, full_ids=full, progress=self._report))

    def build_household_cards(self, archive_nos: list[str] | None = None) -> None:
        nos = archive_nos or self.archive_no.text().split()
        if not nos:
            warn(self, "一户一档", "请填写档案编号。")
            return
        db, full = self.db, self.full_ids.isChecked()
        self._start(f"一户一档-{nos[0]}",
                    lambda: report_data.cards_pdf(db, archive_nos=nos, full_ids=full, progress=self._report))

    def build_cards_for(self, household_ids: list[int], label: str = "所选户") -> None:
        """Cards for households chosen elsewhere (e.g. the selection in 户档案)."""
        if not household_ids:
            warn(self, "一户一档", "请先选择户。")
            return
        db, ids, full = self.db, list(household_ids), self.full_ids.isChecked()
        self._start(f"一户一档-{label}",
                    lambda: report_data.cards_pdf(db, household_ids=ids, full_ids=full, progress=self._report))

    def _built(self, result) -> None:
        if isinstance(result, monthly_report.MonthState):
            self.month_state = result
            p = result.prepared
            self.editor.load(p.texts, p.drafts)
            self.editor.show_filing(result.filed, result.changes, current=result.current)
            if not self.editor.isVisible():
                # A splitter pane shown after being hidden keeps the zero width it had: give it its share.
                self.editor.setVisible(True)
                total = max(sum(self.splitter.sizes()), self.splitter.width())
                self.splitter.setSizes([total * 2 // 5, total - total * 2 // 5])
            self.editor.set_enabled(True)
            result = result.result
        else:
            self.month_state = None
            self.editor.setVisible(False)
        self.result = result
        self._set_busy(False)
        self.bar.setValue(100)
        text = f"已生成：共 {result.pages} 页。"
        if result.warnings:
            text += "\n注意：" + "\n注意：".join(result.warnings)
        self.status.setText(text)
        self._show_preview(result)
        self._set_result_buttons(True)

    def _failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        self.bar.setVisible(False)
        self.status.setText("生成失败。")
        if isinstance(exc, (ValueError, LookupError, DatabaseError)):
            warn(self, "生成失败", str(exc))
        else:
            from app.ui.errors import show_unexpected

            show_unexpected(exc, self)

    def _set_busy(self, busy: bool) -> None:
        self.bar.setVisible(busy or self.bar.isVisible())
        for w in (self.build_button, self.point_cards, self.household_cards):
            w.setEnabled(not busy)
        self.editor.set_enabled(not busy and self.month_state is not None)
        if busy:
            self._set_result_buttons(False)

    def _set_result_buttons(self, enabled: bool) -> None:
        for w in (self.save_button, self.print_button, self.open_button):
            w.setEnabled(enabled)
        self.docx_button.setEnabled(enabled and self.month_state is not None)

    # ------------------------------------------------------------------ preview

    def page_images(self, dpi: int, last: int | None = None) -> list[QImage]:
        """The built PDF's pages as images, rendered by PDFium."""
        last = min(last or self.result.pages, self.result.pages)
        return [to_qimage(page) for page in preview.render_pages(self.result.pdf, dpi=dpi, last=last)]

    def _clear_preview(self) -> None:
        while self.pages_layout.count():
            item = self.pages_layout.takeAt(0)
            widget = item.widget()
            if widget is not None:
                widget.setParent(None)  # gone from the page now, not at the next turn of the event loop
                widget.deleteLater()

    def _show_preview(self, result) -> None:
        self._clear_preview()
        self.page_spin.setRange(1, max(1, min(result.pages, PREVIEW_MAX_PAGES)))
        self.page_spin.setSuffix(f" 页 / 共 {result.pages} 页")
        try:
            images = self.page_images(int(PREVIEW_DPI * self.zoom_percent / 100), PREVIEW_MAX_PAGES)
        except RuntimeError:
            images = []
        if not images:
            lines = [f"本机无法在程序内预览（缺少 PDF 渲染组件）。本文件共 {result.pages} 页，内容：",
                     *(f"　· {s}" for s in result.sections[:80]), "", "请点“用系统程序打开”查看。"]
            label = QLabel("\n".join(lines))
            label.setObjectName("previewFallback")
            self.pages_layout.addWidget(label)
            return
        for i, image in enumerate(images):
            label = QLabel()
            label.setObjectName("previewPage")
            label.setPixmap(QPixmap.fromImage(image))
            label.setStyleSheet("background: white; border: 1px solid #bbb;")
            self.pages_layout.addWidget(label)
            self.pages_layout.addWidget(QLabel(f"第 {i + 1} 页 / 共 {result.pages} 页"),
                                        alignment=Qt.AlignmentFlag.AlignHCenter)
        if result.pages > len(images):
            self.pages_layout.addWidget(QLabel(f"预览只显示前 {len(images)} 页；保存和打印包含全部 {result.pages} 页。"))

    @property
    def preview_pages(self) -> int:
        return len(self.pages_box.findChildren(QLabel, "previewPage"))

    @property
    def zoom_percent(self) -> int:
        return int(self.zoom.currentData() or 100)

    def page_labels(self) -> list[QLabel]:
        """The preview's page images, in page order."""
        return [self.pages_layout.itemAt(i).widget() for i in range(self.pages_layout.count())
                if self.pages_layout.itemAt(i).widget() is not None
                and self.pages_layout.itemAt(i).widget().objectName() == "previewPage"]

    def jump_to(self, page: int) -> None:
        """Scroll the preview so that page `page` (1-based) starts at the top. Done once the event loop has
        laid out the pages (a preview just redrawn at a new zoom has not been yet)."""
        self._jump_page = page
        QTimer.singleShot(0, lambda: self._apply_jump(20))

    def _apply_jump(self, tries: int) -> None:
        labels = self.page_labels()
        if not labels:
            return
        target = max(0, labels[max(0, min(self._jump_page, len(labels)) - 1)].y() - 4)
        bar = self.scroll.verticalScrollBar()
        if bar.maximum() < target and tries > 0:  # not laid out yet: try again shortly
            QTimer.singleShot(20, lambda: self._apply_jump(tries - 1))
            return
        bar.setValue(target)

    # ------------------------------------------------------------------ output

    def default_name(self) -> str:
        return f"{self.kind}.pdf"

    def save_pdf(self, path: str | None = None) -> Path | None:
        if self.result is None:
            return None
        if not path:
            path = file_dialogs.get_save_path(self, "保存PDF", self.default_name(), "PDF 文件 (*.pdf)")
            if not path:
                return None
        try:
            self.result.save(path)  # the output guard: never over the database; old file kept on failure
        except OSError as exc:
            warn(self, "保存失败", str(exc) if isinstance(exc, outputs.OutputError)
                 else f"无法写入 {path}：{exc.strerror or exc}")
            return None
        self.status.setText(f"已保存：{path}")
        return Path(path)

    def save_docx(self, path: str | None = None) -> Path | None:
        """保存Word: the 月报's .docx twin (the filed one for a filed month shown as filed)."""
        state = self.month_state
        if state is None:
            return None
        if not path:
            path = file_dialogs.get_save_path(self, "保存Word", f"{self.kind}.docx", "Word 文件 (*.docx)")
            if not path:
                return None
        try:
            outputs.write_bytes(path, state.docx())
        except OSError as exc:
            warn(self, "保存失败", str(exc) if isinstance(exc, outputs.OutputError)
                 else f"无法写入 {path}：{exc.strerror or exc}")
            return None
        self.status.setText(f"已保存：{path}")
        return Path(path)

    def open_external(self) -> None:
        if self.result is None:
            return
        # This process's own private folder (0700), removed at exit: never a fixed path others can read.
        path = outputs.process_temp_dir() / self.default_name()
        try:
            self.result.save(path)
        except OSError as exc:
            warn(self, "无法打开", str(exc))
            return
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
            warn(self, "无法打开", f"系统没有可打开 PDF 的程序。文件在：{path}")

    def print_pdf(self) -> None:
        """Print through the system printer dialog: each page rendered at PRINT_DPI, scaled to the paper."""
        if self.result is None:
            return
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self.default_name())
        dialog = QPrintDialog(printer, self)
        dialog.setMinMax(1, self.result.pages)
        if dialog.exec() != QPrintDialog.DialogCode.Accepted:
            return
        self.print_to(printer)

    def print_to(self, printer) -> int:
        """Paint every page onto `printer` (a QPrinter or any QPagedPaintDevice); returns pages printed."""
        painter = QPainter()
        if not painter.begin(printer):
            warn(self, "打印", "无法开始打印，请检查打印机。")
            return 0
        # One page rendered at a time: at print resolution a long packet would not fit in memory at once.
        images = (to_qimage(preview.render_pages(self.result.pdf, dpi=self.print_dpi, first=n, last=n)[0])
                  for n in range(1, self.result.pages + 1))
        printed = 0
        try:
            for i, image in enumerate(images):
                if i:
                    printer.newPage()
                printed += 1
                area = painter.viewport()
                scaled = image.size().scaled(area.size(), Qt.AspectRatioMode.KeepAspectRatio)
                painter.setViewport(area.x(), area.y(), scaled.width(), scaled.height())
                painter.setWindow(image.rect())
                painter.drawImage(0, 0, image)
                painter.setViewport(area)
        finally:
            painter.end()
        return printed

    def wait(self, msecs: int = 30000) -> bool:
        return self.background.wait(msecs)


