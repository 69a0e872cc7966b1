"""Safety of imports on the command line (SPEC §5): a backup first, the changes listed before writing, no
silent rename, no second village for a near-miss name, the register's own 户编号 kept and searchable, and
the registration date of §4.8."""

from __future__ import annotations

import datetime as dt
import json

import openpyxl
import pytest

from app.db import open_database
from app.services import backup
from app.services import households as hs
from app.services.history import household_history
from tests.io.registers import family_rows, layout_b, pid, simple
from tests.test_cli_import import run

HEADER = ["村", "户编号", "姓名", "与户主关系", "性别", "身份证号", "安置点", "承包地面积", "联系电话"]


@pytest.fixture
def dbfile(tmp_path, capsys):
    """A database holding one household (户主1 with pid(1), 户编号 QJ-0007, phone 13800000001) of 清江村."""
    path = tmp_path / "town.db"
    assert run(capsys, "--db", path, "init", "--town", "清江镇")[0] == 0
    rows = family_rows("QJ-0007", 1)
    rows[0].append("13800000001")
    code, _, err = run(capsys, "--db", path, "import", "households", "--new-village",
                       simple(tmp_path / "v1.xlsx", rows, header=HEADER))
    assert code == 0, err
    return path


def _open(path):
    return open_database(path)


def the_household(path) -> hs.HouseholdData:
    db = _open(path)
    try:
        (hid,) = hs.query_ids(db, hs.HouseholdQuery(text=pid(1)))
        return hs.load_household(db, hid)
    finally:
        db.close()


def register_of(path) -> tuple:
    """(original_no, registered_on) of the household of pid(1)."""
    from sqlalchemy import select

    from app.models import Household, Member

    db = _open(path)
    try:
        with db.read() as s:
            return s.execute(select(Household.original_no, Household.registered_on)
                             .join(Member, Member.household_id == Household.id)
                             .where(Member.id_number == pid(1))).one()
    finally:
        db.close()


def imports(path) -> list[backup.BackupInfo]:
    return [b for b in backup.list_backups(path) if b.kind == backup.KIND_IMPORT]


# ------------------------------------------------------------------------------------------- changes


def test_dry_run_json_lists_every_change_to_held_households_also_with_errors(dbfile, tmp_path, capsys):
    """A re-import's dry run lists (household, field, old, new) for the household held, even though another
    household of the file has an error; nothing is written."""
    rows = family_rows("QJ-0007", 1, land=2.5)
    rows[0].append("13800000002")
    bad = family_rows("QJ-0008", 11)
    bad[0][5] = "52260119700101001"  # 17 characters: an error in another household
    path = simple(tmp_path / "v2.xlsx", rows + bad, header=HEADER)
    code, out, _ = run(capsys, "--db", dbfile, "import", "households", path, "--dry-run", "--json")
    result = json.loads(out)
    assert code == 1 and result["errors"]
    archive_no = the_household(dbfile).archive_no
    changes = {(c["household"], c["field"], c["old"], c["new"]) for c in result["changes"]}
    assert (archive_no, "联系电话", "13800000001", "13800000002") in changes
    assert (archive_no, "承包地面积（亩）", "1.20", "2.50") in changes
    assert all({"household", "field", "old", "new"} <= set(c) for c in result["changes"])
    assert the_household(dbfile).phone == "13800000001"


def test_plain_output_prints_the_changes_readably(dbfile, tmp_path, capsys):
    rows = family_rows("QJ-0007", 1)
    rows[0].append("13800000002")
    code, out, _ = run(capsys, "--db", dbfile, "import", "households", simple(tmp_path / "v2.xlsx", rows, header=HEADER),
                       "--dry-run")
    assert code == 0
    assert "将修改已有档案 1 户、1 处" in out and "户主QJ-0007：联系电话 13800000001 → 13800000002" in out


# -------------------------------------------------------------------------------------------- backup


