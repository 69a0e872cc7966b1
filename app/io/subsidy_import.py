"""`import subsidy` (SPEC §11): the county's or a village's 后扶人口名册, with the error contract of §5.

The same reader as the register (app.io.workbook), the header anywhere in the first 12 rows, row-level
errors naming sheet, row and column; all-or-nothing unless skip_invalid (then each bad row is skipped and
the rest imported), dry_run lists the changes and writes nothing, a backup is taken before writing, and a
second import of the same file changes nothing. Each row is one person, found in the archive by ID.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from openpyxl.utils import get_column_letter
from sqlalchemy import select

from app import vocab
from app.db import Database
from app.io.headers import HEADER_ROWS, header_key
from app.io.validate import ERROR, WARNING, Issue, text
from app.io.workbook import Sheet, WorkbookError, read_workbook
from app.models import Household, Member, SubsidyFacts, Village
from app.rules import mask_id, normalize_id
from app.rules.dates import read_date
from app.rules.subsidy import default_start, normalize_account, relocated_day
from app.services import backup, history
from app.services.subsidy import LABELS, FactsData, apply_facts, check_facts, facts_of

ProgressText = Callable[[float, str], None]

# key -> (label, accepted headers)
COLUMNS: dict[str, tuple[str, tuple[str, ...]]] = {
    "name": ("姓名", ("姓名",)),
    "id_number": ("身份证号", ("身份证号", "身份证号码", "公民身份号码")),
    "category": ("扶持类别", ("扶持类别", "人口类别", "移民类别")),
    "start_on": ("纳入扶持时间", ("纳入扶持时间", "纳入时间", "扶持起始时间")),
    "account": ("一卡通账号", ("一卡通账号", "银行账号", "账号", "卡号")),
    "bank": ("开户银行", ("开户银行", "开户行")),
    "state": ("状态", ("状态", "人员状态")),
    "reduced_on": ("核减时间", ("核减时间", "核减日期")),
    "reduced_reason": ("核减原因", ("核减原因",)),
    "village": ("村", ("村", "所在村", "村名", "行政村")),
    "group": ("组", ("组", "组别", "村民组", "村民小组")),
    "head": ("户主姓名", ("户主姓名", "户主")),
    "relation": ("与户主关系", ("与户主关系", "关系")),
}
_ACCEPTED = {header_key(h): key for key, (_label, names) in COLUMNS.items() for h in names}
_STATE_SYNONYMS = {"": vocab.SUBSIDY_ON, "在册": vocab.SUBSIDY_ON, "正常": vocab.SUBSIDY_ON,
                   "核减": vocab.SUBSIDY_REDUCED, "已核减": vocab.SUBSIDY_REDUCED}


@dataclass
class SheetHeader:
    row: int
    columns: dict[str, int]
    titles: dict[int, str]


def find_columns(sheet: Sheet, accepted: dict[str, str], required: tuple[str, ...]) -> SheetHeader | None:
    """The first row in the first 12 whose cells name all `required` keys (bracketed notes ignored)."""
    for row in range(1, min(HEADER_ROWS, len(sheet.rows)) + 1):
        columns: dict[str, int] = {}
        titles: dict[int, str] = {}
        for col, value in enumerate(sheet.rows[row - 1], start=1):
            title = "" if value is None else str(value).strip()
            key = accepted.get(header_key(title)) or accepted.get(header_key(title.split("（")[0].split("(")[0]))
            if title:
                titles[col] = title
            if key and key not in columns:
                columns[key] = col
        if all(k in columns for k in required):
            return SheetHeader(row, columns, titles)
    return None


@dataclass
class PersonIn:
    file: str
    sheet: str
    row: int
    id_number: str
    data: FactsData
    issues: list[Issue] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(i.severity == ERROR for i in self.issues)


@dataclass
class SubsidyImport:
    """The outcome of `import subsidy` (SPEC §11 JSON: as `import households` with people counts)."""

    people_imported: int = 0
    people_updated: int = 0
    people_unchanged: int = 0
    people_skipped: int = 0
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    changes: list[dict] = field(default_factory=list)
    header_rows: dict[str, dict[str, int]] = field(default_factory=dict)  # file -> sheet -> header row
    unreadable: list[Issue] = field(default_factory=list)
    read: int = 0
    written: bool = False
    refused: bool = False
    dry_run: bool = False
    backup: Path | None = None
    seconds: float = 0.0

    def as_json(self) -> dict:
        return {"people_imported": self.people_imported, "people_updated": self.people_updated,
                "people_unchanged": self.people_unchanged, "people_skipped": self.people_skipped,
                "errors": [i.as_json() for i in self.errors], "warnings": [i.as_json() for i in self.warnings],
                "changes": list(self.changes)}


class _Rows:
    """Reads one sheet's rows into PersonIn values, with the row-level checks that need no database."""

    def __init__(self, file: str, sheet: Sheet, header: SheetHeader) -> None:
        self.file, self.sheet, self.header = file, sheet, header

    def issue(self, severity: str, row: int, key: str | None, message: str, value: object = None) -> Issue:
        col = self.header.columns.get(key) if key else None
        letter = get_column_letter(col) if col else ""
        title = self.header.titles.get(col, COLUMNS[key][0]) if col else ""
        return Issue(severity, self.file, self.sheet.name, row, letter, title, message, text(value))

    def cell(self, row: int, key: str):
        col = self.header.columns.get(key)
        return self.sheet.value(row, col) if col else None

    def people(self) -> list[PersonIn]:
        out = []
        for row in range(self.header.row + 1, len(self.sheet.rows) + 1):
            values = {k: self.cell(row, k) for k in COLUMNS}
            if all(text(values[k]) == "" for k in ("name", "id_number", "account", "category")):
                continue
            out.append(self.person(row, values))
        return out

    def person(self, row: int, v: dict) -> PersonIn:
        issues: list[Issue] = []
        idn = normalize_id(v["id_number"])
        if not idn:
            issues.append(self.issue(ERROR, row, "id_number", "请填写身份证号", v["id_number"]))
        category = text(v["category"]).replace(" ", "")
        if category not in vocab.SUBSIDY_CATEGORIES:
            issues.append(self.issue(ERROR, row, "category", f"扶持类别只能是“现状人口”或“原迁人口”，而不是“{category}”"
                                     if category else "请填写扶持类别（现状人口或原迁人口）", v["category"]))
        start_on = self.day(row, "start_on", v, issues)
        reduced_on = self.day(row, "reduced_on", v, issues)
        state = _STATE_SYNONYMS.get(text(v["state"]).replace(" ", ""))
        if state is None:
            issues.append(self.issue(ERROR, row, "state", f"状态只能是“在册”或“核减”，而不是“{text(v['state'])}”",
                                     v["state"]))
            state = vocab.SUBSIDY_ON
        reason = text(v["reduced_reason"])
        if state == vocab.SUBSIDY_REDUCED:
            if reduced_on is None and not any(i.column and i.header == self.title("reduced_on") for i in issues):
                issues.append(self.issue(ERROR, row, "reduced_on" if "reduced_on" in self.header.columns else "state",
                                         "核减的人员请填写核减时间", v["reduced_on"]))
            if not reason:
                issues.append(self.issue(ERROR, row, "reduced_reason" if "reduced_reason" in self.header.columns
                                         else "state", "核减的人员请填写核减原因", v["reduced_reason"]))
        account, problem = normalize_account(v["account"])  # the raw value: a number cell has lost digits
        if problem:
            issues.append(self.issue(ERROR, row, "account", problem, v["account"]))
        reduced = state == vocab.SUBSIDY_REDUCED
        data = FactsData(on_roster=True, category=category, start_on=start_on, account=account,
                         bank=text(v["bank"]), state=state, reduced_on=reduced_on if reduced else None,
                         reduced_reason=reason if reduced else "")
        return PersonIn(self.file, self.sheet.name, row, idn, data, issues)

    def title(self, key: str) -> str:
        col = self.header.columns.get(key)
        return self.header.titles.get(col, "") if col else ""

    def day(self, row: int, key: str, v: dict, issues: list[Issue]):
        day, problem = read_date(v[key], COLUMNS[key][0])
        if problem:
            issues.append(self.issue(ERROR, row, key, problem, v[key]))
        return day


