"""GUI tests of the household editor (一户一档), driven the way the clerk uses it, on a fresh database each."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import datetime as dt  # noqa: E402
import hashlib  # noqa: E402
from collections.abc import Iterator  # noqa: E402
from decimal import Decimal  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
from PySide6.QtCore import QDate, Qt  # noqa: E402
from PySide6.QtGui import QDesktopServices  # noqa: E402
from PySide6.QtWidgets import (  # noqa: E402
    QLabel,
    QMessageBox,
    QPushButton,
)
from sqlalchemy import func, select  # noqa: E402

from app.db import Database, create_database, open_database  # noqa: E402
from app.models import Attachment, ChangeLog, Member, SettlementPoint, Village  # noqa: E402
from app.rules import make_id  # noqa: E402
from app.services.history import household_history  # noqa: E402
from app.services.households import HouseholdData, MemberData, load_household, save_household  # noqa: E402
from app.services.town import seed_reference_data  # noqa: E402
from app.ui import file_dialogs  # noqa: E402
from app.ui.household.dialogs import MemberDialog, StatusDateDialog  # noqa: E402
from app.ui.household.editor import HouseholdEditor  # noqa: E402
from app.ui.household.models import MemberTableModel  # noqa: E402
from app.ui.household.texts import GREY  # noqa: E402
from tests.ui.qt_helpers import (  # noqa: E402
    answer,
    double_click_row,
    on_modal,
    select_row,
    type_text,
)

HEAD_ID = make_id("520123", dt.date(1968, 4, 12), 31)
WIFE_ID = make_id("520123", dt.date(1970, 9, 3), 42)
SON_ID = make_id("520123", dt.date(1994, 1, 20), 13)
NEW_ID = make_id("520123", dt.date(2001, 6, 15), 24)  # a woman born 2001-06-15


# ------------------------------------------------------------------------------------------- fixtures


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = create_database(tmp_path / "t.db")
    seed_reference_data(database)
    yield database
    database.close()


def make_places(db: Database) -> dict[str, int]:
    """Two villages with a settlement point each (there is no service for these yet)."""
    with db.write() as s:
        qj = Village(name="清江村")
        hs = Village(name="红石村")
        s.add_all([qj, hs])
        s.flush()
        p1 = SettlementPoint(name="清江安置小区", village_id=qj.id, kind="集中")
        p2 = SettlementPoint(name="红石分散点", village_id=hs.id, kind="分散")
        s.add_all([p1, p2])
        s.flush()
        return {"清江村": qj.id, "红石村": hs.id, "清江安置小区": p1.id, "红石分散点": p2.id}


def make_household(db: Database, places: dict[str, int] | None = None, *, archive_no: str = "",
                   members: list[MemberData] | None = None, **fields) -> int:
    """A complete household of three, saved through the archive service."""
    places = places or make_places(db)
    if members is None:
        members = [
            MemberData(name="王明华", relation="户主", id_number=HEAD_ID, labour="普通劳动力", health="健康",
                       employment="县内务工", phone="13800000001"),
            MemberData(name="李秀英", relation="配偶", id_number=WIFE_ID, labour="弱劳动力", health="长期慢性病",
                       employment="在家务农", phone="13800000002"),
            MemberData(name="王小军", relation="之子", id_number=SON_ID, labour="技能劳动力", health="健康",
                       employment="省外务工"),
        ]
    data = HouseholdData(
        archive_no=archive_no, village_id=places["清江村"], group_name="3组",
        settlement_point_id=places["清江安置小区"], settlement_type="集中安置", housing_status="自有安置房",
        land_mu=Decimal("1.5"), annual_income=Decimal("36000"), household_size=len(members), members=members,
    )
    for key, value in fields.items():
        setattr(data, key, value)
    return save_household(db, data).household_id


def open_editor(qtbot, db: Database, household_id: int | None) -> HouseholdEditor:
    editor = HouseholdEditor(db, household_id)
    # At teardown, leave without the unsaved-changes question (nobody is there to answer it).
    qtbot.addWidget(editor, before_close_func=lambda w: w.done(HouseholdEditor.DialogCode.Rejected))
    editor.show()
    qtbot.waitExposed(editor)
    return editor


def history_count(db: Database) -> int:
    with db.read() as s:
        return s.scalar(select(func.count()).select_from(ChangeLog))


def save(qtbot, editor: HouseholdEditor) -> int:
    with qtbot.waitSignal(editor.saved, timeout=3000) as blocker:
        qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    return blocker.args[0]


# ------------------------------------------------------------------------------------------- members


def test_edit_member_phone_is_saved_and_recorded_in_history(qtbot, db):
    """Double-clicking a member, changing the phone and saving stores it and adds a history row."""
    hid = make_household(db)
    editor = open_editor(qtbot, db, hid)
    editor.tabs.setCurrentIndex(1)

    def change_phone(dlg: MemberDialog) -> None:
        assert dlg.name_edit.text() == "李秀英"
        dlg.phone_edit.selectAll()
        qtbot.keyClicks(dlg.phone_edit, "139 1234-5678")
        qtbot.mouseClick(dlg.ok_button, Qt.MouseButton.LeftButton)

    with on_modal(MemberDialog, change_phone):
        double_click_row(qtbot, editor.members_view, 1)
    assert editor.is_dirty()

    assert save(qtbot, editor) == hid
    assert not editor.isVisible()
    assert load_household(db, hid).members[1].phone == "13912345678"
    rows = [r for r in household_history(db, hid) if r.field == "联系电话"]
    assert rows and rows[0].subject == "李秀英"
    assert (rows[0].old, rows[0].new) == ("13800000002", "13912345678")

    again = open_editor(qtbot, db, hid)
    assert again.history_model.rowCount() >= 1
    texts = {again.history_model.index(r, 4).data() for r in range(again.history_model.rowCount())}
    assert "13912345678" in texts


def test_invalid_id_is_marked_at_once_with_reason_and_blocks_ok(qtbot, db):
    """A wrong check character is flagged on the keystroke that completes it, and 确定 stays disabled."""
    dlg = MemberDialog(None)
    qtbot.addWidget(dlg)
    dlg.show()
    type_text(qtbot, dlg.name_edit, "张 兰")
    qtbot.keyClicks(dlg.id_edit, NEW_ID[:5])
    assert dlg.id_edit.property("invalid") is True
    assert "有5位" in dlg.id_box.error.text()
    assert not dlg.ok_button.isEnabled()

    wrong = "0" if NEW_ID[-1] != "0" else "1"
    qtbot.keyClicks(dlg.id_edit, NEW_ID[5:17] + wrong)
    assert dlg.id_box.error.isVisible()
    assert "校验位不对" in dlg.id_box.error.text()
    assert dlg.id_edit.property("invalid") is True
    assert not dlg.ok_button.isEnabled()

    qtbot.keyClick(dlg.id_edit, Qt.Key.Key_Backspace)
    qtbot.keyClicks(dlg.id_edit, NEW_ID[-1].lower())
    assert not dlg.id_box.error.isVisible()
    assert dlg.id_edit.property("invalid") is False
    assert dlg.ok_button.isEnabled()
    assert dlg.birth_edit.text() == "2001-06-15"
    assert dlg.sex_combo.currentText() == "女"
    member = dlg.member()
    assert (member.name, member.id_number, member.sex) == ("张兰", NEW_ID, "女")


def test_id_disagreeing_with_entered_sex_is_a_warning_not_a_block(qtbot, db):
    """An ID whose sex digit disagrees with the chosen sex shows a warning but may still be accepted."""
    dlg = MemberDialog(MemberData(name="张兰", sex="男", birth_date=dt.date(2001, 6, 15)))
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.keyClicks(dlg.id_edit, NEW_ID)
    assert dlg.id_warning.isVisible()
    assert "身份证号第17位显示为" in dlg.id_warning.text()
    assert dlg.sex_combo.currentText() == "男"  # what the clerk entered is not overwritten
    assert dlg.ok_button.isEnabled()


def test_adding_member_with_invalid_id_writes_nothing(qtbot, db):
    """In the editor, a member with a bad ID cannot be accepted, so nothing is added or written."""
    hid = make_household(db)
    before = history_count(db)
    editor = open_editor(qtbot, db, hid)
    editor.tabs.setCurrentIndex(1)
    bad = NEW_ID[:17] + ("0" if NEW_ID[-1] != "0" else "1")
    seen = {}

    def type_bad(dlg: MemberDialog) -> None:
        type_text(qtbot, dlg.name_edit, "张兰")
        qtbot.keyClicks(dlg.id_edit, bad)
        seen["ok"] = dlg.ok_button.isEnabled()
        seen["error"] = dlg.id_box.error.text()
        qtbot.mouseClick(dlg.ok_button, Qt.MouseButton.LeftButton)  # disabled: does nothing
        qtbot.mouseClick(dlg.cancel_button, Qt.MouseButton.LeftButton)

    with on_modal(MemberDialog, type_bad):
        qtbot.mouseClick(editor.add_member_button, Qt.MouseButton.LeftButton)
    assert seen["ok"] is False
    assert "校验位不对" in seen["error"]
    assert editor.members_model.rowCount() == 3
    assert not editor.is_dirty()
    assert len(load_household(db, hid).members) == 3
    assert history_count(db) == before


def test_id_held_by_another_household_is_flagged_in_member_dialog(qtbot, db):
    """Typing an ID that belongs to a person of another household names that person and blocks 确定."""
    places = make_places(db)
    make_household(db, places, archive_no="QJ-001")
    other = make_household(db, places, archive_no="QJ-002", members=[
        MemberData(name="赵四", relation="户主", id_number=NEW_ID, labour="普通劳动力"),
    ])
    editor = open_editor(qtbot, db, other)
    seen = {}

    def type_taken(dlg: MemberDialog) -> None:
        type_text(qtbot, dlg.name_edit, "王明")
        qtbot.keyClicks(dlg.id_edit, HEAD_ID)
        seen["error"] = dlg.id_box.error.text()
        seen["ok"] = dlg.ok_button.isEnabled()
        dlg.reject()

    with on_modal(MemberDialog, type_taken):
        qtbot.mouseClick(editor.add_member_button, Qt.MouseButton.LeftButton)
    assert "已属于档案编号 QJ-001 的王明华" in seen["error"]
    assert seen["ok"] is False


def test_save_refused_lists_member_and_field_and_keeps_dialog_open(qtbot, db):
    """A refused save names the member and field, keeps the editor open and writes nothing."""
    hid = make_household(db)
    with db.write() as s:  # a legacy record with a mistyped ID
        m = s.scalars(select(Member).where(Member.name == "李秀英")).one()
        m.id_number = WIFE_ID[:17] + ("0" if WIFE_ID[-1] != "0" else "1")
    before = history_count(db)
    editor = open_editor(qtbot, db, hid)
    qtbot.keyClicks(editor.phone_edit, "0851-1234567")
    said: list[str] = []
    with on_modal(QMessageBox, answer("确定", said)):
        qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert "成员 李秀英 · 身份证号" in said[0]
    assert "校验位不对" in said[0]
    assert editor.isVisible()
    assert load_household(db, hid).phone == ""
    assert history_count(db) == before


def test_archive_number_clash_is_refused(qtbot, db):
    """Saving with another household's 档案编号 shows why and leaves the database unchanged."""
    places = make_places(db)
    make_household(db, places, archive_no="QJ-001")
    hid = make_household(db, places, archive_no="QJ-002", members=[
        MemberData(name="赵四", relation="户主", id_number=NEW_ID, labour="普通劳动力"),
    ])
    editor = open_editor(qtbot, db, hid)
    editor.archive_no_edit.selectAll()
    qtbot.keyClicks(editor.archive_no_edit, "QJ-001")
    said: list[str] = []
    with on_modal(QMessageBox, answer("确定", said)):
        qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert "户 · 档案编号" in said[0] and "已被其他户使用" in said[0]
    assert editor.isVisible()
    assert load_household(db, hid).archive_no == "QJ-002"


