"""年度目标考核: each village and department scored from its records, the weights editable, and the score of
the selected one explained part by part down to the records behind it; exportable to Excel."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.db import Database
from app.ledgers import LedgerRefused
from app.outputs import OutputError
from app.services import assessment as asm
from app.ui import file_dialogs
from app.ui.errors import info, warn
from app.ui.ledger_widgets import make_table, size_columns
from app.ui.rows_model import Column, RowsModel
from app.ui.widgets import FIRST_STEPS, empty_hint, fill_combo, page_title, primary_button
from app.ui.workers import Background


def _score(p: asm.Part | None) -> str:
    return "不适用" if p is None or p.score is None else f"{p.score:.1f}"


def _part_score(key: str):
    return lambda r: _score(r[1].part(key))


class AssessmentPage(QWidget):
    """The ranking on the left, the selected subject's explanation on the right. `loaded` after each refresh."""

    loaded = Signal()
    exported = Signal(object)  # the workbook written (Path)

    def __init__(self, db: Database, parent: QWidget | None = None, *, today: dt.date | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.today = today or dt.date.today()
        layout = QVBoxLayout(self)
        head = QHBoxLayout()
        head.addWidget(page_title("年度目标考核"))
        head.addStretch(1)
        self.year = QComboBox()
        fill_combo(self.year, ((f"{y}年", y) for y in range(self.today.year, self.today.year - 5, -1)))
        head.addWidget(QLabel("考核年度"))
        head.addWidget(self.year)
        self.export_button = QPushButton("导出Excel")
        head.addWidget(self.export_button)
        layout.addLayout(head)
        hint = QLabel("按各村、各部门的台账记录自动计算：计划完成、走访完成、问题按期办结、档案完整、督查情况。"
                      "不适用的项目不计分，其余按权重折算为百分制。选中一行可查看得分依据。")
        hint.setObjectName("Hint")
        hint.setWordWrap(True)
        layout.addWidget(hint)
        self.empty_hint = empty_hint("暂无数据：还没有可考核的记录，各村、各部门的得分在有了户档案、计划、走访和问题记录后"
                                     "自动计算。" + FIRST_STEPS)
        layout.addWidget(self.empty_hint)

        weights_row = QHBoxLayout()
        weights_row.addWidget(QLabel("权重："))
        self.weights: dict[str, QSpinBox] = {}
        for key, label in asm.PARTS:
            box = QSpinBox()
            box.setRange(0, 100)
            box.setObjectName(f"weight_{key}")
            self.weights[key] = box
            weights_row.addWidget(QLabel(label))
            weights_row.addWidget(box)
        self.save_weights = primary_button("保存权重")
        self.save_weights.setEnabled(not db.readonly)
        weights_row.addWidget(self.save_weights)
        weights_row.addStretch(1)
        layout.addLayout(weights_row)

        columns = [Column("名次", lambda r: r[0] if r[1].scored else "—", True), Column("考核对象", lambda r: r[1].name),
                   Column("类别", lambda r: r[1].kind)]
        short = {"plan": "计划", "visits": "走访", "problems": "问题办结", "archive": "档案", "inspections": "督查"}
        columns += [Column(short[key], _part_score(key), True) for key, _l in asm.PARTS]
        columns.append(Column("总分", lambda r: r[1].total_text, True))
        self.model = RowsModel(columns, self)
        self.view = make_table(self.model, "assessment")
        size_columns(self.view, [40, 100, 40, 56, 56, 70, 56, 56, 56])
        self.parts_model = RowsModel([
            Column("考核项目", lambda p: p.label), Column("得分", lambda p: _score(p), True),
            Column("权重", lambda p: p.weight, True), Column("计算依据", lambda p: p.basis)], self)
        self.parts_view = make_table(self.parts_model, "assessment_parts")
        size_columns(self.parts_view, [90, 50, 40, 330])
        self.evidence_model = RowsModel([
            Column("类别", lambda e: e.kind), Column("情况", lambda e: e.text),
            Column("计分", lambda e: "✓" if e.counts else "✗")], self)
        self.evidence_view = make_table(self.evidence_model, "assessment_evidence")
        size_columns(self.evidence_view, [60, 400, 40])
        self.explain_title = QLabel("请在左侧选择一个村或部门")
        self.explain_title.setObjectName("SectionTitle")
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(self.explain_title)
        rl.addWidget(self.parts_view, 2)
        self.evidence_title = QLabel("选择一个考核项目，查看其背后的记录（不计分的排在前面）")
        rl.addWidget(self.evidence_title)
        rl.addWidget(self.evidence_view, 3)
        split = QSplitter()
        split.addWidget(self.view)
        split.addWidget(right)
        split.setSizes([570, 600])
        layout.addWidget(split, 1)

        self.subjects: list[asm.Subject] = []
        self.background = Background(self)
        self.export_job = Background(self)
        self._load_weights()
        self.year.currentIndexChanged.connect(lambda _i: self.refresh())
        self.save_weights.clicked.connect(self.store_weights)
        self.export_button.clicked.connect(self.export_dialog)
        self.view.selectionModel().selectionChanged.connect(lambda *_: self._show_subject())
        self.parts_view.selectionModel().selectionChanged.connect(lambda *_: self._show_evidence())

    def _load_weights(self) -> None:
        for key, value in asm.load_weights(self.db).items():
            self.weights[key].setValue(value)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.refresh()

    def refresh(self) -> None:
        """Compute the assessment off the GUI thread (at county size it reads every household's visits)."""
        year = self.year.currentData() or self.today.year
        db, today = self.db, self.today
        self.background.submit(lambda: asm.assess(db, year, today=today), self._show)

    def _show(self, subjects: list[asm.Subject]) -> None:
        chosen = self.selected_subject()
        self.subjects = asm.ranking(subjects)
        self.empty_hint.setVisible(not any(s.scored for s in subjects))
        self.model.set_rows(list(enumerate(self.subjects, start=1)))
        if chosen is not None:
            self.select(chosen.kind, chosen.name)
        self._show_subject()
        self.loaded.emit()

    def select(self, kind: str, name: str) -> None:
        for row, (_rank, s) in enumerate(self.model.rows):
            if s.kind == kind and s.name == name:
                self.view.selectRow(row)
                return

    def selected_subject(self) -> asm.Subject | None:
        rows = self.view.selectionModel().selectedRows() if self.view.selectionModel() else []
        return self.model.row_at(rows[0].row())[1] if rows else None

    def _show_subject(self) -> None:
        s = self.selected_subject()
        if s is None:
            self.explain_title.setText("请在左侧选择一个村或部门")
            self.parts_model.set_rows([])
        else:
            self.explain_title.setText(f"{s.name}（{s.kind}）总分 {s.total_text} 的得分依据")
            self.parts_model.set_rows(s.parts)
            self.parts_view.selectRow(0)
        self._show_evidence()

    def _show_evidence(self) -> None:
        rows = self.parts_view.selectionModel().selectedRows()
        part = self.parts_model.row_at(rows[0].row()) if rows else None
        self.evidence_model.set_rows(part.evidence if part else [])
        if part is not None:
            self.evidence_title.setText(f"“{part.label}”背后的记录 {len(part.evidence)} 条（不计分的排在前面）")

    def store_weights(self) -> None:
        try:
            asm.save_weights(self.db, {k: w.value() for k, w in self.weights.items()})
        except LedgerRefused as exc:
            warn(self, "年度目标考核", str(exc))
            return
        self.refresh()

    def export_dialog(self) -> None:
        year = self.year.currentData() or self.today.year
        path = file_dialogs.get_save_path(self, "导出年度考核", f"{year}年度目标考核.xlsx", "Excel 工作簿 (*.xlsx)")
        if path:
            self.export_to(Path(path))

    def export_to(self, path: Path) -> None:
        """Write the workbook on the database worker; tell the clerk (and emit exported) when it is done."""
        year = self.year.currentData() or self.today.year
        db, today = self.db, self.today
        self.export_button.setEnabled(False)

        def done(n: int) -> None:
            self.export_button.setEnabled(True)
            info(self, "导出年度考核", f"已导出 {n} 个考核对象到：\n{path}")
            self.exported.emit(path)

        def failed(exc: BaseException) -> None:
            self.export_button.setEnabled(True)
            if isinstance(exc, OutputError):  # refused or failed: one line saying what to do; old file kept
                warn(self, "导出年度考核", str(exc))
                return
            if not isinstance(exc, OSError):
                from app.ui.errors import show_unexpected

                show_unexpected(exc, self)
                return
            warn(self, "导出年度考核", f"无法写入文件：{path}（{exc.strerror or exc}）。文件可能正在被 Excel 打开。")

        from app.io.ledger_export import export_assessment  # the Excel writer is loaded when first used

        self.export_job.submit(lambda: export_assessment(db, year, path, today=today), done, failed)

    def apply_filter(self, **_kw) -> None:
        self.refresh()
