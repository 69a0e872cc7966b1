"""The import use-case (SPEC §5, §7): read the files, validate, apply in one transaction; no Qt.

`prepare` reads, groups and validates (and plans against the database, writing nothing) for a preview;
`commit` applies a prepared import in one transaction, re-checking against the database as it is then.
`run_import` does both for the command line. Both take progress(fraction, text) and cancel() callbacks
so the wizard can run them off the GUI thread; cancelling rolls back and writes nothing. `recheck` runs the
database checks of a preview again with what the clerk has confirmed since (renames, new places).

Safety of imports (SPEC §5): a commit that writes takes a backup (导入前) first, inside the write
transaction, so the backup is exactly the data the import starts from; both the preview and the result
list every change to households already held (`changes`), also when the import has errors.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from app.db import Database
from app.io import apply as apply_step
from app.io.against import check_against
from app.io.apply import HeldChange
from app.io.cells import collector_paused
from app.io.grouping import SheetParse, group_sheet
from app.io.validate import ERROR, Issue, Options, Validation, validate
from app.io.workbook import Cancelled, WorkbookError, read_workbook
from app.services import backup

ProgressText = Callable[[float, str], None]
CancelCheck = Callable[[], bool]

__all__ = ["Cancelled", "HeldChange", "ImportResult", "Prepared", "commit", "prepare", "read_files", "recheck",
           "run_import"]


@dataclass
class Prepared:
    """Files read and validated, with the plan against the database at the time of the preview."""

    paths: list[Path]
    parsed: list[tuple[str, list[SheetParse]]]
    unreadable: list[Issue]  # one per file that is not a readable workbook
    validation: Validation
    options: Options
    would_import: int = 0
    would_update: int = 0
    would_keep: int = 0
    timings: dict[str, float] = field(default_factory=dict)
    changes: list[HeldChange] = field(default_factory=list)  # to households already held (SPEC §5)

    @property
    def households(self) -> int:
        return len(self.validation.households)

    @property
    def members(self) -> int:
        return sum(len(h.members) for h in self.validation.households)

    @property
    def errors(self) -> list[Issue]:
        return self.unreadable + self.validation.errors

    @property
    def warnings(self) -> list[Issue]:
        return self.validation.warnings

    @property
    def valid_households(self) -> int:
        return len(self.validation.valid)


@dataclass
class ImportResult:
    """The outcome of an import: the counts and issues of SPEC §7, plus what the summary shows."""

    households_imported: int = 0
    households_updated: int = 0
    households_unchanged: int = 0
    households_skipped: int = 0
    members_imported: int = 0
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    written: bool = False
    refused: bool = False
    dry_run: bool = False
    new_villages: list[str] = field(default_factory=list)
    new_points: list[tuple[str, str]] = field(default_factory=list)
    skipped_sheets: list[tuple[str, str, str]] = field(default_factory=list)  # (file, sheet, reason)
    timings: dict[str, float] = field(default_factory=dict)
    changes: list[HeldChange] = field(default_factory=list)  # to households already held (SPEC §5)
    backup: Path | None = None  # the 导入前 backup taken before writing

    def as_json(self) -> dict:
        """The object SPEC §7 prints for `import ... --json`, with the `changes` of SPEC §5."""
        return {
            "households_imported": self.households_imported,
            "households_updated": self.households_updated,
            "households_unchanged": self.households_unchanged,
            "households_skipped": self.households_skipped,
            "members_imported": self.members_imported,
            "errors": [i.as_json() for i in self.errors],
            "warnings": [i.as_json() for i in self.warnings],
            "changes": [c.as_json() for c in self.changes],
        }


def _file_label(path: Path) -> str:
    return str(path)


def read_files(paths: Sequence[Path], *, progress: ProgressText | None = None,
               cancel: CancelCheck | None = None) -> tuple[list[tuple[str, list[SheetParse]]], list[Issue]]:
    """Each readable file's sheets grouped into households; an unreadable file gives one error line instead."""
    parsed: list[tuple[str, list[SheetParse]]] = []
    unreadable: list[Issue] = []
    count = max(len(paths), 1)
    for index, path in enumerate(paths):
        path = Path(path)
        label = _file_label(path)

        def on_read(fraction: float, index=index, name=path.name) -> None:
            if progress is not None:
                progress((index + 0.8 * fraction) / count, f"正在读取 {name} …")

        try:
            workbook = read_workbook(path, progress=on_read, cancel=cancel)
        except WorkbookError as exc:
            unreadable.append(Issue(ERROR, label, "", None, "", "", str(exc)))
            continue
        if progress is not None:
            progress((index + 0.85) / count, f"正在识别 {path.name} 的表头和各户 …")
        parsed.append((label, [group_sheet(sheet) for sheet in workbook.sheets]))
        del workbook
    return parsed, unreadable


