"""The 直补 commands of SPEC §11: `import subsidy`, `subsidy roster|review|reconcile`, `report publicity`.

app.cli builds the parsers through `add_import`, `add_commands` and `add_publicity` and dispatches here,
handing over its own database opener and usage error, so this module does not import app.cli.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

from app.cli_options import add_import_options
from app.config import db_target

EXIT_OK, EXIT_REFUSED, EXIT_USAGE = 0, 1, 2


def _year(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"“{text}”不是年份") from None
    if not 2000 <= value <= 2100:
        raise argparse.ArgumentTypeError(f"年份应在2000到2100之间，而不是 {value}")
    return value


def _half(text: str) -> int:
    if text not in ("1", "2"):
        raise argparse.ArgumentTypeError(f"半年只能是 1（上半年）或 2（下半年），而不是“{text}”")
    return int(text)


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"“{text}”不是日期，请写成 2026-12-01 这样") from None


def _write_failed(exc: OSError, path) -> str:
    """One line for a file not written: the output guard's own sentence, else the system's reason."""
    from app.outputs import OutputError

    return str(exc) if isinstance(exc, OutputError) else f"无法写入文件：{path}（{exc.strerror or exc}）"


def add_import(what, db_help: str, parser_class) -> None:
    q = what.add_parser("subsidy", help="导入县局或各村的后扶人口名册（.xlsx）",
                        description="导入后扶人口名册（.xlsx、.xls、.ods 等），按身份证号对应档案中的成员，默认全部正确才导入")
    add_import_options(q, db_help)


def add_commands(command) -> None:
    p = command("subsidy", "后扶直补：发放名册、年度核定、发放结果核对")
    what = p.add_subparsers(dest="what", metavar="内容", parser_class=type(p), required=True)
    db_help = "数据库文件"

    def sub(name: str, help_text: str):
        q = what.add_parser(name, help=help_text, description=help_text)
        q.add_argument("--db", type=db_target, default=argparse.SUPPRESS, help=db_help)
        q.add_argument("--year", required=True, type=_year, metavar="Y", help="年份，例如 2026")
        return q

    q = sub("roster", "某半年的直补发放名册（按乡镇台账格式，各村合计和全镇合计）")
    q.add_argument("--half", required=True, type=_half, metavar="1|2", help="1 上半年，2 下半年")
    q.add_argument("--out", type=Path, metavar="OUT.xlsx", help="写出发放名册 .xlsx")
    q.add_argument("--json", action="store_true", help="以 JSON 输出")
    q.add_argument("--full-ids", action="store_true", help="写出完整身份证号（默认只显示前6位和后4位）")
    q = sub("review", "年度核定：与上年相比的核减、期满、新纳入人员")
    q.add_argument("--out", type=Path, metavar="OUT.xlsx", help="写出年度核定 .xlsx")
    q.add_argument("--json", action="store_true", help="以 JSON 输出")
    q.add_argument("--full-ids", action="store_true", help="写出完整身份证号（默认只显示前6位和后4位）")
    q = sub("reconcile", "核对银行的发放结果：多发、漏发、失败、金额不符、身份证号不在档案中")
    q.add_argument("file", type=Path, metavar="FILE", help="银行返回的发放结果 .xlsx")
    q.add_argument("--half", required=True, type=_half, metavar="1|2", help="1 上半年，2 下半年")
    q.add_argument("--out", type=Path, metavar="OUT.xlsx", help="写出核对结果 .xlsx（每个清单一页）")
    q.add_argument("--json", action="store_true", help="以 JSON 输出")
    q.add_argument("--full-ids", action="store_true", help="输出完整身份证号（默认只显示前6位和后4位）")


def add_publicity(what, db_help: str) -> None:
    q = what.add_parser("publicity", help="各村后扶人口公示（PDF，A4，每村一组页）",
                        description="各村大中型水库移民后期扶持人口公示（PDF，A4，每村一组页）")
    q.add_argument("--db", type=db_target, default=argparse.SUPPRESS, help=db_help)
    q.add_argument("--year", required=True, type=_year, metavar="Y", help="年份，例如 2026")
    q.add_argument("--village", metavar="V", help="只生成这个村的公示")
    q.add_argument("--out", required=True, type=Path, metavar="OUT.pdf", help="要写入的 PDF 文件")
    q.add_argument("--from", dest="start", type=_day, metavar="YYYY-MM-DD", help="公示开始日期（默认今天）")
    q.add_argument("--days", type=int, default=7, metavar="N", help="公示天数（默认 7 天）")


def _xlsx(path: Path | None, usage_error, args=None, inputs=()) -> None:
    """An .xlsx target the output guard accepts (never the database, a backup or an input file)."""
    from app import config
    from app.outputs import check_target

    if path is None:
        return
    if path.is_dir():
        raise usage_error(f"用法错误：{path} 是一个文件夹，请给出 .xlsx 文件名")
    if path.suffix.lower() != ".xlsx":
        raise usage_error(f"用法错误：输出文件应以 .xlsx 结尾：{path}")
    db = getattr(args, "db", None)
    check_target(path, inputs=inputs, databases=[Path(db) if db else config.default_db_path()])


def cmd_import_subsidy(args, open_db, usage_error) -> int:
    from app.io.report import report_paths, write_error_report
    from app.io.subsidy_import import run_subsidy_import, summary_text
    from app.io.workbook import WorkbookError

    _xlsx(args.error_report, usage_error, args, inputs=args.files)
    db = open_db(args, write=not args.dry_run)
    try:
        result = run_subsidy_import(db, args.files, skip_invalid=args.skip_invalid, dry_run=args.dry_run)
    finally:
        db.close()
    if result.unreadable:
        print(result.unreadable[0].message, file=sys.stderr)
        return EXIT_USAGE
    if args.json:
        print(json.dumps(result.as_json(), ensure_ascii=False))
    else:
        print(summary_text(result))
    if args.error_report is not None:
        by_file: dict[str, list] = {}
        for issue in result.errors + result.warnings:
            by_file.setdefault(issue.file, []).append(issue)
        targets = report_paths(args.error_report, [str(f) for f in args.files])
        for file, issues in by_file.items():
            try:
                out = write_error_report(Path(file), issues, targets[file], result.header_rows.get(file))
            except WorkbookError as exc:
                print(str(exc), file=sys.stderr)
                return EXIT_USAGE
            except OSError as exc:
                print(_write_failed(exc, targets[file]), file=sys.stderr)
                return EXIT_USAGE
            if not args.json:
                print(f"错误报告已写入：{out}")
        if not by_file and not args.json:
            print("没有发现错误或提醒，未生成错误报告。")
    return EXIT_REFUSED if result.refused else EXIT_OK


def _unit(db) -> tuple[str, str]:
    from app.services import town

    profile = town.load_town(db)
    return profile.station_name or profile.town_name, profile.town_name


def cmd_subsidy(args, open_db, usage_error) -> int:
    _xlsx(args.out, usage_error, args, inputs=[args.file] if args.what == "reconcile" else ())
    if args.what == "reconcile":
        return _reconcile(args, open_db)
    from app.io import subsidy_xlsx
    from app.rules.subsidy import half_label
    from app.services import subsidy_roster

    db = open_db(args, write=False)
    try:
        unit, town_name = _unit(db)
        if args.what == "roster":
            with db.read() as s:
                summary = subsidy_roster.roster_summary_in(s, args.year, args.half)
                rows = subsidy_roster.roster_rows_in(s, args.year, args.half) if args.out else []
        else:
            review = subsidy_roster.review(db, args.year)
    finally:
        db.close()
    try:
        if args.out and args.what == "roster":
            subsidy_xlsx.roster_workbook(args.out, rows, summary, unit=unit, town=town_name, full_ids=args.full_ids)
        elif args.out:
            subsidy_xlsx.review_workbook(args.out, review, unit=unit, town=town_name, full_ids=args.full_ids)
    except OSError as exc:
        print(_write_failed(exc, args.out), file=sys.stderr)
        return EXIT_USAGE
    if args.what == "roster":
        if args.json:
            print(json.dumps(summary.as_json(), ensure_ascii=False))
        else:
            print(f"{half_label(args.year, args.half)}直补发放名册：{summary.people} 人，"
                  f"{subsidy_xlsx.amount_text(summary.amount)} 元")
            for village, (n, amount) in summary.by_village.items():
                print(f"  {village}：{n} 人，{subsidy_xlsx.amount_text(amount)} 元")
            if summary.excluded:
                print("名册中本期不发放：" + "，".join(f"{k} {v} 人" for k, v in summary.excluded.items()))
    elif args.json:
        print(json.dumps(review_json(review, args.full_ids), ensure_ascii=False))
    else:
        print(f"{args.year}年度核定：年初 {review.start} 人，核减 {len(review.removed)} 人，"
              f"期满 {len(review.ended)} 人，新纳入 {len(review.added)} 人，年末 {review.end} 人")
        for title, entries in (("核减", review.removed), ("期满", review.ended), ("新纳入", review.added)):
            for e in entries[:100]:
                print(f"  {title}：{e.village} {e.name} {e.reason} {e.date or ''}".rstrip())
            if len(entries) > 100:
                print(f"  ……{title}另有 {len(entries) - 100} 人，使用 --out 或 --json 查看全部")
    if args.out and not args.json:
        print(f"已写入：{args.out}")
    return EXIT_OK


def review_json(review, full_ids: bool = False) -> dict:
    from app.rules import mask_id

    def entry(e) -> dict:
        return {"name": e.name, "id": e.id_number if full_ids else mask_id(e.id_number), "village": e.village,
                "reason": e.reason, "date": e.date.isoformat() if e.date else None}

    return {"year": review.year, "start": review.start, "end": review.end,
            "removed": [entry(e) for e in review.removed], "ended": [entry(e) for e in review.ended],
            "added": [entry(e) for e in review.added]}


def _reconcile(args, open_db) -> int:
    from app.io import subsidy_xlsx
    from app.io.bank_return import read_bank_return
    from app.io.workbook import WorkbookError
    from app.services.subsidy_reconcile import KIND_LABELS, KINDS, reconcile

    try:
        rows = read_bank_return(args.file)
    except WorkbookError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_USAGE
    db = open_db(args, write=True)
    try:
        unit, town_name = _unit(db)
        result = reconcile(db, rows, args.year, args.half, source=Path(args.file).name)
    finally:
        db.close()
    if args.out:
        try:
            subsidy_xlsx.reconcile_workbook(args.out, result, unit=unit, town=town_name, full_ids=args.full_ids)
        except OSError as exc:
            print(_write_failed(exc, args.out), file=sys.stderr)
            return EXIT_USAGE
    if args.json:
        print(json.dumps(result.as_json(args.full_ids), ensure_ascii=False))
        return EXIT_OK
    print(f"{result.title}发放结果核对：应发 {result.due_people} 人，{subsidy_xlsx.amount_text(result.due_amount)} 元；"
          f"按应发金额发放成功 {result.paid_ok} 人")
    for kind in KINDS:
        print(f"  {KIND_LABELS[kind]}：{len(result.lists[kind])} 人")
    print("核对结果已保存到本半年的记录中。" + (f"已写入：{args.out}" if args.out else ""))
    return EXIT_OK


def cmd_publicity(args, open_db, usage_error) -> int:
    from app.reports.publicity import build
    from app.services.subsidy_publicity import publicity_data

    if args.out.suffix.lower() != ".pdf":
        raise usage_error(f"用法错误：输出文件应以 .pdf 结尾：{args.out}")
    if not 1 <= args.days <= 60:
        raise usage_error("用法错误：--days 应在1到60之间")
    db = open_db(args, write=False)
    try:
        data = publicity_data(db, args.year, village=args.village, start=args.start or dt.date.today(),
                              days=args.days)
    finally:
        db.close()
    if not data.villages:
        print(f"{args.year}年没有可公示的后扶人口" + (f"（{args.village}）" if args.village else "") + "。",
              file=sys.stderr)
        return EXIT_REFUSED
    result = build(data)
    try:
        result.save(args.out)
    except OSError as exc:
        print(_write_failed(exc, args.out), file=sys.stderr)
        return EXIT_USAGE
    print(f"已生成 {args.out}（{len(data.villages)} 个村，{result.pages} 页）")
    return EXIT_OK
