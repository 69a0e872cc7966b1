"""年度计划责任分解表: a plan's items as of a month, grouped by 责任单位 and by 责任人, with each item's target,
deadline, where its progress comes from (a ledger, or 手填) and how far it is. Plain data for the Excel
writer (app.io.plan_sheet) and the PDF (app.reports.plan_sheet). No Qt."""

from __future__ import annotations

import datetime as dt

from app.db import Database
from app.reports.plan_model import NO_PERSON, NO_UNIT, PlanSheet, SheetRow, qty
from app.services import plans, town


def _state(st: plans.ItemStatus) -> str:
    if st.completion >= 1:
        return "已完成"
    if st.overdue:
        return "逾期未完成"
    return f"落后（差 {qty(st.shortfall)}）" if st.behind else "正常推进"


def breakdown(db: Database, year: int, month: str, *, kind: str = "年度计划", today: dt.date | None = None
              ) -> PlanSheet:
    """The 责任分解表 of a plan as of the end of `month`."""
    today = today or dt.date.today()
    statuses = plans.item_statuses(db, year, month, kind=kind, today=today)
    profile = town.load_town(db)
    sheet = PlanSheet(f"{profile.town_name}{year}年搬迁群众后续扶持{kind}责任分解表", profile.station_name or
                      profile.town_name, year, month, today)

    def row(group: str, other: str, st: plans.ItemStatus) -> SheetRow:
        return SheetRow(group, other, st.focus_area, st.title, f"{qty(st.target)}{st.target_unit}",
                        st.deadline.isoformat() if st.deadline else "", st.source, qty(st.done), st.percent,
                        _state(st))

    for st in sorted(statuses, key=lambda s: (s.unit or "\uffff", s.focus_area, s.id)):
        sheet.by_unit.append(row(st.unit or NO_UNIT, st.person, st))
    people = sorted({p for st in statuses for p in (st.person.split("、") if st.person else [NO_PERSON])},
                    key=lambda p: (p == NO_PERSON, p))
    for person in people:
        for st in statuses:
            if person in (st.person.split("、") if st.person else [NO_PERSON]):
                sheet.by_person.append(row(person, st.unit, st))
    return sheet
