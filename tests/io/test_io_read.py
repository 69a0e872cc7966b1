"""Step 1, reading workbooks: values as Excel shows them, and every unreadable or hostile file refused in one line."""

from __future__ import annotations

import datetime as dt
import zipfile

import openpyxl
import pytest
from openpyxl import Workbook

from app.io import workbook as wbmod
from app.io import workbook_guard as guard
from app.io.workbook import ShownFloat, WorkbookError, read_workbook
from tests.io.registers import layout_a


def test_openpyxl_parses_with_defusedxml():
    """openpyxl, which writes our workbooks and the error report's copy, uses defusedxml when reading."""
    assert openpyxl.xml.DEFUSEDXML is True


def test_values_come_back_with_their_types(tmp_path):
    """Text, numbers, dates, booleans, formulas' cached values and fixed-decimal numbers read as Excel shows them."""
    wb = Workbook()
    ws = wb.active
    ws.title = "数据"
    ws["A1"] = "王明华"
    ws["B1"] = 3
    ws["C1"] = 1.25
    ws["D1"] = dt.datetime(2019, 5, 3)
    ws["E1"] = True
    ws["F1"] = "=1+1"  # openpyxl stores no cached value: a formula never calculated reads as blank
    ws["G1"] = 2019.1
    ws["G1"].number_format = "0.00"
    ws["H1"] = 5.22601196801011e17
    ws["A3"] = "第三行"
    wb.save(tmp_path / "v.xlsx")
    sheet = read_workbook(tmp_path / "v.xlsx").sheets[0]
    assert sheet.name == "数据"
    a, b, c, d, e, f, g, h = sheet.rows[0]
    assert (a, b, c, e, f) == ("王明华", 3, 1.25, True, None)
    assert d == dt.datetime(2019, 5, 3)
    assert isinstance(g, ShownFloat) and g.shown() == "2019.10"
    assert isinstance(h, float)
    assert sheet.rows[1] == () and sheet.rows[2] == ("第三行",)


def test_merged_header_cells_are_reported(tmp_path):
    """Merged ranges in the header area are kept so a group header can cover its sub-headers."""
    sheet = read_workbook(layout_a(tmp_path / "a.xlsx")).sheets[0]
    assert (3, 12, 3, 15) in sheet.merged and (1, 1, 1, 16) in sheet.merged


@pytest.mark.parametrize("content, words", [
    (b"", "不是 Excel"),
    (b"hello, this is a csv\n1,2,3\n", "不是 Excel"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, ".xls"),
    (b"PK\x03\x04garbage that is not a zip", "已损坏"),
])
def test_a_file_that_is_not_a_workbook_gets_one_line_naming_it(tmp_path, content, words):
    """Garbage, CSV, old .xls and broken zips are refused with one Chinese line that names the file."""
    path = tmp_path / "村报表.xlsx"
    path.write_bytes(content)
    with pytest.raises(WorkbookError) as refused:
        read_workbook(path)
    message = str(refused.value)
    assert "村报表.xlsx" in message and words in message and "\n" not in message


def test_missing_file_and_folder_are_refused(tmp_path):
    """A path that does not exist or is a folder gets a clear line, not a traceback."""
    with pytest.raises(WorkbookError, match="找不到文件"):
        read_workbook(tmp_path / "nope.xlsx")
    with pytest.raises(WorkbookError, match="文件夹"):
        read_workbook(tmp_path)


def test_a_zip_that_is_not_a_workbook_is_refused(tmp_path):
    """A valid zip without a workbook inside is named and refused."""
    path = tmp_path / "photos.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("readme.txt", "hello")
    with pytest.raises(WorkbookError, match="photos.xlsx"):
        read_workbook(path)


def test_zip_bomb_is_refused_before_inflating(tmp_path, monkeypatch):
    """A workbook whose members inflate beyond the cap is refused from the zip directory, before reading."""
    path = tmp_path / "bomb.xlsx"
    wb = Workbook()
    wb.active["A1"] = "x"
    wb.save(path)
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/padding.bin", b"\0" * (3 * 1024 * 1024))  # 3 MB of zeros: a few KB compressed
    monkeypatch.setattr(guard, "MAX_UNCOMPRESSED", 2 * 1024 * 1024)
    with pytest.raises(WorkbookError, match="解压后超过"):
        read_workbook(path)


