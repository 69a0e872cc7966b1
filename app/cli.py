"""The command line of SPEC §7: parses, calls services, prints. Exit 0 done, 1 refused for the data,
2 bad usage or a database/file problem. Errors are one line on stderr, never a traceback."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from app import APP_NAME, __version__, cli_subsidy, config
from app.cli_options import add_import_options
from app.config import db_target

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
    parser.add_argument("--db", type=db_target, help=db_help)
    parser.add_argument("--version", action="version", version=f"houfu {__version__}", help="显示版本号并退出")
    sub = parser.add_subparsers(dest="command", metavar="命令", parser_class=Parser)

    def command(name: str, help_text: str) -> Parser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.add_argument("--db", type=db_target, default=argparse.SUPPRESS, help=db_help)
        return p

    p = command("init", "新建一个空数据库（已存在时不覆盖）")
    p.add_argument("--town", help="镇（乡）名称")
    p.add_argument("--county", help="县（区）名称")

    p = command("demo", "生成演示数据（户、成员、台账、包保、走访、计划）")
    p.add_argument("--households", type=_positive_int, default=2000, help="户数（默认 2000）")
    p.add_argument("--seed", type=int, default=1, help="随机种子（默认 1）")

    p = command("stats", "统计户数、人数、重点户、包保、走访、问题")
    p.add_argument("--json", action="store_true", help="以 JSON 输出")
    p.add_argument("--month", help="统计该月月末的情况（户数、包保、该月走访等），格式 YYYY-MM；不填为今天")
    p.add_argument("--town", metavar="NAME", help="县级汇总数据库中只统计这个镇")

    p = command("check", "检查数据库文件完整性和一户一档的完整、一致；--duties 列出督办提醒")
    p.add_argument("--json", action="store_true", help="以 JSON 输出")
    p.add_argument("--duties", action="store_true",
                   help="列出工作方案各项职责的督办提醒（包保、走访、应保尽保、住房、问题、计划、档案）")
    p.add_argument("--as-of", metavar="YYYY-MM-DD", help="督办提醒的截至日期（默认今天）")
    p.add_argument("--town", metavar="NAME", help="县级汇总数据库中只列这个镇的督办提醒（用于 --duties）")

    p = command("snapshot", "导出给县局：数据库的一致、已校验的副本，旁边附清单（户数、SHA-256）")
    p.add_argument("out", type=Path, metavar="OUT", help="导出的文件（加密时为 .zip）")
    p.add_argument("--encrypt", action="store_true",
                   help="用密码加密为标准 AES-256 zip（7-Zip、WinRAR 可打开）；密码在提示时输入，"
                        "或取自环境变量 HOUFU_SNAPSHOT_PASSWORD")
    p.add_argument("--json", action="store_true", help="以 JSON 输出清单")

    p = command("verify", "核验收到的县局副本：与清单核对校验码、完整性、各表条数和变更记录")
    p.add_argument("snapshot", type=Path, metavar="SNAPSHOT", help="副本文件（.db，或加密的 .zip；清单放在旁边）")
    p.add_argument("--password", metavar="P",
                   help="加密副本的密码（也可取自环境变量 HOUFU_SNAPSHOT_PASSWORD，或在提示时输入）")
    p.add_argument("--json", action="store_true", help="以 JSON 输出结果")

    p = command("backup", "立即备份数据库（备份放在数据库旁的“备份”文件夹）")
    p.add_argument("--list", action="store_true", help="只列出已有的备份")

    p = command("restore", "从备份文件恢复数据库（恢复前先把当前文件另存为备份）")
    p.add_argument("file", type=Path, metavar="FILE", help="用来恢复的备份文件")
    _add_io_commands(command, db_help)
    _add_report_commands(command, db_help)
    from app.cli_county import add_county_commands

    add_county_commands(command, Parser, db_help)
    cli_subsidy.add_commands(command)
    return parser


def _add_io_commands(command, db_help: str) -> None:
    """The Excel commands of SPEC §7: import households, export households, export template."""
    p = command("import", "从 Excel 导入（households 户籍花名册；problems 问题台账；subsidy 后扶人口名册）")
    what = p.add_subparsers(dest="what", metavar="内容", parser_class=Parser, required=True)
    from app.cli_duties import add_import_problems

    add_import_problems(what, db_help)
    q = what.add_parser("households", help="导入各村报送的搬迁群众花名册（.xlsx/.xls/.ods 等）",
                        description="导入各村报送的搬迁群众花名册（.xlsx、.xlsm、.xls、.xlsb、.ods），默认全部正确才导入")
    add_import_options(q, db_help, skipped="有错误的户整户跳过")
    q.add_argument("--village", metavar="NAME", help="文件中没有“村”列时，这些户所属的村")
    q.add_argument("--registered-on", type=_date_arg, metavar="YYYY-MM-DD",
                   help="本批新增户的登记日期（文件中没有“登记日期/迁入日期”列时；默认导入当天）")
    q.add_argument("--new-village", action="store_true",
                   help="确认新建文件中出现的、数据库中还没有的村和安置点")
    q.add_argument("--allow-rename", action="store_true",
                   help="确认改名：同一身份证号在文件中换了姓名时，按文件改名（否则作为错误）")

    cli_subsidy.add_import(what, db_help, Parser)

    p = command("export", "导出为 Excel（households 户籍花名册；template 空白导入模板）")
    what = p.add_subparsers(dest="what", metavar="内容", parser_class=Parser, required=True)
    q = what.add_parser("households", help="导出全部户和成员（一人一行，可再导入）",
                        description="导出全部户和成员（一人一行，可再导入）")
    q.add_argument("--db", type=db_target, default=argparse.SUPPRESS, help=db_help)
    q.add_argument("out", type=Path, metavar="OUT.xlsx", help="要写入的 .xlsx 文件")
    q.add_argument("--mask-ids", action="store_true",
                   help="身份证号只显示前6位和后4位（用于打印或外发；这样的文件不能再导入）")
    q.add_argument("--town", metavar="NAME", help="县级汇总数据库中只导出这个镇（不指定时导出各镇，首列为“镇”）")
    q = what.add_parser("county", help="县级汇总：各镇分列、排名和全县合计（.xlsx）",
                        description="县级汇总：各镇分列、排名和全县合计（.xlsx）")
    q.add_argument("--db", type=db_target, default=argparse.SUPPRESS, help=db_help)
    q.add_argument("out", type=Path, metavar="OUT.xlsx", help="要写入的 .xlsx 文件")
    q = what.add_parser("template", help="空白的花名册导入模板，发给各村填写",
                        description="空白的花名册导入模板，发给各村填写")
    q.add_argument("--db", type=db_target, default=argparse.SUPPRESS, help=db_help)
    q.add_argument("out", type=Path, metavar="OUT.xlsx", help="要写入的 .xlsx 文件")
    _add_ledger_export(what, db_help)


def _date_arg(text: str):
    import datetime as dt

    from app.rules.dates import read_date

    day, problem = read_date(text, "登记日期", today=dt.date.today())
    if problem or day is None:
        raise argparse.ArgumentTypeError(problem or "请写成 2024-05-01 这样的日期")
    return day


def _db_path(args) -> Path:
    """The database --db names (default: the per-user file): a path, or a config.ServerURL for a county
    database on a PostgreSQL server (which callers pass on as they would a path)."""
    if config.is_server(args.db):
        return args.db
    return Path(args.db) if args.db else config.default_db_path()


def _file_only(args, what: str) -> None:
    """Refuse, in one sentence, a command that only a database file can do when --db names a server."""
    from app.db import DatabaseError

    if config.is_server(getattr(args, "db", None)):
        raise DatabaseError(f"{what}只能用于数据库文件；服务器上的数据库只用作县级汇总数据库"
                            "（用“county merge”新建和更新，用 county towns、stats、check、report county 查看）。")


def _protected(args) -> list:
    """The database files no output may be written over (none when the database is on a server)."""
    return [] if config.is_server(getattr(args, "db", None)) else [_db_path(args)]


def _writer_lock(path: Path):
    """A command that writes holds the database's instance lock (shared) while it runs: refused (exit 2)
    while a window has the database; other writing commands wait their turn inside SQLite instead. A
    database on a server has no lock file: its writer (county merge) takes the server's advisory lock."""
    from app import dblock
    from app.db import DatabaseError

    if config.is_server(path):
        return None
    try:
        return dblock.hold_writer(path)
    except dblock.LockBusy as exc:
        raise DatabaseError(str(exc)) from None


