"""The 年度计划责任分解表 in the township layout (app.io.xlsx_layout): one sheet by 责任单位, one by 责任人."""

from __future__ import annotations

from pathlib import Path

from app.io.xlsx_layout import LedgerColumn, LedgerSheet, write_ledger
from app.reports.plan_model import PlanSheet, SheetRow

_TAIL = (LedgerColumn("所属领域", 10), LedgerColumn("任务内容", 40), LedgerColumn("目标", 12),
         LedgerColumn("完成时限", 12), LedgerColumn("进度来源", 22), LedgerColumn("累计完成", 10),
         LedgerColumn("完成率", 8), LedgerColumn("推进情况", 14))


def _values(r: SheetRow) -> list:
    return [r.group, r.other, r.focus_area, r.title, r.target, r.deadline, r.source, r.done, r.percent, r.state]


def write_plan_sheet(sheet: PlanSheet, path: Path) -> Path:
    """Write both sheets to path through the output guard (temporary file, fsync, rename; never over the
    database or a backup). Raises outputs.OutputError with one Chinese line when refused or when it fails."""
    month = int(sheet.month[5:])
    sheets = [
        LedgerSheet("按责任单位", f"{sheet.title}（按责任单位，截至{month}月）",
                    (LedgerColumn("责任单位", 16), LedgerColumn("责任人", 14), *_TAIL),
                    [_values(r) for r in sheet.by_unit], unit=sheet.unit, date=sheet.date),
        LedgerSheet("按责任人", f"{sheet.title}（按责任人，截至{month}月）",
                    (LedgerColumn("责任人", 14), LedgerColumn("责任单位", 16), *_TAIL),
                    [_values(r) for r in sheet.by_person], unit=sheet.unit, date=sheet.date),
    ]
    write_ledger(Path(path), sheets)
    return Path(path)