def test_mark_member_dead_keeps_them_greyed_and_saves_status(qtbot, db):
    """标记死亡 asks the date, keeps the person in the table greyed, and saves status and date."""
    hid = make_household(db)
    editor = open_editor(qtbot, db, hid)
    editor.tabs.setCurrentIndex(1)
    select_row(qtbot, editor.members_view, 1)
    assert editor.died_button.isEnabled() and not editor.restore_button.isEnabled()

    def pick_date(dlg: StatusDateDialog) -> None:
        assert dlg.date_edit.date() == QDate.currentDate()
        dlg.date_edit.setDate(QDate(2024, 3, 1))
        qtbot.mouseClick(dlg.ok_button, Qt.MouseButton.LeftButton)

    with on_modal(StatusDateDialog, pick_date):
        qtbot.mouseClick(editor.died_button, Qt.MouseButton.LeftButton)

    model = editor.members_model
    assert model.rowCount() == 3
    status_col = model.columnCount() - 1
    assert model.index(1, status_col).data() == "死亡（2024-03-01）"
    brush = model.index(1, 0).data(Qt.ItemDataRole.ForegroundRole)
    assert brush is not None and brush.color().name() == GREY
    assert model.index(0, 0).data(Qt.ItemDataRole.ForegroundRole) is None
    assert editor.restore_button.isEnabled() and not editor.died_button.isEnabled()
    assert not any("删除" in b.text() for b in editor.findChildren(QPushButton))

    save(qtbot, editor)
    member = load_household(db, hid).members[1]
    assert (member.name, member.status, member.status_date) == ("李秀英", "死亡", dt.date(2024, 3, 1))


