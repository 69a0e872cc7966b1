"""Export, the blank template and the error report: the township ledger layout and a marked copy for villages."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest

from app.io.export import export_households, write_template
from app.io.grouping import group_sheet
from app.io.headers import find_header
from app.io.importer import run_import
from app.io.report import NOTE_HEADER, SUMMARY_SHEET, report_paths, write_error_report
from app.io.validate import Options
from app.io.workbook import read_workbook
from app.io.xlsx_layout import LedgerColumn, LedgerSheet, write_ledger
from tests.io.registers import family_rows, layout_a


def test_ledger_layout_title_unit_header_footer_and_print_setup(tmp_path):
    """A ledger has a merged title, 填报单位/填报日期, a frozen header repeated on each page, A4 landscape, a footer."""
    path = tmp_path / "ledger.xlsx"
    write_ledger(path, [LedgerSheet("台账", "问题台账", [LedgerColumn("姓名"), LedgerColumn("身份证号", 20, "@")],
                                    [["王明华", "522601196801050113"], ["李秀英", "52260119700305012X"]],
                                    unit="清江镇水利移民站", date=dt.date(2024, 3, 5))])
    ws = openpyxl.load_workbook(path)["台账"]
    assert ws["A1"].value == "问题台账" and "A1:C1" in {str(r) for r in ws.merged_cells.ranges}
    assert ws["A2"].value == "填报单位：清江镇水利移民站" and "2024年3月5日" in ws["B2"].value
    assert [c.value for c in ws[3]] == ["序号", "姓名", "身份证号"]
    assert [ws["A4"].value, ws["A5"].value] == [1, 2] and ws["C5"].number_format == "@"
    assert ws.freeze_panes == "A4" and ws.print_title_rows == "$3:$3"
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9  # A4
    assert ws.print_area == "'台账'!$A$1:$C$7"
    footer = " ".join(c.value for c in ws[7] if c.value)
    assert "填表人：" in footer and "审核人：" in footer


def test_export_writes_one_row_per_person_with_ids_as_text(db, tmp_path, add_household):
    """The export lists every member on its own row under the household's columns; IDs are text cells."""
    add_household("张国强", phone="13812345678")
    add_household("赵志刚", housing="无房")
    summary = export_households(db, tmp_path / "out.xlsx")
    assert (summary.households, summary.members) == (2, 4)
    ws = openpyxl.load_workbook(tmp_path / "out.xlsx").active
    header = [c.value for c in ws[3]]
    id_col = header.index("身份证号") + 1
    rows = list(ws.iter_rows(min_row=4, max_row=7))
    assert all(isinstance(r[id_col - 1].value, str) and r[id_col - 1].number_format == "@" for r in rows)
    assert [r[header.index("姓名")].value for r in rows] == ["张国强", "李秀英", "赵志刚", "李秀英"]
    assert rows[0][header.index("户主姓名")].value == rows[1][header.index("户主姓名")].value == "张国强"


def test_template_is_a_recognisable_empty_register(tmp_path):
    """The blank template's header is found, its ID column is text, and it holds no households."""
    path = write_template(tmp_path / "模板.xlsx", unit="清江镇")
    sheets = read_workbook(path).sheets
    header = find_header(sheets[0])
    assert header is not None and {"household_key", "name", "relation", "id_number", "village"} <= header.columns.keys()
    assert group_sheet(sheets[0]).households == []
    ws = openpyxl.load_workbook(path).worksheets[0]
    assert ws.cell(row=4, column=header.columns["id_number"]).number_format == "@"
    assert ws.data_validations.count > 0
    assert openpyxl.load_workbook(path).sheetnames == ["搬迁群众花名册", "填表说明"]


