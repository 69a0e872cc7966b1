"""`import problems` (SPEC §5, §7): a village's 问题台账 workbook, one problem a row, through the same reader
(`app.io.workbook`), header matching (`app.io.headers.header_key`), row skipping and error contract as the
household import: every error tied to sheet, Excel row and column; all or nothing unless skip_invalid;
nothing written on a dry run; idempotent — a problem is the same when its village, household, found date
and description are. Every row also passes the 问题台账 declaration's own checks (`app.ledgers.PROBLEMS`).
No Qt; read and validate are pure, `commit` is one transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl.utils import get_column_letter
from sqlalchemy import select

from app import vocab
from app.db import Database
from app.io.grouping import skip_reason
from app.io.headers import HEADER_ROWS, header_key
from app.io.validate import ERROR, WARNING, Issue, text
from app.io.workbook import Sheet, WorkbookError, read_workbook
from app.ledgers import PROBLEMS, engine
from app.models import Cadre, Household, Member, Problem, Unit, Village
from app.rules import normalize_id, normalize_name
from app.rules.dates import read_date

ProgressText = Callable[[float, str], None]

# key -> (label, accepted headers); the SPEC §5 table for village problem ledgers, plus the close-out columns.
FIELDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "serial": ("序号", ("序号",)),
    "found_date": ("发现时间", ("发现时间", "发现日期", "排查时间")),
    "source": ("问题来源", ("问题来源", "来源")),
    "focus_area": ("问题类别", ("问题类别", "问题类型", "所属领域")),
    "description": ("问题描述", ("问题描述", "存在问题", "具体问题")),
    "head_name": ("户主姓名", ("户主姓名", "户主")),
    "id_number": ("户主身份证号", ("户主身份证号", "身份证号", "户主身份证号码", "身份证号码")),
    "village": ("村", ("村", "所在村")),
    "unit": ("责任单位", ("责任单位",)),
    "person": ("责任人", ("责任人",)),
    "deadline": ("整改时限", ("整改时限", "完成时限", "办结时限")),
    "measures": ("整改措施", ("整改措施", "工作措施")),
    "status": ("办理情况", ("办理情况", "整改情况", "状态")),
    "priority": ("紧急程度", ("紧急程度", "优先级")),
    "resolved_date": ("办结时间", ("办结时间", "办结日期", "整改完成时间")),
    "result": ("整改结果", ("整改结果", "办理结果")),
    "reason": ("暂无法解决原因", ("暂无法解决原因", "无法解决原因")),
}
_ACCEPTED = {header_key(h): key for key, (_label, names) in FIELDS.items() for h in names}
STATUS_WORDS = {"未整改": "待办", "未办理": "待办", "待办": "待办", "整改中": "办理中", "正在整改": "办理中",
                "办理中": "办理中", "已整改": "已解决", "已办结": "已解决", "已完成": "已解决", "已解决": "已解决",
                "暂无法解决": "暂无法解决"}
DEFAULT_SOURCE = "调查摸底"


@dataclass
class ProblemHeader:
    row: int
    columns: dict[str, int]
    titles: dict[int, str]


def find_problem_header(sheet: Sheet) -> ProblemHeader | None:
    """The header row within the first 12 rows: the one naming a description column and the most fields."""
    best: ProblemHeader | None = None
    for row in range(1, min(HEADER_ROWS, len(sheet.rows)) + 1):
        cells = sheet.rows[row - 1]
        texts = ["" if v is None else str(v).strip() for v in cells]
        for r1, c1, r2, c2 in sheet.merged:  # a merged header cell names every column it spans
            if r1 <= row <= r2 and c1 <= len(texts):
                texts.extend([""] * max(0, c2 - len(texts)))
                for c in range(c1, c2 + 1):
                    texts[c - 1] = texts[c - 1] or ("" if sheet.value(r1, c1) is None else str(sheet.value(r1, c1)))
        columns: dict[str, int] = {}
        titles: dict[int, str] = {}
        for col, t in enumerate(texts, start=1):
            key = _ACCEPTED.get(header_key(t))
            if t:
                titles[col] = t
            if key and key not in columns:
                columns[key] = col
        if "description" in columns and len(columns) >= 3 and (best is None or len(columns) > len(best.columns)):
            best = ProblemHeader(row, columns, titles)
    return best


@dataclass
class ProblemIn:
    """One row, read and checked: the raw values for the ledger, and what identifies it."""

    file: str
    sheet: str
    row: int
    raw: dict[str, Any] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)
    household_name: str = ""
    household_id_number: str = ""

    @property
    def ok(self) -> bool:
        return not any(i.severity == ERROR for i in self.issues)


@dataclass
class ProblemImport:
    """The outcome (SPEC §7 shape, with problem counts in place of household ones)."""

    problems_imported: int = 0
    problems_unchanged: int = 0
    problems_skipped: int = 0
    rows: int = 0
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    skipped_sheets: list[tuple[str, str, str]] = field(default_factory=list)
    header_rows: dict[str, dict[str, int]] = field(default_factory=dict)  # file -> sheet -> header row
    refused: bool = False
    dry_run: bool = False
    written: bool = False
    backup: Path | None = None  # the 导入前 backup taken before writing

    def as_json(self) -> dict:
        return {"problems_imported": self.problems_imported, "problems_unchanged": self.problems_unchanged,
                "problems_skipped": self.problems_skipped,
                "errors": [i.as_json() for i in self.errors], "warnings": [i.as_json() for i in self.warnings]}


def _read_sheet(file: str, sheet: Sheet, header: ProblemHeader) -> list[ProblemIn]:
    out = []
    for index in range(header.row, len(sheet.rows)):
        cells = sheet.rows[index]
        row = index + 1
        if skip_reason(cells):
            continue
        values = {key: (cells[col - 1] if col <= len(cells) else None) for key, col in header.columns.items()}
        if all(v is None or (isinstance(v, str) and not v.strip()) for k, v in values.items() if k != "serial"):
            continue
        p = ProblemIn(file, sheet.name, row)

        def issue(severity: str, key: str, message: str, p=p) -> None:
            col = header.columns.get(key)
            p.issues.append(Issue(severity, file, sheet.name, row, get_column_letter(col) if col else "",
                                  header.titles.get(col, FIELDS[key][0]) if col else FIELDS[key][0], message,
                                  text(values.get(key))))

        p.raw["description"] = " ".join(text(values.get("description")).split())
        if not p.raw["description"]:
            issue(ERROR, "description", "请填写“问题描述”")
        for key in ("found_date", "deadline", "resolved_date"):
            value = values.get(key)
            if value is None or text(value) == "":
                p.raw[key] = None
                if key == "found_date":
                    issue(ERROR, key, "请填写“发现时间”，例如 2026-05-03")
                continue
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                value = text(value)  # 20260503 typed as a number reads as the text it shows
            day, problem = read_date(value, f"“{FIELDS[key][0]}”")
            if problem:
                issue(ERROR, key, problem)
            p.raw[key] = day
        word = "".join(text(values.get("source")).split())
        if word and word not in vocab.PROBLEM_SOURCES:
            issue(ERROR, "source", f"“问题来源”应为{'、'.join(vocab.PROBLEM_SOURCES)}之一，而不是“{word}”")
        p.raw["source"] = word if word in vocab.PROBLEM_SOURCES else DEFAULT_SOURCE
        word = "".join(text(values.get("focus_area")).split())
        if not word:
            issue(ERROR, "focus_area", "请填写“问题类别”（八个紧盯之一）")
        elif word not in vocab.FOCUS_AREAS:
            issue(ERROR, "focus_area", f"“问题类别”应为八个紧盯之一（{'、'.join(vocab.FOCUS_AREAS)}），而不是“{word}”")
        p.raw["focus_area"] = word
        word = "".join(text(values.get("status")).split())
        status = STATUS_WORDS.get(word, "待办" if not word else None)
        if status is None:
            issue(ERROR, "status", f"“办理情况”应为 未整改、整改中、已整改 或 暂无法解决，而不是“{word}”")
        p.raw["status"] = status or "待办"
        if status == "已解决":
            p.raw["result"] = text(values.get("result")) or word
            if p.raw.get("resolved_date") is None and "resolved_date" not in [i.column for i in p.issues]:
                issue(ERROR, "status" if "resolved_date" not in header.columns else "resolved_date",
                      "办理情况为已整改（已解决），请在“办结时间”列填写办结日期")
        elif status == "暂无法解决":
            p.raw["unresolvable_reason"] = text(values.get("reason"))
            if not p.raw["unresolvable_reason"]:
                issue(ERROR, "status" if "reason" not in header.columns else "reason",
                      "办理情况为暂无法解决，请在“暂无法解决原因”列写明原因")
        else:
            p.raw["resolved_date"] = None
        word = "".join(text(values.get("priority")).split())
        if word and word not in vocab.PRIORITIES:
            issue(ERROR, "priority", f"“紧急程度”应为 紧急 或 一般，而不是“{word}”")
        p.raw["priority"] = word if word in vocab.PRIORITIES else vocab.PRIORITY_DEFAULT
        p.raw["measures"] = text(values.get("measures"))
        p.raw["_village"] = "".join(text(values.get("village")).split())
        p.raw["_unit"] = "".join(text(values.get("unit")).split())
        p.raw["_person"] = normalize_name(text(values.get("person")))
        p.household_name = normalize_name(text(values.get("head_name")))
        p.household_id_number = normalize_id(text(values.get("id_number")))
        if text(values.get("id_number")) and isinstance(values.get("id_number"), float):
            issue(ERROR, "id_number", "身份证号被 Excel 当成了数字，后几位已丢失：请把该列设为文本后重新填写")
        p.raw["_cols"] = header
        out.append(p)
    return out


def read(paths: Sequence[Path], result: ProblemImport, *, progress: ProgressText | None = None) -> list[ProblemIn]:
    """Every row of every sheet with a recognisable header; unreadable files become one error each."""
    rows: list[ProblemIn] = []
    for n, path in enumerate(paths):
        path = Path(path)
        if progress:
            progress(n / max(len(paths), 1), f"正在读取 {path.name} …")
        try:
            book = read_workbook(path)
        except WorkbookError as exc:
            result.errors.append(Issue(ERROR, str(path), "", None, "", "", str(exc)))
            continue
        for sheet in book.sheets:
            header = find_problem_header(sheet)
            if header is None:
                result.skipped_sheets.append((str(path), sheet.name, "没有找到问题台账的表头（至少要有“问题描述”列）"))
                continue
            result.header_rows.setdefault(str(path), {})[sheet.name] = header.row
            rows += _read_sheet(str(path), sheet, header)
    return rows


def _issue_for(p: ProblemIn, key: str, message: str, severity: str = ERROR) -> Issue:
    header: ProblemHeader = p.raw["_cols"]
    col = header.columns.get(key)
    return Issue(severity, p.file, p.sheet, p.row, get_column_letter(col) if col else "",
                 header.titles.get(col, FIELDS[key][0]) if col else FIELDS[key][0], message)


_LEDGER_TO_COLUMN = {"found_date": "found_date", "deadline": "deadline", "resolved_date": "resolved_date",
                     "result": "result", "unresolvable_reason": "reason", "description": "description",
                     "focus_area": "focus_area", "source": "source", "status": "status", "priority": "priority"}


def _resolve(s, rows: list[ProblemIn], today: dt.date) -> None:
    """Names to ids against the database (village, household by ID, unit, cadre) and the ledger's checks."""
    villages = dict(s.execute(select(Village.name, Village.id)).all())
    units = dict(s.execute(select(Unit.name, Unit.id)).all())
    cadres: dict[str, list[int]] = {}
    for cid, name in s.execute(select(Cadre.id, Cadre.name).where(Cadre.active)):
        cadres.setdefault(name, []).append(cid)
    wanted = sorted({p.household_id_number for p in rows if p.household_id_number})
    holders: dict[str, tuple[int, str, int | None, int | None]] = {}
    for start in range(0, len(wanted), 500):
        for idn, hid, head, vid, pid in s.execute(
                select(Member.id_number, Household.id, Household.head_name, Household.village_id,
                       Household.settlement_point_id).join(Household, Household.id == Member.household_id)
                .where(Member.id_number.in_(wanted[start:start + 500]))):
            holders[idn] = (hid, head, vid, pid)
    for p in rows:
        raw = p.raw
        raw["household_id"] = raw["village_id"] = raw["settlement_point_id"] = None
        if p.household_id_number:
            found = holders.get(p.household_id_number)
            if found is None:
                p.issues.append(_issue_for(p, "id_number", f"身份证号 {p.household_id_number} 不属于已建档的任何一户："
                                                           "请核对号码，或先导入该户的花名册"))
            else:
                raw["household_id"], head, raw["village_id"], raw["settlement_point_id"] = found
                if p.household_name and head and p.household_name != head:
                    p.issues.append(_issue_for(p, "head_name", f"该身份证号所在户的户主是{head}，与表中的"
                                                               f"“{p.household_name}”不同，请核对", WARNING))
        if raw["_village"]:
            vid = villages.get(raw["_village"])
            if vid is None:
                p.issues.append(_issue_for(p, "village", f"没有名为“{raw['_village']}”的村：请改为已有的村名"
                                                         f"（{'、'.join(villages) or '请先在 基础信息 中添加村'}）"))
            elif raw["village_id"] is not None and raw["village_id"] != vid:
                p.issues.append(_issue_for(p, "village", f"该户属于另一个村，与表中的“{raw['_village']}”不同，请核对"))
            else:
                raw["village_id"] = vid
        if raw["_unit"]:
            uid = units.get(raw["_unit"])
            if uid is None:
                p.issues.append(_issue_for(p, "unit", f"责任单位“{raw['_unit']}”不在单位名单中：请改为名单中的名称，"
                                                      "或先在 干部与单位 中添加"))
            raw["unit_id"] = uid
        else:
            raw["unit_id"] = None
        ids = cadres.get(raw["_person"], []) if raw["_person"] else []
        raw["responsible_cadre_id"] = ids[0] if len(ids) == 1 else None
        raw["responsible_person"] = "" if len(ids) == 1 else raw["_person"]
        if p.ok:
            _values, errors = engine.validate(PROBLEMS, _ledger_raw(raw), today=today)
            for e in errors:
                key = _LEDGER_TO_COLUMN.get(e.field, "description")
                p.issues.append(_issue_for(p, key if key in FIELDS else "description", e.message))


