"""Robustness: malformed workbooks of every kind end in a clear result (errors or a one-line refusal), never an exception."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from app.io import workbook as wbmod
from app.io import workbook_guard as guard
from app.io.headers import FIELDS
from app.io.importer import run_import
from app.io.validate import Options
from tests.io.registers import layout_a, pid

HEADERS = [h for f in FIELDS for h in f.headers[:2]] + ["", "其他", "序 号", "身份证号（18位）"]
TEXT = st.text(max_size=30).map(lambda s: ILLEGAL_CHARACTERS_RE.sub("", s))
VALUES = st.one_of(
    st.none(), TEXT, st.integers(-10**20, 10**20), st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(), st.datetimes(dt.datetime(1900, 3, 1), dt.datetime(2100, 1, 1)),
    st.dates(dt.date(1900, 3, 1), dt.date(2100, 1, 1)),
    st.sampled_from(["户主", "配偶", "男", "女", "2019.10", "2019年5月", "合计", "填表人：", "=1/0", "=A1+1",
                     "#N/A", "无房", "是", "中共党员", pid(1), pid(2).lower(), "52260119680101", "１２３"]),
)
SETTINGS = settings(max_examples=40, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                           HealthCheck.data_too_large])


def write(path: Path, sheets: list[tuple[str, list[list]]]) -> Path:
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets:
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    if not wb.sheetnames:
        wb.create_sheet("空")
    wb.save(path)
    return path


def assert_clear(prepared, result) -> None:
    """A clear result: counts add up, every issue has a place and a non-empty one-line message."""
    for issue in prepared.unreadable + result.errors + result.warnings:
        assert issue.message and "\n" not in issue.message and "Traceback" not in issue.message
        assert issue.row is None or issue.row >= 1
    found = len(prepared.validation.households)
    assert result.households_imported + result.households_updated + result.households_unchanged \
        + result.households_skipped in (found, 0) or prepared.unreadable


@SETTINGS
@given(header=st.lists(st.sampled_from(HEADERS), min_size=1, max_size=12),
       rows=st.lists(st.lists(VALUES, max_size=14), max_size=12),
       title_rows=st.integers(0, 3))
def test_wrong_types_in_every_column_end_in_a_clear_result(db, tmp_path, header, rows, title_rows):
    """Any mix of types under any header (formulas, dates as text, numbers as IDs) gives errors or imports, never raises."""
    path = write(tmp_path / "fuzz.xlsx", [("表", [["标题"]] * title_rows + [header] + rows)])
    prepared, result = run_import(db, [path], Options(village="清江村", new_places=True), skip_invalid=True)
    assert_clear(prepared, result)


@SETTINGS
@given(st.binary(max_size=2000))
def test_garbage_bytes_are_refused_in_one_line(db, tmp_path, data):
    """Random bytes named .xlsx are refused with one line naming the file; nothing is written."""
    path = tmp_path / "乱码.xlsx"
    path.write_bytes(data)
    prepared, result = run_import(db, [path], Options(new_places=True))
    assert len(prepared.unreadable) == 1 and "乱码.xlsx" in prepared.unreadable[0].message
    assert not result.written


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.integers(min_value=1, max_value=10_000), st.integers(min_value=0, max_value=255))
def test_truncated_or_damaged_workbooks_are_refused_or_read(db, tmp_path, cut, byte):
    """A real register cut short or with one byte changed is either read or refused in one line."""
    original = layout_a(tmp_path / "a.xlsx").read_bytes()
    damaged = bytearray(original[:max(len(original) - cut, 1)])
    if len(damaged) > 200:
        damaged[len(damaged) // 2] = byte
    path = tmp_path / "damaged.xlsx"
    path.write_bytes(bytes(damaged))
    prepared, result = run_import(db, [path], Options(new_places=True))
    assert_clear(prepared, result)


def test_damaged_sheet_xml_is_refused(db, tmp_path):
    """A workbook whose sheet XML is broken is refused by name."""
    path = layout_a(tmp_path / "a.xlsx")
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    parts["xl/worksheets/sheet1.xml"] = parts["xl/worksheets/sheet1.xml"][:500]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)
    path.write_bytes(buffer.getvalue())
    prepared, _ = run_import(db, [path], Options(new_places=True))
    assert "a.xlsx" in prepared.unreadable[0].message


def test_empty_workbook_and_sheets_give_a_clear_error(db, tmp_path):
    """A workbook with only empty sheets is an error that says nothing importable was found."""
    path = write(tmp_path / "空.xlsx", [("一", []), ("二", [[None, None]])])
    prepared, result = run_import(db, [path], Options(new_places=True))
    assert result.refused and "没有找到可以导入的户" in result.errors[0].message
    assert_clear(prepared, result)


def test_huge_sheet_rows_and_far_columns(db, tmp_path):
    """A register with a stray cell a million rows down and at column XFD still imports its households."""
    wb = Workbook()
    ws = wb.active
    ws.append(["村", "姓名", "与户主关系", "身份证号"])
    ws.append(["清江村", "王明华", "户主", pid(1)])
    ws["XFD5"] = "远处"
    ws["A1000000"] = "最后一行"
    wb.save(tmp_path / "huge.xlsx")
    prepared, result = run_import(db, [tmp_path / "huge.xlsx"], Options(new_places=True), skip_invalid=True)
    assert result.households_imported == 1
    assert_clear(prepared, result)


def test_zip_bomb_like_file_is_refused(db, tmp_path, monkeypatch):
    """A file that inflates past the cap is refused before it is read."""
    path = layout_a(tmp_path / "bomb.xlsx")
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/media/zeros.bin", b"\0" * (4 * 1024 * 1024))
    monkeypatch.setattr(guard, "MAX_UNCOMPRESSED", 3 * 1024 * 1024)
    prepared, result = run_import(db, [path], Options(new_places=True))
    assert "解压后超过" in prepared.unreadable[0].message and not result.written


def test_member_inflating_beyond_its_declared_size_is_refused(tmp_path):
    """A zip member that lies about its size (bigger than declared) is refused, not inflated."""
    path = layout_a(tmp_path / "liar.xlsx")
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as z:
        info = z.getinfo("xl/worksheets/sheet1.xml")
    # Patch the central directory's uncompressed size of the sheet to 10 bytes.
    central = data.rfind(b"PK\x01\x02", 0, len(data))
    while central != -1:
        name_len = int.from_bytes(data[central + 28:central + 30], "little")
        name = bytes(data[central + 46:central + 46 + name_len]).decode()
        if name == info.filename:
            data[central + 24:central + 28] = (10).to_bytes(4, "little")
            break
        central = data.rfind(b"PK\x01\x02", 0, central)
    path.write_bytes(bytes(data))
    with pytest.raises(wbmod.WorkbookError, match="liar.xlsx"):
        wbmod.read_workbook(path)
