"""The duty commands of SPEC §7, kept beside cli.py: `check --duties [--json]` and `import problems`."""

from __future__ import annotations

import datetime as dt
import json

from app.cli_options import add_import_options
from app.config import db_target


def _as_of(text: str | None) -> dt.date:
    if not text:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"日期格式不对：{text}，应为 年-月-日，例如 2026-05-31") from None


def check_duties(args, db, town_id: int | None = None) -> int:
    """Print every finding of §4.7 as of today (or --as-of), of one town's records when town_id is given:
    JSON, or text grouped by rule."""
    from app.services import duties

    try:
        as_of = _as_of(args.as_of)
        result = duties.findings(db, as_of, town_id=town_id)
    finally:
        db.close()
    if args.json:
        print(json.dumps(result.as_json(), ensure_ascii=False))
        return 0
    total = sum(result.by_rule.values())
    town = f"{args.town}，" if town_id is not None else ""
    print(f"督办提醒（{town}截至 {as_of.isoformat()}）：{total} 项")
    for code, n in result.by_rule.items():
        if not n:
            continue
        items = result.of_rule(code)
        kinds = "、".join(f"{sev} {sum(f.severity == sev for f in items)}" for sev in duties.SEVERITIES
                         if any(f.severity == sev for f in items))
        print(f"\n【{code}】{duties.title_of(code)}：{n} 项（{kinds}）")
        for f in items:
            owner = f"　责任：{f.owner}" if f.owner else ""
            since = f"　自 {f.since.isoformat()}" if f.since else ""
            print(f"  [{f.severity}] {f.subject}{owner}{since}\n      {f.message}")
    closed = {k: v for k, v in result.closed.items() if v}
    if closed:
        print("\n已由经办人确认关闭：" + "，".join(f"{k} {v} 项" for k, v in closed.items()))
    return 0


def add_import_problems(what, db_help: str) -> None:
    """`import problems FILE...`: the parser of SPEC §7's village problem-ledger import."""

    q = what.add_parser("problems", help="导入各村报送的问题台账（.xlsx 等）",
                        description="导入各村报送的问题台账（.xlsx、.xls、.ods 等），默认全部正确才导入；同一问题再次导入不会重复")
    add_import_options(q, db_help)


def _where(i) -> str:
    from pathlib import Path

    parts = [Path(i.file).name]
    if i.sheet:
        parts.append(f"「{i.sheet}」")
    if i.row:
        parts.append(f"第{i.row}行")
    if i.column:
        parts.append(f"{i.column}列" + (f"（{i.header}）" if i.header else ""))
    return " ".join(parts)


