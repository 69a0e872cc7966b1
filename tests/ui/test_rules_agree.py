"""One rule, one answer: the importer, the member dialog, the ledger forms, saving and the archive checks accept
and refuse the same dates and report the same broken member/ID rule in the same words."""

from __future__ import annotations

import datetime as dt

import pytest

from app.io.against import check_against
from app.io.grouping import group_sheet
from app.io.validate import ERROR, Known, Person, validate
from app.io.workbook import Sheet
from app.ledgers.spec import Field, Kind
from app.ledgers.values import coerce
from app.rules import HouseholdFacts, MemberFacts, check_archive, make_id
from app.rules.dates import read_birth_date, read_date
from app.rules.members import head_issues, id_issues
from app.services.households import HouseholdData, MemberData, SaveRefused, ids_held_elsewhere, save_household
from app.ui.household.dialogs import MemberDialog

BIRTH = dt.date(1980, 5, 3)
MAN = make_id("522601", BIRTH, 31)  # 17th digit odd: a man born 1980-05-03
WIFE = make_id("522601", dt.date(1982, 7, 9), 42)

DATES = [
    ("1980-05-03", BIRTH), ("1980/5/3", BIRTH), ("1980.5.3", BIRTH), ("1980年5月3日", BIRTH),
    ("1980年5月3号", BIRTH), ("1980 - 5 - 3", BIRTH), ("１９８０－０５－０３", BIRTH), ("19800503", BIRTH),
    ("1980-05-03 00:00:00", BIRTH), ("1980-02-30", None), ("1980-13-01", None), ("五月三日", None),
    ("1980-05", None), ("3/5/1980", None),
]


# ------------------------------------------------------------------------------------------- entry points

def importer_birth(value: str) -> tuple[dt.date | None, str | None]:
    header = ("户编号", "村", "姓名", "与户主关系", "性别", "身份证号", "出生日期")
    sheet = Sheet("表1", [header, ("1", "清江村", "王明", "户主", "男", MAN, value)])
    v = check_against(validate([("f.xlsx", [group_sheet(sheet)])]), Known(villages={"清江村"}))
    errors = [i.message for i in v.issues if i.severity == ERROR and i.header == "出生日期"]
    return (None, errors[0]) if errors else (v.households[0].members[0].data.birth_date, None)


def dialog_birth(qtbot, value: str) -> tuple[dt.date | None, str | None]:
    dlg = MemberDialog()
    qtbot.addWidget(dlg)
    dlg.name_edit.setText("王明")
    dlg.birth_edit.setText(value)
    error = dlg.birth_box.error.text() or None
    return (None, error) if error else (dlg.member().birth_date, None)


def ledger_date(value: str) -> tuple[dt.date | None, str | None]:
    day, error = coerce(Field("date", "出生日期", Kind.DATE), value)
    return (None, error.message) if error else (day, None)


@pytest.mark.parametrize("text, expected", DATES)
def test_every_entry_point_reads_a_date_the_same_way(qtbot, text, expected):
    """A date the importer accepts, the member dialog and the ledger forms accept too, and vice versa;
    a refusal is the same sentence everywhere (the importer only says whose it is)."""
    day, message = read_birth_date(text)
    assert day == expected and (message is None) == (expected is not None)
    assert read_date(text, "出生日期") == (day, message)
    imported, dialog, ledger = importer_birth(text), dialog_birth(qtbot, text), ledger_date(text)
    assert imported[0] == dialog[0] == ledger[0] == expected
    if expected is None:
        assert imported[1] == f"王明的{message}"
        assert dialog[1] == ledger[1] == message


# ------------------------------------------------------------------------------------------- member rules

def member(name, relation, id_number, sex="男", birth=None, status="在册") -> MemberData:
    return MemberData(name=name, relation=relation, id_number=id_number, sex=sex, birth_date=birth, status=status)


