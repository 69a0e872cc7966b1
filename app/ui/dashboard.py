"""首页: the figures the clerk looks at first — households and people by village and settlement point, key
groups, 包保 coverage, this month's visits, open and overdue problems, archive completeness. Every figure
is clickable and opens the list behind it (`open_requested(Target)`; the main window switches page and
calls the page's `apply_filter(**target.filters)`).

The figures are `app.services.dashboard.load()`, whose headline numbers are `stats.stats()` itself.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from app import vocab
from app.db import Database
from app.services import dashboard as ds
from app.services import duties
from app.ui.baobao_page import ColouredRowsModel
from app.ui.duties_panel import FindingsDialog, RuleCountsModel, rule_rows
from app.ui.ledger_widgets import fit_to_text, make_table
from app.ui.rows_model import Column
from app.ui.widgets import FIRST_STEPS, empty_hint, page_title, pct_text
from app.ui.workers import Background

RED, GREEN, BLUE, GREY = "#c0392b", "#2e7d32", "#1f5fa8", "#4a5a6a"
WEEKDAYS = "一二三四五六日"

HOUSEHOLDS, BAOBAO, VISITS, PROBLEMS = "households", "baobao", "visits", "problems"


@dataclass(frozen=True)
class Target:
    """Where a figure leads: a page (households / baobao / visits / problems) and its filter arguments."""

    page: str
    filters: dict[str, Any] = field(default_factory=dict)


class Card(QFrame):
    """One clickable figure: a big number, what it counts, and a line of detail. Clicking it (or Enter
    when it has focus) emits clicked()."""

    clicked = Signal()

    def __init__(self, title: str, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setFixedHeight(92)
        self.setStyleSheet(
            f"QFrame#{name} {{ background: white; border: 1px solid #d5dde6; border-radius: 6px; }}"
            f"QFrame#{name}:hover, QFrame#{name}:focus {{ border-color: #1f5fa8; background: #f5f9fd; }}")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 8, 12, 8)
        layout.setSpacing(0)
        self.title = QLabel(title)
        self.title.setStyleSheet("color: #4a5a6a; background: transparent;")
        self.value = QLabel("—")
        self.value.setObjectName("value")
        self.detail = QLabel("")
        self.detail.setStyleSheet("color: #6b7a89; background: transparent;")
        for label in (self.title, self.value, self.detail):
            label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
            # Long details must not widen the window past 1366 pixels: they are cut, the tooltip has them.
            label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            layout.addWidget(label)
        self.set_value("—")

    def mouseReleaseEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.rect().contains(event.position().toPoint()):
            self.clicked.emit()
        super().mouseReleaseEvent(event)

    def keyPressEvent(self, event) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self.clicked.emit()
            return
        super().keyPressEvent(event)

    def click(self) -> None:
        self.clicked.emit()

    def set_value(self, text: str, colour: str = "#1d2733", detail: str = "") -> None:
        self.value.setText(text)
        self.value.setStyleSheet(f"color: {colour}; font-size: 20pt; font-weight: bold; background: transparent;")
        self.detail.setText(detail)
        self.setToolTip(f"{self.title.text()}：{text}" + (f"（{detail}）" if detail else "") + "。点击查看明细")


class DashboardPage(QWidget):
    """The 首页. `loaded()` after the figures arrive; `open_requested(Target)` when a figure is clicked."""

    loaded = Signal()
    open_requested = Signal(object)
    duties_loaded = Signal()  # the 督办提醒 panel has its counts
    duties_listed = Signal()  # and the list behind them is at hand
    household_requested = Signal(int)  # a household finding was double-clicked

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.background = Background(self)
        # The findings are read beside the figures, not behind them: together they take what the longer does.
        # The panel needs only their counts; the list behind them is worded next, before the clerk clicks.
        self.duties_background = Background(self, reads_beside=True)
        self.list_background = Background(self, reads_beside=True)
        self.data: ds.Dashboard | None = None
        self.findings: duties.Findings | None = None  # counted only (listed False) until the list arrives
        self._started_early = False
        self._open_when_listed: tuple[str | None] | None = None  # (rule,) clicked before its list arrived
        layout = QVBoxLayout(self)
        head = QHBoxLayout()
        head.addWidget(page_title("首页"))
        self.date_label = QLabel("")
        self.date_label.setObjectName("Hint")
        head.addSpacing(12)
        head.addWidget(self.date_label)
        head.addStretch(1)
        self.refresh_button = QPushButton("刷新")
        self.refresh_button.clicked.connect(self.refresh)
        head.addWidget(self.refresh_button)
        layout.addLayout(head)
        self.empty_hint = empty_hint("还没有户档案，下面的数字都是 0。" + FIRST_STEPS)
        layout.addWidget(self.empty_hint)

        grid = QGridLayout()
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(10)
        self.cards: dict[str, Card] = {}
        self.table_titles: dict[str, QLabel] = {}
        specs = [
            ("households", "在册户数", Target(HOUSEHOLDS, {})),
            ("members", "在册人数", Target(HOUSEHOLDS, {})),
            ("sante", "三特户", Target(HOUSEHOLDS, {"key_group": vocab.GROUP_SANTE})),
            ("sanwu", "三无户", Target(HOUSEHOLDS, {"key_group": vocab.GROUP_SANWU})),
            ("archive", "档案不完整", Target(HOUSEHOLDS, {"archive_state": vocab.ARCHIVE_INCOMPLETE})),
            ("uncovered", "重点户未落实一对一包保", Target(BAOBAO, {"uncovered": True})),
            ("points", "安置点包保未落实", Target(BAOBAO, {"points": True})),
            ("visits", "本月未走访", Target(VISITS, {"behind": True})),
            ("open", "未办结问题", Target(PROBLEMS, {"preset": "未办结"})),
            ("overdue", "逾期问题", Target(PROBLEMS, {"preset": "逾期"})),
        ]
        self.targets: dict[str, Target] = {}
        for i, (name, title, target) in enumerate(specs):
            card = Card(title, f"card_{name}")
            card.clicked.connect(lambda t=target: self.open_requested.emit(t))
            self.cards[name] = card
            self.targets[name] = target
            grid.addWidget(card, i // 5, i % 5)
        layout.addLayout(grid)

        tables = QHBoxLayout()
        tables.setSpacing(10)
        self.village_model = ColouredRowsModel([
            Column("村", lambda v: v.name), Column("在册户数", lambda v: v.households, True),
            Column("在册人数", lambda v: v.members, True),
        ], lambda _v, _c: None)
        self.point_model = ColouredRowsModel([
            Column("安置点", lambda p: p.name), Column("村", lambda p: p.village),
            Column("类型", lambda p: p.kind), Column("户数", lambda p: p.households, True),
            Column("人数", lambda p: p.members, True),
        ], lambda p, _c: QColor(BLUE) if p.kind == "集中" and p.households >= vocab.POINT_LEADER_THRESHOLD else None)
        self.key_model = ColouredRowsModel([
            Column("重点户类型", lambda k: k[0]), Column("户数", lambda k: k[1], True),
        ], lambda _k, _c: None)
        self.archive_model = ColouredRowsModel([
            Column("一户一档", lambda a: vocab.ARCHIVE_STATE_LABELS[a[0]]), Column("户数", lambda a: a[1], True),
        ], lambda a, _c: QColor(RED) if a[0] == vocab.ARCHIVE_INCONSISTENT and a[1] else
            (QColor("#b9770e") if a[0] == vocab.ARCHIVE_INCOMPLETE and a[1] else None))
        self.village_view = self._table(tables, "各村", self.village_model, "villages", 2)
        self.point_view = self._table(tables, "各安置点（蓝色为50户以上集中安置点）", self.point_model, "points", 4)
        self.key_view = self._table(tables, "重点户", self.key_model, "key_groups", 2)
        self.archive_view = self._table(tables, "档案情况", self.archive_model, "archive", 2)
        self.duties_model = RuleCountsModel([
            Column("督办提醒", lambda r: r[1]), Column("项", lambda r: r[2], True),
        ])
        self.duties_view = self._table(tables, "督办提醒（加载中…）", self.duties_model, "duties", 3)
        self.duties_view.setToolTip("点击一行查看该项督办提醒的清单")
        layout.addLayout(tables, 1)
        hint = QLabel("点击任一数字或表格中的一行，查看对应的户、包保、走访或问题清单。")
        hint.setObjectName("Hint")
        layout.addWidget(hint)

        self.village_view.clicked.connect(
            lambda i: self._open(Target(HOUSEHOLDS, {"village_id": self.village_model.row_at(i.row()).id})))
        self.point_view.clicked.connect(lambda i: self._open(Target(HOUSEHOLDS, {
            "village_id": None, "point_id": self.point_model.row_at(i.row()).id})))
        self.key_view.clicked.connect(
            lambda i: self._open(Target(HOUSEHOLDS, {"key_group": self.key_model.row_at(i.row())[0]})))
        self.archive_view.clicked.connect(
            lambda i: self._open(Target(HOUSEHOLDS, {"archive_state": self.archive_model.row_at(i.row())[0]})))
        self.duties_view.clicked.connect(lambda i: self.show_findings(self.duties_model.row_at(i.row())[0]))

    def _table(self, parent_layout: QHBoxLayout, title: str, model, name: str, stretch: int):
        box = QVBoxLayout()
        label = QLabel(title)
        label.setObjectName(f"{name}_title")
        label.setStyleSheet("font-weight: bold;")
        self.table_titles[name] = label
        box.addWidget(label)
        view = make_table(model, name)
        view.setCursor(Qt.CursorShape.PointingHandCursor)
        view.setToolTip("点击一行查看这些户")
        # The first column takes the room left; the others fit their texts (fit_to_text, on every load): never
        # a horizontal scrollbar.
        header = view.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in range(1, model.columnCount()):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Fixed)
        fit_to_text(view, model)
        header.setMinimumSectionSize(36)
        view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        box.addWidget(view, 1)
        parent_layout.addLayout(box, stretch)
        return view

    def _open(self, target: Target) -> None:
        self.open_requested.emit(target)

    def click(self, name: str) -> Target:
        """Click a card by name (for the keyboard and tests); returns where it leads."""
        self.cards[name].click()
        return self.targets[name]

    # -------------------------------------------------------------------------------- loading

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._started_early:  # its figures are already on their way: the first showing needs no second read
            self._started_early = False
            return
        self.refresh()

    def start_early(self) -> None:
        """Begin reading before the page is first shown (it is the window's first page): the reads run while
        the rest of the window is built, and that first showing does not read again."""
        self._started_early = True
        self.refresh()

    def refresh(self) -> None:
        db = self.db
        self.list_background.drop_pending()  # a list still being worded is of the records before this refresh
        self.background.submit(lambda: ds.load(db), self.show_data)
        self.duties_background.submit(lambda: duties.counts(db, dt.date.today()), self.show_findings_counts,
                                      self._findings_failed)

    def _findings_failed(self, exc: BaseException) -> None:
        self._open_when_listed = None
        if not isValid(self) or not self.isVisible():
            # Closed (or left) before the findings were computed, maybe with its database: log, don't interrupt.
            from app.errors import log_exception

            log_exception(exc, "首页督办提醒")
            return
        from app.ui.errors import show_unexpected

        show_unexpected(exc)

    def show_findings_counts(self, found: duties.Findings) -> None:
        if not isValid(self) or not isValid(self.table_titles["duties"]):
            return  # the page was closed while the findings were being computed
        self._show_counts(found)
        self.duties_loaded.emit()
        if not found.listed:
            db, day = self.db, found.as_of
            self.list_background.submit(lambda: duties.findings(db, day), self._show_list, self._findings_failed)

    def _show_list(self, found: duties.Findings) -> None:
        if not isValid(self) or not isValid(self.table_titles["duties"]):
            return
        self._show_counts(found)  # the same counts, unless the records changed in between
        self.duties_listed.emit()
        if self._open_when_listed is not None:
            rule, self._open_when_listed = self._open_when_listed[0], None
            if self.isVisible():  # not over another page the clerk has gone to meanwhile
                self.show_findings(rule)

    def _show_counts(self, found: duties.Findings) -> None:
        self.findings = found
        rows = rule_rows(found)
        self.duties_model.set_rows(rows)
        fit_to_text(self.duties_view, self.duties_model)
        total = sum(r[2] for r in rows)
        self.table_titles["duties"].setText(f"督办提醒（{total:,} 项，点击查看）" if total else "督办提醒（无）")

    def show_findings(self, rule: str | None = None) -> FindingsDialog | None:
        """The list behind a 督办提醒 count (modal); a household's row opens the household."""
        if self.findings is None:
            return None
        if not self.findings.listed:  # clicked before the list behind the counts arrived: it opens when that does
            self._open_when_listed = (rule,)
            self.table_titles["duties"].setText("督办提醒（正在整理清单…）")
            return None
        dialog = FindingsDialog(self.db, self.findings, rule, self)
        dialog.household_requested.connect(self.household_requested.emit)
        dialog.changed.connect(lambda: self.show_findings_counts(self.findings))
        dialog.exec()
        return dialog

    def show_data(self, d: ds.Dashboard) -> None:
        self.data = d
        today = d.today
        self.date_label.setText(f"{today.year}年{today.month}月{today.day}日 星期{WEEKDAYS[today.weekday()]}")
        s, kg, bb, vi, pr = d.stats, d.stats["key_groups"], d.stats["baobao"], d.stats["visits"], d.stats["problems"]
        villages = len(d.villages)
        points = sum(p.households > 0 for p in d.points)
        self.cards["households"].set_value(f"{s['households']:,}", detail=f"{villages} 个村，{points} 个安置点")
        avg = s["members"] / s["households"] if s["households"] else 0
        self.cards["members"].set_value(f"{s['members']:,}", detail=f"户均 {avg:.1f} 人")
        # The details are kept short enough for a card at 1366 pixels with six-digit counts (the tooltip repeats them).
        self.cards["sante"].set_value(f"{kg[vocab.GROUP_SANTE]:,}",
                                      detail=" ".join(f"{t[:2]}{kg[t]}" for t in vocab.SANTE_TAGS))
        self.cards["sanwu"].set_value(f"{kg[vocab.GROUP_SANWU]:,}",
                                      detail=" ".join(f"{t[:2]}{kg[t]}" for t in vocab.SANWU_TAGS))
        incomplete = d.archive.get(vocab.ARCHIVE_INCOMPLETE, 0)
        inconsistent = d.archive.get(vocab.ARCHIVE_INCONSISTENT, 0)
        self.cards["archive"].set_value(f"{incomplete:,}", RED if incomplete else GREEN,
                                        f"完整率 {pct_text(d.archive_complete_pct)}，不一致 {inconsistent} 户")
        self.empty_hint.setVisible(s["households"] == 0)
        unc = bb["key_households_uncovered"]
        self.cards["uncovered"].set_value(f"{unc:,}", RED if unc else GREEN,
                                          f"重点户 {bb['key_households']:,}，已落实 {bb['key_households'] - unc:,}")
        self.cards["points"].set_value(
            f"{d.points_failing}", RED if d.points_failing else GREEN,
            f"50户以上 {bb['points_50plus']} 个，缺镇级领导 {bb['points_50plus_without_town_leader']} 个")
        behind = vi["due"] - vi["done"]
        self.cards["visits"].set_value(f"{behind:,}", RED if behind else GREEN,
                                       f"应访 {vi['due']:,}，已访 {vi['done']:,}")
        self.cards["open"].set_value(f"{pr['open']:,}", BLUE, "待办和办理中")
        self.cards["overdue"].set_value(f"{pr['overdue']:,}", RED if pr["overdue"] else GREEN, "超过办理期限未办结")
        self.village_model.set_rows(d.villages)
        self.point_model.set_rows([p for p in d.points if p.households])
        self.key_model.set_rows([(t, kg[t]) for t in (vocab.GROUP_SANTE, *vocab.SANTE_TAGS, vocab.GROUP_SANWU,
                                                      *vocab.SANWU_TAGS)])
        self.archive_model.set_rows(sorted(d.archive.items()))
        for view in (self.village_view, self.point_view, self.key_view, self.archive_view):
            fit_to_text(view, view.model())
        self.loaded.emit()

