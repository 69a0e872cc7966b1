"""Step 5 and the whole import against a database: all or nothing, skip-invalid, idempotent re-import, history."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app import vocab
from app.io.importer import Cancelled, commit, prepare, run_import
from app.io.validate import Options
from app.models import ChangeLog, Household, Member, SettlementPoint, Unit, Village
from app.services import households as hs
from app.services.history import household_history, verify_chain
from tests.io.registers import family_rows, layout_a, layout_b, pid, simple


def count(db, model) -> int:
    with db.read() as s:
        return s.scalar(select(func.count()).select_from(model))


def only(db) -> hs.HouseholdData:
    ids = hs.query_ids(db, hs.HouseholdQuery())
    assert len(ids) == 1
    return hs.load_household(db, ids[0])


def test_layout_a_register_imports_with_places_created(db, tmp_path):
    """A clean register imports in one go: households, members, new village and points, derived caches."""
    _, result = run_import(db, [layout_a(tmp_path / "a.xlsx")], Options(new_places=True))
    assert (result.households_imported, result.members_imported, result.errors) == (3, 7, [])
    assert result.new_villages == ["平寨村"] and len(result.new_points) == 2
    with db.read() as s:
        assert s.scalar(select(Unit.id).where(Unit.name == "平寨村")) is not None
        kinds = dict(s.execute(select(SettlementPoint.name, SettlementPoint.kind)).all())
        assert kinds == {"新寨安置点": "集中", "河坝分散点": "分散"}
        wang = s.scalar(select(Household).where(Household.head_name == "王明华"))
        assert wang.member_count == 3 and wang.key_flags & vocab.TAG_BITS["低收入户"]
        ayi = s.scalar(select(Household).where(Household.head_name == "阿依古丽·买买提"))
        assert ayi.key_flags & vocab.TAG_BITS["无地户"]  # 0 亩 derives 无地户
        assert "王小明" in wang.search_text and pid(3)[:17] in wang.search_text
    assert verify_chain(db) == []


def test_any_error_writes_nothing(db, tmp_path):
    """All or nothing: one bad household and not a single row is written."""
    rows = family_rows("1", 1) + family_rows("2", 3) + [["清江村", "3", "赵六", "户主", "男", "123", None, None]]
    _, result = run_import(db, [simple(tmp_path / "r.xlsx", rows)], Options(new_places=True))
    assert result.refused and not result.written
    assert result.households_imported == 0 and result.households_skipped == 3
    assert count(db, Household) == 0 and count(db, Village) == 0 and count(db, ChangeLog) == 0


def test_skip_invalid_leaves_out_whole_households(db, tmp_path):
    """With skip-invalid a household with one bad member is left out whole; the others are imported."""
    rows = family_rows("1", 1) + family_rows("2", 3)
    rows[3][5] = "52260119700101001"  # the second household's spouse: 17 characters
    _, result = run_import(db, [simple(tmp_path / "r.xlsx", rows)], Options(new_places=True), skip_invalid=True)
    assert (result.households_imported, result.households_skipped, result.members_imported) == (1, 1, 2)
    assert [h.head_name for h in hs.fetch_rows(db, hs.query_ids(db, hs.HouseholdQuery()))] == ["户主1"]
    assert count(db, Member) == 2


def test_reimport_of_the_same_register_changes_nothing(db, tmp_path):
    """Importing the same register twice leaves the archive and its history as they were."""
    path = layout_a(tmp_path / "a.xlsx")
    run_import(db, [path], Options(new_places=True))
    history_rows = count(db, ChangeLog)
    _, again = run_import(db, [path], Options(new_places=True))
    assert (again.households_imported, again.households_updated, again.households_unchanged) == (0, 0, 3)
    assert again.members_imported == 0 and again.warnings == []
    assert count(db, ChangeLog) == history_rows and count(db, Household) == 3


def test_changed_value_updates_the_archive_and_its_history(db, tmp_path):
    """A changed land area and a new member update the matched household; history says what, old, new, why."""
    run_import(db, [simple(tmp_path / "v1.xlsx", family_rows("1", 1, land=1.2))], Options(new_places=True))
    rows = family_rows("1", 1, land=2.5) + [["清江村", "1", "新生儿", "之子", "男", pid(9), None, None]]
    _, result = run_import(db, [simple(tmp_path / "v2.xlsx", rows)], Options(new_places=True))
    assert (result.households_updated, result.members_imported) == (1, 1)
    data = only(db)
    assert data.land_mu == Decimal("2.50") and [m.name for m in data.members][-1] == "新生儿"
    history = household_history(db, data.id)
    land = next(r for r in history if r.field == "承包地面积（亩）")
    assert (land.old, land.new, land.reason) == ("1.20", "2.50", "导入：v2.xlsx")
    assert any(r.field == "新增成员" and r.subject == "新生儿" for r in history)
    assert verify_chain(db) == []


def test_blank_cells_do_not_erase_the_archive(db, tmp_path):
    """A register that leaves land blank does not erase the land the archive holds."""
    run_import(db, [simple(tmp_path / "v1.xlsx", family_rows("1", 1, land=1.2))], Options(new_places=True))
    _, result = run_import(db, [simple(tmp_path / "v2.xlsx", family_rows("1", 1, land=None))], Options(new_places=True))
    assert result.households_unchanged == 1 and only(db).land_mu == Decimal("1.20")


def test_id_held_in_another_household_of_the_archive_refuses_the_incoming_row(db, tmp_path, add_household):
    """An incoming person whose ID the archive already gives to a member of another household is an error."""
    other = hs.load_household(db, add_household("张国强"))
    spouse_id = other.members[1].id_number
    rows = family_rows("1", 1) + [["清江村", "1", "李秀英", "之女", "女", spouse_id, None, None]]
    _, result = run_import(db, [simple(tmp_path / "r.xlsx", rows)], Options(new_places=True))
    assert result.refused
    (error,) = result.errors
    assert error.row == 4 and error.column == "F" and other.archive_no in error.message


def test_head_of_archive_household_matches_and_keeps_archive_number(db, tmp_path, add_household):
    """A register row for a household already in the archive (head's ID) updates it, keeping its archive number."""
    existing = hs.load_household(db, add_household("张国强", phone=""))
    head = existing.members[0]
    rows = [["清江村", "X1", head.name, "户主", head.sex, head.id_number, "新寨安置点", 3.3]]
    _, result = run_import(db, [simple(tmp_path / "r.xlsx", rows)], Options(new_places=True))
    assert result.households_updated == 1 and result.households_imported == 0
    after = hs.load_household(db, existing.id)
    assert after.archive_no == existing.archive_no and after.land_mu == Decimal("3.30")
    assert len(after.members) == 2  # the spouse, not in the register, is kept


def test_file_without_village_column_uses_the_named_village(db, tmp_path):
    """--village names the village of a register with no 村 column; the village is created and listed."""
    _, result = run_import(db, [layout_b(tmp_path / "b.xlsx")], Options(village="河坝村", new_places=True))
    assert result.households_imported == 2 and result.new_villages == ["河坝村"]
    with db.read() as s:
        assert set(s.scalars(select(Village.name))) == {"河坝村"}


def test_dry_run_counts_but_writes_nothing(db, tmp_path):
    """A dry run reports what would be imported and leaves the database untouched."""
    _, result = run_import(db, [layout_a(tmp_path / "a.xlsx")], Options(new_places=True), dry_run=True)
    assert result.dry_run and result.households_imported == 3 and result.members_imported == 7
    assert count(db, Household) == 0 and count(db, Village) == 0


def test_preview_then_commit_rechecks_the_database(db, tmp_path, add_household):
    """An ID added to the archive after the preview is caught when the import is committed."""
    path = simple(tmp_path / "r.xlsx", family_rows("1", 1))
    prepared = prepare(db, [path], Options(new_places=True))
    assert prepared.errors == [] and prepared.would_import == 1
    from app.services.households import MemberData

    add_household("先来的", members=[MemberData(name="先来的", relation="户主", sex="女", id_number=pid(2, male=False))])
    result = commit(db, prepared, skip_invalid=False)
    assert result.refused and "已属于" in result.errors[0].message
    assert count(db, Household) == 1


def test_cancel_during_apply_writes_nothing(db, tmp_path):
    """Cancelling while writing rolls the whole import back."""
    path = simple(tmp_path / "r.xlsx", family_rows("1", 1) + family_rows("2", 3))
    prepared = prepare(db, [path], Options(new_places=True))
    calls = {"n": 0}

    def cancel() -> bool:
        calls["n"] += 1
        return calls["n"] > 2

    with pytest.raises(Cancelled):
        commit(db, prepared, skip_invalid=False, cancel=cancel)
    assert count(db, Household) == 0


def test_unreadable_file_among_several_is_reported_and_nothing_written(db, tmp_path):
    """One file that is not a workbook: reported by name, and nothing of the other files is written."""
    bad = tmp_path / "坏文件.xlsx"
    bad.write_text("not excel")
    prepared, result = run_import(db, [simple(tmp_path / "ok.xlsx", family_rows("1", 1)), bad], Options(new_places=True))
    assert "坏文件.xlsx" in prepared.unreadable[0].message
    assert result.refused and count(db, Household) == 0


def test_import_of_two_files_checks_ids_across_them(db, tmp_path):
    """The same person in two files is an error in both files."""
    a = simple(tmp_path / "a.xlsx", family_rows("1", 1))
    b = simple(tmp_path / "b.xlsx", family_rows("9", 1))
    _, result = run_import(db, [a, b], Options(new_places=True))
    files = {e.file for e in result.errors if "重复" in e.message}
    assert files == {str(a), str(b)}


def test_imported_caches_agree_with_check(db, tmp_path):
    """After an import the cached archive states are what `check` recomputes from the source fields."""
    from app.services.check import run_check

    run_import(db, [layout_a(tmp_path / "a.xlsx")], Options(new_places=True))
    rows = family_rows("9", 21, land=None)
    rows[1][5] = None  # a spouse without ID: incomplete
    run_import(db, [simple(tmp_path / "b.xlsx", rows)], Options(new_places=True), skip_invalid=True)
    report = run_check(db)
    assert report.stale_cache == 0 and report.households == 4


def test_sex_and_birth_from_the_id_do_not_overwrite_what_the_clerk_recorded(db, tmp_path, add_household):
    """A register without 性别/出生日期 columns leaves the archive's recorded sex and birth date alone."""
    import datetime as dt

    hid = add_household("张国强")
    data = hs.load_household(db, hid)
    data.members[0].birth_date = dt.date(1960, 1, 1)  # differs from the ID: the clerk's own record
    hs.save_household(db, data)
    head = data.members[0]
    path = simple(tmp_path / "r.xlsx", [["清江村", head.name, "户主", head.id_number]],
                  header=["村", "姓名", "与户主关系", "身份证号"])
    _, result = run_import(db, [path], Options(new_places=True))
    assert result.households_unchanged == 1
    assert hs.load_household(db, hid).members[0].birth_date == dt.date(1960, 1, 1)


@pytest.mark.parametrize("typed", ["三组", "3", "第3组"])
def test_the_group_is_imported_in_one_form(db, tmp_path, typed):
    """组 written 三组, 3 or 第3组 in a register is stored as 3组, as the household window saves it."""
    header = ["村", "户编号", "姓名", "与户主关系", "性别", "身份证号", "安置点", "承包地面积", "组"]
    rows = [row + [typed if i == 0 else None] for i, row in enumerate(family_rows("H1", 1))]
    run_import(db, [simple(tmp_path / "g.xlsx", rows, header=header)], Options(new_places=True))
    assert only(db).group_name == "3组"