def test_restore_member_undoes_a_mistaken_mark(qtbot, db):
    """恢复在册 clears a mistaken 迁出 so the member counts again."""
    hid = make_household(db)
    editor = open_editor(qtbot, db, hid)
    editor.tabs.setCurrentIndex(1)
    select_row(qtbot, editor.members_view, 2)
    with on_modal(StatusDateDialog, lambda d: qtbot.mouseClick(d.ok_button, Qt.MouseButton.LeftButton)):
        qtbot.mouseClick(editor.move_out_button, Qt.MouseButton.LeftButton)
    assert editor.members_model.member(2).status == "迁出"
    qtbot.mouseClick(editor.restore_button, Qt.MouseButton.LeftButton)
    assert editor.members_model.member(2).status == "在册"
    assert editor.members_model.member(2).status_date is None
    assert not editor.is_dirty()


def test_new_household_with_member_gets_generated_archive_number(qtbot, db):
    """A new household filled in the editor is saved with a generated 档案编号 and the ID-derived fields."""
    places = make_places(db)
    editor = open_editor(qtbot, db, None)
    assert editor.windowTitle() == "新建户档案"
    assert editor.history_model.rowCount() == 0
    assert "留空" in editor.archive_no_edit.placeholderText()

    def add_head(dlg: MemberDialog) -> None:
        assert dlg.relation_combo.currentText() == "户主"  # the first member defaults to head
        type_text(qtbot, dlg.name_edit, "张兰")
        qtbot.keyClicks(dlg.id_edit, NEW_ID)
        dlg.labour_combo.setCurrentIndex(dlg.labour_combo.findText("普通劳动力"))
        qtbot.mouseClick(dlg.ok_button, Qt.MouseButton.LeftButton)

    editor.tabs.setCurrentIndex(1)
    with on_modal(MemberDialog, add_head):
        qtbot.mouseClick(editor.add_member_button, Qt.MouseButton.LeftButton)
    editor.tabs.setCurrentIndex(0)
    editor.point_combo.setCurrentIndex(editor.point_combo.findData(places["红石分散点"]))
    assert editor.village_combo.currentText() == "红石村"  # a point fills in its village
    qtbot.keyClicks(editor.relocation_edit, "2019.5")
    qtbot.keyClicks(editor.land_edit, "0")

    hid = save(qtbot, editor)
    data = load_household(db, hid)
    assert data.archive_no.startswith("HF")
    assert (data.village_id, data.settlement_point_id) == (places["红石村"], places["红石分散点"])
    assert data.relocation_date == "2019-05"
    assert data.land_mu == Decimal("0")
    head = data.members[0]
    assert (head.name, head.relation, head.sex, head.birth_date) == ("张兰", "户主", "女", dt.date(2001, 6, 15))


