"""The import and export commands of SPEC §7: exit codes, the exact JSON, dry run, skip-invalid, re-import, history."""

from __future__ import annotations

import json
import subprocess
import sys

import openpyxl
import pytest

from app.cli import main
from app.db import open_database
from app.services import households as hs
from app.services.history import household_history
from tests.io.registers import family_rows, layout_a, layout_b, simple

JSON_KEYS = {"households_imported", "households_updated", "households_unchanged", "households_skipped",
             "members_imported", "errors", "warnings", "changes"}  # changes: SPEC §5, safety of imports


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def dbfile(tmp_path, capsys):
    """A fresh, empty database file made with `init`."""
    path = tmp_path / "town.db"
    assert run(capsys, "--db", path, "init", "--town", "清江镇")[0] == 0
    return path


def households(path) -> list[hs.HouseholdRow]:
    db = open_database(path)
    try:
        return hs.fetch_rows(db, hs.query_ids(db, hs.HouseholdQuery()))
    finally:
        db.close()


def test_import_json_has_exactly_the_spec_shape(dbfile, tmp_path, capsys):
    """--json prints one object with exactly the SPEC §7 keys, issues as {file, sheet, row, column, message}."""
    code, out, err = run(capsys, "--db", dbfile, "import", "households", "--new-village", layout_a(tmp_path / "a.xlsx"), "--json")
    assert code == 0, err
    result = json.loads(out)
    assert set(result) == JSON_KEYS
    assert (result["households_imported"], result["members_imported"], result["errors"]) == (3, 7, [])
    assert all(set(w) == {"file", "sheet", "row", "column", "message"} for w in result["warnings"])
    assert len(households(dbfile)) == 3


def test_data_errors_exit_1_and_write_nothing(dbfile, tmp_path, capsys):
    """A register with an error is refused with exit 1; the errors say row and column; nothing is written."""
    rows = family_rows("1", 1) + [["清江村", "2", "赵六", "户主", "男", "5226011968", None, None]]
    code, out, _ = run(capsys, "--db", dbfile, "import", "households", "--new-village", simple(tmp_path / "r.xlsx", rows), "--json")
    result = json.loads(out)
    assert code == 1 and result["households_imported"] == 0 and result["households_skipped"] == 2
    assert [(e["sheet"], e["row"], e["column"]) for e in result["errors"]] == [("Sheet1", 4, "F")]
    assert households(dbfile) == []


def test_readable_summary_without_json(dbfile, tmp_path, capsys):
    """Without --json the summary is Chinese text naming the counts and each error's place."""
    rows = family_rows("1", 1) + [["清江村", "2", "赵六", "户主", "男", "5226011968", None, None]]
    code, out, _ = run(capsys, "--db", dbfile, "import", "households", "--new-village", simple(tmp_path / "r.xlsx", rows))
    assert code == 1 and "全部未导入" in out and "第4行 F列（身份证号）" in out


def test_dry_run_writes_nothing(dbfile, tmp_path, capsys):
    """--dry-run counts what would be imported and leaves the database empty."""
    code, out, _ = run(capsys, "--db", dbfile, "import", "households", "--new-village", layout_a(tmp_path / "a.xlsx"), "--dry-run",
                       "--json")
    assert code == 0 and json.loads(out)["households_imported"] == 3
    assert households(dbfile) == []


def test_skip_invalid_leaves_whole_households_out(dbfile, tmp_path, capsys):
    """--skip-invalid imports the good household and leaves the one with a bad member out whole."""
    rows = family_rows("1", 1) + family_rows("2", 3)
    rows[3][3] = "邻居"  # the second household's spouse: an unknown relation
    code, out, _ = run(capsys, "--db", dbfile, "import", "households", "--new-village", simple(tmp_path / "r.xlsx", rows),
                       "--skip-invalid", "--json")
    result = json.loads(out)
    assert code == 0 and (result["households_imported"], result["households_skipped"]) == (1, 1)
    assert [r.head_name for r in households(dbfile)] == ["户主1"] and [r.member_count for r in households(dbfile)] == [2]


def test_reimport_counts_unchanged(dbfile, tmp_path, capsys):
    """Importing the same register again reports every household unchanged."""
    path = layout_a(tmp_path / "a.xlsx")
    run(capsys, "--db", dbfile, "import", "households", "--new-village", path)
    code, out, _ = run(capsys, "--db", dbfile, "import", "households", "--new-village", path, "--json")
    result = json.loads(out)
    assert code == 0 and (result["households_unchanged"], result["households_imported"]) == (3, 0)
    assert result["warnings"] == []