def test_filled_template_imports(db, tmp_path):
    """A template filled in by a village imports."""
    path = write_template(tmp_path / "模板.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    header = [c.value for c in ws[3]]
    for r, values in enumerate(family_rows("1", 1), start=4):
        village, key, name, relation, sex, idn, point, land = values
        for title, value in (("户编号", key), ("村", village), ("姓名", name), ("与户主关系", relation),
                             ("性别", sex), ("身份证号", idn), ("安置点", point)):
            ws.cell(row=r, column=header.index(title) + 1, value=value)
    wb.save(path)
    _, result = run_import(db, [path], Options(new_places=True))
    assert result.households_imported == 1 and result.errors == []


def test_error_report_marks_cells_and_explains_each_row(db, tmp_path):
    """The report is a copy of the register with bad cells filled and a 错误说明 column on the bad rows."""
    source = layout_a(tmp_path / "a.xlsx")
    wb = openpyxl.load_workbook(source)
    wb.active["O6"] = "52260119720303004"  # 李秀英: 17 characters
    wb.save(source)
    prepared, result = run_import(db, [source], Options(new_places=True))
    assert result.refused
    out = write_error_report(source, result.errors + result.warnings, tmp_path / "报告.xlsx", {"平寨村": 3})
    report = openpyxl.load_workbook(out)
    assert report.sheetnames[0] == SUMMARY_SHEET
    ws = report["平寨村"]
    note_col = 17
    assert ws.cell(row=3, column=note_col).value == NOTE_HEADER
    assert "身份证号" in ws.cell(row=6, column=note_col).value and ws.cell(row=6, column=note_col).value.startswith("错误")
    assert ws["O6"].fill.fgColor.rgb.endswith("FF9999")
    assert ws["A1"].value == "平寨村库区搬迁群众花名册"  # the rest of the workbook is kept
    assert report[SUMMARY_SHEET].max_row >= 2


def test_report_paths_for_several_files(tmp_path):
    """One file: the report goes where asked; several: one report each, named after the file."""
    assert report_paths(tmp_path / "r.xlsx", ["a.xlsx"]) == {"a.xlsx": tmp_path / "r.xlsx"}
    paths = report_paths(tmp_path / "r.xlsx", ["x/a.xlsx", "y/b.xlsx"])
    assert paths == {"x/a.xlsx": tmp_path / "r-a.xlsx", "y/b.xlsx": tmp_path / "r-b.xlsx"}


def test_archive_export_keeps_the_township_layout_for_printing(db, tmp_path, add_household):
    """The archive as written: merged title, 填报单位/填报日期, 序号, frozen header repeated on each A4 page,
    print area to the footer, page numbers in the footer, fitted to the page width; the ID column stays text."""
    add_household("张国强", phone="13812345678")
    export_households(db, tmp_path / "档案.xlsx", today=dt.date(2024, 3, 5))
    wb = openpyxl.load_workbook(tmp_path / "档案.xlsx")
    ws = wb.active
    header = [c.value for c in ws[3]]
    last = openpyxl.utils.get_column_letter(len(header))
    assert ws["A1"].value.endswith("搬迁群众花名册（一户一档）") and f"A1:{last}1" in {str(r) for r in ws.merged_cells}
    assert ws["A2"].value.startswith("填报单位：") and any("2024年3月5日" in str(c.value) for c in ws[2] if c.value)
    assert header[0] == "序号" and [ws["A4"].value, ws["A5"].value] == [1, 2]
    assert ws.freeze_panes == "A4" and ws.print_title_rows == "$3:$3"
    assert ws.print_area.endswith(f"$A$1:${last}$7")
    footer = " ".join(str(c.value) for c in ws[7] if c.value)
    assert "填表人：" in footer and "审核人：" in footer
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9
    assert ws.sheet_properties.pageSetUpPr.fitToPage and (ws.page_setup.fitToWidth or 1) == 1  # 1 is the default
    assert ws.page_setup.fitToHeight == 0 and ws.print_options.horizontalCentered
    assert "&P" in ws.oddFooter.center.text and "&N" in ws.oddFooter.center.text
    id_col = header.index("身份证号") + 1
    assert ws.cell(row=4, column=id_col).number_format == "@" and isinstance(ws.cell(row=4, column=id_col).value, str)
    assert ws.column_dimensions[openpyxl.utils.get_column_letter(id_col)].width >= 20
    assert ws.cell(row=4, column=1).border.left.style == "thin" and ws["B3"].font.bold


def test_clerk_text_starting_with_equals_is_written_as_text(tmp_path):
    """A note typed as "=1+1" or a URL stays text in the ledger, never a formula or a link."""
    path = tmp_path / "台账.xlsx"
    write_ledger(path, [LedgerSheet("台账", "问题台账", [LedgerColumn("备注"), LedgerColumn("日期", 11, "yyyy-mm-dd")],
                                    [["=1+1", dt.date(2024, 3, 5)], ["http://example.org", None]])])
    ws = openpyxl.load_workbook(path)["台账"]
    assert ws["B4"].value == "=1+1" and ws["B4"].data_type == "s" and ws["B5"].hyperlink is None
    assert ws["C4"].value == dt.datetime(2024, 3, 5) and ws["C4"].number_format == "yyyy-mm-dd"


def test_values_of_every_type_come_back_as_written(tmp_path):
    """Text, whole and decimal numbers, booleans, dates and times, blanks, long text: read back unchanged,
    with the column's format (or a date format where the column has none) and the 序号 counting rows."""
    path = tmp_path / "台账.xlsx"
    long_text = "长" * 40_000
    rows = [["王明华", 3, 1.25, True, dt.datetime(2024, 3, 5, 8, 30), dt.date(2024, 3, 6), None],
            ["", -7, 1e-7, False, dt.date(2020, 1, 2), None, long_text],
            ["  前后空格  ", 10**12, float("nan"), None, None, dt.date(1950, 12, 31), "a&b<c>\"d\""]]
    columns = [LedgerColumn(h) for h in ("文字", "整数", "小数", "是否", "时间")] + \
        [LedgerColumn("日期", 11, "yyyy-mm-dd"), LedgerColumn("长文字")]
    (count,) = write_ledger(path, [LedgerSheet("台账", "各种值", columns, rows)])
    ws = openpyxl.load_workbook(path)["台账"]
    got = [[c.value for c in row] for row in ws.iter_rows(min_row=4, max_row=6)]
    assert count == 3 and [r[0] for r in got] == [1, 2, 3]
    assert got[0][1:] == ["王明华", 3, 1.25, True, dt.datetime(2024, 3, 5, 8, 30), dt.datetime(2024, 3, 6), None]
    assert got[1][1:6] == [None, -7, 1e-7, False, dt.datetime(2020, 1, 2)] and got[1][7] == "长" * 32_767
    assert got[2][1] == "  前后空格  " and got[2][2] == 10**12 and got[2][3] == "#NUM!"
    assert got[2][6] == dt.datetime(1950, 12, 31) and got[2][7] == "a&b<c>\"d\""
    assert ws["F4"].number_format.startswith("yyyy-mm-dd") and ws["G4"].number_format == "yyyy-mm-dd"
    assert all(ws.cell(row=r, column=c).border.left.style == "thin" for r in (4, 5, 6) for c in range(1, 9))


def test_cancelled_export_writes_nothing(db, tmp_path, add_household):
    """Cancelling the archive export while rows are written leaves no file behind."""
    from app.io.workbook import Cancelled

    for i in range(3):
        add_household(f"户主{i}")

    def cancel(fraction):
        raise Cancelled()

    target = tmp_path / "档案.xlsx"
    with pytest.raises(Cancelled):
        export_households(db, target, progress=cancel)
    assert not target.exists()


def test_export_of_many_households_reads_back_whole(db, tmp_path):
    """An archive of 1,500 people over 500 households exports and imports into an empty database unchanged."""
    from app.db import create_database
    from app.services import town
    from tests.io.registers import family_rows, simple

    rows = [r for n in range(500) for r in family_rows(f"{n:03d}", 3 * n + 1)[:2]]
    _, first = run_import(db, [simple(tmp_path / "r.xlsx", rows)], Options(new_places=True), skip_invalid=True)
    summary = export_households(db, tmp_path / "档案.xlsx")
    assert summary.members == first.members_imported
    other = create_database(tmp_path / "other.db")
    town.seed_reference_data(other)
    try:
        _, again = run_import(other, [tmp_path / "档案.xlsx"], Options(new_places=True))
        assert (again.households_imported, again.members_imported) == (first.households_imported,
                                                                          first.members_imported)
        assert again.errors == []
    finally:
        other.close()


def test_ledger_can_be_written_into_an_open_file(tmp_path):
    """write_ledger_to fills a binary file the caller opened (a guarded temporary file) with the same workbook."""
    import io

    from app.io.xlsx_layout import write_ledger_to

    buffer = io.BytesIO()
    counts = write_ledger_to(buffer, [LedgerSheet("台账", "问题台账", [LedgerColumn("姓名")], [["王明华"], ["李秀英"]])])
    ws = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))["台账"]
    assert counts == [2] and [ws["B4"].value, ws["B5"].value] == ["王明华", "李秀英"]