def _open(args, *, write: bool):
    from app.db import DatabaseError, open_database

    lock = _writer_lock(_db_path(args)) if write else None
    try:
        db = open_database(_db_path(args))
    except BaseException:
        if lock is not None:
            lock.release()
        raise
    if lock is not None:
        db.hold(lock)
    if write and db.readonly:
        db.close()
        raise DatabaseError(db.readonly_reason)
    return db


def _create(path: Path):
    from app.db import create_database

    lock = _writer_lock(path)
    try:
        db = create_database(path)
    except BaseException:
        if lock is not None:
            lock.release()
        raise
    if lock is not None:
        db.hold(lock)
    return db


def cmd_init(args) -> int:
    from app.services import town

    _file_only(args, "新建镇的数据库（init）")
    db = _create(_db_path(args))
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
    from app import demo
    from app.services import town

    _file_only(args, "生成演示数据（demo）")
    path = _db_path(args)
    if path.exists() and path.stat().st_size > 0:
        db = _open(args, write=True)
    else:
        db = _create(path)
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
    from app.services import county
    from app.services.asof import month_stats
    from app.services.stats import parse_month, stats

    month = parse_month(args.month) if args.month else None
    db = _open(args, write=False)
    try:
        result = month_stats(db, month) if month else stats(db, town_id=county.town_option(db, args.town))
    finally:
        db.close()
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
        return EXIT_OK
    kg, bb, vi, pr = result["key_groups"], result["baobao"], result["visits"], result["problems"]
    lines = [f"截至 {result['as_of']}（{month} 月末）"] if month else []
    lines += [f"在册户数：{result['households']}    在册人数：{result['members']}", "", "各村："]
    lines += [f"  {name}：{v['households']} 户，{v['members']} 人" for name, v in result["villages"].items()]
    lines += ["", "重点户：" + "，".join(f"{k} {v}" for k, v in kg.items()),
              f"包保：重点户 {bb['key_households']} 户，未落实一对一包保 {bb['key_households_uncovered']} 户；"
              f"50户以上集中安置点 {bb['points_50plus']} 个，其中无镇级主要领导包保 {bb['points_50plus_without_town_leader']} 个",
              f"走访（{vi['month']}）：应走访 {vi['due']} 户，已走访 {vi['done']} 户",
              f"问题：未办结 {pr['open']} 个，其中逾期 {pr['overdue']} 个",
              "就业情况：" + "，".join(f"{k} {v}" for k, v in result["employment"].items()),
              "劳动力（普通、技能、弱、半劳动力）：" + "，".join(
                  f"{name} {v['labour_force']} 人" for name, v in result["labour_force"].items()),
              f"党员：{result['party_members']} 人"]
    print("\n".join(lines))
    return EXIT_OK