def test_choosing_a_village_filters_settlement_points(qtbot, db):
    """The 安置点 list only offers the points of the chosen village."""
    places = make_places(db)
    editor = open_editor(qtbot, db, None)
    editor.village_combo.setCurrentIndex(editor.village_combo.findData(places["清江村"]))
    labels = [editor.point_combo.itemText(i) for i in range(editor.point_combo.count())]
    assert labels == ["", "清江安置小区"]


# ------------------------------------------------------------------------------------------- household fields


def test_no_house_reason_appears_when_housing_set_to_none(qtbot, db):
    """Choosing 住房情况 无房 shows 无房户 with its reason in the side panel."""
    hid = make_household(db)
    editor = open_editor(qtbot, db, hid)
    assert "无房户" not in editor.key_groups_text()
    editor.housing_combo.setFocus()
    editor.housing_combo.setCurrentIndex(editor.housing_combo.findText("无房"))
    qtbot.waitUntil(lambda: "无房户 — 住房情况为无房" in editor.key_groups_text(), timeout=2000)
    assert "三无户" in editor.key_groups_text()


def test_findings_name_the_field_and_update_live(qtbot, db):
    """Clearing the land area shows a 不完整 finding for 承包地面积; filling it in clears it."""
    hid = make_household(db)
    editor = open_editor(qtbot, db, hid)
    assert "档案完整" in editor.findings_text()
    editor.land_edit.selectAll()
    qtbot.keyClick(editor.land_edit, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: "承包地面积" in editor.findings_text(), timeout=2000)
    assert "不完整" in editor.findings_text()
    type_text(qtbot, editor.land_edit, "2.5亩")
    qtbot.waitUntil(lambda: "档案完整" in editor.findings_text(), timeout=2000)