def test_too_many_zip_members_are_refused(tmp_path, monkeypatch):
    """A zip with an absurd number of members is refused."""
    path = tmp_path / "many.xlsx"
    Workbook().save(path)
    monkeypatch.setattr(guard, "MAX_MEMBERS", 3)
    with pytest.raises(WorkbookError, match="内部文件数量异常"):
        read_workbook(path)


def test_xml_entities_are_refused(tmp_path):
    """A sheet that declares a DTD (billion laughs, external entities) is refused, never expanded."""
    path = tmp_path / "lol.xlsx"
    Workbook().save(path)
    with zipfile.ZipFile(path) as z:
        parts = {name: z.read(name) for name in z.namelist()}
    parts["xl/worksheets/sheet1.xml"] = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>&lol2;</t></is></c></row></sheetData></worksheet>')
    with zipfile.ZipFile(path, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)
    with pytest.raises(WorkbookError, match="DTD"):
        read_workbook(path)


def test_cell_far_away_does_not_blow_up(tmp_path):
    """A stray value at row 100,000 and column XFD is read without padding a million cells."""
    wb = Workbook()
    ws = wb.active
    ws["A1"] = "姓名"
    ws["XFD100000"] = "远处"
    ws["B100000"] = "近处"
    wb.save(tmp_path / "far.xlsx")
    sheet = read_workbook(tmp_path / "far.xlsx").sheets[0]
    assert len(sheet.rows) == 100_000
    assert sheet.rows[-1] == (None, "近处")  # columns beyond MAX_COLUMNS are ignored


def test_cancel_stops_reading(tmp_path):
    """The cancel callback stops a long read with Cancelled."""
    wb = Workbook()
    ws = wb.active
    for i in range(5000):
        ws.append([i, "王明华"])
    wb.save(tmp_path / "long.xlsx")
    with pytest.raises(wbmod.Cancelled):
        read_workbook(tmp_path / "long.xlsx", cancel=lambda: True)