def cmd_check(args) -> int:
    if args.duties:
        from app.cli_duties import check_duties
        from app.services import county

        db = _open(args, write=False)
        try:
            town_id = county.town_option(db, args.town)
        except BaseException:
            db.close()
            raise
        return check_duties(args, db, town_id)
    if args.as_of or args.town:
        raise UsageError(f"用法错误：{'--as-of' if args.as_of else '--town'} 只用于 --duties")
    from app.services.check import run_check

    db = _open(args, write=False)
    try:
        report = run_check(db)
    finally:
        db.close()
    if args.json:
        print(json.dumps(report.as_json(), ensure_ascii=False))
    else:
        where = "数据库" if config.is_server(args.db) else "数据库文件"
        print(f"{where}：" + ("完好" if not report.integrity else "；".join(report.integrity)))
        print("变更记录：" + ("未被改动" if not report.history else "；".join(report.history)))
        print(f"检查 {report.households} 户：" + "，".join(f"{k} {v} 户" for k, v in report.states.items()))
        for f in report.findings[:200]:
            print(f"  [{f['archive_no']}] {f['message']}")
        if len(report.findings) > 200:
            print(f"  ……另有 {len(report.findings) - 200} 条，使用 --json 查看全部")
        if report.cross_town is not None:
            print(f"跨镇重复：{len(report.cross_town)} 个身份证号同时登记在两个以上的镇")
            for f in report.cross_town[:200]:
                print(f"  {f['message']}")
    return EXIT_OK if report.file_ok else EXIT_USAGE