def read_people(paths: Sequence[Path], result: SubsidyImport) -> list[tuple[PersonIn, _Rows]]:
    people: list[tuple[PersonIn, _Rows]] = []
    for path in paths:
        label = str(path)
        try:
            workbook = read_workbook(Path(path))
        except WorkbookError as exc:
            result.unreadable.append(Issue(ERROR, label, "", None, "", "", str(exc)))
            continue
        for sheet in workbook.sheets:
            header = find_columns(sheet, _ACCEPTED, ("name", "id_number"))
            if header is None:
                continue
            result.header_rows.setdefault(label, {})[sheet.name] = header.row
            rows = _Rows(label, sheet, header)
            people += [(p, rows) for p in rows.people()]
    seen: dict[str, PersonIn] = {}
    for person, rows in people:
        if not person.id_number:
            continue
        first = seen.get(person.id_number)
        if first is None:
            seen[person.id_number] = person
        else:
            where = f"第{first.row}行" if first.sheet == person.sheet and first.file == person.file else \
                f"“{Path(first.file).name}”「{first.sheet}」第{first.row}行"
            person.issues.append(rows.issue(ERROR, person.row, "id_number",
                                            f"身份证号与{where}重复，同一人只能出现一次", person.id_number))
    return people


def _check_against(s, people: list[tuple[PersonIn, _Rows]]) -> dict[str, Member]:
    ids = sorted({p.id_number for p, _ in people if p.id_number})
    held: dict[str, Member] = {}
    for start in range(0, len(ids), 900):
        for m in s.scalars(select(Member).where(Member.id_number.in_(ids[start:start + 900]))):
            held.setdefault(m.id_number, m)
    villages = dict(s.execute(select(Household.id, Village.name).join(Village, Village.id == Household.village_id,
                                                                          isouter=True)
                              .where(Household.id.in_({m.household_id for m in held.values()}))).all()) \
        if held else {}
    for person, rows in people:
        if not person.id_number:
            continue
        member = held.get(person.id_number)
        if member is None:
            person.issues.append(rows.issue(ERROR, person.row, "id_number",
                                            f"档案中没有身份证号为 {mask_id(person.id_number)} 的人，请先把此人录入一户一档",
                                            person.id_number))
            continue
        v = {k: rows.cell(person.row, k) for k in ("name", "village", "group", "head", "relation")}
        checks = [("name", member.name), ("village", villages.get(member.household_id) or ""),
                  ("group", member.household.group_name), ("head", member.household.head_name),
                  ("relation", member.relation)]
        for key, held_value in checks:
            given = text(v[key]).replace(" ", "")
            if given and held_value and given != held_value.replace(" ", ""):
                person.issues.append(rows.issue(WARNING, person.row, key,
                                                f"{COLUMNS[key][0]}“{given}”与档案中的“{held_value}”不一致（以档案为准）",
                                                v[key]))
    return held


