"""The screen every declared ledger gets from its declaration: the form fills and refuses, the filters and
search narrow the table, editing shows at once, and 导出Excel writes what the filters select."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest
from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QPlainTextEdit

from app.ledgers import LEDGERS, Kind, Ledger, engine
from app.ui import file_dialogs
from app.ui.cadre_picker import CadreNamesField
from app.ui.ledger_page import LedgerForm, LedgerPage
from app.ui.ledger_widgets import DateField, HouseholdPicker
from app.ui.ledger_work import PAGES as WORK_PAGES
from tests.conftest import type_into
from tests.ledgers.helpers import all_refs, answer, sample_values, silence_messages

TODAY = dt.date.today()
ALL = list(LEDGERS.values())
IDS = list(LEDGERS)


@pytest.fixture
def refs(db, place, add_household):
    return all_refs(db, place, add_household)


def fill_form(form: LedgerForm, values: dict) -> None:
    """Type and pick the values into the form's widgets as a clerk would."""
    for key, value in values.items():
        w = form.widgets.get(key)
        if w is None:
            continue
        if isinstance(w, HouseholdPicker):
            w.set_value(value, "户" if value else "")
        elif isinstance(w, QComboBox):
            w.setCurrentIndex(w.findData(value))
        elif isinstance(w, DateField):
            w.edit.clear()
            type_into(w.edit, value.isoformat() if value else "")
        elif isinstance(w, QPlainTextEdit):
            w.clear()
            type_into(w, value or "")
        elif isinstance(w, QCheckBox):
            w.setChecked(bool(value))
        elif isinstance(w, QLineEdit):
            w.clear()
            type_into(w, str(value or ""))
        elif isinstance(w, CadreNamesField):
            w.edit.clear()
            type_into(w.edit, str(value or ""))


def shown_page(qtbot, db, ledger: Ledger) -> LedgerPage:
    """The ledger's own page where it adds to LedgerPage (活动, 资金, 调度会), else LedgerPage itself."""
    factory = WORK_PAGES.get(ledger.name)
    page = factory(db) if factory is not None else LedgerPage(db, ledger)
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.loaded, timeout=3000):
        page.show()
    return page


def cell(page: LedgerPage, row: int, label: str) -> str:
    col = [c.label for c in page.model.columns].index(label)
    return page.model.data(page.model.index(row, col))


@pytest.mark.parametrize("ledger", ALL, ids=IDS)
def test_a_record_typed_into_the_form_appears_in_the_list(qtbot, db, refs, ledger: Ledger):
    """新增 opens the form; what the clerk types is saved and listed, and the counts line says 1."""
    page = shown_page(qtbot, db, ledger)
    values = sample_values(db, ledger, refs, TODAY)
    answer(LedgerForm, lambda f: fill_form(f, values))
    with qtbot.waitSignal(page.loaded, timeout=3000):
        page.new_button.click()
    assert page.model.rowCount() == 1
    assert f"共 <b>1</b> {ledger.noun}" in page.count_label.text()
    date_label = ledger.field(ledger.date_field).label
    assert cell(page, 0, date_label) == (TODAY - dt.timedelta(days=10)).isoformat()
    assert page.selected_id() == page.model.id_at(0)


@pytest.mark.parametrize("ledger", ALL, ids=IDS)
def test_the_form_refuses_blanks_naming_each_required_field(qtbot, db, ledger: Ledger):
    """Saving an empty form keeps it open with a red message naming every required field; nothing is saved."""
    page = shown_page(qtbot, db, ledger)
    seen: list[str] = []

    def clear(form: LedgerForm) -> None:
        for f in ledger.form_fields:
            w = form.widgets[f.key]
            if isinstance(w, QComboBox) and not f.required:
                w.setCurrentIndex(0)
            elif isinstance(w, DateField):
                w.set_date(None)
            elif isinstance(w, HouseholdPicker):
                w.set_value(None)
            elif isinstance(w, QComboBox):
                w.setCurrentIndex(-1)

    def press(form: LedgerForm) -> None:
        form.save_button.click()
        seen.extend(form.banner.messages())
        assert form.isVisible()

    answer(LedgerForm, clear, accept_with=press)
    page.new_button.click()
    for f in ledger.form_fields:
        if f.required:
            assert any(f"“{f.label}”" in m for m in seen), f.label
    assert engine.query(db, ledger).ids == []