def _with_sheet_xml(path, sheet_xml: bytes):
    Workbook().save(path)
    with zipfile.ZipFile(path) as z:
        parts = {name: z.read(name) for name in z.namelist()}
    parts["xl/worksheets/sheet1.xml"] = (
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        + sheet_xml + b"</sheetData></worksheet>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return path


@pytest.mark.parametrize("sheet_xml, last, first", [
    # 5 KB that would ask calamine for a 17-billion-cell grid (and abort the program)
    (b'<row r="1"><c r="A1" t="inlineStr"><is><t>a</t></is></c></row>'
     b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>b</t></is></c></row>', 1, "a"),
    # cells that do not say where they are: one long row, and a cell far below
    (b'<row r="1">' + b'<c t="inlineStr"><is><t>x</t></is></c>' * 300 + b'</row>'
     b'<row r="900000"><c r="A900000" t="inlineStr"><is><t>b</t></is></c></row>', 900_000, "x"),
    # a cell whose reference hides behind a tab, far to the right
    (b'<row r="1"><c r="A1" t="inlineStr"><is><t>a</t></is></c><c\tr="XFD1" t="inlineStr"><is><t>z</t></is></c>'
     b'</row><row r="99999"><c r="B99999" t="inlineStr"><is><t>c</t></is></c></row>', 99_999, "a"),
])
def test_sparse_sheets_are_read_without_a_huge_grid(tmp_path, sheet_xml, last, first):
    """Sheets whose few cells lie far apart are read (columns past the 256th ignored), never held as a full grid."""
    sheet = read_workbook(_with_sheet_xml(tmp_path / "sparse.xlsx", sheet_xml)).sheets[0]
    assert len(sheet.rows) == last and sheet.rows[0][0] == first
    assert all(len(r) <= 256 for r in sheet.rows)


def test_ordinary_register_fits_calamine_grid(tmp_path):
    """The grid bound of an ordinary register is close to its real size, so calamine reads it."""
    path = layout_a(tmp_path / "a.xlsx")
    with zipfile.ZipFile(path) as z:
        data = z.read("xl/worksheets/sheet1.xml")
    assert guard.xlsx_extent(data) <= 20 * 52
    assert guard.xlsx_extent(data.replace(b'r="A1"', b'r="XFD1"')) >= 16_384


def test_workbook_with_an_opening_password_gets_its_own_message(tmp_path):
    """An .xlsx encrypted with a password (an OLE container) is named and the clerk told to remove the password."""
    import msoffcrypto

    plain = layout_a(tmp_path / "plain.xlsx")
    locked = tmp_path / "加密.xlsx"
    with open(plain, "rb") as src, open(locked, "wb") as out:
        office = msoffcrypto.OfficeFile(src)
        office.encrypt("1234", out)
    with pytest.raises(WorkbookError) as refused:
        read_workbook(locked)
    message = str(refused.value)
    assert "加密.xlsx" in message and "密码" in message and "\n" not in message


def _ods(path, content: bytes):
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", content)
        z.writestr("META-INF/manifest.xml", '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                   'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry '
                   'manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
                   '</manifest:manifest>')
    return path


_ODS_HEAD = (b'<?xml version="1.0" encoding="UTF-8"?>'
             b'<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
             b'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
             b'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet>')
_ODS_TAIL = b"</office:spreadsheet></office:body></office:document-content>"


def test_ods_with_entities_is_refused(tmp_path):
    """An .ods whose content declares entities is refused, never expanded."""
    content = (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
               + _ODS_HEAD[len(b'<?xml version="1.0" encoding="UTF-8"?>'):]
               + b'<table:table table:name="S"><table:table-row><table:table-cell office:value-type="string">'
               b'<text:p>&b;</text:p></table:table-cell></table:table-row></table:table>' + _ODS_TAIL)
    with pytest.raises(WorkbookError, match="DTD"):
        read_workbook(_ods(tmp_path / "lol.ods", content))


def test_ods_whose_repeats_make_a_huge_grid_is_refused(tmp_path):
    """A filled cell repeated over thousands of rows and columns (a few bytes) is refused in one line."""
    content = (_ODS_HEAD + b'<table:table table:name="S"><table:table-row table:number-rows-repeated="5000">'
               b'<table:table-cell table:number-columns-repeated="5000" office:value-type="string"><text:p>x</text:p>'
               b'</table:table-cell></table:table-row></table:table>' + _ODS_TAIL)
    with pytest.raises(WorkbookError, match="范围过大") as refused:
        read_workbook(_ods(tmp_path / "大.ods", content))
    assert "大.ods" in str(refused.value)


def test_ods_trailing_empty_repeats_cost_nothing(tmp_path):
    """LibreOffice's trailing empty rows and columns (repeated a million times) are read as the few cells they hold."""
    content = (_ODS_HEAD + b'<table:table table:name="S"><table:table-row><table:table-cell office:value-type="string">'
               b'<text:p>head</text:p></table:table-cell><table:table-cell table:number-columns-repeated="1023"/>'
               b'</table:table-row><table:table-row table:number-rows-repeated="1048575">'
               b'<table:table-cell table:number-columns-repeated="1024"/></table:table-row></table:table>' + _ODS_TAIL)
    sheet = read_workbook(_ods(tmp_path / "lo.ods", content)).sheets[0]
    assert sheet.rows == [("head",)]


def test_strict_open_xml_workbook_is_read(tmp_path):
    """A workbook saved as "Strict Open XML" (other namespaces) is read like any other."""
    path = tmp_path / "strict.xlsx"
    wb = Workbook()
    wb.active.append(["姓名", "身份证号"])
    wb.active.append(["王明华", "522601196801050113"])
    wb.save(path)
    with zipfile.ZipFile(path) as z:
        parts = {name: z.read(name) for name in z.namelist()}
    with zipfile.ZipFile(path, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data.replace(b"http://schemas.openxmlformats.org/spreadsheetml/2006/main",
                                          b"http://purl.oclc.org/ooxml/spreadsheetml/main"))
    assert read_workbook(path).sheets[0].rows == [("姓名", "身份证号"), ("王明华", "522601196801050113")]