def test_a_writing_import_takes_a_backup_first_a_dry_run_or_refused_one_does_not(dbfile, tmp_path, capsys):
    before = len(imports(dbfile))
    assert before == 1  # the fixture's own import
    rows = family_rows("QJ-0007", 1)
    rows[0].append("13800000002")
    path = simple(tmp_path / "v2.xlsx", rows, header=HEADER)
    run(capsys, "--db", dbfile, "import", "households", path, "--dry-run")
    assert len(imports(dbfile)) == before
    code, out, _ = run(capsys, "--db", dbfile, "import", "households", path)
    assert code == 0
    taken = imports(dbfile)
    assert len(taken) == before + 1 and f"导入前已备份数据库：{taken[0].path}" in out
    # The backup holds the data as it was before the import.
    db = open_database(taken[0].path, readonly=True)
    try:
        (hid,) = hs.query_ids(db, hs.HouseholdQuery())
        assert hs.load_household(db, hid).phone == "13800000001"
    finally:
        db.close()
    bad = family_rows("QJ-0009", 21)
    bad[0][3] = "邻居"
    run(capsys, "--db", dbfile, "import", "households", simple(tmp_path / "bad.xlsx", bad, header=HEADER[:-1]))
    assert len(imports(dbfile)) == before + 1


# -------------------------------------------------------------------------------------------- renames


def test_same_id_with_another_name_is_an_error_unless_allowed(dbfile, tmp_path, capsys):
    rows = family_rows("QJ-0007", 1)
    rows[0][2] = "王明华"  # the head held as 户主QJ-0007
    rows[0].append("13800000009")
    path = simple(tmp_path / "v2.xlsx", rows, header=HEADER)
    code, out, _ = run(capsys, "--db", dbfile, "import", "households", path, "--json")
    result = json.loads(out)
    assert code == 1 and result["households_updated"] == 0
    (error,) = result["errors"]
    assert (error["sheet"], error["row"], error["column"]) == ("Sheet1", 2, "F")
    assert "户主QJ-0007" in error["message"] and "王明华" in error["message"] and "--allow-rename" in error["message"]
    assert pid(1) not in error["message"] and pid(1)[:6] in error["message"]
    assert the_household(dbfile).members[0].name == "户主QJ-0007"
    assert any(c["field"] == "姓名" and c["new"] == "王明华" and not c["applies"] for c in result["changes"])

    code, out, _ = run(capsys, "--db", dbfile, "import", "households", path, "--allow-rename", "--json")
    assert code == 0 and json.loads(out)["households_updated"] == 1
    held = the_household(dbfile)
    assert held.members[0].name == "王明华" and held.phone == "13800000009"
    db = _open(dbfile)
    try:
        renamed = [r for r in household_history(db, held.id) if r.field == "姓名"]
        assert [(r.old, r.new) for r in renamed] == [("户主QJ-0007", "王明华")]
    finally:
        db.close()


# ---------------------------------------------------------------------------------------------- places


def test_a_near_miss_village_is_an_error_naming_the_known_one(dbfile, tmp_path, capsys):
    path = simple(tmp_path / "v.xlsx", family_rows("QJ-0100", 31, village="清江"))
    code, out, _ = run(capsys, "--db", dbfile, "import", "households", path, "--json")
    result = json.loads(out)
    assert code == 1 and result["households_imported"] == 0
    (error,) = result["errors"]
    assert (error["row"], error["column"]) == (2, "A") and "清江村" in error["message"]
    assert "--new-village" in error["message"]
    code, out, _ = run(capsys, "--db", dbfile, "import", "households", path, "--new-village", "--json")
    assert code == 0 and json.loads(out)["households_imported"] == 1