@pytest.mark.parametrize("ledger", ALL, ids=IDS)
def test_filters_and_search_narrow_the_table(qtbot, db, refs, ledger: Ledger):
    """Choosing a filter value or typing in the search box leaves only the matching rows."""
    first = sample_values(db, ledger, refs, TODAY, 0)
    second = sample_values(db, ledger, refs, TODAY, 1)
    # A choice filter (or, for a ledger without one, a yes/no filter) tells the two records apart.
    choice = next((f for f in ledger.filter_fields if f.kind is Kind.CHOICE), None)
    choice = choice or next((f for f in ledger.filter_fields if f.kind is Kind.BOOL), None)
    if choice is not None and choice.kind is Kind.CHOICE:
        first[choice.key], second[choice.key] = choice.choices[0], choice.choices[1]
        wanted, shown_text = choice.choices[1], choice.choices[1]
    elif choice is not None:
        first[choice.key], second[choice.key] = False, True
        wanted, shown_text = True, "是"
    engine.save(db, ledger, None, first)
    engine.save(db, ledger, None, second)
    page = shown_page(qtbot, db, ledger)
    assert page.model.rowCount() == 2
    if choice is not None:
        combo = page.filter_combos[choice.key]
        with qtbot.waitSignal(page.loaded, timeout=3000):
            combo.setCurrentIndex(combo.findData(wanted))
        assert page.model.rowCount() == 1
        assert cell(page, 0, choice.label) == shown_text
        with qtbot.waitSignal(page.loaded, timeout=3000):
            page.clear_button.click()
        assert page.model.rowCount() == 2
    text_field = next(f for f in ledger.fields if f.search and f.kind is Kind.LONGTEXT)
    with qtbot.waitSignal(page.loaded, timeout=3000):
        type_into(page.search, second[text_field.key][:3])
    assert page.model.rowCount() == 1


@pytest.mark.parametrize("ledger", ALL, ids=IDS)
def test_editing_a_record_shows_at_once(qtbot, db, refs, ledger: Ledger):
    """编辑 opens the record; the changed text is in the table as soon as the form closes."""
    record_id = engine.save(db, ledger, None, sample_values(db, ledger, refs, TODAY)).id
    page = shown_page(qtbot, db, ledger)
    page.view.selectRow(0)
    text_field = next(f for f in ledger.fields if f.table and f.kind is Kind.LONGTEXT)
    answer(LedgerForm, lambda f: fill_form(f, {text_field.key: "已改写的内容"}))
    with qtbot.waitSignal(page.loaded, timeout=3000):
        page.edit_button.click()
    assert cell(page, 0, text_field.label) == "已改写的内容"
    assert engine.load(db, ledger, record_id).values[text_field.key] == "已改写的内容"


@pytest.mark.parametrize("ledger", ALL, ids=IDS)
def test_export_button_writes_what_the_filters_select(qtbot, db, refs, ledger: Ledger, tmp_path, monkeypatch):
    """导出Excel writes the rows the current filters select, in the township layout, and says how many."""
    for variant in (0, 1, 2):
        engine.save(db, ledger, None, sample_values(db, ledger, refs, TODAY, variant))
    page = shown_page(qtbot, db, ledger)
    with qtbot.waitSignal(page.loaded, timeout=3000):
        page.date_from.set_date(TODAY - dt.timedelta(days=9))
    assert page.model.rowCount() == 2
    out = tmp_path / "导出.xlsx"
    monkeypatch.setattr(file_dialogs, "get_save_path", lambda *a, **k: str(out))
    shown = silence_messages(monkeypatch, "app.ui.ledger_page")
    page.export_button.click()
    qtbot.waitUntil(lambda: bool(shown), timeout=5000)
    assert shown == [f"已导出 2 条记录到：\n{out}"]
    ws = openpyxl.load_workbook(out).active
    assert ws["A1"].value == f"清江镇{ledger.title}" and ws["A4"].value == 1 and ws["A5"].value == 2
    assert ws["A6"].value is None
    assert page.export_button.isEnabled()


@pytest.mark.parametrize("ledger", ALL, ids=IDS)
def test_the_table_model_is_a_correct_qt_model(qtbot, qtmodeltester, db, refs, ledger: Ledger):
    """The paged ledger model passes Qt's model checks."""
    for variant in (0, 1):
        engine.save(db, ledger, None, sample_values(db, ledger, refs, TODAY, variant))
    page = shown_page(qtbot, db, ledger)
    qtmodeltester.check(page.model)


@pytest.mark.parametrize("ledger", ALL, ids=IDS)
def test_clicking_a_header_sorts(qtbot, db, refs, ledger: Ledger):
    """Clicking the date header flips the order of the rows."""
    for variant in (0, 1):
        engine.save(db, ledger, None, sample_values(db, ledger, refs, TODAY, variant))
    page = shown_page(qtbot, db, ledger)
    date_label = ledger.field(ledger.date_field).label
    first = cell(page, 0, date_label)
    col = [c.label for c in page.model.columns].index(date_label)
    with qtbot.waitSignal(page.loaded, timeout=3000):
        page.view.horizontalHeader().sectionClicked.emit(col)
    assert cell(page, 0, date_label) != first
