"""The workbooks of 直补 (SPEC §11) in the township layout: the payment roster of a half (with totals by
village and for the town), the reconciliation (one sheet a list) and the year's review. IDs are masked
unless asked. Each file goes through the output guard (app.outputs, via xlsx_layout.write_ledger).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from app.io.xlsx_layout import DATE, TEXT, LedgerColumn, LedgerSheet, write_ledger
from app.rules import mask_id
from app.rules.subsidy import half_label
from app.services.subsidy_reconcile import KIND_LABELS, KINDS, Reconciliation
from app.services.subsidy_roster import Review, RosterRow, RosterSummary


def write_safely(path: Path, sheets: list[LedgerSheet]) -> Path:
    """Write the workbook through the output guard (write_ledger: temporary file, fsync, rename; never over
    the database or a backup); raises outputs.OutputError with one Chinese line."""
    write_ledger(Path(path), sheets)
    return Path(path)


def _id(idn: str, full_ids: bool) -> str:
    return idn if full_ids else mask_id(idn)


def roster_workbook(path: Path, rows: list[RosterRow], summary: RosterSummary, *, unit: str, town: str,
                    full_ids: bool = False, today: dt.date | None = None) -> Path:
    label = half_label(summary.year, summary.half)
    columns = [LedgerColumn("村", 12), LedgerColumn("组", 8), LedgerColumn("户主", 10), LedgerColumn("姓名", 10),
               LedgerColumn("身份证号", 21, TEXT), LedgerColumn("类别", 10), LedgerColumn("一卡通账号", 23, TEXT),
               LedgerColumn("开户银行", 14), LedgerColumn("金额（元）", 11, "0.00"), LedgerColumn("备注", 14)]

    def lines():
        for r in rows:
            yield [r.village, r.group, r.head, r.name, _id(r.id_number, full_ids), r.category, r.account, r.bank,
                   float(r.amount), "" if r.account else "无账号"]

    totals = [LedgerColumn("村", 16), LedgerColumn("人数", 10, "0"), LedgerColumn("金额（元）", 14, "0.00")]
    total_rows = [[v, n, float(a)] for v, (n, a) in summary.by_village.items()]
    total_rows.append(["全镇合计", summary.people, float(summary.amount)])
    sheets = [LedgerSheet("发放名册", f"{town}{label}大中型水库移民后期扶持直补资金发放名册", columns, lines(),
                          unit=unit, date=today),
              LedgerSheet("各村合计", f"{town}{label}直补资金发放汇总（按村）", totals, total_rows, unit=unit, date=today)]
    if summary.excluded:
        sheets.append(LedgerSheet("未列入人员统计", f"{label}名册中本期不发放的人员（按原因）",
                                  [LedgerColumn("原因", 20), LedgerColumn("人数", 10, "0")],
                                  [[k, v] for k, v in summary.excluded.items()], unit=unit, date=today))
    return write_safely(path, sheets)


def reconcile_workbook(path: Path, result: Reconciliation, *, unit: str, town: str, full_ids: bool = False,
                       today: dt.date | None = None) -> Path:
    label = half_label(result.year, result.half)
    overview = [["应发人数", result.due_people], ["应发金额（元）", float(result.due_amount)],
                ["按应发金额发放成功人数", result.paid_ok], ["银行发放成功金额（元）", float(result.paid_amount)]]
    overview += [[KIND_LABELS[k] + "（人）", len(result.lists[k])] for k in KINDS]
    sheets = [LedgerSheet("核对汇总", f"{town}{label}直补资金发放结果核对汇总",
                          [LedgerColumn("项目", 26), LedgerColumn("数量", 16)], overview, unit=unit, date=today)]
    columns = [LedgerColumn("姓名", 10), LedgerColumn("身份证号", 21, TEXT), LedgerColumn("村", 12),
               LedgerColumn("应发（元）", 11, "0.00"), LedgerColumn("实发（元）", 11, "0.00"), LedgerColumn("说明", 40)]
    for kind in KINDS:
        entries = result.lists[kind]
        sheets.append(LedgerSheet(KIND_LABELS[kind], f"{label}直补发放核对：{KIND_LABELS[kind]}", columns,
                                  [[e.name, _id(e.id_number, full_ids), e.village, float(e.due), float(e.paid),
                                    e.reason] for e in entries], unit=unit, date=today))
    return write_safely(path, sheets)


def review_workbook(path: Path, review: Review, *, unit: str, town: str, full_ids: bool = False,
                    today: dt.date | None = None) -> Path:
    columns = [LedgerColumn("村", 12), LedgerColumn("组", 8), LedgerColumn("户主", 10), LedgerColumn("姓名", 10),
               LedgerColumn("身份证号", 21, TEXT), LedgerColumn("原因", 24), LedgerColumn("日期", 12, DATE)]

    def lines(entries):
        return [[e.village, e.group, e.head, e.name, _id(e.id_number, full_ids), e.reason, e.date] for e in entries]

    overview = [["上年末（年初）扶持人数", review.start], ["核减人数", len(review.removed)],
                ["期满人数", len(review.ended)], ["新纳入人数", len(review.added)], ["年末扶持人数", review.end]]
    return write_safely(path, [
        LedgerSheet("核定汇总", f"{town}{review.year}年大中型水库移民后期扶持人口年度核定汇总",
                    [LedgerColumn("项目", 26), LedgerColumn("人数", 12, "0")], overview, unit=unit, date=today),
        LedgerSheet("核减人员", f"{review.year}年核减人员", columns, lines(review.removed), unit=unit, date=today),
        LedgerSheet("期满人员", f"{review.year}年扶持期满人员", columns, lines(review.ended), unit=unit, date=today),
        LedgerSheet("新纳入人员", f"{review.year}年新纳入人员", columns, lines(review.added), unit=unit, date=today),
    ])


def amount_text(value: Decimal) -> str:
    return f"{Decimal(value):,.2f}"
