"""县级汇总 page (county database only): each town's figures ranked with the county total, the towns'
copies, and the summary saved as PDF or Excel. Reading only: the county writes nothing of the towns' records."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.db import Database
from app.services import county_summary as summary_service
from app.services.county_summary import county_pdf
from app.ui import file_dialogs
from app.ui.errors import warn
from app.ui.widgets import page_title, primary_button
from app.ui.workers import Background


class CountyPage(QWidget):
    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.background = Background(self)
        self.summary: summary_service.CountySummary | None = None

        self.refresh_button = QPushButton("刷新")
        self.refresh_button.clicked.connect(self.refresh)
        self.pdf_button = primary_button("导出PDF")
        self.pdf_button.clicked.connect(lambda: self.save_pdf())
        self.xlsx_button = QPushButton("导出Excel")
        self.xlsx_button.clicked.connect(lambda: self.save_xlsx())
        for b in (self.pdf_button, self.xlsx_button):
            b.setEnabled(False)
        top = QHBoxLayout()
        top.addWidget(page_title("县级汇总"))
        top.addStretch(1)
        for b in (self.refresh_button, self.xlsx_button, self.pdf_button):
            top.addWidget(b)

        self.note = QLabel(summary_service.RANKING + "。各镇数据来自合并的副本，只能查看；"
                           "要更新某镇，请接收该镇的新副本（county merge）。")
        self.note.setWordWrap(True)
        self.table = QTableWidget(0, len(summary_service.CountySummary.HEADERS))
        self.table.setHorizontalHeaderLabels(list(summary_service.CountySummary.HEADERS))
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.setAlternatingRowColors(True)
        self.status = QLabel("正在汇总……")

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.note)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)
        self.refresh()

    def refresh(self) -> None:
        self.status.setText("正在汇总……")
        self.background.submit(lambda: summary_service.county_summary(self.db), self._show,
                               lambda exc: self.status.setText(f"汇总失败：{exc}"))

    def _show(self, summary: summary_service.CountySummary) -> None:
        self.summary = summary
        rows = summary.rows()
        self.table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                item = QTableWidgetItem("" if value is None else str(value))
                if isinstance(value, int):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if r == len(rows) - 1:
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                self.table.setItem(r, c, item)
        self.table.resizeColumnsToContents()
        for b in (self.pdf_button, self.xlsx_button):
            b.setEnabled(bool(summary.towns))
        if summary.towns:
            self.status.setText(f"{len(summary.towns)} 个镇，全县在册 {summary.total.households} 户 "
                                f"{summary.total.members} 人；跨镇重复 {len(summary.cross_town)} 人。")
        else:
            self.status.setText("县级数据库中还没有镇的数据。")

    def _name(self, suffix: str) -> str:
        county = self.summary.county if self.summary else ""
        return f"{county or '全县'}分镇汇总{suffix}"

    def save_pdf(self, path: str | None = None):
        path = path or file_dialogs.get_save_path(self, "导出PDF", self._name(".pdf"), "PDF 文件 (*.pdf)")
        if not path:
            return None
        return self._save(lambda: county_pdf(self.db, path), path)

    def save_xlsx(self, path: str | None = None):
        path = path or file_dialogs.get_save_path(self, "导出Excel", self._name(".xlsx"), "Excel 文件 (*.xlsx)")
        if not path:
            return None
        from app.io.county_export import county_xlsx  # the Excel writer is loaded when first used

        return self._save(lambda: county_xlsx(self.db, path), path)

    def _save(self, job, path: str):
        self.status.setText("正在导出……")

        def failed(exc: BaseException) -> None:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            self.status.setText("导出失败")
            warn(self, "导出失败", f"无法写入 {path}：{reason}")

        self.background.submit(job, lambda _r: self.status.setText(f"已导出：{path}"), failed)
        return path