def test_changed_value_goes_into_history(dbfile, tmp_path, capsys):
    """A register with a changed phone updates the household and the history names the file."""
    rows = family_rows("1", 1)
    header = ["村", "户编号", "姓名", "与户主关系", "性别", "身份证号", "安置点", "承包地面积", "联系电话"]
    run(capsys, "--db", dbfile, "import", "households", "--new-village", simple(tmp_path / "v1.xlsx", [rows[0] + ["13800000001"], rows[1]],
                                                                 header=header))
    code, out, _ = run(capsys, "--db", dbfile, "import", "households",
                       simple(tmp_path / "v2.xlsx", [rows[0] + ["138-0000-0002"], rows[1]], header=header), "--json")
    assert code == 0 and json.loads(out)["households_updated"] == 1
    db = open_database(dbfile)
    try:
        (hid,) = hs.query_ids(db, hs.HouseholdQuery())
        phone = next(r for r in household_history(db, hid) if r.field == "联系电话")
        assert (phone.old, phone.new, phone.reason) == ("13800000001", "13800000002", "导入：v2.xlsx")
    finally:
        db.close()


def test_not_a_workbook_is_one_line_exit_2(dbfile, tmp_path, capsys):
    """A file that is not a workbook: exit 2, one line on stderr naming the file, nothing on stdout."""
    bad = tmp_path / "名单.xlsx"
    bad.write_text("姓名,身份证号\n王明华,1\n", encoding="utf-8")
    code, out, err = run(capsys, "--db", dbfile, "import", "households", "--new-village", bad, "--json")
    assert code == 2 and out == "" and err.count("\n") == 1 and "名单.xlsx" in err


def test_missing_village_column_says_to_use_village_option(dbfile, tmp_path, capsys):
    """A register without a 村 column is refused and told to use --village; with it, it imports."""
    path = layout_b(tmp_path / "b.xlsx")
    code, out, _ = run(capsys, "--db", dbfile, "import", "households", "--new-village", path, "--json")
    assert code == 1 and "--village" in json.loads(out)["errors"][0]["message"]
    code, out, _ = run(capsys, "--db", dbfile, "import", "households", "--new-village", path, "--village", "河坝村", "--json")
    assert code == 0 and json.loads(out)["households_imported"] == 2
    assert {r.village for r in households(dbfile)} == {"河坝村"}


def test_bad_usage_exits_2(dbfile, tmp_path, capsys):
    """No file, or an error report that is not .xlsx, is bad usage: exit 2 with one line."""
    code, _, err = run(capsys, "--db", dbfile, "import", "households")
    assert code == 2 and err.count("\n") == 1
    code, _, err = run(capsys, "--db", dbfile, "import", "households", "--new-village", layout_a(tmp_path / "a.xlsx"),
                       "--error-report", tmp_path / "r.txt")
    assert code == 2 and ".xlsx" in err


def test_error_report_is_written(dbfile, tmp_path, capsys):
    """--error-report writes a copy of the register with a 错误说明 column."""
    rows = family_rows("1", 1) + [["清江村", "2", "赵六", "户主", "男", "5226011968", None, None]]
    report = tmp_path / "报告.xlsx"
    code, out, _ = run(capsys, "--db", dbfile, "import", "households", "--new-village", simple(tmp_path / "r.xlsx", rows),
                       "--error-report", report)
    assert code == 1 and "错误报告已写入" in out
    ws = openpyxl.load_workbook(report)["Sheet1"]
    assert ws.cell(row=1, column=9).value == "错误说明" and "身份证号" in ws.cell(row=4, column=9).value


def test_export_households_and_template(dbfile, tmp_path, capsys):
    """export households writes the archive as a ledger that imports back; export template writes the blank form."""
    run(capsys, "--db", dbfile, "import", "households", "--new-village", layout_a(tmp_path / "a.xlsx"))
    code, out, _ = run(capsys, "--db", dbfile, "export", "households", tmp_path / "out.xlsx")
    assert code == 0 and "3 户、7 人" in out
    code, out, _ = run(capsys, "--db", dbfile, "import", "households", "--new-village", tmp_path / "out.xlsx", "--json")
    assert code == 0 and json.loads(out)["households_unchanged"] == 3
    code, out, _ = run(capsys, "--db", dbfile, "export", "template", tmp_path / "模板.xlsx")
    assert code == 0 and (tmp_path / "模板.xlsx").exists()
    wb = openpyxl.load_workbook(tmp_path / "模板.xlsx")
    assert wb.worksheets[0]["A3"].value == "序号"


def test_import_runs_as_a_module(dbfile, tmp_path):
    """`python -m app ... import households` works from a real process, with the exit code of the contract."""
    path = simple(tmp_path / "r.xlsx", family_rows("1", 1))
    done = subprocess.run([sys.executable, "-m", "app", "--db", str(dbfile), "import", "households", "--new-village", str(path),
                           "--json"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["households_imported"] == 1
