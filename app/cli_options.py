"""Command-line options every Excel import shares (SPEC §5's error contract), declared once."""

from __future__ import annotations

import argparse
from pathlib import Path

from app.config import db_target

FORMATS = ".xlsx/.xlsm/.xls/.xlsb/.ods"


def add_import_options(q: argparse.ArgumentParser, db_help: str, *, skipped: str = "有错误的行跳过") -> None:
    """--db, FILE..., --dry-run, --skip-invalid, --json and --error-report for one import subcommand."""
    q.add_argument("--db", type=db_target, default=argparse.SUPPRESS, help=db_help)
    q.add_argument("files", nargs="+", type=Path, metavar="FILE", help=f"一个或多个 {FORMATS} 文件")
    q.add_argument("--dry-run", action="store_true", help="只检查并统计，不写入数据库")
    q.add_argument("--skip-invalid", action="store_true", help=f"导入没有错误的部分，{skipped}")
    q.add_argument("--json", action="store_true", help="以 JSON 输出结果")
    q.add_argument("--error-report", type=Path, metavar="OUT.xlsx",
                   help="把标出错误单元格并加上“错误说明”列的文件副本写到这里")