def import_problems(args, db) -> int:
    """Run `import problems`; exit 1 when refused for the data, 2 when a file is unreadable."""
    import sys
    from pathlib import Path

    from app.io import problems_import
    from app.io.report import report_paths, write_error_report
    from app.io.workbook import WorkbookError

    try:
        result = problems_import.run(db, args.files, skip_invalid=args.skip_invalid, dry_run=args.dry_run)
    finally:
        db.close()
    unreadable = [i for i in result.errors if i.row is None and not i.sheet]
    if unreadable:
        print(unreadable[0].message, file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(result.as_json(), ensure_ascii=False))
    else:
        lines = []
        if result.dry_run:
            lines.append("试运行（--dry-run）：只检查，没有写入数据库。")
        if result.refused:
            lines.append(f"发现 {len(result.errors)} 个错误，全部未导入（数据库没有任何改动）。"
                         "请按下面的说明改正文件后重新导入，或使用 --skip-invalid 只导入没有错误的行。")
        verb = "将" if result.dry_run else ""
        lines.append(f"共读取 {result.rows} 个问题：{verb}新增 {result.problems_imported} 个，"
                     f"已有（不重复导入）{result.problems_unchanged} 个，跳过 {result.problems_skipped} 个。")
        for file, sheet, reason in result.skipped_sheets:
            lines.append(f"跳过工作表：{Path(file).name} /「{sheet}」：{reason}")
        if result.backup is not None:
            lines.append(f"导入前已备份数据库：{result.backup}")
        for title, issues in (("错误", result.errors), ("提醒", result.warnings)):
            if issues:
                lines.append(f"{title} {len(issues)} 个：")
                lines += [f"  {_where(i)}：{i.message}" for i in issues[:200]]
                if len(issues) > 200:
                    lines.append(f"  ……另有 {len(issues) - 200} 个，使用 --json 或 --error-report 查看全部")
        print("\n".join(lines))
    if args.error_report is not None:
        by_file: dict[str, list] = {}
        for issue in result.errors + result.warnings:
            by_file.setdefault(issue.file, []).append(issue)
        targets = report_paths(args.error_report, [str(f) for f in args.files])
        for file, issues in by_file.items():
            try:
                out = write_error_report(Path(file), issues, targets[file], result.header_rows.get(file),
                                         inputs=[Path(f) for f in args.files])
            except WorkbookError as exc:
                print(str(exc), file=sys.stderr)
                return 2
            except OSError as exc:
                print(f"无法写入错误报告：{targets[file]}（{exc.strerror or exc}）", file=sys.stderr)
                return 2
            if not args.json:
                print(f"错误报告已写入：{out}")
        if not by_file and not args.json:
            print("没有发现错误或提醒，未生成错误报告。")
    return 1 if result.refused else 0


def add_report_plan(what, db_help: str) -> None:
    """`report plan --year Y [--month YYYY-MM] --out OUT.pdf|OUT.xlsx`: the 年度计划责任分解表."""
    import argparse
    from pathlib import Path

    q = what.add_parser("plan", help="年度计划责任分解表（按责任单位和责任人，PDF 或 Excel）",
                        description="年度计划责任分解表（按责任单位和责任人，PDF 或 Excel）")
    q.add_argument("--db", type=db_target, default=argparse.SUPPRESS, help=db_help)
    q.add_argument("--year", type=int, required=True, help="计划年度，例如 2026")
    q.add_argument("--month", metavar="YYYY-MM", help="截至月份（默认：当年为本月，往年为12月）")
    q.add_argument("--kind", default="年度计划", choices=("年度计划", "发展规划"), help="计划类型")
    q.add_argument("--out", required=True, type=Path, metavar="OUT.pdf|OUT.xlsx", help="要写入的文件")


def report_plan(args, db) -> int:
    import sys

    from app.services import plan_sheet
    from app.services.stats import parse_month

    suffix = args.out.suffix.lower()
    if suffix not in (".pdf", ".xlsx"):
        db.close()
        print(f"用法错误：输出文件应以 .pdf 或 .xlsx 结尾：{args.out}", file=sys.stderr)
        return 2
    from app.outputs import check_target

    try:
        check_target(args.out, databases=[db.path])  # refuse before the table is built
    except OSError as exc:
        db.close()
        print(str(exc), file=sys.stderr)
        return 2
    today = dt.date.today()
    month = parse_month(args.month) if args.month else (
        f"{args.year:04d}-{today.month:02d}" if args.year == today.year else f"{args.year:04d}-12")
    try:
        sheet = plan_sheet.breakdown(db, args.year, month, kind=args.kind)
    finally:
        db.close()
    try:
        if suffix == ".xlsx":
            from app.io.plan_sheet import write_plan_sheet

            write_plan_sheet(sheet, args.out)
        else:
            from app.outputs import write_bytes
            from app.reports.plan_sheet import build

            write_bytes(args.out, build(sheet).pdf)
    except OSError as exc:  # outputs.OutputError: one Chinese line
        print(str(exc) or f"无法写入 {args.out}", file=sys.stderr)
        return 2
    print(f"已生成{sheet.title}：{args.out}（{len(sheet.by_unit)} 项任务）")
    return 0
