"""The import error report (issue point 6): everything in it is text (no formula from the village's file in
its cells, sheet names or messages), and it is never written over a file being imported."""

from __future__ import annotations

import hashlib
import re
import sys
import zipfile
from pathlib import Path

from openpyxl import Workbook, load_workbook

from app.cli import main

sys.path.insert(0, str(Path(__file__).parent.parent / "io"))
from registers import pid  # noqa: E402

EVIL_NAME = '=HYPERLINK("http://example.invalid/x","点我")'
EVIL_SHEET = "=SUM(1,2)"


def cli(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def village_file(path: Path) -> Path:
    """A register whose names, sheet name and a 合计 cell start with "=", "+", "-", "@"; it has errors."""
    wb = Workbook()
    ws = wb.active
    ws.title = EVIL_SHEET
    ws.append(["村", "户编号", "姓名", "与户主关系", "性别", "身份证号", "承包地面积"])
    ws.append(["清江村", "1", EVIL_NAME, "户主", "男", "=1+1", 1])  # a bad ID: the message names the person
    ws.append(["清江村", "1", "+86王", "配偶", "女", "12345", 1])
    ws.append(["清江村", "2", "@李", "户主", "男", "-3", 2])
    ws.append(["合计", None, None, None, None, None, "=SUM(G2:G4)"])  # a real formula of the village's
    for cell in (ws["C2"], ws["F2"]):
        cell.data_type = "s"  # typed as text in Excel (with the quote prefix): a string that starts with "="
        cell.quotePrefix = True
    wb.save(path)
    return path


def formulas_in(path: Path) -> list[str]:
    """Every formula element in the workbook's sheets, read from the XML itself."""
    found = []
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                found += re.findall(r"<f[ >].*?</f>|<f/>", z.read(name).decode("utf-8"))
    return found


def test_error_report_holds_no_formula(db, tmp_path, capsys):
    """Text from the village file that starts with "=" arrives as text, in the copy, the 错误说明 column and
    the list of problems (sheet names and messages too)."""
    source = village_file(tmp_path / "村报表.xlsx")
    report = tmp_path / "错误报告.xlsx"
    code, _out, err = cli(capsys, "--db", db.path, "import", "households", source, "--error-report", report)
    assert code == 1, err
    assert formulas_in(report) == []
    wb = load_workbook(report)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
    copy = wb[EVIL_SHEET]
    assert copy["C2"].value == EVIL_NAME and copy["C2"].data_type == "s" and copy["C2"].quotePrefix
    assert copy["G5"].value == "=SUM(G2:G4)" and copy["G5"].data_type == "s"
    summary = wb.worksheets[0]
    sheets = [summary.cell(row=r, column=2).value for r in range(2, summary.max_row + 1)]
    messages = [summary.cell(row=r, column=5).value for r in range(2, summary.max_row + 1)]
    assert EVIL_SHEET in sheets
    assert any(m.startswith("=HYPERLINK") for m in messages), messages
    for r in range(2, summary.max_row + 1):
        assert summary.cell(row=r, column=5).data_type == "s"


def test_error_report_over_the_input_is_refused(db, tmp_path, capsys):
    """`--error-report` naming the very file being imported (by any spelling) is refused; it keeps its bytes."""
    source = village_file(tmp_path / "村报表.xlsx")
    before = hashlib.sha256(source.read_bytes()).hexdigest()
    for target in (source, tmp_path / "." / "村报表.xlsx"):
        code, _out, err = cli(capsys, "--db", db.path, "import", "households", source, "--error-report", target)
        assert code == 2 and "正在读取的文件" in err and err.count("\n") == 1
    assert hashlib.sha256(source.read_bytes()).hexdigest() == before


def test_error_report_for_several_files_never_replaces_one_of_them(db, tmp_path, capsys):
    """With two files the per-file report names may not land on the other input either."""
    first = village_file(tmp_path / "a.xlsx")
    second = village_file(tmp_path / "out-a.xlsx")  # the name the report of a.xlsx would get from out.xlsx
    before = hashlib.sha256(second.read_bytes()).hexdigest()
    code, _out, err = cli(capsys, "--db", db.path, "import", "households", first, second,
                          "--error-report", tmp_path / "out.xlsx")
    assert code == 2 and "正在读取的文件" in err
    assert hashlib.sha256(second.read_bytes()).hexdigest() == before


def test_duplicate_id_message_masks_the_number(db, tmp_path, capsys):
    """The message about an ID given twice in one import shows only its first 6 and last 4 characters."""
    import json

    wb = Workbook()
    ws = wb.active
    ws.append(["村", "户编号", "姓名", "与户主关系", "性别", "身份证号"])
    same = pid(21)
    ws.append(["清江村", "1", "王一", "户主", "男", same])
    ws.append(["清江村", "2", "王二", "户主", "男", same])
    wb.save(tmp_path / "dup.xlsx")
    code, out, _err = cli(capsys, "--db", db.path, "import", "households", tmp_path / "dup.xlsx", "--json")
    assert code == 1
    messages = [e["message"] for e in json.loads(out)["errors"]]
    assert any("重复出现" in m for m in messages), messages
    for m in messages:
        assert same not in m
    assert any(f"{same[:6]}{'*' * 8}{same[-4:]}" in m for m in messages)