# (case, the household's members (the dialog adds the last one), the rule's code, whether saving refuses)
CASES = [
    ("sex", [member("王明", "户主", MAN, sex="女")], "sex_vs_id", False),
    ("birth", [member("王明", "户主", MAN, birth=dt.date(1980, 5, 4))], "birth_vs_id", False),
    ("duplicate", [member("李芳", "户主", WIFE, sex="女"), member("王明", "配偶", WIFE, sex="女")],
     "id_duplicate", True),
    ("heads", [member("李芳", "户主", WIFE, sex="女"), member("王明", "户主", MAN)], "heads", True),
]


def rule_message(members, code, elsewhere=None) -> str:
    issues = [i for i in id_issues(members, elsewhere) + head_issues(members) if i.code == code]
    return issues[-1].message  # the last member's (the one the dialog adds)


def dialog_messages(qtbot, members, held=None) -> str:
    *others, me = members
    dlg = MemberDialog(others=others, held_elsewhere=held)
    qtbot.addWidget(dlg)
    dlg.name_edit.setText(me.name)
    dlg.relation_combo.set_value(me.relation)
    dlg.id_edit.setText(me.id_number)
    dlg.sex_combo.set_value(me.sex)
    if me.birth_date:
        dlg.birth_edit.setText(me.birth_date.isoformat())
    return dlg.id_box.error.text() + "\n" + dlg.id_warning.text()


def check_messages(members, elsewhere=None) -> list[str]:
    facts = HouseholdFacts(
        members=[MemberFacts(m.name, m.relation, m.sex, m.id_number, m.birth_date, "普通劳动力", m.status)
                 for m in members],
        village="清江村", settlement_point="新寨", housing_status="自有安置房", land_mu=None)
    return [f.message for f in check_archive(facts, elsewhere)]


def import_messages(members, known: Known | None = None) -> list[str]:
    header = ("户编号", "村", "姓名", "与户主关系", "性别", "身份证号", "出生日期")
    rows = [("1", "清江村", m.name, m.relation, m.sex, m.id_number, m.birth_date) for m in members]
    known = known or Known()
    known.villages.add("清江村")
    v = check_against(validate([("f.xlsx", [group_sheet(Sheet("表1", [header, *rows]))])]), known)
    return [i.message for i in v.issues]


def save_messages(db, members) -> list[str]:
    try:
        save_household(db, HouseholdData(members=members))
    except SaveRefused as refused:
        return [e.message for e in refused.errors]
    return []


@pytest.mark.parametrize("case, members, code, refuses", CASES, ids=[c[0] for c in CASES])
def test_every_entry_point_reports_a_member_rule_in_the_same_words(qtbot, db, case, members, code, refuses):
    """The archive check, the member dialog, the importer and saving name the broken rule identically."""
    message = rule_message(members, code)
    assert message in check_messages(members)
    assert message in dialog_messages(qtbot, members)
    if case != "duplicate":  # the importer refuses any ID twice in one import, a wider rule of its own
        assert message in import_messages(members)
    assert (message in save_messages(db, members)) is refuses


def test_an_id_held_by_another_household_is_named_alike(qtbot, db):
    """An ID already held in another household: saving and the dialog refuse it, the check and the importer
    flag it, each with the rule's sentence about that holder."""
    save_household(db, HouseholdData(members=[member("王明华", "户主", MAN)]))
    holder = ids_held_elsewhere(db, [MAN], None)
    members = [member("王明", "户主", MAN)]
    message = rule_message(members, "id_elsewhere", holder)
    assert message in save_messages(db, members)
    assert message in dialog_messages(qtbot, members, held=holder.get)
    assert message in check_messages(members, holder)
    imported = [member("李芳", "户主", WIFE, sex="女"), member("王明", "之子", MAN)]
    db_holder = {MAN: "数据库中档案编号 HF000001 的王明华"}
    known = Known(people={MAN: Person(1, "HF000001", "王明华", "户主", "在册")}, heads={1: {MAN}})
    assert rule_message(imported, "id_elsewhere", db_holder) in import_messages(imported, known)
