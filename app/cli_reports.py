"""The `report` commands of SPEC §7: `report monthly` (the 月报 as PDF and .docx; a filed month prints as
filed unless --current), `report file` (报送 / 更正), `report filed` (the versions kept) and `report cards`
(一户一档). Thin: parses, calls the services, prints."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from app.config import db_target

EXIT_OK, EXIT_REFUSED, EXIT_USAGE = 0, 1, 2  # SPEC §7: done, refused for the data, bad usage


def add_report_commands(command, db_help: str):
    p = command("report", "生成报表（monthly 月报；file 报送月报；filed 已报送的月报；cards 一户一档）")
    what = p.add_subparsers(dest="what", metavar="内容", parser_class=type(p), required=True)

    def sub(name: str, text: str):
        q = what.add_parser(name, help=text, description=text)
        q.add_argument("--db", type=db_target, default=argparse.SUPPRESS, help=db_help)
        return q

    q = sub("monthly", "月报：报镇党委、政府的月度报告（公文和附件，PDF，A4；可另存 Word）")
    q.add_argument("--month", required=True, metavar="YYYY-MM", help="月份，例如 2026-05；数字均为该月月末的情况")
    q.add_argument("--out", required=True, type=Path, metavar="OUT.pdf", help="要写入的 PDF 文件")
    q.add_argument("--docx", type=Path, metavar="OUT.docx", help="同时写出 Word 文件（.docx）")
    q.add_argument("--current", action="store_true", help="已报送的月份也按现在的数据重新生成（默认打印已报送的版本）")
    q.add_argument("--full-ids", action="store_true", help="打印完整身份证号（默认只显示前6位和后4位）")
    q.add_argument("--town", metavar="NAME", help="县级汇总数据库中：哪个镇的月报（必填）")

    q = sub("file", "报送月报：保存该月的PDF、Word、数字和文字；已报送后再次报送即为更正版")
    q.add_argument("--month", required=True, metavar="YYYY-MM", help="月份，例如 2026-05")
    q.add_argument("--by", metavar="NAME", help="报送人姓名（填过一次后会记住）")
    q.add_argument("--json", action="store_true", help="以 JSON 输出")

    q = sub("filed", "列出已报送的月报及其各个版本")
    q.add_argument("--json", action="store_true", help="以 JSON 输出")

    q = sub("cards", "一户一档：每户一页（PDF，A4）")
    which = q.add_mutually_exclusive_group(required=True)
    which.add_argument("--household", nargs="+", metavar="ARCHIVE_NO", help="一个或多个档案编号")
    which.add_argument("--point", metavar="NAME", help="安置点名称：该点全部在册户")
    q.add_argument("--out", required=True, type=Path, metavar="OUT.pdf", help="要写入的 PDF 文件")
    q.add_argument("--full-ids", action="store_true", help="打印完整身份证号（默认只显示前6位和后4位）")

    from app.cli_duties import add_report_plan

    add_report_plan(what, db_help)
    return what


def _write(path: Path, data: bytes) -> str | None:
    """Write through the output guard; the one-line Chinese message when it cannot be written."""
    from app.outputs import OutputError
    from app.reports.model import write_atomically

    try:
        write_atomically(path, data)
    except OSError as exc:
        return str(exc) if isinstance(exc, OutputError) else f"无法写入 {path}：{exc.strerror or exc}"
    return None


def _check_targets(args, *paths) -> str | None:
    """Refuse a target the guard would refuse (the database, a folder …) before the report is built."""
    from app.config import default_db_path
    from app.outputs import OutputError, check_target

    database = getattr(args, "db", None) or default_db_path()
    for path in paths:
        if path is not None:
            try:
                check_target(path, databases=[database])
            except OutputError as exc:
                return str(exc)
    return None


def _monthly(db, args) -> int:
    from app.services import monthly_report
    from app.services.county import town_option
    from app.services.stats import parse_month

    for path, suffix in ((args.out, ".pdf"), (args.docx, ".docx")):
        if path is not None and path.suffix.lower() != suffix:
            print(f"文件名应以 {suffix} 结尾：{path}", file=sys.stderr)
            return EXIT_USAGE
    db.town_id = town_option(db, args.town) or db.town_id  # a 月报 of a county database is one town's
    printed = monthly_report.print_month(db, parse_month(args.month), current=args.current,
                                         docx=args.docx is not None)
    for path, data in ((args.out, printed.result.pdf), (args.docx, printed.docx)):
        if path is not None and data is not None:
            error = _write(path, data)
            if error:
                print(error, file=sys.stderr)
                return EXIT_USAGE
    for warning in printed.result.warnings:
        print(f"注意：{warning}", file=sys.stderr)
    v = printed.filed
    note = f"，已报送的第{v.version}版（{v.kind}，{v.filed_at:%Y-%m-%d %H:%M}，{v.filed_by}）" if v else ""
    print(f"已生成 {args.out}（{printed.result.pages} 页{note}）" + (f"和 {args.docx}" if args.docx else ""))
    return EXIT_OK


def _file(db, args) -> int:
    from app.services import monthly_report
    from app.services.stats import parse_month

    month = parse_month(args.month)
    try:
        v = monthly_report.file_month(db, month, args.by)
    except ValueError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_REFUSED
    if args.json:
        print(json.dumps(v.as_json(), ensure_ascii=False))
    else:
        print(f"已报送 {month} 月报：第{v.version}版（{v.kind}），报送人 {v.filed_by}，{v.filed_at:%Y-%m-%d %H:%M}")
    return EXIT_OK


def _filed(db, args) -> int:
    from app.services import monthly_report

    versions = monthly_report.filed_versions(db)
    if args.json:
        months: dict[str, list] = {}
        for v in versions:
            months.setdefault(v.month, []).append(v.as_json())
        print(json.dumps({"months": [{"month": m, "versions": vs} for m, vs in months.items()]},
                         ensure_ascii=False))
        return EXIT_OK
    if not versions:
        print("还没有报送过月报。")
        return EXIT_OK
    for v in versions:
        print(f"{v.month}　第{v.version}版　{v.kind}　{v.filed_at:%Y-%m-%d %H:%M}　{v.filed_by}")
    return EXIT_OK


def _cards(db, args) -> int:
    from app.services import report_data

    result = report_data.cards_pdf(db, archive_nos=args.household, point=args.point, full_ids=args.full_ids)
    error = _write(args.out, result.pdf)
    if error:
        print(error, file=sys.stderr)
        return EXIT_USAGE
    for warning in result.warnings:
        print(f"注意：{warning}", file=sys.stderr)
    print(f"已生成 {args.out}（{result.pages} 页）")
    return EXIT_OK


def cmd_report(args, open_db) -> int:
    """Run one `report` subcommand on the database `open_db(args, write=...)` opens."""
    refused = _check_targets(args, getattr(args, "out", None), getattr(args, "docx", None))
    if refused:
        print(refused, file=sys.stderr)
        return EXIT_USAGE
    db = open_db(args, write=args.what == "file")
    try:
        return {"monthly": _monthly, "file": _file, "filed": _filed, "cards": _cards}[args.what](db, args)
    finally:
        db.close()
