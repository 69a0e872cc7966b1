"""The error report (SPEC §5): a copy of the village's workbook with the bad cells highlighted and a
错误说明 column saying, row by row, what to fix; plus a sheet listing every issue. No Qt.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import MergedCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import column_index_from_string, get_column_letter

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
                return load_workbook(source)  # defusedxml guards the XML; formulas are kept as formulas
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
                       header_rows: dict[str, int] | None = None) -> Path:
    """Copy `source` to `out`, filling each cell with an error red (a warning yellow) and adding a 错误说明
    column on every sheet with issues; header_rows gives each sheet's header row for the column's title."""
    wb = _editable_copy(Path(source))
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
            head = ws.cell(row=header_row, column=note_col, value=NOTE_HEADER)
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
            cell = ws.cell(row=row, column=note_col, value=text)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            cell.fill = ERROR_FILL if any(i.severity == ERROR for i in row_issues) else WARNING_FILL
    title = SUMMARY_SHEET
    while title in wb.sheetnames:
        title += "_"
    summary = wb.create_sheet(title, 0)
    summary.append(["类别", "工作表", "行", "列", "说明"])
    for cell in summary[1]:
        cell.font = Font(bold=True)
    for issue in issues:
        summary.append(["错误" if issue.severity == ERROR else "提醒", issue.sheet, issue.row, issue.column,
                        issue.message])
    for letter, width in zip("ABCDE", (6, 16, 6, 6, 100)):
        summary.column_dimensions[letter].width = width
    summary.freeze_panes = "A2"
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    wb.save(out)
    return out
