"""The member dialog of the household window shows the person's 后扶 facts and edits them (saved at once,
with history)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from sqlalchemy import select

from app.models import ChangeLog
from app.services import subsidy
from app.services.households import load_household
from app.ui import subsidy_dialogs
from app.ui.household.dialogs import MemberDialog


def test_member_dialog_shows_and_edits_subsidy_facts(qtbot, db, add_household, monkeypatch):
    hid = add_household()
    member = load_household(db, hid).members[0]
    dialog = MemberDialog(member, db=db)
    qtbot.addWidget(dialog)
    assert dialog.subsidy_label.text() == "未纳入后扶名册"

    def fill(facts_dialog):
        facts_dialog.on_roster.setChecked(True)
        facts_dialog.category.setCurrentText("现状人口")
        facts_dialog.account.setText("1234")
        facts_dialog.save()
        assert "16到19位" in facts_dialog.error.text()  # refused, stays open
        facts_dialog.account.setText("6228 4800 0000 0000 321")
        facts_dialog.bank.setText("中国农业银行")
        facts_dialog.save()
        return facts_dialog.result()

    monkeypatch.setattr(subsidy_dialogs.SubsidyFactsDialog, "exec", fill)
    qtbot.mouseClick(dialog.subsidy_button, Qt.MouseButton.LeftButton)
    assert dialog.subsidy_label.text() == "现状人口，在册，账号 ***************0321"
    facts = subsidy.load_facts(db, member.id)
    assert facts.account == "6228480000000000321" and facts.start_on.isoformat() == "2006-07-01"
    with db.read() as s:
        fields = set(s.scalars(select(ChangeLog.field).where(ChangeLog.member_id == member.id)))
    assert {"一卡通账号", "扶持类别", "纳入扶持时间"} <= fields


def test_a_new_member_cannot_have_facts_before_saving(qtbot, db):
    dialog = MemberDialog(None, db=db)
    qtbot.addWidget(dialog)
    assert not dialog.subsidy_button.isEnabled()