def _snapshot_password() -> str:
    import os

    password = os.environ.get("HOUFU_SNAPSHOT_PASSWORD")
    if password:
        return password
    if not sys.stdin or not sys.stdin.isatty():
        raise UsageError("用法错误：--encrypt 需要密码，请在终端中运行以便输入，或设置环境变量 HOUFU_SNAPSHOT_PASSWORD。")
    import getpass

    first = getpass.getpass("加密密码：")
    if getpass.getpass("再输入一次：") != first:
        raise UsageError("用法错误：两次输入的密码不一致。")
    return first


def cmd_snapshot(args) -> int:
    from app.services.snapshot import take_snapshot

    _file_only(args, "导出给县局的副本（snapshot）")
    password = _snapshot_password() if args.encrypt else None
    db = _open(args, write=False)
    try:
        result = take_snapshot(db, args.out, password=password)
    finally:
        db.close()
    m = result.manifest
    if args.json:
        print(json.dumps(m, ensure_ascii=False))
        return EXIT_OK
    print(f"已导出县局副本：{result.path}")
    print(f"  {m['town'] or '（未填镇名）'}，在册 {m['active']['households']} 户，{m['active']['members']} 人；"
          f"完整性检查：通过；用时 {result.seconds:.1f} 秒")
    print(f"  数据库 SHA-256：{m['sha256']}")
    if m["encryption"]:
        print(f"  已加密（AES-256 zip），文件 SHA-256：{m['encryption']['archive_sha256']}")
        print("  请把密码另行告知县局（电话或当面），不要和U盘放在一起。")
    print(f"  清单：{result.manifest_path}")
    return EXIT_OK


def cmd_verify(args) -> int:
    """`verify SNAPSHOT`: exit 0 the copy is as exported, 1 something disagrees, 2 it cannot be read."""
    import zipfile

    from app.services.verify import verify_copy

    password = args.password or os.environ.get("HOUFU_SNAPSHOT_PASSWORD") or None
    if password is None and args.snapshot.is_file() and zipfile.is_zipfile(args.snapshot):
        if not sys.stdin or not sys.stdin.isatty():
            raise UsageError("用法错误：这是加密的副本，请用 --password 给出密码，或设置环境变量 HOUFU_SNAPSHOT_PASSWORD。")
        import getpass

        password = getpass.getpass("副本的密码：")
    report = verify_copy(args.snapshot, password=password)
    if args.json:
        print(json.dumps({"ok": report.ok, "unreadable": report.unreadable, "problems": report.problems,
                          "town": report.town, "taken_at": report.taken_at, "households": report.households,
                          "members": report.members, "checked": report.checked}, ensure_ascii=False))
    elif report.unreadable:
        print(report.unreadable, file=sys.stderr)
    elif report.problems:
        print(f"副本未通过核验：{args.snapshot}", file=sys.stderr)
        for problem in report.problems:
            print(f"  {problem}", file=sys.stderr)
    else:
        print(f"副本核验通过：{args.snapshot}")
        print(f"  {report.town or '（未填镇名）'}，{report.taken_at} 导出，在册 {report.households} 户，"
              f"{report.members} 人；已核对：{'、'.join(report.checked)}")
    if report.unreadable:
        return EXIT_USAGE
    return EXIT_REFUSED if report.problems else EXIT_OK


def cmd_backup(args) -> int:
    from app.db import SERVER_BACKUP_REASON, DatabaseError
    from app.services import backup

    if config.is_server(args.db):
        raise DatabaseError(SERVER_BACKUP_REASON)
    path = _db_path(args)
    if args.list:
        items = backup.list_backups(path)
        if not items:
            print(f"还没有备份。备份文件夹：{backup.backup_folder(path)}")
        for b in items:
            print(f"{b.taken_at:%Y-%m-%d %H:%M:%S}  {b.kind:<5}  {b.size / 1048576:8.1f} MB  {b.path}")
        return EXIT_OK
    db = _open(args, write=False)
    try:
        info = backup.make_backup(db, backup.KIND_MANUAL)
    finally:
        db.close()
    print(f"已备份：{info.path}（{info.size / 1048576:.1f} MB）")
    return EXIT_OK