def test_invalid_relocation_date_is_marked_at_once_and_not_saved(qtbot, db):
    """An impossible 搬迁时间 is marked with its reason while typing, and saving is refused."""
    hid = make_household(db)
    editor = open_editor(qtbot, db, hid)
    qtbot.keyClicks(editor.relocation_edit, "2019.13")
    assert editor.relocation_edit.property("invalid") is True
    assert "月份13不存在" in editor.relocation_box.error.text()
    said: list[str] = []
    with on_modal(QMessageBox, answer("确定", said)):
        qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert "搬迁时间" in said[0]
    assert editor.isVisible()
    assert load_household(db, hid).relocation_date == ""


def test_cancel_with_discard_leaves_database_unchanged(qtbot, db):
    """取消 after an edit asks, and 不保存 closes without writing anything."""
    hid = make_household(db)
    before = load_household(db, hid)
    history_before = history_count(db)
    editor = open_editor(qtbot, db, hid)
    type_text(qtbot, editor.address_edit, "清江安置小区3栋2单元")
    said: list[str] = []
    with on_modal(QMessageBox, answer("不保存", said)):
        qtbot.mouseClick(editor.cancel_button, Qt.MouseButton.LeftButton)
    assert "是否保存修改？" in said[0]
    assert not editor.isVisible()
    assert load_household(db, hid) == before
    assert history_count(db) == history_before


def test_close_prompts_on_unsaved_changes(qtbot, db):
    """Closing the window after an edit asks 是否保存修改？; 取消 stays, 保存 saves and closes."""
    hid = make_household(db)
    editor = open_editor(qtbot, db, hid)
    type_text(qtbot, editor.notes_edit, "2024年已申请公租房")
    with on_modal(QMessageBox, answer("取消")) as state:
        editor.close()
    assert "是否保存修改？" in state["seen"].text()
    assert editor.isVisible()

    with qtbot.waitSignal(editor.saved, timeout=3000), on_modal(QMessageBox, answer("保存")):
        qtbot.keyClick(editor, Qt.Key.Key_Escape)
    assert not editor.isVisible()
    assert load_household(db, hid).notes == "2024年已申请公租房"


def test_enter_in_a_field_does_not_save(qtbot, db):
    """Pressing Enter while typing in a field neither saves nor closes the editor."""
    hid = make_household(db)
    editor = open_editor(qtbot, db, hid)
    qtbot.keyClicks(editor.phone_edit, "13700000000")
    qtbot.keyClick(editor.phone_edit, Qt.Key.Key_Return)
    assert editor.isVisible()
    assert load_household(db, hid).phone == ""


def test_read_only_database_cannot_be_saved(qtbot, db):
    """On a database opened read-only the editor says so and 保存 is disabled."""
    hid = make_household(db)
    db.engine.dispose()  # checkpoint the WAL so the file header is complete on disk
    readonly = open_database(db.path, readonly=True)
    try:
        editor = open_editor(qtbot, readonly, hid)
        assert not editor.save_button.isEnabled()
        assert any("只读" in label.text() for label in editor.findChildren(QLabel))
        qtbot.keyClicks(editor.phone_edit, "13700000000")
        editor.close()  # nothing can be saved, so nothing is asked
        assert not editor.isVisible()
    finally:
        readonly.close()


