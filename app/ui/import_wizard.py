"""导入花名册: choose the village registers, see what was found with every error and warning and every change
to households already held, confirm renames and new places one by one, name the batch's registration date,
import all or only the valid households (a backup is taken first), write an error report for the village.
Reading, checking and writing run on the database worker (ui.taskman) with a progress bar and 取消; the dialog only shows
results (app.io does the work)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, QItemSelectionModel, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QProgressBar,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.db import Database
from app.io import importer
from app.io.export import write_template
from app.io.report import report_paths, write_error_report
from app.io.validate import ERROR, Issue, Options
from app.io.workbook import Cancelled, WorkbookError
from app.services import town
from app.ui import file_dialogs
from app.ui.import_review import ChangesModel, ConfirmList, changes_view, place_items, rename_items
from app.ui.rows_model import Column, RowsModel
from app.ui.taskman import Task
from app.ui.widgets import primary_button, setup_table

VILLAGE_FROM_FILE = "（按文件中的“村”列）"
RENAME_HINT = "如确实是改名，请在“需要确认”页勾选这一项"
PLACE_HINT = "如确实是新的，请在“需要确认”页勾选新建"


class IssuesModel(RowsModel):
    """The errors and warnings as a table; errors in red."""

    def __init__(self, parent=None) -> None:
        super().__init__([
            Column("类别", lambda i: "错误" if i.severity == ERROR else "提醒"),
            Column("文件", lambda i: Path(i.file).name),
            Column("工作表", lambda i: i.sheet),
            Column("行", lambda i: i.row or "", align_right=True),
            Column("列", lambda i: f"{i.column}（{i.header}）" if i.column and i.header else i.column or i.header),
            Column("说明", lambda i: i.message),
        ], parent)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.ForegroundRole and index.isValid() and index.row() < len(self.rows):
            issue = self.rows[index.row()]
            return QBrush(QColor("#c0392b") if issue.severity == ERROR else QColor("#9a6700"))
        return super().data(index, role)


class ImportWizard(QDialog):
    """Choose files (and a village) → preview with issues → 全部导入 / 仅导入无错误的户 / 导出错误报告 → summary.

    Emits `imported(result)` after data was written; `checked` after each preview, `finished_job` after each
    background job (for tests and the caller)."""

    imported = Signal(object)  # importer.ImportResult
    checked = Signal(object)  # importer.Prepared
    finished_job = Signal()

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.files: list[Path] = []
        self.prepared: importer.Prepared | None = None
        self.result: importer.ImportResult | None = None
        self.job: Task | None = None
        self.setWindowTitle("导入花名册")
        self.resize(1000, 680)

        self.file_list = QListWidget()
        self.file_list.setMaximumHeight(90)
        self.choose_button = QPushButton("选择文件…")
        self.remove_button = QPushButton("移除")
        self.template_button = QPushButton("保存空白模板…")
        self.village = QComboBox()
        self.village.setEditable(True)
        self.village.setMinimumWidth(180)
        self.check_button = primary_button("检查文件")

        files_row = QHBoxLayout()
        files_row.addWidget(self.file_list, 1)
        side = QVBoxLayout()
        side.addWidget(self.choose_button)
        side.addWidget(self.remove_button)
        side.addWidget(self.template_button)
        side.addStretch(1)
        files_row.addLayout(side)
        village_row = QHBoxLayout()
        village_row.addWidget(QLabel("所属村（文件中没有“村”列时必选）："))
        village_row.addWidget(self.village)
        self.registered_on = QDateEdit(QDate.currentDate())
        self.registered_on.setCalendarPopup(True)
        self.registered_on.setDisplayFormat("yyyy-MM-dd")
        self.registered_on.setMaximumDate(QDate.currentDate())
        self.registered_on.setToolTip("文件中没有“登记日期/迁入日期”列时，本批新增的户按这个日期登记（默认今天）")
        village_row.addSpacing(16)
        village_row.addWidget(QLabel("本批登记日期："))
        village_row.addWidget(self.registered_on)
        village_row.addStretch(1)
        village_row.addWidget(self.check_button)

        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setTextVisible(False)
        self.status = QLabel("请选择各村报送的花名册（.xlsx、.xls、.ods 等，可多选），然后点“检查文件”。")
        self.cancel_button = QPushButton("取消")
        self.cancel_button.setEnabled(False)
        progress_row = QHBoxLayout()
        progress_row.addWidget(self.status, 1)
        progress_row.addWidget(self.progress, 1)
        progress_row.addWidget(self.cancel_button)

        self.preview = QLabel("")
        self.preview.setWordWrap(True)
        self.preview.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.model = IssuesModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        setup_table(self.table)
        for column, width in enumerate((50, 140, 110, 50, 130)):
            self.table.setColumnWidth(column, width)
        self.cell = QLabel("选中一条错误或提醒，这里显示该单元格的内容。")
        self.cell.setWordWrap(True)
        self.cell.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        issues_page = QWidget()
        issues_layout = QVBoxLayout(issues_page)
        issues_layout.addWidget(self.table, 1)
        issues_layout.addWidget(self.cell)

        self.changes_model = ChangesModel(self)
        self.changes_table = changes_view(self.changes_model)
        self.renames = ConfirmList("同一身份证号、姓名不同：多半是身份证号填错了。只有确认是同一个人改了名字，才勾选改名：",
                                   "（没有需要确认的改名）", check_all=False)
        self.places = ConfirmList("数据库中还没有的村和安置点：确认是新的才勾选新建；与已有名称相近的，多半是写法不同，"
                                  "请改正文件：", "（没有需要新建的村或安置点）")
        confirm_page = QWidget()
        confirm_layout = QHBoxLayout(confirm_page)
        confirm_layout.addWidget(self.renames, 1)
        confirm_layout.addWidget(self.places, 1)
        self.tabs = QTabWidget()
        self.tabs.addTab(issues_page, "错误和提醒")
        self.tabs.addTab(self.changes_table, "将修改的已有档案")
        self.tabs.addTab(confirm_page, "需要确认")
        self._confirmed_renames: set[str] = set()
        self._confirmed_places: set[tuple[str, ...]] = set()

        self.import_all_button = primary_button("全部导入")
        self.import_valid_button = QPushButton("仅导入无错误的户")
        self.report_button = QPushButton("导出错误报告…")
        self.close_button = QPushButton("关闭")
        buttons = QHBoxLayout()
        buttons.addWidget(self.report_button)
        buttons.addStretch(1)
        buttons.addWidget(self.import_valid_button)
        buttons.addWidget(self.import_all_button)
        buttons.addWidget(self.close_button)

        layout = QVBoxLayout(self)
        layout.addLayout(files_row)
        layout.addLayout(village_row)
        layout.addLayout(progress_row)
        layout.addWidget(self.preview)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(buttons)

        self.choose_button.clicked.connect(self.choose_files)
        self.remove_button.clicked.connect(self.remove_selected)
        self.template_button.clicked.connect(self.save_template)
        self.check_button.clicked.connect(self.check)
        self.cancel_button.clicked.connect(self.cancel)
        self.import_all_button.clicked.connect(lambda: self.start_import(skip_invalid=False))
        self.import_valid_button.clicked.connect(lambda: self.start_import(skip_invalid=True))
        self.report_button.clicked.connect(self.save_report)
        self.close_button.clicked.connect(self.reject)
        self.table.selectionModel().currentRowChanged.connect(lambda current, _prev: self.show_cell(current.row()))
        self.renames.changed.connect(self._confirmations_changed)
        self.places.changed.connect(self._confirmations_changed)
        self._load_villages()
        self._update_buttons()

    # ------------------------------------------------------------------------------------- inputs

    def _load_villages(self) -> None:
        self.village.clear()
        self.village.addItem(VILLAGE_FROM_FILE, None)
        for choice in town.villages(self.db):
            self.village.addItem(choice.label, choice.label)

    def chosen_village(self) -> str | None:
        text = self.village.currentText().strip()
        if not text or text == VILLAGE_FROM_FILE:
            return None
        return text

    def choose_files(self) -> None:
        paths = file_dialogs.get_open_paths(self, "选择花名册", None, file_dialogs.WORKBOOK_FILTER)
        for path in paths:
            p = Path(path)
            if p not in self.files:
                self.files.append(p)
                self.file_list.addItem(p.name)
                self.file_list.item(self.file_list.count() - 1).setToolTip(str(p))
        if paths:
            self._reset_preview()

    def remove_selected(self) -> None:
        row = self.file_list.currentRow()
        if 0 <= row < len(self.files):
            del self.files[row]
            self.file_list.takeItem(row)
            self._reset_preview()

    def _reset_preview(self) -> None:
        self.prepared = None
        self.model.set_rows([])
        self.changes_model.set_rows([])
        self.renames.set_items([])
        self.places.set_items([])
        self._update_tabs()
        self.preview.setText("")
        self.cell.setText("选中一条错误或提醒，这里显示该单元格的内容。")
        self._update_buttons()

    # ------------------------------------------------------------------------------------- jobs

    @property
    def busy(self) -> bool:
        return self.job is not None

    def _run(self, fn, on_done: Callable[[Any], None], start_text: str) -> None:
        self.job = Task(fn, self)
        self.job.progressed.connect(self._on_progress)
        self.job.done.connect(lambda result: self._finish(on_done, result))
        self.job.failed.connect(self._on_failed)
        self.status.setText(start_text)
        self.progress.setValue(0)
        self._update_buttons()
        self.job.start()

    def _on_progress(self, fraction: float, text: str) -> None:
        self.progress.setValue(int(max(0.0, min(fraction, 1.0)) * 1000))
        if text:
            self.status.setText(text)

    def _end_job(self) -> None:
        if self.job is not None:
            self.job.wait()
            self.job.deleteLater()
        self.job = None
        self._update_buttons()
        self.finished_job.emit()

    def _finish(self, on_done: Callable[[Any], None], result: Any) -> None:
        self._end_job()
        self.progress.setValue(1000)
        on_done(result)

    def _on_failed(self, exc: BaseException) -> None:
        self._end_job()
        self.progress.setValue(0)
        if isinstance(exc, Cancelled):
            self.status.setText("已取消，没有写入任何数据。")
        elif isinstance(exc, (WorkbookError, OSError, ValueError)):
            self.status.setText(str(exc))
        else:
            from app.ui.errors import show_unexpected

            self.status.setText("出现意外错误，没有写入任何数据。")
            show_unexpected(exc, self)

    def cancel(self) -> None:
        if self.job is not None:
            self.job.stop.set()
            self.status.setText("正在取消 …")

    def _update_buttons(self) -> None:
        idle = self.job is None
        prepared = self.prepared
        self.choose_button.setEnabled(idle)
        self.remove_button.setEnabled(idle and bool(self.files))
        self.check_button.setEnabled(idle and bool(self.files))
        self.village.setEnabled(idle)
        self.registered_on.setEnabled(idle and self.result is None)
        self.renames.setEnabled(idle and prepared is not None and self.result is None)
        self.places.setEnabled(idle and prepared is not None and self.result is None)
        self.cancel_button.setEnabled(not idle)
        ready = idle and prepared is not None and self.result is None
        self.import_all_button.setEnabled(ready and not prepared.errors and prepared.households > 0)
        self.import_valid_button.setEnabled(ready and prepared.valid_households > 0)
        self.report_button.setEnabled(idle and prepared is not None and bool(prepared.errors or prepared.warnings))
        self.template_button.setEnabled(idle)
        self.close_button.setEnabled(idle)

    # ------------------------------------------------------------------------------------- check

    def check(self) -> None:
        if not self.files or self.busy:
            return
        files = list(self.files)
        options = self._options()
        self.result = None
        self._reset_preview()

        def work(progress, cancel):
            return importer.prepare(self.db, files, options, progress=progress, cancel=cancel)

        self._run(work, self._show_preview, "正在读取文件 …")

    def batch_date(self) -> dt.date:
        """The registration date of the batch's new households (SPEC §4.8), as the clerk named it."""
        return self.registered_on.date().toPython()

    def _options(self) -> Options:
        return Options(village=self.chosen_village(), village_hint="请在上方“所属村”中选择或填写该文件所属的村",
                       renames_confirmed=frozenset(self._confirmed_renames),
                       places_confirmed=frozenset(self._confirmed_places),
                       rename_hint=RENAME_HINT, place_hint=PLACE_HINT, registered_on=self.batch_date())

    def _confirmations_changed(self) -> None:
        """A rename or a new place ticked or unticked: check against the database again (files not re-read)."""
        prepared = self.prepared
        if prepared is None or self.busy:
            return
        shown_renames = set(self.renames.keys)
        shown_places = set(self.places.keys)
        self._confirmed_renames = (self._confirmed_renames - shown_renames) | self.renames.checked()
        self._confirmed_places = (self._confirmed_places - shown_places) | self.places.checked()
        options = replace(prepared.options, renames_confirmed=frozenset(self._confirmed_renames),
                          places_confirmed=frozenset(self._confirmed_places))

        def work(progress, cancel):
            return importer.recheck(self.db, prepared, options, progress=progress, cancel=cancel)

        self._run(work, self._show_preview, "正在按确认的内容重新比对 …")

    def _update_tabs(self, unconfirmed: int = 0) -> None:
        changes = self.changes_model.rowCount()
        self.tabs.setTabText(1, f"将修改的已有档案（{changes}）" if changes else "将修改的已有档案")
        self.tabs.setTabText(2, f"需要确认（{unconfirmed}）" if unconfirmed else "需要确认")

    def _show_preview(self, prepared: importer.Prepared) -> None:
        self.prepared = prepared
        v = prepared.validation
        bad = len(v.households) - len(v.valid)
        lines = [f"找到 {prepared.households} 户、{prepared.members} 人（{len(prepared.paths)} 个文件）；"
                 f"其中有错误的户 {bad} 户，没有错误的户 {len(v.valid)} 户。",
                 f"与数据库比对（仅无错误的户）：将新增 {prepared.would_import} 户，更新 {prepared.would_update} 户，"
                 f"无变化 {prepared.would_keep} 户。",
                 f"错误 {len(prepared.errors)} 个，提醒 {len(prepared.warnings)} 个。"]
        skipped = [f"{Path(s.file).name}「{s.name}」（{s.skipped_reason}）" for s in v.sheets if s.skipped_reason]
        if skipped:
            lines.append("跳过的工作表：" + "；".join(skipped))
        if v.new_villages:
            lines.append("将新建的村：" + "、".join(v.new_villages))
        if v.new_points:
            lines.append("将新建的安置点：" + "、".join(f"{p}（{vname}）" for vname, p in v.new_points))
        waiting = [p.label for p in v.places if not p.confirmed]
        if waiting:
            lines.append("数据库中还没有、需要确认的：" + "、".join(waiting) + "（见“需要确认”页）")
        renames = [r.label for r in v.renames if not r.confirmed]
        if renames:
            lines.append("同一身份证号换了姓名、需要确认的：" + "、".join(dict.fromkeys(renames)) + "（见“需要确认”页）")
        if prepared.changes:
            held = len({c.household for c in prepared.changes})
            lines.append(f"将修改已有档案 {held} 户、{len(prepared.changes)} 处（见“将修改的已有档案”页），导入前会先备份数据库。")
        if prepared.errors:
            lines.append("有错误时不能“全部导入”：请改正文件后重新检查，或选择“仅导入无错误的户”（有错误的户整户不导入）。")
        self.preview.setText("\n".join(lines))
        self.model.set_rows(prepared.errors + prepared.warnings)
        self.changes_model.set_rows(prepared.changes)
        self.renames.set_items(rename_items(v.renames))
        self.places.set_items(place_items(v.places))
        self._update_tabs(self.renames.unchecked() + self.places.unchecked())
        self.status.setText("检查完成。")
        self._update_buttons()
        if self.model.rowCount():
            self.table.selectionModel().setCurrentIndex(
                self.model.index(0, 0),
                QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
        self.checked.emit(prepared)

    def show_cell(self, row: int) -> None:
        if not 0 <= row < self.model.rowCount():
            return
        issue: Issue = self.model.row_at(row)
        where = f"{Path(issue.file).name}「{issue.sheet}」" if issue.sheet else Path(issue.file).name
        if issue.row and issue.column:
            where += f" 单元格 {issue.column}{issue.row}" + (f"（{issue.header}）" if issue.header else "")
        elif issue.row:
            where += f" 第{issue.row}行"
        content = issue.value if issue.value else "（空）"
        self.cell.setText(f"{where} 的内容：{content}\n{issue.message}")

    # ------------------------------------------------------------------------------------- import

    def start_import(self, *, skip_invalid: bool) -> None:
        prepared = self.prepared
        if prepared is None or self.busy:
            return

        prepared = replace(prepared, options=replace(prepared.options, registered_on=self.batch_date()))

        def work(progress, cancel):
            return importer.commit(self.db, prepared, skip_invalid=skip_invalid, progress=progress, cancel=cancel)

        self._run(work, self._show_result, "正在导入 …")

    def _show_result(self, result: importer.ImportResult) -> None:
        self.result = result
        if result.refused:
            text = (f"没有导入：发现 {len(result.errors)} 个错误（数据库没有任何改动）。"
                    "请改正后重新检查，或选择“仅导入无错误的户”。")
        else:
            text = (f"导入完成：新增 {result.households_imported} 户，更新 {result.households_updated} 户，"
                    f"无变化 {result.households_unchanged} 户，跳过（有错误）{result.households_skipped} 户；"
                    f"新增成员 {result.members_imported} 人。")
            if result.new_villages:
                text += "\n新建村：" + "、".join(result.new_villages)
            if result.new_points:
                text += "\n新建安置点：" + "、".join(f"{p}（{v}）" for v, p in result.new_points)
            if result.written and result.changes:
                held = len({c.household for c in result.changes if c.applies})
                text += f"\n已修改已有档案 {held} 户（改动已记入各户的变更记录）。"
            if result.backup is not None:
                text += f"\n导入前已备份数据库：{result.backup}"
        self.preview.setText(text)
        self.model.set_rows(result.errors + result.warnings)
        self.changes_model.set_rows(result.changes)
        self._update_tabs()
        self.status.setText("完成。" if not result.refused else "没有导入。")
        if result.new_villages:
            self._load_villages()
        self._update_buttons()
        if result.written:
            self.imported.emit(result)

    # ------------------------------------------------------------------------------------- files out

    def save_report(self) -> None:
        prepared = self.prepared
        if prepared is None or self.busy:
            return
        first = prepared.paths[0] if prepared.paths else Path("花名册.xlsx")
        path = file_dialogs.get_save_path(self, "保存错误报告", first.with_name(f"{first.stem}-错误报告.xlsx"),
                                          "Excel 工作簿 (*.xlsx)")
        if not path:
            return
        out = Path(path) if path.lower().endswith(".xlsx") else Path(path + ".xlsx")
        issues = list(prepared.validation.issues)
        headers: dict[str, dict[str, int]] = {}
        for info in prepared.validation.sheets:
            if info.header_row:
                headers.setdefault(info.file, {})[info.name] = info.header_row

        def work(progress, cancel):
            by_file: dict[str, list[Issue]] = {}
            for issue in issues:
                by_file.setdefault(issue.file, []).append(issue)
            targets = report_paths(out, [str(p) for p in prepared.paths])
            written = []
            for index, (file, file_issues) in enumerate(by_file.items()):
                progress(index / max(len(by_file), 1), f"正在写错误报告：{Path(file).name} …")
                if cancel():
                    raise Cancelled()
                written.append(write_error_report(Path(file), file_issues, targets[file], headers.get(file),
                                                  inputs=prepared.paths))
            return written

        self._run(work, lambda written: self.status.setText(
            "错误报告已保存：" + "；".join(str(p) for p in written) if written else "没有需要写入报告的问题。"),
            "正在写错误报告 …")

    def save_template(self) -> None:
        path = file_dialogs.get_save_path(self, "保存空白模板", "搬迁群众花名册（导入模板）.xlsx",
                                          "Excel 工作簿 (*.xlsx)")
        if not path:
            return
        out = Path(path) if path.lower().endswith(".xlsx") else Path(path + ".xlsx")
        profile = town.load_town(self.db)
        try:
            write_template(out, unit=profile.station_name or profile.town_name)
        except OSError as exc:  # outputs.OutputError: one Chinese line saying what to choose instead
            self.status.setText(f"无法保存模板：{exc.strerror or exc}")
            return
        self.status.setText(f"空白模板已保存：{out}")

    # ------------------------------------------------------------------------------------- closing

    def reject(self) -> None:
        if self.job is not None:
            self.cancel()
            self.job.wait()
        super().reject()

    def closeEvent(self, event) -> None:
        if self.job is not None:
            self.cancel()
            self.job.wait()
        super().closeEvent(event)
