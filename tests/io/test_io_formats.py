"""Every workbook format a village sends (.xlsx, .xls, .ods) imports exactly alike: same households, same
members and values, same error and warning rows; and a register that was imported as .xlsx is unchanged
when the same register comes again as .xls or .ods."""

from __future__ import annotations

import datetime as dt

import pytest

from app.io.importer import run_import
from app.io.validate import Options
from app.io.workbook import read_workbook
from tests.io.other_formats import to_ods, to_xls
from tests.io.registers import family_rows, layout_a, layout_b, pid, simple

CONVERT = {"xls": to_xls, "ods": to_ods}


def with_errors(path):
    """A layout-B register with a bad ID, a missing relation, two heads, an ID twice and a Excel date."""
    rows = family_rows("01", 1) + family_rows("02", 3) + [
        ["清江村", "03", "吴三", "户主", "男", pid(5)[:17] + "0", "新寨安置点", 2],
        ["清江村", "04", "郑四", None, "男", pid(6), "新寨安置点", None],
        ["清江村", "05", "冯五", "户主", "男", pid(7), "河坝分散点", 0.5],
        ["清江村", "05", "冯六", "户主", "男", pid(8), None, None],
        ["清江村", "06", "陈七", "户主", "女", pid(1), "新寨安置点", "一亩"],
    ]
    header = ["村", "户编号", "姓名", "与户主关系", "性别", "身份证号", "安置点", "承包地面积"]
    path = simple(path, rows, header=header)
    import openpyxl

    wb = openpyxl.load_workbook(path)
    ws = wb.active
    ws["I1"] = "搬迁时间"
    ws["I2"] = dt.datetime(2019, 6, 1)
    ws["I4"] = "2019.10"
    wb.save(path)
    return path


BUILDERS = {"layout_a": layout_a, "layout_b": layout_b, "with_errors": with_errors}


def outcome(db, path, village="清江村"):
    """What an import would do, without the file's name: households with their data and rows, and issues."""
    prepared, result = run_import(db, [path], Options(village=village), dry_run=True)
    name = path.name
    households = [(h.sheet, h.first_row, tuple(h.rows), repr(h.data), h.village, h.point,
                   tuple((m.row, repr(m.data), tuple(sorted(m.present))) for m in h.members))
                  for h in prepared.validation.households]
    issues = [(i.severity, i.sheet, i.row, i.column, i.header, i.message.replace(name, "F"))
              for i in result.errors + result.warnings]
    return households, issues, [i.message for i in prepared.unreadable]


@pytest.mark.parametrize("kind", sorted(CONVERT))
@pytest.mark.parametrize("register", sorted(BUILDERS))
def test_register_imports_alike_in_every_format(db, tmp_path, kind, register):
    """The .xls and the .ods of a register give the same households, values and issue rows as its .xlsx."""
    source = BUILDERS[register](tmp_path / f"{register}.xlsx")
    other = CONVERT[kind](source, tmp_path / f"{register}.{kind}")
    expected = outcome(db, source)
    assert expected[0] and not expected[2]
    assert outcome(db, other) == expected
    if register == "with_errors":
        assert sum(1 for i in expected[1] if i[0] == "error") >= 6


@pytest.mark.parametrize("kind", sorted(CONVERT))
def test_register_imported_as_xlsx_is_unchanged_by_its_other_format(db, tmp_path, kind):
    """Import the .xlsx, then the same register as .xls/.ods: every household is matched and nothing changes."""
    source = layout_a(tmp_path / "a.xlsx")
    _, first = run_import(db, [source], Options(village="平寨村", new_places=True))
    assert first.households_imported == 3 and not first.errors
    _, again = run_import(db, [CONVERT[kind](source, tmp_path / f"a.{kind}")], Options(village="平寨村", new_places=True))
    assert (again.households_imported, again.households_updated, again.households_unchanged) == (0, 0, 3)


@pytest.mark.parametrize("kind", sorted(CONVERT))
def test_other_formats_keep_header_merges_and_dates(tmp_path, kind):
    """Merged header cells and Excel dates come through .xls and .ods as through .xlsx."""
    source = layout_a(tmp_path / "a.xlsx")
    sheet = read_workbook(CONVERT[kind](source, tmp_path / f"a.{kind}")).sheets[0]
    assert (3, 12, 3, 15) in sheet.merged and (1, 1, 1, 16) in sheet.merged
    assert dt.datetime(2020, 6, 1) in sheet.rows[10]
    assert sheet.rows[0] == ("平寨村库区搬迁群众花名册",)


@pytest.mark.parametrize("kind", sorted(CONVERT))
def test_error_report_of_an_xls_or_ods_register_marks_its_cells(db, tmp_path, kind):
    """The error report of a .xls/.ods register is an .xlsx copy of its values with the bad cells marked."""
    import openpyxl

    from app.io.report import ERROR_FILL, write_error_report

    source = CONVERT[kind](with_errors(tmp_path / "e.xlsx"), tmp_path / f"e.{kind}")
    _, result = run_import(db, [source], Options(village="清江村"), dry_run=True)
    out = write_error_report(source, result.errors + result.warnings, tmp_path / "报告.xlsx", {"Sheet1": 1})
    ws = openpyxl.load_workbook(out)["Sheet1"]
    assert ws["C7"].value == "郑四" and ws["D7"].fill.fgColor.rgb == ERROR_FILL.fgColor.rgb
    assert "与户主关系" in ws.cell(row=7, column=ws.max_column).value


@pytest.mark.parametrize("kind", sorted(CONVERT))
def test_cli_imports_an_xls_or_ods_register(tmp_path, capsys, kind):
    """`import households 平寨村.xls` imports the register; exit 0 and the same counts as the .xlsx."""
    import json

    from app.cli import main

    dbfile = tmp_path / "town.db"
    assert main(["--db", str(dbfile), "init", "--town", "清江镇"]) == 0
    source = CONVERT[kind](layout_a(tmp_path / "a.xlsx"), tmp_path / f"平寨村.{kind}")
    capsys.readouterr()
    code = main(["--db", str(dbfile), "import", "households", str(source), "--new-village", "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0 and out["households_imported"] == 3 and out["members_imported"] == 7