def prepare(db: Database, paths: Sequence[Path], options: Options | None = None, *,
            progress: ProgressText | None = None, cancel: CancelCheck | None = None) -> Prepared:
    """Read, group and validate the files and plan against the database; writes nothing (the preview)."""
    with collector_paused():
        return _prepare(db, paths, options, progress=progress, cancel=cancel)


def _prepare(db: Database, paths: Sequence[Path], options: Options | None, *,
             progress: ProgressText | None, cancel: CancelCheck | None) -> Prepared:
    options = options or Options()
    t0 = time.perf_counter()
    step = progress or (lambda fraction, text: None)
    parsed, unreadable = read_files(paths, progress=lambda f, t: step(0.7 * f, t), cancel=cancel)
    t1 = time.perf_counter()
    step(0.72, "正在检查每一户的数据 …")
    validation = validate(parsed, options, cancel=cancel)
    prepared = Prepared(list(map(Path, paths)), parsed, unreadable, validation, options)
    _against_database(db, prepared, step, cancel)
    t2 = time.perf_counter()
    step(1.0, "检查完成")
    prepared.timings = {"read": t1 - t0, "validate": t2 - t1}
    return prepared


def recheck(db: Database, prepared: Prepared, options: Options, *, progress: ProgressText | None = None,
            cancel: CancelCheck | None = None) -> Prepared:
    """The same files checked against the database again with new options (what the clerk confirmed, the
    batch's registration date); the files are not read again. Writes nothing."""
    again = replace(prepared, options=options)
    _against_database(db, again, progress or (lambda fraction, text: None), cancel)
    return again


def _against_database(db: Database, prepared: Prepared, step: ProgressText, cancel: CancelCheck | None) -> None:
    validation = prepared.validation
    with db.read() as s:
        check_against(validation, apply_step.load_known(s, validation.households), prepared.options)
        step(0.9, "正在与数据库中的档案比对 …")
        p = apply_step.plan(s, validation, skip_invalid=True, registered_on=_batch_date(prepared.options),
                            cancel=cancel)
    prepared.would_import, prepared.would_update, prepared.would_keep = len(p.new), len(p.updated), len(p.unchanged)
    prepared.changes = p.held_changes()


def _batch_date(options: Options) -> dt.date:
    """The registration date of households the file gives no 登记日期 for (SPEC §4.8)."""
    return options.registered_on or options.today or dt.date.today()


def _reason(paths: Sequence[Path]) -> str:
    names = "、".join(Path(p).name for p in paths)
    return ("导入：" + names)[:200]


def commit(db: Database, prepared: Prepared, *, skip_invalid: bool, dry_run: bool = False,
           progress: ProgressText | None = None, cancel: CancelCheck | None = None) -> ImportResult:
    """Apply a prepared import in ONE transaction (all or nothing unless skip_invalid); nothing on dry_run.

    The database checks are re-run inside the transaction, so edits made since the preview are respected.
    """
    with collector_paused():
        return _commit(db, prepared, skip_invalid=skip_invalid, dry_run=dry_run, progress=progress, cancel=cancel)


