"""The command line of SPEC §7: parses, calls services, prints. Exit 0 done, 1 refused for the data,
2 bad usage or a database/file problem. Errors are one line on stderr, never a traceback."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from app import APP_NAME, __version__, config

EXIT_OK, EXIT_REFUSED, EXIT_USAGE = 0, 1, 2

# argparse's own words, in the clerk's language.
_ARGPARSE_ZH = {
    "usage: ": "用法：",
    "positional arguments": "参数",
    "options": "选项",
    "show this help message and exit": "显示本帮助并退出",
    "the following arguments are required: %s": "缺少必需的参数：%s",
    "unrecognized arguments: %s": "无法识别的参数：%s",
    "invalid %(type)s value: %(value)r": "无效的值：%(value)r",
    "invalid choice: %(value)r (choose from %(choices)s)": "无效的选项：%(value)r（可选：%(choices)s）",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "expected one argument": "需要一个值",
    "ambiguous option: %(option)s could match %(matches)s": "选项 %(option)s 有歧义，可能是 %(matches)s",
    "show program's version number and exit": "显示版本号并退出",
}


def _translate(text: str) -> str:
    return _ARGPARSE_ZH.get(text, text)


argparse._ = _translate  # type: ignore[attr-defined]


class UsageError(Exception):
    """Bad command-line usage; the message is one Chinese line."""


class Parser(argparse.ArgumentParser):
    def error(self, message: str):  # noqa: D401 - argparse API
        raise UsageError(f"用法错误：{message}。运行 “python -m app --help” 查看用法。")


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"“{text}”不是整数") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"必须大于0，而不是 {value}")
    return value


def build_parser() -> Parser:
    db_help = f"数据库文件（默认：{config.default_db_path()}）"
    parser = Parser(prog="python -m app", description=f"{APP_NAME}：不带命令时打开图形界面。")
    parser.add_argument("--db", type=Path, help=db_help)
    parser.add_argument("--version", action="version", version=f"houfu {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="命令", parser_class=Parser)

    def command(name: str, help_text: str) -> Parser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.add_argument("--db", type=Path, default=argparse.SUPPRESS, help=db_help)
        return p

    p = command("init", "新建一个空数据库（已存在时不覆盖）")
    p.add_argument("--town", help="镇（乡）名称")
    p.add_argument("--county", help="县（区）名称")

    p = command("demo", "生成演示数据（户、成员、台账、包保、走访、计划）")
    p.add_argument("--households", type=_positive_int, default=2000, help="户数（默认 2000）")
    p.add_argument("--seed", type=int, default=1, help="随机种子（默认 1）")

    p = command("stats", "统计户数、人数、重点户、包保、走访、问题")
    p.add_argument("--json", action="store_true", help="以 JSON 输出")
    p.add_argument("--month", help="走访统计的月份，格式 YYYY-MM（默认本月）")

    p = command("check", "检查数据库文件完整性和一户一档的完整、一致")
    p.add_argument("--json", action="store_true", help="以 JSON 输出")
    return parser


def _db_path(args) -> Path:
    return Path(args.db) if args.db else config.default_db_path()


def _open(args, *, write: bool):
    from app.db import DatabaseError, open_database

    db = open_database(_db_path(args))
    if write and db.readonly:
        db.close()
        raise DatabaseError(db.readonly_reason)
    return db


def cmd_init(args) -> int:
    from app.db import create_database
    from app.services import town

    db = create_database(_db_path(args))
    try:
        town.seed_reference_data(db)
        if args.town or args.county:
            data = town.load_town(db)
            data.town_name = args.town or data.town_name
            data.county_name = args.county or data.county_name
            if data.town_name:
                town.save_town(db, data)
    finally:
        db.close()
    print(f"已新建数据库：{_db_path(args)}")
    return EXIT_OK


def cmd_demo(args) -> int:
    from app.db import create_database
    from app.services import demo, town

    path = _db_path(args)
    if path.exists() and path.stat().st_size > 0:
        db = _open(args, write=True)
    else:
        db = create_database(path)
    try:
        town.seed_reference_data(db)
        try:
            summary = demo.generate(db, args.households, seed=args.seed)
        except demo.DemoError as exc:
            print(str(exc), file=sys.stderr)
            return EXIT_REFUSED
    finally:
        db.close()
    print(f"已生成演示数据：{summary.households} 户，{summary.members} 人。数据库：{path}")
    return EXIT_OK


def cmd_stats(args) -> int:
    from app.services.stats import parse_month, stats

    month = parse_month(args.month) if args.month else None
    db = _open(args, write=False)
    try:
        result = stats(db, month=month)
    finally:
        db.close()
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
        return EXIT_OK
    kg, bb, vi, pr = result["key_groups"], result["baobao"], result["visits"], result["problems"]
    lines = [f"在册户数：{result['households']}    在册人数：{result['members']}", "", "各村："]
    lines += [f"  {name}：{v['households']} 户，{v['members']} 人" for name, v in result["villages"].items()]
    lines += ["", "重点户：" + "，".join(f"{k} {v}" for k, v in kg.items()),
              f"包保：重点户 {bb['key_households']} 户，未落实一对一包保 {bb['key_households_uncovered']} 户；"
              f"50户以上集中安置点 {bb['points_50plus']} 个，其中无镇级主要领导包保 {bb['points_50plus_without_town_leader']} 个",
              f"走访（{vi['month']}）：应走访 {vi['due']} 户，已走访 {vi['done']} 户",
              f"问题：未办结 {pr['open']} 个，其中逾期 {pr['overdue']} 个"]
    print("\n".join(lines))
    return EXIT_OK


def cmd_check(args) -> int:
    from app.services.check import run_check

    db = _open(args, write=False)
    try:
        report = run_check(db)
    finally:
        db.close()
    if args.json:
        print(json.dumps(report.as_json(), ensure_ascii=False))
    else:
        print("数据库文件：" + ("完好" if not report.integrity else "；".join(report.integrity)))
        print("变更记录：" + ("未被改动" if not report.history else "；".join(report.history)))
        print(f"检查 {report.households} 户：" + "，".join(f"{k} {v} 户" for k, v in report.states.items()))
        for f in report.findings[:200]:
            print(f"  [{f['archive_no']}] {f['message']}")
        if len(report.findings) > 200:
            print(f"  ……另有 {len(report.findings) - 200} 条，使用 --json 查看全部")
    return EXIT_OK if report.file_ok else EXIT_USAGE


COMMANDS = {"init": cmd_init, "demo": cmd_demo, "stats": cmd_stats, "check": cmd_check}


def main(argv: list[str] | None = None) -> int:
    """Run one command (or the GUI); returns the exit status."""
    from app.db import DatabaseError
    from app.errors import log_exception, unexpected_message

    argv = sys.argv[1:] if argv is None else argv
    try:
        args = build_parser().parse_args(argv)
        if args.command is None:
            from app.ui.main import run_gui

            return run_gui(_db_path(args) if args.db else None)
        return COMMANDS[args.command](args)
    except UsageError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_USAGE
    except (DatabaseError, ValueError) as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("已取消。", file=sys.stderr)
        return EXIT_USAGE
    except Exception as exc:  # the clerk never sees a traceback; the log keeps it
        log_exception(exc, f"命令行：{' '.join(argv)}")
        print(unexpected_message(exc), file=sys.stderr)
        return EXIT_USAGE
