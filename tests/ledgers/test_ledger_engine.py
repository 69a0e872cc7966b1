"""The one ledger mechanism, run over every declared ledger: fill, filter, search, sort, edit, refuse bad
data with messages naming the field, and export in the township layout."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest

from app.io.ledger_export import export_ledger
from app.ledgers import LEDGERS, Field, Kind, LedgerQuery, LedgerRefused, engine
from app.ledgers.spec import Ledger
from app.ledgers.values import coerce
from tests.ledgers.helpers import all_refs, sample_values

TODAY = dt.date.today()
ALL = list(LEDGERS.values())
IDS = list(LEDGERS)


@pytest.fixture
def refs(db, place, add_household):
    return all_refs(db, place, add_household)


@pytest.mark.parametrize("ledger", ALL, ids=IDS)
def test_a_filled_record_is_listed_with_its_labels(db, refs, ledger: Ledger):
    """A record saved from typed values is listed, its references shown by name, its dates as dates."""
    saved = engine.save(db, ledger, None, sample_values(db, ledger, refs, TODAY))
    assert saved.created
    result = engine.query(db, ledger)
    assert result.ids == [saved.id]
    (row,) = engine.fetch_rows(db, ledger, result.ids)
    for f in ledger.fields:
        if f.kind is Kind.REF and row.values[f.key] is not None:
            assert row.labels[f.key], f"{f.label} has no label"
    assert row.values[ledger.date_field] == TODAY - dt.timedelta(days=10)


@pytest.mark.parametrize("ledger", ALL, ids=IDS)
def test_every_required_field_is_named_when_missing(db, ledger: Ledger):
    """Saving a blank record is refused, nothing is written, and each required field is named."""
    blank = {f.key: None for f in ledger.fields if f.form}
    with pytest.raises(LedgerRefused) as refused:
        engine.save(db, ledger, None, blank)
    messages = " ".join(e.message for e in refused.value.errors)
    for f in ledger.fields:
        if f.required and f.form:
            assert f"“{f.label}”" in messages
    assert engine.query(db, ledger).ids == []


@pytest.mark.parametrize("ledger", ALL, ids=IDS)
def test_filters_search_and_dates_narrow_the_list(db, refs, ledger: Ledger):
    """Each declared filter, the village, the date range and the search box keep only matching rows."""
    first = engine.save(db, ledger, None, sample_values(db, ledger, refs, TODAY, 0)).id
    second_values = sample_values(db, ledger, refs, TODAY, 1)
    for f in ledger.filter_fields:
        if f.kind is Kind.CHOICE:
            second_values[f.key] = f.choices[1]
    second = engine.save(db, ledger, None, second_values).id
    for f in ledger.filter_fields:
        if f.kind is Kind.CHOICE:
            chosen = engine.load(db, ledger, first).values[f.key]
            if chosen != f.choices[1]:
                assert engine.query(db, ledger, LedgerQuery(filters={f.key: f.choices[1]})).ids == [second]
        elif f.kind is Kind.REF:
            value = refs[f.ref]
            assert set(engine.query(db, ledger, LedgerQuery(filters={f.key: value})).ids) == {first, second}
            assert engine.query(db, ledger, LedgerQuery(filters={f.key: value + 999})).ids == []
    newer = TODAY - dt.timedelta(days=9)
    assert engine.query(db, ledger, LedgerQuery(date_from=newer)).ids == [second]
    assert engine.query(db, ledger, LedgerQuery(date_to=newer - dt.timedelta(days=1))).ids == [first]
    if ledger.reaches_village:
        assert len(engine.query(db, ledger, LedgerQuery(village_id=refs["village"])).ids) == 2
        assert engine.query(db, ledger, LedgerQuery(village_id=refs["village"] + 99)).ids == []
    text_field = next(f for f in ledger.fields if f.search and f.kind in (Kind.TEXT, Kind.LONGTEXT))
    word = str(engine.load(db, ledger, second).values[text_field.key])[:4]
    assert engine.query(db, ledger, LedgerQuery(text=word)).ids == [second]
    assert engine.query(db, ledger, LedgerQuery(text="没有这样的文字")).ids == []


@pytest.mark.parametrize("ledger", ALL, ids=IDS)
def test_sorting_by_any_sortable_column(db, refs, ledger: Ledger):
    """Sorting by the date column puts the older record first ascending and last descending."""
    older = engine.save(db, ledger, None, sample_values(db, ledger, refs, TODAY, 0)).id
    newer = engine.save(db, ledger, None, sample_values(db, ledger, refs, TODAY, 1)).id
    key = ledger.date_field
    assert engine.query(db, ledger, LedgerQuery(sort=key, descending=False)).ids == [older, newer]
    assert engine.query(db, ledger, LedgerQuery(sort=key, descending=True)).ids == [newer, older]
    for f in ledger.fields:
        if f.table and f.sortable and f.kind is not Kind.LONGTEXT:
            assert len(engine.query(db, ledger, LedgerQuery(sort=f.key)).ids) == 2


@pytest.mark.parametrize("ledger", ALL, ids=IDS)
def test_editing_changes_only_what_was_edited(db, refs, ledger: Ledger):
    """Editing one text field keeps every other stored value."""
    record_id = engine.save(db, ledger, None, sample_values(db, ledger, refs, TODAY)).id
    before = engine.load(db, ledger, record_id).values
    text_field = next(f for f in ledger.fields if f.form and f.kind is Kind.LONGTEXT)
    saved = engine.save(db, ledger, record_id, {text_field.key: "改过的内容"})
    assert not saved.created
    after = engine.load(db, ledger, record_id).values
    assert after[text_field.key] == "改过的内容"
    assert {k: v for k, v in after.items() if k != text_field.key} == \
        {k: v for k, v in before.items() if k != text_field.key}


@pytest.mark.parametrize("ledger", ALL, ids=IDS)
def test_a_bad_date_is_refused_naming_the_field(db, refs, ledger: Ledger):
    """A date that is not a date is refused with the field's name and an example."""
    values = sample_values(db, ledger, refs, TODAY)
    values[ledger.date_field] = "2026-13-45"
    with pytest.raises(LedgerRefused) as refused:
        engine.save(db, ledger, None, values)
    label = ledger.field(ledger.date_field).label
    assert any(f"{label}“2026-13-45”不是真实的日期" in e.message for e in refused.value.errors)