def test_shared_strings_come_out_as_xlsxwriter_writes_them(tmp_path):
    """The faster shared-string writer escapes what XlsxWriter escapes: XML characters, control characters and
    their _xHHHH_ form, whitespace at either end, line breaks; the part is the same, byte for byte."""
    import io
    import zipfile

    import xlsxwriter

    from app.io.xlsx_rows import Workbook

    strings = (["A&B", "<r>x</r>", " 前空格", "后空格 ", "_x0041_", "\x01", "\u3000全角空格", "两\n行", "x\ufffe"]
               + [f"王明华{i}" for i in range(2500)] + ["最后&"])
    parts = []
    for cls in (xlsxwriter.Workbook, Workbook):
        buffer = io.BytesIO()
        wb = cls(buffer, {"in_memory": True})
        ws = wb.add_worksheet()
        for row, text in enumerate(strings):
            ws.write_string(row, 0, text)
        wb.close()
        parts.append(zipfile.ZipFile(buffer).read("xl/sharedStrings.xml"))
    assert parts[0] == parts[1]


def test_crc32_combine_is_the_crc_of_the_joined_bytes():
    """The rows' CRC is taken apart from the XML around them; combined it is zlib's CRC of the whole part."""
    import random
    import zlib

    from app.io.xlsx_rows import crc32_combine

    rng = random.Random(7)
    for length in (0, 1, 3, 64, 1000, 65_537):
        a, b = rng.randbytes(rng.randrange(0, 500)), rng.randbytes(length)
        assert crc32_combine(zlib.crc32(a), zlib.crc32(b), len(b)) == zlib.crc32(a + b), length