def cmd_restore(args) -> int:
    from app.services import backup

    _file_only(args, "从备份恢复（restore）")
    lock = _writer_lock(_db_path(args))
    try:
        result = backup.restore(_db_path(args), args.file)
    finally:
        if lock is not None:
            lock.release()
    c = result.candidate
    print(f"已从备份恢复：{c.path}（{c.town or '未填镇名'}，在册 {c.households} 户，{c.members} 人）")
    if result.kept:
        print(f"恢复前的数据库已另存为：{result.kept}")
    return EXIT_OK


def _xlsx_out(path: Path, args=None, inputs=()) -> Path:
    """An .xlsx target the output guard accepts (never the database, a backup or an input file)."""
    from app.outputs import check_target

    if path.is_dir():
        raise UsageError(f"用法错误：{path} 是一个文件夹，请给出 .xlsx 文件名")
    if path.suffix.lower() != ".xlsx":
        raise UsageError(f"用法错误：输出文件应以 .xlsx 结尾：{path}")
    check_target(path, inputs=inputs, databases=_protected(args) if args is not None else ())
    return path


def _import_summary(prepared, result) -> str:
    verb = "将" if result.dry_run else ""
    lines = []
    if result.dry_run:
        lines.append("试运行（--dry-run）：只检查，没有写入数据库。")
    if result.refused:
        lines.append(f"发现 {len(result.errors)} 个错误，全部未导入（数据库没有任何改动）。"
                     "请按下面的说明改正文件后重新导入，或使用 --skip-invalid 只导入没有错误的户。")
    lines.append(f"共读取 {prepared.households} 户、{prepared.members} 人。")
    if not result.refused or result.dry_run:
        lines.append(f"{verb}新增 {result.households_imported} 户，{verb}更新 {result.households_updated} 户，"
                     f"无变化 {result.households_unchanged} 户，跳过 {result.households_skipped} 户；"
                     f"{verb}新增成员 {result.members_imported} 人。")
    if result.new_villages:
        lines.append(("将新建" if result.dry_run or result.refused else "新建") + "村：" + "、".join(result.new_villages))
    if result.new_points:
        lines.append(("将新建" if result.dry_run or result.refused else "新建") + "安置点："
                     + "、".join(f"{p}（{v}）" for v, p in result.new_points))
    for file, sheet, reason in result.skipped_sheets:
        lines.append(f"跳过工作表：{Path(file).name} /「{sheet}」：{reason}")

    def where(i) -> str:
        parts = [Path(i.file).name]
        if i.sheet:
            parts.append(f"「{i.sheet}」")
        if i.row:
            parts.append(f"第{i.row}行")
        if i.column:
            parts.append(f"{i.column}列" + (f"（{i.header}）" if i.header else ""))
        return " ".join(parts)

    shown = 200
    if result.errors:
        lines.append(f"错误 {len(result.errors)} 个：")
        lines += [f"  {where(i)}：{i.message}" for i in result.errors[:shown]]
        if len(result.errors) > shown:
            lines.append(f"  ……另有 {len(result.errors) - shown} 个，使用 --json 或 --error-report 查看全部")
    if result.warnings:
        lines.append(f"提醒 {len(result.warnings)} 个（不影响导入）：")
        lines += [f"  {where(i)}：{i.message}" for i in result.warnings[:shown]]
        if len(result.warnings) > shown:
            lines.append(f"  ……另有 {len(result.warnings) - shown} 个，使用 --json 或 --error-report 查看全部")
    return "\n".join(lines)