def _commit(db: Database, prepared: Prepared, *, skip_invalid: bool, dry_run: bool,
            progress: ProgressText | None, cancel: CancelCheck | None) -> ImportResult:
    step = progress or (lambda fraction, text: None)
    result = ImportResult(dry_run=dry_run, timings=dict(prepared.timings))
    result.skipped_sheets = [(s.file, s.name, s.skipped_reason) for s in prepared.validation.sheets
                             if s.skipped_reason]
    validation = prepared.validation
    t0 = time.perf_counter()
    session_scope = db.read() if dry_run else db.write()
    with session_scope as s:
        step(0.05, "正在与数据库中的档案比对 …")
        check_against(validation, apply_step.load_known(s, validation.households), prepared.options)
        result.errors = prepared.unreadable + validation.errors
        result.warnings = validation.warnings
        result.new_villages = list(validation.new_villages)
        result.new_points = list(validation.new_points)
        refused = bool(result.errors) and not skip_invalid  # unreadable files count too: all or nothing
        # Planned in full even when refused, so that the changes to households held are listed either way.
        p = apply_step.plan(s, validation, skip_invalid=True, registered_on=_batch_date(prepared.options),
                            cancel=cancel)
        result.changes = p.held_changes()
        if refused:
            p = apply_step.Plan(skipped=list(validation.households))
        t1 = time.perf_counter()
        result.timings["validate"] = result.timings.get("validate", 0.0) + (t1 - t0)
        result.households_skipped = len(p.skipped)
        result.households_unchanged = len(p.unchanged)
        result.refused = refused or (bool(result.errors) and not p.new and not p.updated and not p.unchanged)
        if dry_run or refused:
            result.households_imported = len(p.new)
            result.households_updated = len(p.updated)
            result.members_imported = p.members_new
        else:
            if p.new or p.updated:
                # The backup comes first: if it cannot be made, the import stops here and writes nothing.
                step(0.08, "正在备份数据库（导入前）…")
                result.backup = backup.make_backup(db, backup.KIND_IMPORT).path
            step(0.1, "正在写入数据库 …")
            written = apply_step.write(s, p, _reason(prepared.paths),
                                       progress=lambda f: step(0.1 + 0.9 * f, "正在写入数据库 …"), cancel=cancel)
            result.households_imported = written.households_imported
            result.households_updated = written.households_updated
            result.members_imported = written.members_imported
            result.new_villages = written.villages_created
            result.new_points = written.points_created
            result.written = bool(written.households_imported or written.households_updated)
        result.timings["apply"] = time.perf_counter() - t1
    step(1.0, "完成")
    return result


def run_import(db: Database, paths: Sequence[Path], options: Options | None = None, *, skip_invalid: bool = False,
               dry_run: bool = False, progress: ProgressText | None = None,
               cancel: CancelCheck | None = None) -> tuple[Prepared, ImportResult]:
    """The command line's import: read and validate, then commit (or only count, on a dry run)."""
    with collector_paused():
        return _run_import(db, paths, options or Options(), skip_invalid=skip_invalid, dry_run=dry_run,
                           progress=progress, cancel=cancel)


def _run_import(db: Database, paths: Sequence[Path], options: Options, *, skip_invalid: bool, dry_run: bool,
                progress: ProgressText | None, cancel: CancelCheck | None) -> tuple[Prepared, ImportResult]:
    t0 = time.perf_counter()
    parsed, unreadable = read_files(paths, progress=progress, cancel=cancel)
    t1 = time.perf_counter()
    validation = validate(parsed, options, cancel=cancel)
    t2 = time.perf_counter()
    prepared = Prepared(list(map(Path, paths)), parsed, unreadable, validation, options,
                        timings={"read": t1 - t0, "validate": t2 - t1})
    result = _commit(db, prepared, skip_invalid=skip_invalid, dry_run=dry_run, progress=progress, cancel=cancel)
    return prepared, result
