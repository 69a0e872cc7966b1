"""Village registers as villages really send them, built with openpyxl for the import tests."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import Workbook

from app.rules import make_id


def pid(n: int, *, male: bool = True, year: int = 1970, region: str = "522601") -> str:
    """A valid ID number, unique per n (sequence odd for men)."""
    return make_id(region, dt.date(year + n % 30, 1 + n % 12, 1 + n % 28), (2 * n + (1 if male else 0)) % 1000)


def fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if c.isdigit() or c.isalpha() and c.isascii() else c for c in text)


def save(wb: Workbook, path: Path) -> Path:
    wb.save(path)
    return path


def layout_a(path: Path) -> Path:
    """Layout A: title, 填报单位 row, two-row merged header, household cells merged down over each block,
    a blank line, a 合计 row, a signature footer, and a notes sheet. Three households, 7 people."""
    wb = Workbook()
    ws = wb.active
    ws.title = "平寨村"
    ws.append(["平寨村库区搬迁群众花名册"])
    ws.merge_cells("A1:P1")
    ws.append(["填报单位：平寨村村民委员会", None, None, None, None, None, None, None, None, "填报日期：2024年3月5日"])
    ws.append(["序号", "户主姓名", "村", "组", "家庭人口", "安置点", "安置方式", "搬迁时间", "承包地面积(亩)",
               "联系电话", "户类型", "家庭成员信息", None, None, None, "备注"])
    ws.append([None] * 11 + ["姓名", "与户主关系", "性别", "身份证号码", None])
    for col in "ABCDEFGHIJKP":
        ws.merge_cells(f"{col}3:{col}4")
    ws.merge_cells("L3:O3")
    blocks = [
        ([1, "王 明华", "平寨村", "3组", 3, "新寨安置点", "集中安置", "2019.10", 1.5, "138-0851-2233", "低收入户、困难户"],
         [(" 王 明华", "户主", "男", fullwidth(pid(1))), ("李秀英", "妻", "女", pid(2, male=False)),
          ("王小明", "儿子", "男", pid(3)[:17] + pid(3)[17].lower())]),
        ([2, "阿依古丽·买买提", "平寨村", "1组", 2, "河坝分散点", "分散安置", "2018年5月", 0, "0851 8822 3344", "无"],
         [("阿依古丽·买买提", "户主", "女", pid(4, male=False)), ("买买提·艾力", "之子", "男", pid(5))]),
        ([3, "张国强", "平寨村", "2组", 2, "新寨安置点", "集中安置", dt.datetime(2020, 6, 1), "2.5", None, None],
         [("张国强", "户主", "男", " ".join([pid(6)[:6], pid(6)[6:14], pid(6)[14:]])), ("张小芳", "女儿", "女", pid(7, male=False))]),
    ]
    row = 5
    for household, people in blocks:
        for i, (name, relation, sex, idn) in enumerate(people):
            ws.append((household if i == 0 else [None] * 11) + [name, relation, sex, idn, "低保" if i == 1 else None])
        for col in "ABCDEFGHIJK":
            ws.merge_cells(f"{col}{row}:{col}{row + len(people) - 1}")
        row += len(people)
        if household[0] == 1:
            ws.append([])
            row += 1
    ws.append(["合计", None, None, None, 7])
    ws.append([])
    ws.append(["填表人：刘德华", None, None, None, None, "审核人：张学友", None, None, None, "联系电话：0851-1234567"])
    notes = wb.create_sheet("填表说明")
    notes.append(["1. 身份证号请填写18位"])
    notes.append(["2. 与户主关系填写户主、配偶、之子……"])
    return save(wb, path)


def layout_b(path: Path) -> Path:
    """Layout B: 户编号 groups one row per person; household columns only on the head's row; no 村 column;
    a column-number line under the header; rows of one household not adjacent. Two households, 5 people."""
    wb = Workbook()
    ws = wb.active
    ws.title = "花名册"
    ws.append(["河坝村搬迁群众信息表"])
    ws.append(["户编号", "姓名", "与户主关系", "性别", "身份证号", "民族", "文化程度", "健康状况", "劳动能力",
               "就业情况", "政治面貌", "安置地点", "搬迁年份", "住房状况", "家庭人口数", "年收入", "电话"])
    ws.append(list(range(1, 18)))
    ws.append(["HB-01", "赵志刚", "户主", "男", pid(11), "汉", "初中", "健康", "普通劳动力", "县内务工", "中共党员",
               "河坝安置小区", 2019, "自有安置房", 3, "36,000", "13912345678"])
    ws.append(["HB-01", "孙丽", "配偶", "女", pid(12, male=False), "汉", "小学", "长期慢性病", "弱劳动力", "在家务农",
               "群众"])
    ws.append(["HB-02", "钱多多", "户主", "女", pid(13, male=False), "苗", "高中", "健康", "技能劳动力", "省外务工",
               "预备党员", "河坝安置小区", "2021.5", "租住", 2, 28000.5, "139 0000 1111"])
    ws.append(["HB-01", "赵小刚", "之子", "男", pid(14), "汉", "大专", "健康", "普通劳动力", "县外省内务工", "共青团员"])
    ws.append(["HB-02", "钱小小", "之女", "女", pid(15, male=False), "苗", "小学", "健康", "无劳动力", "在校生"])
    ws.append(["总计", None, None, None, None, None, None, None, None, None, None, None, None, None, 5])
    ws.append(["制表人：", None, None, None, "审核：", None, None, None, "日期：2024.3"])
    return save(wb, path)


def simple(path: Path, rows: list[list], *, header: list[str] | None = None, sheet: str = "Sheet1") -> Path:
    """One sheet: a header row (默认 村/户编号/姓名/与户主关系/性别/身份证号/安置点/承包地面积) then rows."""
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append(header or ["村", "户编号", "姓名", "与户主关系", "性别", "身份证号", "安置点", "承包地面积"])
    for row in rows:
        ws.append(row)
    return save(wb, path)


def family_rows(key: str, n: int, *, village: str = "清江村", point: str = "新寨安置点", land=1.2) -> list[list]:
    """A head and a spouse for `simple`, IDs from n and n + 1."""
    return [[village, key, f"户主{key}", "户主", "男", pid(n), point, land],
            [village, key, f"配偶{key}", "配偶", "女", pid(n + 1, male=False), None, None]]
