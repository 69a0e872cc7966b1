"""The bank's 发放结果 of a half (SPEC §11), read with the register's reader: one BankRow per line.

Headers: 姓名, 身份证号码, 账号, 发放金额（元）/ 金额, 发放状态 / 状态 (成功|失败), 失败原因, 发放日期; the
header may lie anywhere in the first 12 rows. What the lines mean against the roster is decided by
app.services.subsidy_reconcile.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from operator import itemgetter
from pathlib import Path

from app.io.headers import header_key
from app.io.subsidy_import import find_columns
from app.io.validate import text
from app.io.workbook import WorkbookError, read_workbook
from app.rules import normalize_id
from app.rules.dates import read_date
from app.services.subsidy_reconcile import BankRow

_HEADERS = {
    "name": ("姓名", "户名"),
    "id_number": ("身份证号码", "身份证号", "公民身份号码", "证件号码"),
    "account": ("账号", "卡号", "一卡通账号", "银行账号"),
    "amount": ("发放金额（元）", "发放金额", "金额", "金额（元）", "实发金额"),
    "status": ("发放状态", "状态", "处理结果"),
    "failure": ("失败原因", "备注"),
    "paid_on": ("发放日期", "日期"),
}
_ACCEPTED = {header_key(h): key for key, names in _HEADERS.items() for h in names}
_FAILED = {"失败", "发放失败", "不成功", "退回", "失败退回"}


def _amount(value) -> Decimal | None:
    if value is None or text(value) == "":
        return None
    try:
        return Decimal(text(value).replace(",", "").replace("元", "")).quantize(Decimal("0.01"))
    except InvalidOperation:
        return None


def read_bank_return(path: Path) -> list[BankRow]:
    """Every line of the bank's return; WorkbookError (one Chinese line) when it has no such table.

    A county's return holds 300,000 lines whose amounts, statuses and dates repeat: each distinct cell value
    is read once (an amount, a status, a date), and each line's cells are taken by position."""
    workbook = read_workbook(Path(path))
    rows: list[BankRow] = []
    found = False
    amounts: dict[tuple[type, object], Decimal | None] = {}
    days: dict[tuple[type, object], dt.date | None] = {}
    statuses: dict[tuple[type, object], str] = {}
    for sheet in workbook.sheets:
        header = find_columns(sheet, _ACCEPTED, ("id_number", "amount"))
        if header is None:
            continue
        found = True
        keys = tuple(_HEADERS)
        # Each key's 0-based place in a line cut to the table's columns and padded with blanks; a column the
        # sheet lacks reads the first blank.
        width = max((c for c in header.columns.values() if c), default=0) + 1
        place = {key: (header.columns.get(key) or width) - 1 for key in keys}
        pick = itemgetter(*(place[key] for key in keys))
        blank = (None,) * width
        for r, cells in enumerate(sheet.rows[header.row:], start=header.row + 1):
            name, raw_id, account, raw_amount, raw_status, failure, raw_day = pick(cells[:width - 1] + blank)
            name = text(name)
            if name == "" and text(raw_id) == "":
                continue
            # Keyed by type too: 300 and 300.0, or a date typed as text and as a date, are read each in its own way.
            key = (type(raw_amount), raw_amount)
            amount = amounts[key] if key in amounts else amounts.setdefault(key, _amount(raw_amount))
            key = (type(raw_status), raw_status)
            status = statuses[key] if key in statuses else statuses.setdefault(key, text(raw_status).replace(" ", ""))
            key = (type(raw_day), raw_day)
            day = days[key] if key in days else days.setdefault(key, read_date(raw_day, "发放日期")[0])
            ok = status not in _FAILED and (status != "" or (amount or 0) > 0)
            rows.append(BankRow(sheet=sheet.name, row=r, name=name, id_number=normalize_id(raw_id), amount=amount,
                                success=ok, failure=text(failure), paid_on=day, account=text(account)))
    if not found:
        raise WorkbookError(f"“{Path(path).name}”中没有找到发放结果表（需要“身份证号码”和“发放金额”列）")
    return rows