def cmd_import(args) -> int:
    if args.what == "subsidy":
        return cli_subsidy.cmd_import_subsidy(args, _open, UsageError)
    from app.io.changes import changes_text
    from app.io.importer import run_import
    from app.io.report import report_paths, write_error_report
    from app.io.validate import Options
    from app.io.workbook import WorkbookError

    if args.error_report is not None:
        from app.io.report import report_paths

        for target in report_paths(args.error_report, [str(f) for f in args.files]).values():
            _xlsx_out(target, args, inputs=args.files)
    if args.what == "problems":
        from app.cli_duties import import_problems

        return import_problems(args, _open(args, write=not args.dry_run))
    village = args.village.strip() if args.village else None
    if args.village is not None and not village:
        raise UsageError("用法错误：--village 后面要写村名")
    db = _open(args, write=not args.dry_run)
    try:
        options = Options(village=village, registered_on=args.registered_on, new_places=args.new_village,
                          allow_rename=args.allow_rename)
        prepared, result = run_import(db, args.files, options, skip_invalid=args.skip_invalid, dry_run=args.dry_run)
    finally:
        db.close()
    if prepared.unreadable:
        # A file that is not a readable workbook: one line naming it, nothing written (run_import refused).
        print(prepared.unreadable[0].message, file=sys.stderr)
        return EXIT_USAGE
    if args.json:
        print(json.dumps(result.as_json(), ensure_ascii=False))
    else:
        print(_import_summary(prepared, result))
        if result.changes:
            print(changes_text(result.changes, written=result.written, refused=result.refused))
        if result.backup is not None:
            print(f"导入前已备份数据库：{result.backup}")
    if args.error_report is not None:
        issues_by_file: dict[str, list] = {}
        for issue in result.errors + result.warnings:
            issues_by_file.setdefault(issue.file, []).append(issue)
        if issues_by_file:
            headers = {}
            for info in prepared.validation.sheets:
                if info.header_row:
                    headers.setdefault(info.file, {})[info.name] = info.header_row
            targets = report_paths(args.error_report, [str(f) for f in args.files])
            for file, issues in issues_by_file.items():
                try:
                    out = write_error_report(Path(file), issues, targets[file], headers.get(file),
                                             inputs=args.files)
                except WorkbookError as exc:
                    print(str(exc), file=sys.stderr)
                    return EXIT_USAGE
                except OSError as exc:  # outputs.OutputError: one Chinese line already
                    print(f"未写入错误报告：{exc.strerror or exc}", file=sys.stderr)
                    return EXIT_USAGE
                if not args.json:
                    print(f"错误报告已写入：{out}")
        elif not args.json:
            print("没有发现错误或提醒，未生成错误报告。")
    return EXIT_REFUSED if result.refused else EXIT_OK


def cmd_export(args) -> int:
    from app.io.export import export_households, write_template
    from app.outputs import OutputError
    from app.services import county

    if args.what == "ledger":
        return cmd_export_ledger(args)
    out = _xlsx_out(args.out, args)
    if args.what == "county":
        from app.cli_county import county_only
        from app.io.county_export import county_xlsx

        db = _open(args, write=False)
        county_only(db)
        try:
            n = county_xlsx(db, out)
        except OutputError as exc:
            print(str(exc), file=sys.stderr)
            return EXIT_USAGE
        finally:
            db.close()
        print(f"已导出县级汇总（{n} 个镇）：{out}")
        return EXIT_OK
    try:
        if args.what == "template":
            unit = ""
            if args.db or config.default_db_path().exists():
                from app.services import town

                try:
                    db = _open(args, write=False)
                except Exception:
                    db = None
                if db is not None:
                    try:
                        profile = town.load_town(db)
                        unit = profile.station_name or profile.town_name
                    finally:
                        db.close()
            write_template(out, unit=unit)
            print(f"已写入空白导入模板：{out}")
            return EXIT_OK
        db = _open(args, write=False)
        try:
            summary = export_households(db, out, mask_ids=args.mask_ids, town_id=county.town_option(db, args.town))
        finally:
            db.close()
    except OSError as exc:  # outputs.OutputError says what happened and that the old file is unchanged
        print(str(exc) if isinstance(exc, OutputError) else f"无法写入文件：{out}（{exc.strerror or exc}）",
              file=sys.stderr)
        return EXIT_USAGE
    print(f"已导出 {summary.households} 户、{summary.members} 人：{out}")
    return EXIT_OK


def _add_ledger_export(what, db_help: str) -> None:
    """`export ledger NAME OUT.xlsx`: any declared ledger, in the township layout of SPEC §6."""
    from app.ledgers import LEDGERS

    names = "；".join(f"{name}（{ledger.title}）" for name, ledger in LEDGERS.items())
    q = what.add_parser("ledger", help=f"导出台账：{names}",
                        description=f"把一个台账导出为乡镇台账格式的 Excel 表。可导出的台账：{names}")
    q.add_argument("--db", type=db_target, default=argparse.SUPPRESS, help=db_help)
    q.add_argument("name", choices=list(LEDGERS), metavar="NAME", help=f"台账名称：{names}")
    q.add_argument("out", type=Path, metavar="OUT.xlsx", help="要写入的 .xlsx 文件")


