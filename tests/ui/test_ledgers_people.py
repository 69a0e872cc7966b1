"""干部与责任单位: add and edit cadres and units; deactivating a cadre ends their 包保 and the households
show as uncovered; names are required and unit names unique."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtWidgets import QComboBox, QLineEdit

from app.ledgers import engine
from app.services import baobao as bs
from app.ui.baobao_page import _FormDialog
from app.ui.people_page import PeoplePage
from tests.conftest import type_into
from tests.ledgers.helpers import answer, cadre, silence_messages


@pytest.fixture
def page(qtbot, db):
    widget = PeoplePage(db)
    qtbot.addWidget(widget)
    widget.show()
    return widget


def named(dialog, cls, name):
    return next(w for w in dialog.findChildren(cls) if w.objectName() == name)


def test_a_new_cadre_is_listed_and_offered_for_baobao(db, page):
    """A cadre added here is listed with rank and is offered wherever a cadre is chosen."""
    def fill(d: _FormDialog) -> None:
        type_into(named(d, QLineEdit, "name"), "刘新干")
        rank = named(d, QComboBox, "rank")
        rank.setCurrentIndex(rank.findData("镇班子成员"))

    answer(_FormDialog, fill)
    new_id = page.add_cadre()
    row = next(c for c in page.cadre_model.rows if c.id == new_id)
    assert (row.name, row.rank, row.active) == ("刘新干", "镇班子成员", True)
    assert new_id in {c.id for c in engine.ref_choices(db, "cadre")}


def test_a_cadre_needs_a_name(db, page):
    """确定 without a name keeps the dialog open with 请填写“姓名”."""
    seen: list[str] = []

    def press(d: _FormDialog) -> None:
        d.ok.click()
        seen.extend(d.banner.messages())

    answer(_FormDialog, lambda d: None, accept_with=press)
    assert page.add_cadre() is None
    assert seen == ["请填写“姓名”"]


def test_deactivating_a_cadre_ends_their_baobao(db, add_household, page, monkeypatch):
    """停用 warns of the households held, then the cadre is not offered and the household is uncovered."""
    hid = add_household("钱低收", tags=("低收入户",))
    c = cadre(db, "王将停")
    bs.assign_households(db, [hid], c, dt.date.today())
    page.reload()
    page.cadre_view.selectRow(next(i for i, r in enumerate(page.cadre_model.rows) if r.id == c))
    asked = silence_messages(monkeypatch, "app.ui.people_page")
    page.toggle_cadre()
    assert "一对一包保 1 户" in asked[0]
    assert c not in {x.id for x in engine.ref_choices(db, "cadre")}
    assert [h.household_id for h in bs.coverage(db).uncovered] == [hid]
    assert c not in {r.id for r in page.cadre_model.rows}
    page.show_inactive_cadres.setChecked(True)
    assert next(r for r in page.cadre_model.rows if r.id == c).active is False


def test_unit_names_are_unique(db, page):
    """A second unit with an existing name is refused naming it; a new name is added."""
    seen: list[str] = []

    def press(d: _FormDialog) -> None:
        d.ok.click()
        seen.extend(d.banner.messages())

    answer(_FormDialog, lambda d: type_into(named(d, QLineEdit, "name"), "镇社事办"), accept_with=press)
    assert page.add_unit() is None
    assert seen == ["已有名为“镇社事办”的责任单位"]
    answer(_FormDialog, lambda d: type_into(named(d, QLineEdit, "name"), "镇卫生院"))
    new_id = page.add_unit()
    assert any(u.id == new_id and u.name == "镇卫生院" for u in page.unit_model.rows)
