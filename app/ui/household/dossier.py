"""The 一户一档 parts of the household window beyond its own fields: the header line and the 包保, 走访,
问题 and 保障记录 tabs, all filled from services.dossier (plain values, read again after every action)."""

from __future__ import annotations

import html

from PySide6.QtWidgets import QHeaderView, QLabel, QVBoxLayout, QWidget

from app.db import Database
from app.services.dossier import Dossier, household_dossier
from app.ui.household.models import table_view
from app.ui.household.texts import AMBER, GREEN, RED, format_decimal
from app.ui.rows_model import RowsModel, text_columns

NOT_SAVED = "新建的户保存后，这里显示该户的{what}。"


def _page(*widgets: QWidget, stretch_index: int = -1) -> QWidget:
    page = QWidget()
    layout = QVBoxLayout(page)
    layout.setContentsMargins(8, 8, 8, 8)
    for i, w in enumerate(widgets):
        layout.addWidget(w, 1 if i == stretch_index else 0)
    return page


def _hint(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setProperty("role", "hint")
    label.setWordWrap(True)
    return label


def _table(headers: tuple[str, ...], stretch: int):
    model = RowsModel(text_columns(headers), cell_tips=True)
    view = table_view(model)
    view.verticalHeader().setVisible(False)
    header = view.horizontalHeader()
    for col in range(len(headers)):
        header.setSectionResizeMode(col, QHeaderView.ResizeMode.Stretch if col == stretch
                                    else QHeaderView.ResizeMode.ResizeToContents)
    return model, view


class DossierTabs:
    """Builds and fills the 一户一档 header and tabs; held by the household editor."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.dossier: Dossier | None = None
        self.header_label = QLabel()
        self.header_label.setObjectName("dossierHeader")
        self.header_label.setWordWrap(True)

        self.cadre_label = QLabel()
        self.cadre_label.setWordWrap(True)
        self.baobao_model, self.baobao_view = _table(("包保", "干部或单位", "开始", "结束"), 1)
        self.baobao_hint = _hint()
        self.baobao_page = _page(self.cadre_label, self.baobao_view, self.baobao_hint, stretch_index=1)

        self.visits_model, self.visits_view = _table(("日期", "干部", "方式", "走访情况"), 3)
        self.visits_hint = _hint()
        self.visits_page = _page(self.visits_hint, self.visits_view, stretch_index=1)

        self.problems_model, self.problems_view = _table(("状态", "办理期限", "发现日期", "领域", "问题", "责任单位"), 4)
        self.problems_hint = _hint()
        self.problems_page = _page(self.problems_hint, self.problems_view, stretch_index=1)

        self.records_model, self.records_view = _table(("台账", "日期", "类别", "成员", "金额（元）", "情况"), 5)
        self.records_hint = _hint()
        self.records_page = _page(self.records_hint, self.records_view, stretch_index=1)

    def tabs(self) -> list[tuple[QWidget, str]]:
        return [(self.baobao_page, "包保"), (self.visits_page, "走访"), (self.problems_page, "问题"),
                (self.records_page, "兜底/就业/住房")]

    def tab_titles(self) -> dict[QWidget, str]:
        d = self.dossier
        if d is None:
            return {page: title for page, title in self.tabs()}
        return {self.baobao_page: "包保", self.visits_page: f"走访（{len(d.visits)}）",
                self.problems_page: f"问题（{d.open_problems} 未办结）" if d.open_problems else f"问题（{len(d.problems)}）",
                self.records_page: f"兜底/就业/住房（{len(d.records)}）"}

    def show(self, household_id: int | None) -> None:
        """Read the household's 包保, visits, problems and records again (None: a household not yet saved)."""
        self.dossier = household_dossier(self.db, household_id) if household_id is not None else None
        d = self.dossier
        if d is None:
            for model in (self.baobao_model, self.visits_model, self.problems_model, self.records_model):
                model.set_rows([])
            self.cadre_label.setText("")
            self.baobao_hint.setText(NOT_SAVED.format(what="包保干部和包保记录"))
            self.visits_hint.setText(NOT_SAVED.format(what="走访记录"))
            self.problems_hint.setText(NOT_SAVED.format(what="问题"))
            self.records_hint.setText(NOT_SAVED.format(what="兜底保障、就业创业、住房保障记录"))
            return
        cadre = html.escape(d.cadre) if d.cadre else f'<span style="color:{RED}">未落实一对一包保干部</span>'
        units = "、".join(html.escape(u) for u in d.units) or "无"
        self.cadre_label.setText(f"<b>一对一包保干部：</b>{cadre}<br><b>分类包保：</b>{units}")
        self.baobao_model.set_rows([(e.kind, e.who, e.start.isoformat(), e.end.isoformat() if e.end else "至今")
                                    for e in d.baobao_history])
        self.baobao_hint.setText("" if d.baobao_history else "尚无包保记录：在“包保”页为该户安排包保干部。")

        self.visits_model.set_rows([(v.date.isoformat(), v.cadre, v.way, v.findings) for v in d.visits])
        last = f"最近一次走访：{d.visits[0].date.isoformat()}，共 {len(d.visits)} 次。" if d.visits else \
            "尚无走访记录：点下方“记录走访”登记。"
        self.visits_hint.setText(last)

        self.problems_model.set_rows([
            ("逾期" if p.overdue else p.status, p.deadline.isoformat() if p.deadline else "未定",
             p.found_date.isoformat(), p.focus_area, p.description, p.unit) for p in d.problems])
        self.problems_hint.setText(
            f"未办结 {d.open_problems} 个（排在前面，按办理期限），共 {len(d.problems)} 个。" if d.problems
            else "尚无问题：走访中发现问题，点下方“登记问题”登记。")

        self.records_model.set_rows([
            (r.kind, r.date.isoformat() if r.date else "", r.what, r.who,
             format_decimal(r.amount), r.detail) for r in d.records])
        self.records_hint.setText("" if d.records else "尚无兜底保障、就业创业、住房保障记录（在“工作台账”中登记）。")

    def header_html(self, archive_no: str, tags: list[tuple[str, str]], findings: int) -> str:
        """The header line: numbers, place, key groups (their reasons are in the side panel) and
        completeness."""
        d = self.dossier
        e = html.escape
        parts = [f"<b>档案编号</b> {e(archive_no or '（保存时生成）')}"]
        if d is not None:
            if d.original_no:
                parts.append(f"<b>原户编号</b> {e(d.original_no)}")
            place = f"{d.village}{d.group_name}" or "未填村组"
            parts.append(f"<b>村组</b> {e(place)}")
            parts.append(f"<b>安置点</b> {e(d.point or '未填')}")
        if tags:
            parts.append("<b>重点户</b> " + "、".join(e(t) for t, _ in tags))
        else:
            parts.append("<b>重点户</b> 否")
        state = f'<span style="color:{GREEN}">档案完整</span>' if not findings else \
            f'<span style="color:{AMBER}">档案待完善 {findings} 项</span>'
        parts.append(state)
        return "　|　".join(parts)