def _ledger_raw(raw: dict) -> dict:
    return {k: v for k, v in raw.items() if not k.startswith("_")}


def _identity(raw: dict) -> tuple:
    return (raw.get("village_id"), raw.get("household_id"), raw.get("found_date"),
            " ".join((raw.get("description") or "").split()))


def _held(s) -> set[tuple]:
    return {(v, h, f, " ".join((d or "").split())) for v, h, f, d in s.execute(
        select(Problem.village_id, Problem.household_id, Problem.found_date, Problem.description))}


def run(db: Database, paths: Sequence[Path], *, skip_invalid: bool = False, dry_run: bool = False,
        today: dt.date | None = None, progress: ProgressText | None = None) -> ProblemImport:
    """Read, check and (unless refused or dry_run) write the problems in ONE transaction."""
    today = today or dt.date.today()
    result = ProblemImport(dry_run=dry_run)
    rows = read(paths, result, progress=progress)
    result.rows = len(rows)
    if progress:
        progress(0.7, "正在检查每一行 …")
    with db.read() as s:
        _resolve(s, rows, today)
        held = _held(s)
    seen: dict[tuple, int] = {}
    new: list[ProblemIn] = []
    for p in rows:
        if not p.ok:
            result.problems_skipped += 1
            continue
        key = _identity(p.raw)
        if key in held:
            result.problems_unchanged += 1
        elif key in seen:
            p.issues.append(_issue_for(p, "description", f"与第{seen[key]}行是同一个问题（村、户、发现时间、描述都相同），"
                                                         "只导入一次", WARNING))
            result.problems_unchanged += 1
        else:
            seen[key] = p.row
            new.append(p)
    for p in rows:
        for i in p.issues:
            (result.errors if i.severity == ERROR else result.warnings).append(i)
    result.refused = bool(result.errors) and not skip_invalid
    if result.refused and not dry_run:  # all or nothing: every row is left out
        result.problems_skipped, result.problems_unchanged = result.rows, 0
        return result
    result.problems_imported = len(new)
    if dry_run or not new:
        return result
    if progress:
        progress(0.85, "正在写入数据库 …")
    from app.services import backup

    with db.write() as s:
        # The backup comes first, inside the write transaction: it is exactly the data the import starts from,
        # and if it cannot be made nothing is written.
        result.backup = backup.make_backup(db, backup.KIND_IMPORT).path
        held = _held(s)  # again, in the writing transaction: a problem added meanwhile is not added twice
        for p in new:
            if _identity(p.raw) in held:
                result.problems_imported -= 1
                result.problems_unchanged += 1
                continue
            engine.write(s, PROBLEMS, None, _ledger_raw(p.raw), today=today)
    result.written = result.problems_imported > 0
    if progress:
        progress(1.0, "完成")
    return result