def run_subsidy_import(db: Database, paths: Sequence[Path], *, skip_invalid: bool = False, dry_run: bool = False,
                       progress: ProgressText | None = None) -> SubsidyImport:
    """Read, check and (unless refused or dry_run) write the roster in one transaction."""
    t0 = time.perf_counter()
    step = progress or (lambda fraction, text_: None)
    result = SubsidyImport(dry_run=dry_run)
    step(0.05, "正在读取名册 …")
    people = read_people(paths, result)
    result.read = len(people)
    step(0.5, "正在与档案比对 …")
    with (db.read() if dry_run else db.write()) as s:
        held = _check_against(s, people)
        result.errors = result.unreadable + [i for p, _ in people for i in p.issues if i.severity == ERROR]
        result.warnings = [i for p, _ in people for i in p.issues if i.severity == WARNING]
        refused = bool(result.errors) and not skip_invalid
        result.refused = refused
        plan: list[tuple[PersonIn, Member, list]] = []
        for person, _rows in people:
            member = held.get(person.id_number)
            if not person.ok or member is None:
                result.people_skipped += 1
                continue
            before = facts_of(s.get(SubsidyFacts, member.id))
            after = _planned(member, person.data)
            diffs = [] if before is None else [
                (LABELS[k], history.display_text(getattr(before, k)), history.display_text(getattr(after, k)))
                for k in LABELS if getattr(before, k) != getattr(after, k)]
            if before is None:
                result.people_imported += 1
            elif diffs:
                result.people_updated += 1
                result.changes += [{"household": member.household.archive_no, "head": member.household.head_name,
                                    "member": member.name, "field": f, "old": _shown(f, o), "new": _shown(f, n),
                                    "applies": not refused} for f, o, n in diffs]
            else:
                result.people_unchanged += 1
            if before is None or diffs:
                plan.append((person, member, diffs))
        if refused:
            result.people_skipped = len(people)
        if dry_run or refused or not plan:
            result.seconds = time.perf_counter() - t0
            return result
        step(0.7, "正在备份数据库（导入前）…")
        result.backup = backup.make_backup(db, backup.KIND_IMPORT).path
        step(0.8, "正在写入 …")
        entries = [(member.household_id, apply_facts(s, member, person.data)) for person, member, _ in plan]
        history.record_many(s, entries, ("导入后扶名册：" + "、".join(Path(p).name for p in paths))[:200])
        result.written = True
    step(1.0, "完成")
    result.seconds = time.perf_counter() - t0
    return result


