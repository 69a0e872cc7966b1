"""导入村问题台账: choose the villages' 问题台账 workbooks, check them (a dry run: what would be added, every
error by sheet, row and column), then import all or only the rows without errors, or save the error
workbook for the village. The work is `app.io.problems_import.run`, the same as `import problems`, and
runs off the GUI thread."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.db import Database
from app.io import problems_import
from app.io.report import report_paths, write_error_report
from app.io.workbook import WorkbookError
from app.ui import file_dialogs
from app.ui.errors import info, warn
from app.ui.import_wizard import IssuesModel
from app.ui.widgets import primary_button, setup_table
from app.ui.workers import Background


class ProblemImportDialog(QDialog):
    """Check, then import; `imported(result)` after problems were written, `finished_job` after each job."""

    imported = Signal(object)
    finished_job = Signal()

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.files: list[Path] = []
        self.checked: problems_import.ProblemImport | None = None
        self.result: problems_import.ProblemImport | None = None
        self.background = Background(self)
        self.setWindowTitle("导入村问题台账")
        self.resize(960, 600)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("各村报送的问题台账（.xlsx，可多选）。表头需有“问题描述”，以及发现时间、问题类别"
                                "（八个紧盯之一）、责任单位、整改时限、办理情况、紧急程度等列。已导入过的问题不会重复导入。"))
        row = QHBoxLayout()
        self.file_list = QListWidget()
        self.file_list.setMaximumHeight(80)
        row.addWidget(self.file_list, 1)
        side = QVBoxLayout()
        self.choose_button = QPushButton("选择文件…")
        self.check_button = primary_button("检查文件")
        side.addWidget(self.choose_button)
        side.addWidget(self.check_button)
        side.addStretch(1)
        row.addLayout(side)
        layout.addLayout(row)
        self.status = QLabel("请选择文件，然后点“检查文件”。")
        self.status.setObjectName("problem_import_status")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self.model = IssuesModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        setup_table(self.table)
        for column, width in enumerate((50, 140, 110, 50, 130)):
            self.table.setColumnWidth(column, width)
        layout.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        self.report_button = QPushButton("保存错误报告…")
        self.import_all_button = primary_button("全部导入")
        self.import_valid_button = QPushButton("仅导入无错误的行")
        self.close_button = QPushButton("关闭")
        buttons.addWidget(self.report_button)
        buttons.addStretch(1)
        for b in (self.import_valid_button, self.import_all_button, self.close_button):
            buttons.addWidget(b)
        layout.addLayout(buttons)
        self.choose_button.clicked.connect(self.choose)
        self.check_button.clicked.connect(self.check)
        self.import_all_button.clicked.connect(lambda: self.run_import(skip_invalid=False))
        self.import_valid_button.clicked.connect(lambda: self.run_import(skip_invalid=True))
        self.report_button.clicked.connect(self.save_report)
        self.close_button.clicked.connect(self.accept)
        self._update_buttons()

    def set_files(self, files) -> None:
        self.files = [Path(f) for f in files]
        self.file_list.clear()
        self.file_list.addItems([f.name for f in self.files])
        self.checked = None
        self._update_buttons()

    def choose(self) -> None:
        names = file_dialogs.get_open_paths(self, "选择问题台账", None, file_dialogs.WORKBOOK_FILTER)
        if names:
            self.set_files(names)

    def _update_buttons(self, busy: bool = False) -> None:
        c = self.checked
        writable = not self.db.readonly and not busy
        self.check_button.setEnabled(bool(self.files) and not busy)
        self.import_all_button.setEnabled(writable and c is not None and not c.errors and c.problems_imported > 0)
        self.import_valid_button.setEnabled(writable and c is not None and bool(c.errors) and c.problems_imported > 0)
        self.report_button.setEnabled(c is not None and bool(c.errors or c.warnings) and not busy)

    def _summary(self, r: problems_import.ProblemImport, done: bool) -> str:
        verb = "" if done else "可"
        text = (f"共读取 {r.rows} 个问题：{verb}新增 {r.problems_imported} 个，已有（不重复导入）{r.problems_unchanged} 个"
                + (f"，有错误 {r.problems_skipped} 个" if r.problems_skipped else "") + "。")
        if r.errors:
            text += f"错误 {len(r.errors)} 个：改正文件后重新检查，或只导入无错误的行。"
        if r.warnings:
            text += f"提醒 {len(r.warnings)} 个（不影响导入）。"
        for file, sheet, reason in r.skipped_sheets:
            text += f"　跳过 {Path(file).name}「{sheet}」：{reason}。"
        return text

    def check(self) -> None:
        files, db = list(self.files), self.db
        self.status.setText("正在检查 …")
        self._update_buttons(busy=True)

        def done(r) -> None:
            self.checked = r
            unreadable = [i for i in r.errors if i.row is None and not i.sheet]
            self.status.setText(unreadable[0].message if unreadable else self._summary(r, False))
            self.model.set_rows(r.errors + r.warnings)
            self._update_buttons()
            self.finished_job.emit()

        self.background.submit(lambda: problems_import.run(db, files, dry_run=True), done, self._failed)

    def run_import(self, *, skip_invalid: bool) -> None:
        files, db = list(self.files), self.db
        self.status.setText("正在导入 …")
        self._update_buttons(busy=True)

        def done(r) -> None:
            self.result = r
            self.checked = None
            self.status.setText(("导入完成。" if r.written else "没有导入任何问题。") + self._summary(r, True))
            self.model.set_rows(r.errors + r.warnings)
            self._update_buttons()
            if r.written:
                self.imported.emit(r)
            self.finished_job.emit()

        self.background.submit(lambda: problems_import.run(db, files, skip_invalid=skip_invalid), done,
                               self._failed)

    def _failed(self, exc: BaseException) -> None:
        self.status.setText(f"未能完成：{exc}")
        self._update_buttons()
        self.finished_job.emit()

    def save_report(self, target: str | None = None) -> list[Path]:
        r = self.checked or self.result
        if r is None:
            return []
        if target is None:
            target = file_dialogs.get_save_path(self, "保存错误报告", "问题台账错误报告.xlsx", "Excel 工作簿 (*.xlsx)")
            if not target:
                return []
        by_file: dict[str, list] = {}
        for issue in r.errors + r.warnings:
            by_file.setdefault(issue.file, []).append(issue)
        targets = report_paths(Path(target), [str(f) for f in self.files])
        written = []
        try:
            for file, issues in by_file.items():
                if file in targets:
                    written.append(write_error_report(Path(file), issues, targets[file], r.header_rows.get(file),
                                                      inputs=self.files))
        except (WorkbookError, OSError) as exc:
            warn(self, "保存错误报告", f"无法保存错误报告：{exc}")
            return written
        info(self, "保存错误报告", "已保存：" + "、".join(str(p) for p in written))
        return written
