"""The error report (SPEC §5): a copy of the village's workbook with the bad cells highlighted and a
错误说明 column saying, row by row, what to fix; plus a sheet listing every issue. No Qt.

The report goes back to the village, so nothing in it is live: every cell of the copy, every message and
every sheet name is written as text (a value such as "=HYPERLINK(…)" or "+86…" arrives as those characters,
never as a formula). It is written through the output guard: never over a file being imported.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import MergedCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import column_index_from_string, get_column_letter

from app import outputs
from app.io.validate import ERROR, Issue
from app.io.workbook import WorkbookError, open_zip, read_workbook
from app.io.workbook_guard import sniff

ERROR_FILL = PatternFill("solid", fgColor="FF9999")
WARNING_FILL = PatternFill("solid", fgColor="FFE699")
NOTE_HEADER = "错误说明"
SUMMARY_SHEET = "导入问题清单"


def report_paths(out: Path, files: Sequence[str]) -> dict[str, Path]:
    """Where each file's report goes: `out` itself for one file, else out's name plus the file's name."""
    out = Path(out)
    if len(files) == 1:
        return {files[0]: out}
    paths: dict[str, Path] = {}
    for file in files:
        candidate = out.with_name(f"{out.stem}-{Path(file).stem}{out.suffix or '.xlsx'}")
        n = 2
        while candidate in paths.values():
            candidate = out.with_name(f"{out.stem}-{Path(file).stem}-{n}{out.suffix or '.xlsx'}")
            n += 1
        paths[file] = candidate
    return paths


_FORMULA_STARTS = ("=", "+", "-", "@")


def _as_text(cell) -> None:
    """Make a cell inert: a formula becomes the text of the formula, a string stays a string; a string that
    Excel would read as a formula when the clerk edits the cell also gets the quote prefix (shown as typed)."""
    value = cell.value
    if cell.data_type == "f" or (value is not None and not isinstance(value, (str, int, float, bool))
                                 and hasattr(value, "text")):
        text = value if isinstance(value, str) else (getattr(value, "text", None) or str(value))
        cell._value = text if text.startswith("=") else f"={text}"
        cell.data_type = "s"
        value = cell._value
    elif isinstance(value, str):
        cell.data_type = "s"
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        cell.quotePrefix = True


def _text_cell(ws, row: int, column: int, value):
    """Put a value the program wrote (a message, a sheet name) into a cell, as text when it is a string."""
    cell = ws.cell(row=row, column=column)
    if isinstance(value, str):
        cell._value = value
        cell.data_type = "s"
        if value.startswith(_FORMULA_STARTS):
            cell.quotePrefix = True
    else:
        cell.value = value
    return cell


def _target(ws, row: int, col: int):
    """The cell to mark: the cell itself, or the top-left cell of the merged range it lies in."""
    cell = ws.cell(row=row, column=col)
    if isinstance(cell, MergedCell):
        for merged in ws.merged_cells.ranges:
            if merged.min_row <= row <= merged.max_row and merged.min_col <= col <= merged.max_col:
                return ws.cell(row=merged.min_row, column=merged.min_col)
        return None
    return cell


def _editable_copy(source: Path) -> Workbook:
    """The village's workbook as openpyxl can mark it: the .xlsx itself, or for .xls/.xlsb/.ods a new
    workbook holding the values and header merges as the import read them (same sheets, rows and columns)."""
    if sniff(source).startswith(b"PK"):
        archive = open_zip(source)  # the same zip-bomb checks as the import
        is_xlsx = "xl/workbook.xml" in archive.namelist()
        archive.close()
        if is_xlsx:
            try:
                return load_workbook(source)  # defusedxml guards the XML; formulas become text below
            except Exception:
                raise WorkbookError(f"“{source.name}”无法打开，不能生成错误报告") from None
    wb = Workbook()
    wb.remove(wb.active)
    try:
        for sheet in read_workbook(source).sheets:
            ws = wb.create_sheet(sheet.name)
            for row in sheet.rows:
                ws.append([float(v) if isinstance(v, float) else v for v in row])
            for r1, c1, r2, c2 in sheet.merged:
                ws.merge_cells(start_row=r1, start_column=c1, end_row=r2, end_column=c2)
    except WorkbookError:
        raise
    except Exception:
        raise WorkbookError(f"“{source.name}”无法打开，不能生成错误报告") from None
    return wb


def write_error_report(source: Path, issues: Sequence[Issue], out: Path,
                       header_rows: dict[str, int] | None = None, *, inputs: Sequence[Path] = ()) -> Path:
    """Copy `source` to `out`, filling each cell with an error red (a warning yellow) and adding a 错误说明
    column on every sheet with issues; header_rows gives each sheet's header row for the column's title.
    `inputs` are the other files of the same import: out may be none of them (nor source). Raises
    outputs.OutputError (one Chinese line; nothing written) when out is refused or cannot be written."""
    guarded = [Path(source), *map(Path, inputs)]
    outputs.check_target(out, inputs=guarded)
    wb = _editable_copy(Path(source))
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is not None and not isinstance(cell, MergedCell):
                    _as_text(cell)
    header_rows = header_rows or {}
    by_sheet: dict[str, list[Issue]] = defaultdict(list)
    for issue in issues:
        if issue.sheet in wb.sheetnames and issue.row:
            by_sheet[issue.sheet].append(issue)
    for name, sheet_issues in by_sheet.items():
        ws = wb[name]
        note_col = ws.max_column + 1
        header_row = header_rows.get(name)
        if header_row:
            head = _text_cell(ws, header_row, note_col, NOTE_HEADER)
            head.font = Font(bold=True, color="C00000")
            head.alignment = Alignment(horizontal="center", vertical="center")
        ws.column_dimensions[get_column_letter(note_col)].width = 60
        notes: dict[int, list[Issue]] = defaultdict(list)
        for issue in sheet_issues:
            notes[issue.row].append(issue)
            if issue.column:
                try:
                    col = column_index_from_string(issue.column)
                except ValueError:
                    continue
                cell = _target(ws, issue.row, col)
                if cell is not None and not (issue.severity != ERROR and cell.fill == ERROR_FILL):
                    cell.fill = ERROR_FILL if issue.severity == ERROR else WARNING_FILL
        for row, row_issues in notes.items():
            text = "；".join(("错误：" if i.severity == ERROR else "提醒：") + i.message for i in row_issues)
            cell = _text_cell(ws, row, note_col, text)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            cell.fill = ERROR_FILL if any(i.severity == ERROR for i in row_issues) else WARNING_FILL
    title = SUMMARY_SHEET
    while title in wb.sheetnames:
        title += "_"
    summary = wb.create_sheet(title, 0)
    for column, heading in enumerate(("类别", "工作表", "行", "列", "说明"), start=1):
        _text_cell(summary, 1, column, heading).font = Font(bold=True)
    for number, issue in enumerate(issues, start=2):
        values = ("错误" if issue.severity == ERROR else "提醒", issue.sheet, issue.row,
                  issue.column, issue.message)
        for column, value in enumerate(values, start=1):
            _text_cell(summary, number, column, value)
    for letter, width in zip("ABCDE", (6, 16, 6, 6, 100)):
        summary.column_dimensions[letter].width = width
    summary.freeze_panes = "A2"
    with outputs.replacing(out, inputs=guarded) as f:
        wb.save(f)
    return Path(out).absolute()