def _planned(member: Member, data: FactsData) -> FactsData:
    """The facts as apply_facts would store them (the default start filled in), to compare with what is held."""
    data = check_facts(data)
    if data.start_on is None:
        data = replace(data, start_on=default_start(data.category, relocated_day(member.household.relocation_date)))
    return data


def _shown(label: str, value: str) -> str:
    """An account in the listed changes shows its last 4 digits only."""
    if label == LABELS["account"] and value:
        return "*" * max(len(value) - 4, 0) + value[-4:]
    return value


def where(i: Issue) -> str:
    """Where an issue is, as the clerk reads it: file, sheet, row, column (header)."""
    parts = [Path(i.file).name]
    if i.sheet:
        parts.append(f"「{i.sheet}」")
    if i.row:
        parts.append(f"第{i.row}行")
    if i.column:
        parts.append(f"{i.column}列" + (f"（{i.header}）" if i.header else ""))
    return " ".join(parts)


def summary_text(result: SubsidyImport, *, cli: bool = True) -> str:
    """The outcome in the clerk's words (the command line; with cli=False the page's check before importing)."""
    verb = "将" if result.dry_run or result.refused else ""
    lines = []
    if result.dry_run:
        lines.append("试运行（--dry-run）：只检查，没有写入数据库。" if cli else "检查结果（尚未导入）：")
    if result.refused:
        lines.append(f"发现 {len(result.errors)} 个错误，全部未导入（数据库没有任何改动）。请按下面的说明改正文件后重新导入，"
                     + ("或使用 --skip-invalid 只导入没有错误的行。" if cli else "或点“只导入没有错误的行”。"))
    lines.append(f"共读取 {result.read} 人：{verb}新增 {result.people_imported} 人，{verb}更新 "
                 f"{result.people_updated} 人，无变化 {result.people_unchanged} 人，跳过 {result.people_skipped} 人。")
    if not result.header_rows:
        lines.append("文件中没有找到后扶人口名册的表头（需要“姓名”和“身份证号”列）。")
    for title, issues in (("错误", result.errors), ("提醒", result.warnings)):
        if issues:
            lines.append(f"{title} {len(issues)} 个：")
            lines += [f"  {where(i)}：{i.message}" for i in issues[:200]]
            if len(issues) > 200:
                lines.append(f"  ……另有 {len(issues) - 200} 个" + ("，使用 --json 或 --error-report 查看全部" if cli else ""))
    if result.changes:
        lines.append(f"对已登记人员的改动 {len(result.changes)} 处：")
        lines += [f"  {c['member']}（{c['household']}）{c['field']}：{c['old'] or '（空）'} → {c['new'] or '（空）'}"
                  for c in result.changes[:50]]
    if result.backup is not None:
        lines.append(f"导入前已备份数据库：{result.backup}")
    return "\n".join(lines)