def test_a_near_miss_village_named_with_the_village_option_is_refused(dbfile, tmp_path, capsys):
    code, out, _ = run(capsys, "--db", dbfile, "import", "households", layout_b(tmp_path / "b.xlsx"),
                       "--village", "清江", "--json")
    result = json.loads(out)
    assert code == 1 and any("清江村" in e["message"] and "所属村“清江”" in e["message"] for e in result["errors"])
    assert len(result["errors"]) == 1  # one error for the whole file, not one per household
    code, out, _ = run(capsys, "--db", dbfile, "import", "households", layout_b(tmp_path / "b.xlsx"),
                       "--village", "清江村", "--new-village", "--json")
    assert code == 0 and json.loads(out)["households_imported"] == 2  # 河坝安置小区 is a new point, confirmed


def test_a_genuinely_new_village_or_point_needs_the_clerks_confirmation(dbfile, tmp_path, capsys):
    new_village = simple(tmp_path / "v.xlsx", family_rows("HK-1", 41, village="河口村"))
    code, out, _ = run(capsys, "--db", dbfile, "import", "households", new_village, "--json")
    assert code == 1 and "河口村" in json.loads(out)["errors"][0]["message"]
    new_point = simple(tmp_path / "p.xlsx", family_rows("QJ-2", 43, point="柳树湾安置点"))
    code, out, _ = run(capsys, "--db", dbfile, "import", "households", new_point, "--json")
    (error,) = json.loads(out)["errors"]
    assert code == 1 and "柳树湾安置点" in error["message"] and error["column"] == "G"
    code, out, _ = run(capsys, "--db", dbfile, "import", "households", new_village, new_point, "--new-village")
    assert code == 0 and "新建村：河口村" in out


# ------------------------------------------------------------------------------------------ 原户编号


def test_the_registers_own_number_is_kept_searchable_exported_and_updated(dbfile, tmp_path, capsys):
    assert register_of(dbfile)[0] == "QJ-0007"
    db = _open(dbfile)
    try:
        (row,) = hs.fetch_rows(db, hs.query_ids(db, hs.HouseholdQuery(text="QJ-0007")))
        assert row.original_no == "QJ-0007" and row.archive_no.startswith("HF")  # the archive number stays ours
        assert hs.query_ids(db, hs.HouseholdQuery(text="qj-00"))  # part of it, any case
    finally:
        db.close()
    out_file = tmp_path / "out.xlsx"
    assert run(capsys, "--db", dbfile, "export", "households", out_file)[0] == 0
    ws = openpyxl.load_workbook(out_file).worksheets[0]
    header = [c.value for c in ws[3]]
    assert ws.cell(row=4, column=header.index("原户编号") + 1).value == "QJ-0007"

    rows = family_rows("QJ-0007A", 1)
    rows[0][2], rows[1][2] = "户主QJ-0007", "配偶QJ-0007"  # the same people, the register renumbered
    rows[0].append("13800000001")
    code, out, _ = run(capsys, "--db", dbfile, "import", "households", simple(tmp_path / "v2.xlsx", rows, header=HEADER),
                       "--json")
    assert code == 0 and {"field": "原户编号", "old": "QJ-0007", "new": "QJ-0007A"}.items() <= next(
        c for c in json.loads(out)["changes"] if c["field"] == "原户编号").items()
    assert register_of(dbfile)[0] == "QJ-0007A"


# --------------------------------------------------------------------------------------- 登记日期