def cmd_export_ledger(args) -> int:
    from app.io.ledger_export import export_ledger
    from app.ledgers import ledger_by_name
    from app.outputs import OutputError

    ledger = ledger_by_name(args.name)
    out = _xlsx_out(args.out, args)
    db = _open(args, write=False)
    try:
        result = export_ledger(db, ledger, out)
    except OSError as exc:  # outputs.OutputError: one Chinese line, the old file unchanged
        print(str(exc) if isinstance(exc, OutputError) else f"无法写入文件：{out}（{exc.strerror or exc}）",
              file=sys.stderr)
        return EXIT_USAGE
    finally:
        db.close()
    print(f"已导出{ledger.title} {result.rows} 条：{out}")
    return EXIT_OK


def _add_report_commands(command, db_help: str) -> None:
    """`report monthly / file / filed` (SPEC §7) and `report cards` (一户一档): app/cli_reports.py;
    `report plan` (年度计划责任分解表): app/cli_duties.py; `report county` (县级汇总) here."""
    from app.cli_reports import add_report_commands

    what = add_report_commands(command, db_help)
    q = what.add_parser("county", help="县级汇总：各镇分列、排名、全县合计和图表（PDF，A4）",
                        description="县级汇总：各镇分列、排名、全县合计和图表（PDF，A4）")
    q.add_argument("--db", type=db_target, default=argparse.SUPPRESS, help=db_help)
    q.add_argument("--out", required=True, type=Path, metavar="OUT.pdf", help="要写入的 PDF 文件")
    q.add_argument("--month", metavar="YYYY-MM", help="走访统计的月份（默认本月）")
    cli_subsidy.add_publicity(what, db_help)


def cmd_report(args) -> int:
    if args.what == "plan":
        from app.cli_duties import report_plan

        return report_plan(args, _open(args, write=False))
    if args.what == "county":
        from app.cli_county import report_county

        return report_county(args, _open, _protected(args))
    if args.what == "publicity":
        from app.outputs import check_target

        check_target(args.out, databases=_protected(args))  # refuse before the lists are built
        return cli_subsidy.cmd_publicity(args, _open, UsageError)
    from app.cli_reports import cmd_report as run

    return run(args, _open)


COMMANDS = {"init": cmd_init, "demo": cmd_demo, "stats": cmd_stats, "check": cmd_check,
            "snapshot": cmd_snapshot, "verify": cmd_verify, "backup": cmd_backup, "restore": cmd_restore}
COMMANDS.update({"import": cmd_import, "export": cmd_export})
COMMANDS["report"] = cmd_report
COMMANDS["subsidy"] = lambda args: cli_subsidy.cmd_subsidy(args, _open, UsageError)


def cmd_county(args) -> int:
    from app.cli_county import cmd_county as run

    return run(args, _db_path(args), _writer_lock)


COMMANDS["county"] = cmd_county


def main(argv: list[str] | None = None) -> int:
    """Run one command (or the GUI); returns the exit status."""
    from app import outputs
    from app.db import DatabaseError
    from app.errors import log_exception, log_unraisable, unexpected_message

    argv = sys.argv[1:] if argv is None else argv
    outputs.restrict_new_files()  # the database, backups, copies, exports and logs: owner only
    outputs.remove_stale_private_dirs()  # plain copies left by a process that was killed
    log_unraisable()  # never "Exception ignored … I/O operation on closed file" after a Chinese message
    try:
        args = build_parser().parse_args(argv)
        if args.command is None:
            from app.ui.main import run_gui

            if config.is_server(args.db):
                raise DatabaseError("图形界面只能打开数据库文件；服务器上的县级汇总数据库请用命令行查看"
                                    "（county towns、stats、check、report county、export county）。")
            return run_gui(_db_path(args) if args.db else None)
        return COMMANDS[args.command](args)
    except UsageError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_USAGE
    except (DatabaseError, ValueError, outputs.OutputError) as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("已取消。", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        # The reader went away (e.g. `stats | head`): stop quietly, and keep Python from complaining
        # about the unflushed pipe at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except Exception as exc:  # the clerk never sees a traceback; the log keeps it
        log_exception(exc, f"命令行：{' '.join(argv)}")
        print(unexpected_message(exc), file=sys.stderr)
        return EXIT_USAGE
