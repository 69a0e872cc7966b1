"""Bench: import a 10,000-household (~40,000-row) village register into a fresh database with full validation.

Prints the seconds for read/parse, validate, apply and the total (SPEC §9: under 20 s). Not a test.

    .venv/bin/python bench/bench_import.py [--households N] [--keep DIR]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from openpyxl import Workbook  # noqa: E402

from app.db import create_database  # noqa: E402
from app.io.importer import run_import  # noqa: E402
from app.io.validate import Options  # noqa: E402
from app.rules import make_id  # noqa: E402
from app.services import town  # noqa: E402

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢"
GIVEN = "明华秀英国强志刚丽芳建军小红海燕文杰玉兰德福金花永贵春梅光荣世平家豪子涵雨萱浩然思远"
VILLAGES = ["清江村", "平寨村", "河坝村", "新田村", "龙井村"]
HEADER = ["序号", "户编号", "户主姓名", "村", "组", "安置点", "安置方式", "搬迁时间", "原居住地", "家庭人口",
          "住房情况", "房屋漏水", "承包地面积（亩）", "家庭年收入（元）", "联系电话", "户类型", "姓名", "与户主关系",
          "性别", "身份证号", "民族", "文化程度", "健康状况", "劳动能力", "就业情况", "政治面貌", "备注"]


def name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def register_rows(households: int, seed: int = 7) -> Iterator[list]:
    """The rows of a register in layout B (户编号, one row per person), with a title, 填报单位 and footer."""
    rng = random.Random(seed)
    yield ["清江镇库区搬迁群众花名册"]
    yield ["填报单位：清江镇水利移民站", None, None, None, None, None, None, None, "填报日期：2024年3月"]
    yield HEADER
    rows = 0
    seq = 0
    for n in range(1, households + 1):
        village = VILLAGES[n % len(VILLAGES)]
        point = f"{village[:2]}{n % 7 + 1}号安置点"
        size = rng.choice((2, 3, 4, 4, 5, 6))
        head = name(rng)
        land = round(rng.random() * 3, 1)
        people = [(head, "户主", 1)] + [(name(rng), rel, sex) for rel, sex in
                                        [("配偶", 0), ("之子", 1), ("之女", 0), ("父亲", 1), ("母亲", 0)][:size - 1]]
        for i, (person, relation, male) in enumerate(people):
            seq += 1
            birth = dt.date(1940 + seq % 70, 1 + seq % 12, 1 + seq % 28)
            idn = make_id(f"5226{seq // 1000 % 100:02d}", birth, (seq % 500) * 2 + male)
            first = i == 0
            yield [n if first else None, f"{n:05d}", head if first else None, village, f"{n % 9 + 1}组",
                   point if first else None, "集中安置", f"{2015 + n % 8}.{n % 12 + 1}", "库区老寨",
                   size if first else None, "自有安置房", "否", land, 20000 + n % 9000,
                   f"138-{n % 10000:04d}-{seq % 10000:04d}" if first else None,
                   "低收入户" if n % 17 == 0 else None, person, relation, "男" if male else "女", idn, "汉",
                   "初中", "健康", "普通劳动力", "县内务工", "群众", None]
            rows += 1
    yield ["合计", None, None, None, None, None, None, None, None, rows]
    yield ["填表人：", None, None, None, "审核人：", None, None, None, "填报日期："]


def build(path: Path, households: int, seed: int = 7) -> int:
    """Write the register as openpyxl's write-only mode saves it (each text inline in its cell, every Chinese
    character as a numeric entity: some 55 MB of sheet XML for 10,000 households); returns the people's rows."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("搬迁群众花名册")
    count = 0
    for row in register_rows(households, seed):
        ws.append(row)
        count += 1
    wb.save(path)
    return count - 5


def build_as_excel_saves(path: Path, households: int, seed: int = 7) -> int:
    """Write the same register as Excel and WPS save one (texts in the shared-strings table, UTF-8), through
    XlsxWriter, which writes a workbook the way Excel does; returns the people's rows."""
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("搬迁群众花名册")
    count = 0
    for r, row in enumerate(register_rows(households, seed)):
        ws.write_row(r, 0, row)
        count += 1
    wb.close()
    return count - 5


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Bench the household import")
    parser.add_argument("--households", type=int, default=10_000)
    parser.add_argument("--keep", type=Path, help="keep the register and the database in this folder")
    args = parser.parse_args(argv)
    folder = args.keep or Path(tempfile.mkdtemp(prefix="houfu-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    register = folder / "register.xlsx"
    t = time.perf_counter()
    rows = build(register, args.households)
    print(f"built {register.name}: {args.households} households, {rows} rows, "
          f"{register.stat().st_size / 1e6:.1f} MB in {time.perf_counter() - t:.1f} s")
    db_path = folder / "bench.db"
    db_path.unlink(missing_ok=True)
    db = create_database(db_path)
    town.seed_reference_data(db)
    t = time.perf_counter()
    _, result = run_import(db, [register], Options(new_places=True))
    total = time.perf_counter() - t
    db.close()
    timings = result.timings
    print(f"read/parse {timings['read']:.2f} s   validate {timings['validate']:.2f} s   "
          f"apply {timings['apply']:.2f} s   total {total:.2f} s")
    print(f"imported {result.households_imported} households, {result.members_imported} members; "
          f"errors {len(result.errors)}, warnings {len(result.warnings)}")
    return 0 if result.households_imported == args.households else 1


if __name__ == "__main__":
    sys.exit(main())