def test_registration_date_from_the_option_the_column_or_the_day(dbfile, tmp_path, capsys):
    assert register_of(dbfile)[1] == dt.date.today()  # no column, no option: the day of the import
    code, _, _ = run(capsys, "--db", dbfile, "import", "households", "--new-village", "--registered-on", "2024-03-01",
                     simple(tmp_path / "n.xlsx", family_rows("HK-1", 51, village="河口村")))
    assert code == 0
    db = _open(dbfile)
    try:
        from sqlalchemy import select

        from app.models import Household

        with db.read() as s:
            dates = dict(s.execute(select(Household.original_no, Household.registered_on)).all())
        assert dates["HK-1"] == dt.date(2024, 3, 1)
    finally:
        db.close()
    # A register with a 迁入日期 column: a household held keeps its date unless the column gives another one.
    rows = family_rows("QJ-0007", 1)
    rows[0] += ["13800000001", "2023-06-15"]
    path = simple(tmp_path / "d.xlsx", rows, header=HEADER + ["迁入日期"])
    code, out, _ = run(capsys, "--db", dbfile, "import", "households", path, "--dry-run", "--json")
    change = next(c for c in json.loads(out)["changes"] if c["field"] == "登记日期")
    assert (change["old"], change["new"]) == (dt.date.today().isoformat(), "2023-06-15")
    assert run(capsys, "--db", dbfile, "import", "households", path)[0] == 0
    assert register_of(dbfile)[1] == dt.date(2023, 6, 15)
    code, out, err = run(capsys, "--db", dbfile, "import", "households", "--registered-on", "2020-01-01",
                         simple(tmp_path / "v3.xlsx", family_rows("QJ-0007", 1)))
    assert code == 0, out + err
    assert register_of(dbfile)[1] == dt.date(2023, 6, 15)


def test_bad_registered_on_is_a_usage_error(dbfile, tmp_path, capsys):
    code, _, err = run(capsys, "--db", dbfile, "import", "households", "--registered-on", "2024-13-01",
                       simple(tmp_path / "v.xlsx", family_rows("QJ-0007", 1)))
    assert code == 2 and "2024-13-01" in err and err.count("\n") == 1


def test_no_backup_no_import(dbfile, tmp_path, capsys, monkeypatch):
    """When the backup cannot be made (disk full, folder not writable) the import writes nothing and says so."""
    from app.db import DatabaseError

    def fail(db, kind):
        raise DatabaseError("备份失败，无法写入备份文件夹（磁盘空间不足）")

    monkeypatch.setattr(backup, "make_backup", fail)
    rows = family_rows("QJ-0007", 1)
    rows[0].append("13800000002")
    code, out, err = run(capsys, "--db", dbfile, "import", "households", simple(tmp_path / "v2.xlsx", rows, header=HEADER))
    assert code == 2 and "备份失败" in err and err.count("\n") == 1
    assert the_household(dbfile).phone == "13800000001"


def test_a_household_leaving_the_register_gets_its_leaving_date(dbfile, tmp_path, capsys):
    """户状态 整户迁出 dates the leaving (SPEC §4.8): the members' latest 变动日期, else the day of the import;
    back to 在册 clears it."""
    from sqlalchemy import select

    from app.models import Household

    def status_and_left():
        db = _open(dbfile)
        try:
            with db.read() as s:
                return s.execute(select(Household.status, Household.left_on)).one()
        finally:
            db.close()

    header = ["村", "户编号", "姓名", "与户主关系", "性别", "身份证号", "户状态", "人员状态", "变动日期"]
    rows = family_rows("QJ-0007", 1)
    left = [rows[0][:6] + ["整户迁出", "在册", None], rows[1][:6] + [None, "迁出", "2024-04-20"]]
    code, out, _ = run(capsys, "--db", dbfile, "import", "households", simple(tmp_path / "l.xlsx", left, header=header),
                       "--json")
    assert code == 0, out
    change = next(c for c in json.loads(out)["changes"] if c["field"] == "迁离日期")
    assert (change["old"], change["new"]) == ("", "2024-04-20")
    assert status_and_left() == ("整户迁出", dt.date(2024, 4, 20))
    back = [rows[0][:6] + ["在册", "在册", None], rows[1][:6] + [None, "在册", None]]
    assert run(capsys, "--db", dbfile, "import", "households", simple(tmp_path / "b.xlsx", back, header=header))[0] == 0
    assert status_and_left() == ("在册", None)
    gone = [rows[0][:6] + ["注销"], rows[1][:6]]
    assert run(capsys, "--db", dbfile, "import", "households",
               simple(tmp_path / "g.xlsx", gone, header=header[:7]))[0] == 0
    assert status_and_left() == ("注销", dt.date.today())