def test_rows_deflated_in_pieces_make_a_valid_package(tmp_path, monkeypatch):
    """Rows handed to the deflating thread a few at a time, over two sheets, come out as a zip whose every
    CRC holds and whose cells, shared strings and footer are all in place."""
    import threading
    import zipfile

    from app.io import xlsx_rows

    monkeypatch.setattr(xlsx_rows, "_FLUSH", 7)
    people = [[f"姓名{i}", f"5226011968{i:08d}", i % 5 or None, dt.date(1960, 1, 1) + dt.timedelta(days=i)]
              for i in range(250)]
    columns = [LedgerColumn("姓名"), LedgerColumn("身份证号", 20, "@"), LedgerColumn("人数"),
               LedgerColumn("出生日期", 11, "yyyy-mm-dd")]
    path = tmp_path / "两表.xlsx"
    before = threading.active_count()
    counts = write_ledger(path, [LedgerSheet("甲", "甲表", columns, people), LedgerSheet("乙", "乙表", columns, people[:9])])
    assert counts == [250, 9] and threading.active_count() == before
    with zipfile.ZipFile(path) as z:
        assert z.testzip() is None
    wb = openpyxl.load_workbook(path)
    for name, rows in (("甲", people), ("乙", people[:9])):
        ws = wb[name]
        got = [[c.value for c in r][1:] for r in ws.iter_rows(min_row=4, max_row=3 + len(rows))]
        assert got == [[p[0], p[1], p[2], dt.datetime.combine(p[3], dt.time())] for p in rows]
        assert ws.cell(row=len(rows) + 5, column=2).value == "填表人：" and ws.freeze_panes == "A4"
        assert ws["A1"].value == f"{name}表" and ws.print_title_rows == "$3:$3"


def test_rows_that_fail_leave_no_file_and_no_thread(tmp_path):
    """An error while the rows are made stops the deflating thread and writes nothing at the target."""
    import threading

    def rows():
        for i in range(3000):
            yield [f"王明华{i}"]
        raise RuntimeError("读取中断")

    before = threading.active_count()
    target = tmp_path / "中断.xlsx"
    with pytest.raises(RuntimeError):
        write_ledger(target, [LedgerSheet("台账", "问题台账", [LedgerColumn("姓名")], rows())])
    assert not target.exists() and threading.active_count() == before


def test_repeated_numbers_and_dates_keep_their_own_values(tmp_path):
    """Values worked out once per distinct value: 0.0 and -0.0 (equal keys) are still written apart, equal
    Decimals and floats give the same number, and each date its own serial."""
    import math
    from decimal import Decimal

    values = [0.0, -0.0, Decimal("2.50"), 2.5, Decimal("-0.00"), 0.0]
    rows = [[v, dt.date(2024, 3, 5 + i % 2)] for i, v in enumerate(values)]
    path = tmp_path / "数.xlsx"
    write_ledger(path, [LedgerSheet("数", "数", [LedgerColumn("数"), LedgerColumn("日", 11, "yyyy-mm-dd")], rows)])
    ws = openpyxl.load_workbook(path)["数"]
    got = [ws.cell(row=4 + i, column=2).value for i in range(len(values))]
    assert [math.copysign(1, g) for g in got] == [1, -1, 1, 1, -1, 1] and got[2:4] == [2.5, 2.5]
    assert [ws.cell(row=4 + i, column=3).value.day for i in range(len(values))] == [5, 6] * 3
