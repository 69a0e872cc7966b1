"""Safety of imports in the wizard (SPEC §5): the changes to households held are shown before the clerk
confirms, each rename is confirmed person by person, new places only on confirmation, the batch's
registration date, a backup before writing; the household list shows and finds the register's 户编号."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QDate, Qt
from sqlalchemy import select

from app.io.importer import run_import
from app.io.validate import Options
from app.models import Household
from app.services import backup
from app.services import households as hs
from app.ui.household_list import COLUMNS, HouseholdListPage
from app.ui.import_wizard import ImportWizard
from tests.io.registers import family_rows, simple
from tests.ui.test_import_wizard import check, choose, confirm_new_places

HEADER = ["村", "户编号", "姓名", "与户主关系", "性别", "身份证号", "安置点", "承包地面积", "联系电话"]


@pytest.fixture
def held(db, tmp_path):
    """Two households held, 户主1 (QJ-0001, phone 13800000001) and 户主2 (QJ-0002), in 清江村 / 新寨安置点."""
    rows = family_rows("QJ-0001", 1) + family_rows("QJ-0002", 3)
    rows[0].append("13800000001")
    _, result = run_import(db, [simple(tmp_path / "v1.xlsx", rows, header=HEADER)], Options(new_places=True))
    assert result.households_imported == 2
    return db


@pytest.fixture
def wizard(qtbot, held):
    dialog = ImportWizard(held)
    qtbot.addWidget(dialog)
    dialog.show()
    yield dialog
    if dialog.job is not None:
        dialog.job.stop.set()
        dialog.job.wait()


def table(model) -> list[list[str]]:
    return [[model.data(model.index(r, c)) for c in range(model.columnCount())] for r in range(model.rowCount())]


def phone_of(db, name: str) -> str:
    (hid,) = hs.query_ids(db, hs.HouseholdQuery(text=name))
    return hs.load_household(db, hid).phone


def test_changes_are_shown_before_the_clerk_confirms_and_a_backup_is_taken(qtbot, monkeypatch, tmp_path, wizard,
                                                                          held):
    rows = family_rows("QJ-0001", 1, land=2.5) + family_rows("QJ-0002", 3)
    rows[0].append("13800000002")
    choose(monkeypatch, qtbot, wizard, simple(tmp_path / "v2.xlsx", rows, header=HEADER))
    check(qtbot, wizard)
    shown = table(wizard.changes_model)
    archive_no = hs.fetch_rows(held, hs.query_ids(held, hs.HouseholdQuery(text="户主QJ-0001")))[0].archive_no
    assert [archive_no, "户主QJ-0001", "", "联系电话", "13800000001", "13800000002", ""] in shown
    assert [archive_no, "户主QJ-0001", "", "承包地面积（亩）", "1.20", "2.50", ""] in shown
    assert wizard.tabs.tabText(1) == "将修改的已有档案（2）"
    assert "将修改已有档案 1 户、2 处" in wizard.preview.text()
    assert phone_of(held, "户主QJ-0001") == "13800000001"  # nothing written by the preview
    before = [b for b in backup.list_backups(held.path) if b.kind == backup.KIND_IMPORT]
    with qtbot.waitSignal(wizard.imported, timeout=20000) as blocker:
        qtbot.mouseClick(wizard.import_all_button, Qt.MouseButton.LeftButton)
    result = blocker.args[0]
    assert result.households_updated == 1 and phone_of(held, "户主QJ-0001") == "13800000002"
    after = [b for b in backup.list_backups(held.path) if b.kind == backup.KIND_IMPORT]
    assert len(after) == len(before) + 1 and f"导入前已备份数据库：{result.backup}" in wizard.preview.text()
    wizard.grab().save(str(tmp_path / "wizard-changes.png"))


def test_each_rename_needs_its_own_confirmation(qtbot, monkeypatch, tmp_path, wizard, held):
    rows = family_rows("QJ-0001", 1) + family_rows("QJ-0002", 3)
    rows[0][2] = "王明华"  # 户主QJ-0001 under another name
    rows[2][2] = "李四"  # 户主QJ-0002 under another name
    choose(monkeypatch, qtbot, wizard, simple(tmp_path / "v2.xlsx", rows, header=HEADER[:-1]))
    prepared = check(qtbot, wizard)
    assert len(prepared.errors) == 2 and all("改名" in e.message for e in prepared.errors)
    assert not wizard.import_all_button.isEnabled() and not wizard.import_valid_button.isEnabled()
    lines = [wizard.renames.list.item(i).text() for i in range(wizard.renames.list.count())]
    assert lines[0].startswith("将 户主QJ-0001 改名为 王明华") and lines[1].startswith("将 户主QJ-0002 改名为 李四")
    assert wizard.tabs.tabText(2) == "需要确认（2）"
    with qtbot.waitSignal(wizard.checked, timeout=20000) as blocker:
        wizard.renames.list.item(0).setCheckState(Qt.CheckState.Checked)
    prepared = blocker.args[0]
    assert len(prepared.errors) == 1 and "李四" in prepared.errors[0].message
    assert wizard.renames.list.item(0).checkState() == Qt.CheckState.Checked
    with qtbot.waitSignal(wizard.imported, timeout=20000) as blocker:
        qtbot.mouseClick(wizard.import_valid_button, Qt.MouseButton.LeftButton)
    assert (blocker.args[0].households_updated, blocker.args[0].households_skipped) == (1, 1)
    assert hs.query_ids(held, hs.HouseholdQuery(text="王明华"))
    assert not hs.query_ids(held, hs.HouseholdQuery(text="李四"))
    assert hs.query_ids(held, hs.HouseholdQuery(text="户主QJ-0002"))


def test_new_places_are_listed_for_confirmation_with_near_misses_flagged(qtbot, monkeypatch, tmp_path, wizard,
                                                                         held):
    rows = family_rows("QJ-0101", 21, village="清江") + family_rows("HK-1", 23, village="河口村", point="河口安置点")
    choose(monkeypatch, qtbot, wizard, simple(tmp_path / "n.xlsx", rows))
    prepared = check(qtbot, wizard)
    lines = [wizard.places.list.item(i).text() for i in range(wizard.places.list.count())]
    assert lines[0].startswith("新建村“清江”") and "与已有的“清江村”相近" in lines[0]
    assert any(line.startswith("新建村“河口村”") for line in lines)
    assert any("清江村" in e.message for e in prepared.errors)
    assert not wizard.import_valid_button.isEnabled()
    # The clerk confirms 河口村 and its point only; the near miss 清江 stays an error.
    keys = wizard.places.keys
    with qtbot.waitSignal(wizard.checked, timeout=20000):
        wizard.places.list.item(keys.index(("村", "河口村"))).setCheckState(Qt.CheckState.Checked)
    with qtbot.waitSignal(wizard.checked, timeout=20000) as blocker:
        wizard.places.list.item(keys.index(("安置点", "河口村", "河口安置点"))).setCheckState(Qt.CheckState.Checked)
    prepared = blocker.args[0]
    assert prepared.validation.new_villages == ["河口村"] and len(prepared.errors) == 1
    wizard.registered_on.setDate(QDate(2024, 3, 1))
    with qtbot.waitSignal(wizard.imported, timeout=20000) as blocker:
        qtbot.mouseClick(wizard.import_valid_button, Qt.MouseButton.LeftButton)
    assert blocker.args[0].new_villages == ["河口村"] and blocker.args[0].households_imported == 1
    with held.read() as s:
        dates = dict(s.execute(select(Household.original_no, Household.registered_on)).all())
    assert dates["HK-1"] == dt.date(2024, 3, 1) and dates["QJ-0001"] == dt.date.today()
    assert "QJ-0101" not in dates


def test_new_places_confirmed_all_at_once(qtbot, monkeypatch, tmp_path, wizard):
    choose(monkeypatch, qtbot, wizard, simple(tmp_path / "n.xlsx", family_rows("HK-1", 23, village="河口村")))
    check(qtbot, wizard)
    assert not wizard.import_all_button.isEnabled()
    prepared = confirm_new_places(qtbot, wizard)
    assert prepared.errors == [] and wizard.import_all_button.isEnabled()
    assert "将新建的村：河口村" in wizard.preview.text()


def test_household_list_shows_and_finds_the_registers_own_number(qtbot, held):
    page = HouseholdListPage(held)
    qtbot.addWidget(page)
    qtbot.waitUntil(lambda: page.model.rowCount() == 2)
    column = [c.label for c in COLUMNS].index("原户编号")
    assert sorted(page.model.data(page.model.index(r, column)) for r in range(2)) == ["QJ-0001", "QJ-0002"]
    with qtbot.waitSignal(page.loaded, timeout=3000):
        qtbot.keyClicks(page.search, "QJ-0002")
    assert page.model.rowCount() == 1 and page.model.data(page.model.index(0, 1)) == "户主QJ-0002"