def test_missing_household_says_so_and_closes(qtbot, db):
    """Opening a household that no longer exists shows a message and closes the editor."""
    editor = open_editor(qtbot, db, 999)
    said: list[str] = []
    with on_modal(QMessageBox, answer("确定", said)):
        qtbot.waitUntil(lambda: not editor.isVisible(), timeout=3000)
    assert "找不到该户" in said[0]


def test_close_without_changes_does_not_ask(qtbot, db):
    """Closing an untouched editor closes at once, with no question."""
    hid = make_household(db)
    editor = open_editor(qtbot, db, hid)
    editor.close()
    assert not editor.isVisible()


# ------------------------------------------------------------------------------------------- attachments


@pytest.fixture
def scan(tmp_path: Path) -> Path:
    path = tmp_path / "户口簿扫描件.pdf"
    path.write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 40)
    return path


def choose_files(monkeypatch, *paths: Path) -> None:
    monkeypatch.setattr(file_dialogs, "get_open_paths", lambda *a, **k: [str(p) for p in paths])


def attachments_in_db(db: Database) -> list[tuple[str, int, str]]:
    with db.read() as s:
        return list(s.execute(select(Attachment.filename, Attachment.size, Attachment.sha256)).all())


def test_attachment_added_then_cancelled_stores_nothing(qtbot, db, monkeypatch, scan):
    """An attachment added and then discarded with 取消 never reaches the database."""
    hid = make_household(db)
    editor = open_editor(qtbot, db, hid)
    editor.tabs.setCurrentIndex(2)
    choose_files(monkeypatch, scan)
    qtbot.mouseClick(editor.add_attachment_button, Qt.MouseButton.LeftButton)
    assert editor.attachments_model.rowCount() == 1
    assert editor.attachments_model.index(0, 2).data() == "待保存"
    with on_modal(QMessageBox, answer("不保存")):
        qtbot.mouseClick(editor.cancel_button, Qt.MouseButton.LeftButton)
    assert attachments_in_db(db) == []


def test_attachment_added_then_saved_is_stored_with_sha256(qtbot, db, monkeypatch, scan):
    """An attachment saved with the household is stored with its size and SHA-256 and opens again."""
    hid = make_household(db)
    editor = open_editor(qtbot, db, hid)
    editor.tabs.setCurrentIndex(2)
    choose_files(monkeypatch, scan)
    qtbot.mouseClick(editor.add_attachment_button, Qt.MouseButton.LeftButton)
    save(qtbot, editor)
    blob = scan.read_bytes()
    assert attachments_in_db(db) == [(scan.name, len(blob), hashlib.sha256(blob).hexdigest())]

    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(lambda url: opened.append(url) or True))
    again = open_editor(qtbot, db, hid)
    again.tabs.setCurrentIndex(2)
    assert again.attachments_model.index(0, 1).data() == "10 KB"
    select_row(qtbot, again.attachments_view, 0)
    qtbot.mouseClick(again.open_attachment_button, Qt.MouseButton.LeftButton)
    assert Path(opened[0].toLocalFile()).read_bytes() == blob


def test_removing_attachment_asks_and_applies_on_save(qtbot, db, monkeypatch, scan):
    """移除 asks for confirmation and the attachment is gone only after 保存."""
    hid = make_household(db)
    editor = open_editor(qtbot, db, hid)
    choose_files(monkeypatch, scan)
    qtbot.mouseClick(editor.add_attachment_button, Qt.MouseButton.LeftButton)
    save(qtbot, editor)

    editor = open_editor(qtbot, db, hid)
    editor.tabs.setCurrentIndex(2)
    select_row(qtbot, editor.attachments_view, 0)
    with on_modal(QMessageBox, answer("移除")):
        qtbot.mouseClick(editor.remove_attachment_button, Qt.MouseButton.LeftButton)
    assert editor.attachments_model.rowCount() == 0
    assert len(attachments_in_db(db)) == 1
    save(qtbot, editor)
    assert attachments_in_db(db) == []


# ------------------------------------------------------------------------------------------- the model


def test_member_model_passes_qt_model_checks(qtmodeltester):
    """The members table model behaves as Qt expects of a table model."""
    model = MemberTableModel([
        MemberData(name="王明华", relation="户主", id_number=HEAD_ID),
        MemberData(name="李秀英", relation="配偶", status="迁出", status_date=dt.date(2023, 1, 2)),
    ])
    qtmodeltester.check(model)
    assert model.index(1, model.columnCount() - 1).data() == "迁出（2023-01-02）"