@pytest.mark.parametrize("ledger", ALL, ids=IDS)
def test_export_writes_the_township_layout(db, refs, ledger: Ledger, tmp_path):
    """The export has the town's title, 填报单位, 序号, the declared headers, frozen header, A4 and the footer."""
    for variant in (0, 1):
        engine.save(db, ledger, None, sample_values(db, ledger, refs, TODAY, variant))
    out = tmp_path / f"{ledger.name}.xlsx"
    result = export_ledger(db, ledger, out)
    assert result.rows == 2
    ws = openpyxl.load_workbook(out).active
    assert ws["A1"].value == f"清江镇{ledger.title}"
    assert any(str(r).startswith("A1:") for r in ws.merged_cells.ranges)
    assert ws["A2"].value == "填报单位：清江镇水利移民站"
    headers = [c.value for c in ws[3]]
    assert headers == ["序号"] + [c[1] for c in engine.export_columns(ledger)]
    assert ws.freeze_panes == "A4"
    assert ws.print_title_rows == "$3:$3"
    assert int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4)
    assert [ws.cell(4, 1).value, ws.cell(5, 1).value] == [1, 2]
    footer = [c.value for c in ws[ws.max_row] if c.value]
    assert footer[:2] == ["填表人：", "审核人："]
    date_col = headers.index(ledger.field(ledger.date_field).label) + 1
    assert isinstance(ws.cell(4, date_col).value, dt.datetime)


@pytest.mark.parametrize("ledger", ALL, ids=IDS)
def test_deleting_a_record_removes_it(db, refs, ledger: Ledger):
    """A deleted record leaves the list."""
    record_id = engine.save(db, ledger, None, sample_values(db, ledger, refs, TODAY)).id
    engine.delete(db, ledger, record_id)
    assert engine.query(db, ledger).ids == []


def test_the_table_stays_fast_enough_to_page_by_id(db, refs):
    """Rows come back in the order of the ids asked for, whatever order the database holds them in."""
    ledger = LEDGERS["visits"]
    ids = [engine.save(db, ledger, None, sample_values(db, ledger, refs, TODAY, v % 5)).id for v in range(12)]
    wanted = list(reversed(ids))[:7]
    assert [r.id for r in engine.fetch_rows(db, ledger, wanted)] == wanted


def test_money_is_exact_and_named_when_wrong():
    """Money keeps its 分 exactly; a third decimal or a word is refused naming the field."""
    f = Field("amount", "补贴金额", Kind.MONEY)
    assert str(coerce(f, "1,500.5")[0]) == "1500.50"
    assert "最多保留两位小数" in coerce(f, "1.005")[1].message
    assert "“补贴金额”应为金额" in coerce(f, "一千")[1].message


def test_a_declaration_naming_a_missing_column_is_rejected():
    """A declaration that names a column the model lacks fails at import, not in front of the clerk."""
    from app.models import Visit

    with pytest.raises(ValueError):
        Ledger(name="x", title="X", model=Visit, date_field="date",
               fields=(Field("date", "日期", Kind.DATE), Field("nope", "没有", Kind.TEXT)))
