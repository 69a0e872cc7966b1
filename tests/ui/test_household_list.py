"""The household list as a clerk uses it: searching, filtering, counts, sorting."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from app.services import households as hs
from app.ui.household_list import HouseholdListPage, HouseholdTableModel


@pytest.fixture
def page(qtbot, db, add_household):
    add_household("张国强", phone="13812345678")
    add_household("赵志刚", housing="无房")
    add_household("孙丽", land=None)
    widget = HouseholdListPage(db)
    qtbot.addWidget(widget)
    qtbot.waitUntil(lambda: widget.model.rowCount() == 3)
    return widget


def shown(page) -> list[str]:
    return [page.model.data(page.model.index(r, 1)) for r in range(page.model.rowCount())]


def test_list_shows_households_and_counts(page):
    """The list opens with every household 在册 and a line counting households and people."""
    assert sorted(shown(page)) == ["孙丽", "张国强", "赵志刚"]
    assert page.count_label.text() == "共 3 户，在册 6 人"


def test_typing_an_id_fragment_finds_the_household(qtbot, page, db):
    """Typing part of a spouse's ID number leaves only that household in the list."""
    target = hs.query_ids(db, hs.HouseholdQuery(text="赵志刚"))[0]
    fragment = hs.load_household(db, target).members[1].id_number[4:12]
    with qtbot.waitSignal(page.loaded, timeout=3000):
        qtbot.keyClicks(page.search, fragment)
    assert shown(page) == ["赵志刚"]
    assert page.count_label.text() == "共 1 户，在册 2 人"


def test_search_by_phone_with_dashes(qtbot, page):
    """A phone typed as the clerk reads it off a form still finds the household."""
    with qtbot.waitSignal(page.loaded, timeout=3000):
        qtbot.keyClicks(page.search, "1381234")
    assert shown(page) == ["张国强"]


def test_key_group_and_state_filters(qtbot, page):
    """Choosing 无房户 or 不完整 in the filters shows only those households."""
    with qtbot.waitSignal(page.loaded, timeout=3000):
        page.key_group.setCurrentIndex(page.key_group.findData("无房户"))
    assert shown(page) == ["赵志刚"]
    with qtbot.waitSignal(page.loaded, timeout=3000):
        page.key_group.setCurrentIndex(0)
    with qtbot.waitSignal(page.loaded, timeout=3000):
        page.state.setCurrentIndex(page.state.findText("不完整"))
    assert shown(page) == ["孙丽"]


def test_clicking_a_header_sorts(qtbot, page):
    """Clicking 户主 sorts by the head's name; clicking again reverses."""
    header = page.view.horizontalHeader()
    with qtbot.waitSignal(page.loaded, timeout=3000):
        header.sectionClicked.emit(1)
    first = shown(page)
    with qtbot.waitSignal(page.loaded, timeout=3000):
        header.sectionClicked.emit(1)
    assert shown(page) == list(reversed(first))


def test_the_table_model_is_a_correct_qt_model(qtmodeltester, db, add_household):
    """The paged model satisfies Qt's model checks."""
    for i in range(5):
        add_household(f"测试{i}")
    model = HouseholdTableModel(db)
    model.set_ids(hs.query_ids(db, hs.HouseholdQuery()))
    qtmodeltester.check(model)
    assert model.data(model.index(0, 7), Qt.ItemDataRole.DisplayRole) == "完整"


def test_export_button_writes_the_archive_workbook(qtbot, page, tmp_path, monkeypatch):
    """导出Excel… saves every person of the archive in a workbook the clerk chose, IDs masked by choice."""
    import re

    from openpyxl import load_workbook

    from app.ui import file_dialogs

    monkeypatch.setattr(page, "ask_id_masking", lambda: True)
    target = tmp_path / "花名册.xlsx"
    monkeypatch.setattr(file_dialogs, "get_save_path", lambda *a, **k: str(target))
    shown = []
    monkeypatch.setattr("app.ui.errors.info", lambda _p, title, text: shown.append(text))
    page.export_button.click()
    qtbot.waitUntil(lambda: bool(shown), timeout=10000)
    assert "3 户" in shown[0] and target.exists()
    values = {str(c.value) for row in load_workbook(target).active.iter_rows() for c in row}
    assert {"张国强", "赵志刚", "孙丽", "李秀英"} <= values
    assert not [v for v in values if re.fullmatch(r"\d{17}[\dX]", v)]
    assert [v for v in values if re.fullmatch(r"\d{6}\*{8}\d{3}[\dX]", v)]


def test_import_button_opens_the_wizard_and_refreshes_after_import(qtbot, page, monkeypatch):
    """导入花名册… opens the wizard; an import it reports refreshes the list's villages and rows."""
    from app.ui import import_wizard

    opened = []

    def fake_exec(wizard):
        opened.append(wizard)
        wizard.imported.emit(None)
        return 0

    monkeypatch.setattr(import_wizard.ImportWizard, "exec", fake_exec)
    with qtbot.waitSignal(page.loaded, timeout=3000):
        page.import_button.click()
    assert opened
