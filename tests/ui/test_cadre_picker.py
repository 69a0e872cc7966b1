"""The searchable cadre picker: two characters of a name, a unit or a village find the cadre; village cadres
carry their village; text naming nobody is not kept; 调度会 主持人 / 参会人员 are picked from the cadres."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from app.ledgers import engine
from app.services import people
from app.ui.cadre_picker import CadreNamesField, cadre_picker
from tests.conftest import type_into


@pytest.fixture
def cadres(db, place):
    from sqlalchemy import select

    from app.models import Unit

    with db.write() as s:
        s.add(Unit(name="清江村委会", kind="村", village_id=place[0]))
    with db.read() as s:
        village_unit = s.scalar(select(Unit.id).where(Unit.name == "清江村委会"))
    unit = next(c.id for c in engine.ref_choices(db, "unit") if c.label == "镇社事办")
    ids = {
        "村": people.save_cadre(db, people.CadreData(name="刘德华", post="村委会主任", rank="村干部",
                                                     unit_id=village_unit)),
        "镇": people.save_cadre(db, people.CadreData(name="张学友", post="干事", rank="部门干部", unit_id=unit)),
        "其他": people.save_cadre(db, people.CadreData(name="王菲菲", post="副镇长", rank="镇班子成员")),
    }
    return ids


def shown(qtbot, widget):
    qtbot.addWidget(widget)
    widget.show()
    return widget


def matches(picker) -> list[str]:
    completer = picker.completer()
    return [completer.completionModel().index(i, 0).data() for i in range(completer.completionCount())]


def test_a_village_cadre_is_shown_with_the_village(db, cadres):
    labels = {c.id: c.label for c in engine.ref_choices(db, "cadre")}
    assert labels[cadres["村"]] == "刘德华（村委会主任·清江村）"
    assert labels[cadres["镇"]] == "张学友（干事·镇社事办）"


@pytest.mark.parametrize("typed, who", [("学友", "镇"), ("社事", "镇"), ("清江", "村"), ("副镇", "其他")])
def test_two_characters_of_a_name_unit_or_village_find_the_cadre(qtbot, db, cadres, typed, who):
    picker = shown(qtbot, cadre_picker(db))
    picker.lineEdit().setFocus()
    type_into(picker.lineEdit(), typed)
    found = matches(picker)
    assert len(found) == 1 and typed in found[0]
    QTest.keyClick(picker.completer().popup(), Qt.Key.Key_Down)
    QTest.keyClick(picker.completer().popup(), Qt.Key.Key_Return)
    assert picker.currentData() == cadres[who]


def test_text_naming_nobody_is_not_kept(qtbot, db, cadres):
    picker = shown(qtbot, cadre_picker(db))
    picker.select(cadres["镇"])
    picker.lineEdit().selectAll()
    type_into(picker.lineEdit(), "没有这个人")
    picker.settle()
    assert picker.currentData() == cadres["镇"]
    assert picker.currentText() == "张学友（干事·镇社事办）"
    picker.lineEdit().clear()
    picker.settle()
    assert picker.currentData() is None  # emptied: no cadre


def test_a_unique_partial_name_is_chosen_on_leaving(qtbot, db, cadres):
    picker = shown(qtbot, cadre_picker(db))
    type_into(picker.lineEdit(), "王菲")
    picker.settle()
    assert picker.currentData() == cadres["其他"]


def test_meeting_attendees_are_added_from_the_cadres(qtbot, db, cadres):
    attendees = shown(qtbot, CadreNamesField(db, "李四", several=True))
    attendees.pick(cadres["镇"])
    attendees.pick(cadres["村"])
    attendees.pick(cadres["镇"])  # not twice
    assert attendees.text() == "李四、张学友、刘德华"
    chair = shown(qtbot, CadreNamesField(db, ""))
    chair.pick(cadres["其他"])
    assert chair.text() == "王菲菲"
