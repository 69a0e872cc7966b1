"""The smaller points of the clerk's screens: 安置方式 follows the 安置点, 民族 starts as 汉族, the status date is
labelled, 组 is shown in one form, and the county bureau's name comes from 基础信息."""

from __future__ import annotations

from pathlib import Path

from app.services import town
from app.ui import data_safety
from app.ui.household.dialogs import MemberDialog
from app.ui.household.editor import HouseholdEditor


def test_choosing_a_point_sets_the_settlement_type(qtbot, db, place):
    editor = HouseholdEditor(db, None)
    qtbot.addWidget(editor)
    editor.village_combo.set_value(place[0])
    editor.point_combo.set_value(place[2])  # 河坝分散点
    assert editor.settlement_combo.value() == "分散安置"
    editor.point_combo.set_value(place[1])  # 新寨安置点, 集中
    assert editor.settlement_combo.value() == "集中安置"


def test_group_typed_in_chinese_is_shown_in_one_form(qtbot, db, place):
    editor = HouseholdEditor(db, None)
    qtbot.addWidget(editor)
    editor.group_edit.setText("第三组")
    editor.group_edit.editingFinished.emit()
    assert editor.group_edit.text() == "3组"


def test_a_new_member_starts_as_han_and_the_status_date_is_explained(qtbot):
    dialog = MemberDialog()
    qtbot.addWidget(dialog)
    assert dialog.ethnic_combo.currentText() == "汉族"
    assert dialog.status_date_label.text() == "状态日期："
    assert not dialog.status_date_edit.isEnabled()
    dialog.status_combo.set_value("迁出")
    assert dialog.status_date_edit.isEnabled()


def test_the_county_bureau_is_named_from_the_town_profile(qtbot, db, tmp_path: Path):
    profile = town.load_town(db)
    assert profile.county_bureau == "县农业农村局"  # the default of an existing database
    town.save_town(db, town.TownData(town_name="清江镇", county_bureau="某县水利局"))
    assert town.load_town(db).county_bureau == "某县水利局"
    dialog = data_safety.ExportDialog(tmp_path, "清江镇", bureau=town.load_town(db).county_bureau)
    qtbot.addWidget(dialog)
    texts = " ".join(label.text() for label in dialog.findChildren(type(dialog.hint)))
    assert "某县水利局" in texts and "SHA-256" not in texts
