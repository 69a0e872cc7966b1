"""The county commands of SPEC §7: `county merge SNAPSHOT... [--password P]` and `county towns [--json]`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from app.config import db_target

EXIT_OK, EXIT_REFUSED, EXIT_USAGE = 0, 1, 2


def county_only(db) -> None:
    """Refuse a county figure outside a county database (closing db): DatabaseError with one Chinese line."""
    from app.db import DatabaseError

    if not db.county:
        db.close()
        raise DatabaseError("县级汇总只能在县级汇总数据库中生成（用“county merge”合并各镇的副本）")


def report_county(args, open_db, protected: list) -> int:
    """`report county --out OUT.pdf [--month M]`: the county summary as a PDF."""
    from app.outputs import OutputError, check_target
    from app.services.county_summary import county_pdf
    from app.services.stats import parse_month

    check_target(args.out, databases=protected)  # refuse before the report is built
    db = open_db(args, write=False)
    county_only(db)
    try:
        result = county_pdf(db, args.out, month=parse_month(args.month) if args.month else None)
    except OutputError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_USAGE
    finally:
        db.close()
    print(f"已生成 {args.out}（{result.pages} 页）")
    return EXIT_OK


def add_county_commands(command, parser_class, db_help: str) -> None:
    p = command("county", "县级汇总：合并各镇导出的副本，查看所含的镇")
    what = p.add_subparsers(dest="what", metavar="内容", parser_class=parser_class, required=True)
    q = what.add_parser("merge", help="校验并合并各镇导出的副本（--db 不存在时新建县级数据库）",
                        description="校验并合并各镇导出的副本：某镇较新的副本整体替换该镇的数据；"
                                    "相同或较旧的副本不改动；校验不通过的副本不合并")
    q.add_argument("--db", type=db_target, default=argparse.SUPPRESS, help=db_help)
    q.add_argument("files", nargs="+", type=Path, metavar="SNAPSHOT", help="镇导出的副本（.db 或加密的 .zip）")
    q.add_argument("--password", metavar="P", help="加密副本的密码")
    q.add_argument("--json", action="store_true", help="以 JSON 输出结果")
    q = what.add_parser("towns", help="列出县级数据库中的镇及各镇副本的日期和 SHA-256",
                        description="列出县级数据库中的镇及各镇副本的日期和 SHA-256")
    q.add_argument("--db", type=db_target, default=argparse.SUPPRESS, help=db_help)
    q.add_argument("--json", action="store_true", help="以 JSON 输出")


def _open_county(path: Path, writer_lock):
    from app.db import DatabaseError, open_database

    lock = writer_lock(path)
    try:
        db = open_database(path, county=True)
    except BaseException:
        if lock is not None:
            lock.release()
        raise
    if lock is not None:
        db.hold(lock)
    if not db.county:
        db.close()
        raise DatabaseError(f"这不是县级汇总数据库（是一个镇的台账）：{db.where}；请用 --db 指定县级数据库，"
                            "或给一个还不存在的文件名（或服务器上一个空的数据库）来新建")
    if db.readonly:
        db.close()
        raise DatabaseError(db.readonly_reason)
    return db


def _county_name(files: list[Path]) -> str:
    from app.services.county_merge import CountyError, read_manifest

    for f in files:
        try:
            county = str(read_manifest(f).get("county") or "").strip()
        except CountyError:
            continue
        if county:
            return county
    return ""


def cmd_county(args, db_path: Path, writer_lock) -> int:
    if args.what == "towns":
        return _towns(args, db_path)
    from app.db import database_exists
    from app.services.county_merge import MERGED, REFUSED, UNCHANGED, create_county, merge_copies

    if database_exists(db_path):
        db = _open_county(db_path, writer_lock)
        created = False
    else:
        lock = writer_lock(db_path)
        try:
            db = create_county(db_path, _county_name(args.files))
        except BaseException:
            if lock is not None:
                lock.release()
            raise
        if lock is not None:
            db.hold(lock)
        created = True
    quiet = args.json
    try:
        if created and not quiet:
            print(f"已新建县级汇总数据库：{db.where}")
        outcomes = merge_copies(db, args.files, args.password,
                                progress=None if quiet else (lambda t: print(t, flush=True)))
    finally:
        db.close()
    if args.json:
        print(json.dumps({"created": created, "copies": [o.as_json() for o in outcomes]}, ensure_ascii=False))
    else:
        for o in outcomes:
            stream = sys.stderr if o.status == REFUSED else sys.stdout
            print(f"{o.status}：{o.file}：{o.message}", file=stream)
        merged = sum(o.status == MERGED for o in outcomes)
        same = sum(o.status == UNCHANGED for o in outcomes)
        refused = sum(o.status == REFUSED for o in outcomes)
        print(f"共 {len(outcomes)} 个副本：合并 {merged} 个，未改动 {same} 个，未合并 {refused} 个。")
    return EXIT_REFUSED if any(o.status == REFUSED for o in outcomes) else EXIT_OK


def _towns(args, db_path: Path) -> int:
    from app.db import DatabaseError, open_database
    from app.services.county import list_towns

    db = open_database(db_path)
    try:
        if not db.county:
            raise DatabaseError(f"这不是县级汇总数据库（是一个镇的台账）：{db.where}")
        towns = list_towns(db)
    finally:
        db.close()
    if args.json:
        print(json.dumps({"towns": [t.as_json() for t in towns]}, ensure_ascii=False))
        return EXIT_OK
    if not towns:
        print("县级数据库中还没有镇的数据。用“county merge 副本文件”合并各镇导出的副本。")
    for t in towns:
        print(f"{t.name}：{t.households} 户，{t.members} 人；副本 {t.taken_at} 导出，{t.merged_at} 合并；"
              f"SHA-256 {t.sha256}")
    return EXIT_OK
