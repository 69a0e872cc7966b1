"""后扶直补 page (SPEC §11): the payment roster of a half by village with search, import of the 名册, the
reconciliation of a half with its lists (what is still open), the year's review, the findings to act on
(应核减 with one-click 核减, 无账号), and the 公示 print. Every query and job runs on the database worker.
The Excel readers and writers (app.io) are imported where they are used: loading them at start-up would
delay the main window by about a tenth of a second.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.db import Database
from app.rules import mask_id
from app.rules.subsidy import half_label, mask_account
from app.services import duties, subsidy_reconcile, subsidy_roster, town
from app.services.subsidy_publicity import publicity_data
from app.ui import file_dialogs
from app.ui.errors import info, warn
from app.ui.subsidy_dialogs import ImportOutcomeDialog, ReduceDialog
from app.ui.widgets import page_title, primary_button
from app.ui.workers import Background

SHOWN = 500  # rows shown in a table; search narrows the rest
RULE_REDUCE, RULE_NO_ACCOUNT = "直补-应核减", "直补-无账号"
SUBSIDY_RULES = (RULE_REDUCE, RULE_NO_ACCOUNT)


class _Progress(QObject):
    changed = Signal(float, str)


def _table(headers: list[str]) -> QTableWidget:
    t = QTableWidget(0, len(headers))
    t.setHorizontalHeaderLabels(headers)
    t.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    t.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
    t.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
    t.verticalHeader().setVisible(False)
    t.horizontalHeader().setStretchLastSection(True)
    t.setAlternatingRowColors(True)
    return t


def _fill(table: QTableWidget, rows: list[list[object]], keys: list[object] | None = None) -> None:
    table.setRowCount(len(rows))
    for r, values in enumerate(rows):
        for c, v in enumerate(values):
            item = QTableWidgetItem("" if v is None else str(v))
            if keys is not None and c == 0:
                item.setData(Qt.ItemDataRole.UserRole, keys[r])
            table.setItem(r, c, item)
    table.resizeColumnsToContents()


class SubsidyPage(QWidget):
    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.background = Background(self)
        self.jobs = Background(self)
        self._progress = _Progress(self)
        self._progress.changed.connect(self._on_progress)
        self.reconciliation: subsidy_reconcile.Reconciliation | None = None
        self.review_result: subsidy_roster.Review | None = None

        today = dt.date.today()
        self.year = QSpinBox()
        self.year.setRange(2006, 2100)
        self.year.setValue(today.year)
        self.year.setSuffix(" 年")
        self.half = QComboBox()
        self.half.addItem("上半年", 1)
        self.half.addItem("下半年", 2)
        self.half.setCurrentIndex(0 if today.month <= 6 else 1)
        self.village = QComboBox()
        self.search = QLineEdit()
        self.search.setPlaceholderText("姓名、户主或身份证号")
        self.search.returnPressed.connect(self.refresh)
        self.query_button = primary_button("查询")
        self.query_button.clicked.connect(self.refresh)
        self.import_button = QPushButton("导入后扶名册…")
        self.import_button.clicked.connect(self.import_roster)
        self.export_button = QPushButton("导出发放名册…")
        self.export_button.clicked.connect(self.export_roster)
        self.publicity_button = QPushButton("打印公示…")
        self.publicity_button.clicked.connect(self.print_publicity)

        top = QHBoxLayout()
        for w in (QLabel("年份："), self.year, self.half, QLabel("村："), self.village):
            top.addWidget(w)
        top.addWidget(self.search, 1)
        top.addWidget(self.query_button)
        actions = QHBoxLayout()
        for w in (self.import_button, self.export_button, self.publicity_button):
            actions.addWidget(w)
        actions.addStretch(1)

        self.tabs = QTabWidget()
        self.roster_table = _table(["村", "组", "户主", "姓名", "身份证号", "类别", "一卡通账号", "开户银行", "金额（元）"])
        self.roster_status = QLabel()
        self.roster_status.setWordWrap(True)
        roster = QWidget()
        lay = QVBoxLayout(roster)
        lay.addWidget(self.roster_status)
        lay.addWidget(self.roster_table, 1)
        self.tabs.addTab(roster, "发放名册")

        self.bank_button = QPushButton("导入银行发放结果并核对…")
        self.bank_button.clicked.connect(self.reconcile_bank)
        self.bank_export = QPushButton("导出核对结果…")
        self.bank_export.clicked.connect(self.export_reconciliation)
        self.list_kind = QComboBox()
        for kind in subsidy_reconcile.KINDS:
            self.list_kind.addItem(subsidy_reconcile.KIND_LABELS[kind], kind)
        self.list_kind.currentIndexChanged.connect(self._show_list)
        self.bank_status = QLabel()
        self.bank_status.setWordWrap(True)
        self.bank_table = _table(["姓名", "身份证号", "村", "应发（元）", "实发（元）", "说明"])
        bank = QWidget()
        lay = QVBoxLayout(bank)
        row = QHBoxLayout()
        row.addWidget(self.bank_button)
        row.addWidget(self.bank_export)
        row.addSpacing(16)
        row.addWidget(QLabel("清单："))
        row.addWidget(self.list_kind)
        row.addStretch(1)
        lay.addLayout(row)
        lay.addWidget(self.bank_status)
        lay.addWidget(self.bank_table, 1)
        self.tabs.addTab(bank, "发放核对")

        self.review_status = QLabel()
        self.review_export = QPushButton("导出年度核定…")
        self.review_export.clicked.connect(self.export_review)
        self.review_table = _table(["变动", "村", "组", "户主", "姓名", "身份证号", "原因", "日期"])
        review = QWidget()
        lay = QVBoxLayout(review)
        row = QHBoxLayout()
        row.addWidget(self.review_status, 1)
        row.addWidget(self.review_export)
        lay.addLayout(row)
        lay.addWidget(self.review_table, 1)
        self.tabs.addTab(review, "年度核定")

        self.findings_status = QLabel()
        self.reduce_button = QPushButton("核减所选人员…")
        self.reduce_button.clicked.connect(self.reduce_selected)
        self.findings_table = _table(["问题", "人员", "责任", "起始", "怎么办"])
        findings = QWidget()
        lay = QVBoxLayout(findings)
        row = QHBoxLayout()
        row.addWidget(self.findings_status, 1)
        row.addWidget(self.reduce_button)
        lay.addLayout(row)
        lay.addWidget(self.findings_table, 1)
        self.tabs.addTab(findings, "待处理")

        self.bar = QProgressBar()
        self.bar.setRange(0, 1000)
        self.bar.setVisible(False)
        self.status = QLabel()
        layout = QVBoxLayout(self)
        layout.addWidget(page_title("后扶直补"))
        layout.addLayout(top)
        layout.addLayout(actions)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.bar)
        layout.addWidget(self.status)
        self.year.valueChanged.connect(self.refresh)
        self.half.currentIndexChanged.connect(self.refresh)
        self.village.currentIndexChanged.connect(self.refresh)
        self.reload_villages()
        self.refresh()

    # ------------------------------------------------------------------ state

    def selected(self) -> tuple[int, int, str | None, str]:
        return self.year.value(), int(self.half.currentData()), self.village.currentData(), self.search.text()

    def reload_villages(self) -> None:
        current = self.village.currentData()
        self.village.blockSignals(True)
        self.village.clear()
        self.village.addItem("全部", None)
        for choice in town.villages(self.db):
            self.village.addItem(choice.label, choice.label)
        index = self.village.findData(current)
        self.village.setCurrentIndex(max(index, 0))
        self.village.blockSignals(False)

    def refresh(self) -> None:
        year, half, village, search = self.selected()
        db = self.db

        def job():
            with db.read() as s:
                summary = subsidy_roster.roster_summary_in(s, year, half)
                rows = subsidy_roster.roster_rows_in(s, year, half, village=village, search=search, limit=SHOWN)
                count = subsidy_roster.roster_count_in(s, year, half, village=village, search=search)
                kept = subsidy_reconcile.kept_in(s, year, half)
                review = subsidy_roster.review_in(s, year)
                # The same findings as 首页 and `check --duties` (SPEC §4.7), from the one mechanism.
                findings = duties.compute_findings(s, dt.date.today(), rules=SUBSIDY_RULES).items
            return summary, rows, count, kept, review, findings

        self.status.setText("正在查询…")
        self.background.submit(job, self._loaded, self._failed)

    def _loaded(self, result) -> None:
        from app.io import subsidy_xlsx
        summary, rows, count, kept, review, findings = result
        self.status.setText("")
        label = half_label(summary.year, summary.half)
        text = f"{label}应发 {summary.people} 人，{subsidy_xlsx.amount_text(summary.amount)} 元"
        if summary.excluded:
            text += "；名册中本期不发放：" + "，".join(f"{k} {v} 人" for k, v in summary.excluded.items())
        text += f"。当前条件 {count} 人" + (f"，显示前 {SHOWN} 人，请用村或搜索缩小范围" if count > SHOWN else "")
        self.roster_status.setText(text)
        _fill(self.roster_table, [[r.village, r.group, r.head, r.name, mask_id(r.id_number), r.category,
                                   mask_account(r.account) or "（无账号）", r.bank, f"{r.amount:.2f}"] for r in rows])
        self.reconciliation = kept
        self._show_list()
        self.review_result = review
        self.review_status.setText(f"{review.year}年：年初 {review.start} 人，核减 {len(review.removed)} 人，"
                                   f"期满 {len(review.ended)} 人，新纳入 {len(review.added)} 人，年末 {review.end} 人")
        entries = [("核减", e) for e in review.removed] + [("期满", e) for e in review.ended] + \
                  [("新纳入", e) for e in review.added]
        _fill(self.review_table, [[k, e.village, e.group, e.head, e.name, mask_id(e.id_number), e.reason,
                                   e.date.isoformat() if e.date else ""] for k, e in entries[:SHOWN]])
        reduce_count = sum(1 for f in findings if f.rule == RULE_REDUCE)
        self.findings_status.setText(f"{RULE_REDUCE} {reduce_count} 人（档案已死亡或迁出，仍在后扶名册）；"
                                     f"{RULE_NO_ACCOUNT} {len(findings) - reduce_count} 人")
        shown = findings[:SHOWN]
        _fill(self.findings_table, [[f.rule, f.subject, f.owner, f.since.isoformat() if f.since else "", f.message]
                                    for f in shown], keys=shown)

    def _show_list(self) -> None:
        from app.io import subsidy_xlsx
        kept = self.reconciliation
        year, half, _v, _s = self.selected()
        if kept is None:
            self.bank_status.setText(f"{half_label(year, half)}还没有核对过银行的发放结果。")
            _fill(self.bank_table, [])
            self.bank_export.setEnabled(False)
            return
        self.bank_export.setEnabled(True)
        open_text = "，".join(f"{subsidy_reconcile.KIND_LABELS[k]} {len(kept.lists[k])} 人"
                              for k in subsidy_reconcile.KINDS)
        self.bank_status.setText(
            f"{kept.title}（{kept.reconciled_at:%Y-%m-%d %H:%M} 核对，{kept.source}）：应发 {kept.due_people} 人，"
            f"按应发金额发放成功 {kept.paid_ok} 人，银行发放 {subsidy_xlsx.amount_text(kept.paid_amount)} 元。"
            f"尚待处理：{open_text}。")
        kind = self.list_kind.currentData()
        _fill(self.bank_table, [[e.name, mask_id(e.id_number), e.village, f"{e.due:.2f}", f"{e.paid:.2f}", e.reason]
                                for e in kept.lists.get(kind, [])[:SHOWN]])

    # ------------------------------------------------------------------ jobs

    def _report(self, fraction: float, text: str) -> None:  # worker thread: only emit
        self._progress.changed.emit(fraction, text)

    def _on_progress(self, fraction: float, text: str) -> None:
        self.bar.setValue(int(max(0.0, min(fraction, 1.0)) * 1000))
        self.status.setText(text)

    def _run(self, job, done, text: str) -> None:
        self.bar.setValue(0)
        self.bar.setVisible(True)
        self.status.setText(text)
        self._busy(True)

        def finished(result) -> None:
            self._busy(False)
            done(result)

        def failed(exc) -> None:
            self._busy(False)
            self._failed(exc)

        self.jobs.submit(job, finished, failed)

    def _busy(self, busy: bool) -> None:
        for w in (self.import_button, self.export_button, self.publicity_button, self.bank_button):
            w.setEnabled(not busy)
        if not busy:
            self.bar.setVisible(False)

    def _failed(self, exc: BaseException) -> None:
        self.status.setText("")
        if isinstance(exc, (ValueError, OSError)):
            warn(self, "后扶直补", str(getattr(exc, "strerror", None) or exc))
            return
        from app.ui.errors import show_unexpected

        show_unexpected(exc, self)

    def import_roster(self) -> None:
        from app.io.subsidy_import import run_subsidy_import
        paths = file_dialogs.get_open_paths(self, "选择后扶人口名册", None, file_dialogs.WORKBOOK_FILTER)
        if not paths:
            return
        db = self.db
        self._run(lambda: run_subsidy_import(db, [Path(p) for p in paths], dry_run=True, progress=self._report),
                  lambda result: self._checked(paths, result), "正在检查名册…")

    def _checked(self, paths, result) -> None:
        from app.io.subsidy_import import run_subsidy_import, summary_text
        if result.unreadable:
            warn(self, "导入后扶人口名册", result.unreadable[0].message)
            return
        dialog = ImportOutcomeDialog(summary_text(result, cli=False), has_errors=bool(result.errors),
                                     has_changes=bool(result.people_imported or result.people_updated), parent=self)
        if not dialog.exec():
            return
        db, skip = self.db, dialog.skip_invalid

        def done(written) -> None:
            info(self, "导入后扶人口名册", f"已导入：新增 {written.people_imported} 人，更新 {written.people_updated} 人，"
                                         f"无变化 {written.people_unchanged} 人，跳过 {written.people_skipped} 人。")
            self.refresh()

        self._run(lambda: run_subsidy_import(db, [Path(p) for p in paths], skip_invalid=skip, progress=self._report),
                  done, "正在导入…")

    def _unit(self) -> tuple[str, str]:
        profile = town.load_town(self.db)
        return profile.station_name or profile.town_name, profile.town_name

    def export_roster(self) -> None:
        from app.io import subsidy_xlsx
        year, half, _village, _search = self.selected()
        path = file_dialogs.get_save_path(self, "导出发放名册", f"{half_label(year, half)}直补发放名册.xlsx",
                                          "Excel 文件 (*.xlsx)")
        if not path:
            return
        db = self.db
        unit, town_name = self._unit()

        def job():
            self._report(0.1, "正在查询发放名册…")
            with db.read() as s:
                summary = subsidy_roster.roster_summary_in(s, year, half)
                rows = subsidy_roster.roster_rows_in(s, year, half)
            self._report(0.5, "正在写入 Excel…")
            return subsidy_xlsx.roster_workbook(Path(path), rows, summary, unit=unit, town=town_name)

        self._run(job, lambda out: self.status.setText(f"已导出发放名册：{out}"), "正在导出发放名册…")

    def reconcile_bank(self) -> None:
        from app.io.bank_return import read_bank_return
        year, half, _village, _search = self.selected()
        path = file_dialogs.get_open_path(self, f"选择{half_label(year, half)}银行发放结果", None,
                                          file_dialogs.WORKBOOK_FILTER)
        if not path:
            return
        db = self.db

        def job():
            self._report(0.1, "正在读取发放结果…")
            rows = read_bank_return(Path(path))
            self._report(0.5, "正在与发放名册核对…")
            return subsidy_reconcile.reconcile(db, rows, year, half, source=Path(path).name)

        def done(result) -> None:
            self.tabs.setCurrentIndex(1)
            self.refresh()
            self.status.setText(f"{result.title}核对完成：尚待处理 {result.open_count} 人。")

        self._run(job, done, "正在核对发放结果…")

    def export_reconciliation(self) -> None:
        from app.io import subsidy_xlsx
        kept = self.reconciliation
        if kept is None:
            return
        path = file_dialogs.get_save_path(self, "导出核对结果", f"{kept.title}直补发放核对.xlsx", "Excel 文件 (*.xlsx)")
        if not path:
            return
        unit, town_name = self._unit()
        self._run(lambda: subsidy_xlsx.reconcile_workbook(Path(path), kept, unit=unit, town=town_name),
                  lambda out: self.status.setText(f"已导出核对结果：{out}"), "正在导出…")

    def export_review(self) -> None:
        from app.io import subsidy_xlsx
        review = self.review_result
        if review is None:
            return
        path = file_dialogs.get_save_path(self, "导出年度核定", f"{review.year}年后扶人口年度核定.xlsx",
                                          "Excel 文件 (*.xlsx)")
        if not path:
            return
        unit, town_name = self._unit()
        self._run(lambda: subsidy_xlsx.review_workbook(Path(path), review, unit=unit, town=town_name),
                  lambda out: self.status.setText(f"已导出年度核定：{out}"), "正在导出…")

    def print_publicity(self) -> None:
        year, _half, village, _search = self.selected()
        name = f"{year}年后扶人口公示{('-' + village) if village else ''}.pdf"
        path = file_dialogs.get_save_path(self, "保存公示（PDF）", name, "PDF 文件 (*.pdf)")
        if not path:
            return
        db = self.db

        def job():
            from app.reports.publicity import build

            self._report(0.1, "正在整理公示名单…")
            data = publicity_data(db, year, village=village)
            if not data.villages:
                raise ValueError(f"{year}年没有可公示的后扶人口")
            self._report(0.4, "正在生成PDF…")
            result = build(data)
            result.save(path)
            return result

        self._run(job, lambda r: self.status.setText(f"已生成公示：{path}（{r.pages} 页）"), "正在生成公示…")

    def reduce_selected(self) -> None:
        row = self.findings_table.currentRow()
        item = self.findings_table.item(row, 0) if row >= 0 else None
        if item is None:
            warn(self, "核减", "请先在列表中选择一个人")
            return
        finding = item.data(Qt.ItemDataRole.UserRole)
        if finding.rule != RULE_REDUCE:
            warn(self, "核减", "所选人员缺少一卡通账号，请在户档案中该成员的“后扶直补”信息里补录账号")
            return
        if ReduceDialog(self.db, finding.subject_id, finding.subject, self).exec():
            self.refresh()
