"""Step 4, pure: every value normalised with the shared rules, errors and warnings exactly as SPEC §5 lists them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from app.io.against import check_against
from app.io.grouping import group_sheet
from app.io.validate import ERROR, WARNING, Known, Options, Person, validate
from app.io.workbook import Sheet, ShownFloat, read_workbook
from tests.io.registers import fullwidth, layout_a, layout_b, pid

HEADER = ("户编号", "村", "姓名", "与户主关系", "性别", "身份证号", "搬迁时间", "联系电话", "承包地面积", "家庭人口")


def run(rows: list[tuple], header=HEADER, known: Known | None = None, **options):
    sheet = Sheet("表1", [tuple(header)] + [tuple(r) for r in rows])
    opts = Options(**{"new_places": True, **options})
    v = validate([("f.xlsx", [group_sheet(sheet)])], opts)
    return check_against(v, known or Known(), opts)


def family(key="1", n=1, **head):
    base = {"户编号": key, "村": "清江村", "姓名": f"户主{n}", "与户主关系": "户主", "性别": "男", "身份证号": pid(n)}
    base.update(head)
    return [tuple(base.get(h) for h in HEADER),
            (key, "清江村", f"配偶{n}", "配偶", "女", pid(n + 1, male=False))]


def messages(v, severity=ERROR):
    return [(i.row, i.column, i.message) for i in v.issues if i.severity == severity]


def test_realistic_layout_a_register_is_clean_and_normalised(tmp_path):
    """The layout-A register imports clean: spaces, full-width digits, lower-case x and 2019.10 all normalised."""
    wb = read_workbook(layout_a(tmp_path / "a.xlsx"))
    v = check_against(validate([("a.xlsx", [group_sheet(s) for s in wb.sheets])]), Known(villages={"平寨村"}), Options(new_places=True))
    assert messages(v) == []
    first, second, third = v.households
    assert [m.data.name for m in first.members] == ["王明华", "李秀英", "王小明"]
    assert first.members[0].data.id_number == pid(1)
    assert first.members[2].data.id_number == pid(3)[:17] + pid(3)[17].upper()
    assert first.members[1].data.relation == "配偶" and first.members[2].data.relation == "之子"
    assert first.data.relocation_date == "2019-10"
    assert first.data.phone == "13808512233"
    assert first.data.declared_tags == {"低收入户", "困难户"}
    assert first.data.land_mu == Decimal("1.50")
    assert second.members[0].data.name == "阿依古丽·买买提" and second.data.land_mu == Decimal("0.00")
    assert second.data.relocation_date == "2018-05" and second.data.declared_tags == set()
    assert third.data.relocation_date == "2020-06-01" and third.members[0].data.id_number == pid(6)
    assert first.members[0].data.birth_date == dt.date(1971, 2, 2) and first.members[1].data.sex == "女"
    assert {p for _, p in v.new_points} == {"新寨安置点", "河坝分散点"}


def test_layout_b_register_without_village_column_needs_the_village(tmp_path):
    """Without a 村 column the import is refused on the header row until the village is named."""
    wb = read_workbook(layout_b(tmp_path / "b.xlsx"))
    parsed = [("b.xlsx", [group_sheet(s) for s in wb.sheets])]
    refused = validate(parsed)
    assert [(i.row, "--village" in i.message) for i in refused.errors] == [(2, True)]
    assert not refused.valid
    named = check_against(validate(parsed, Options(village="河坝村")), Known(), Options(new_places=True))
    assert named.errors == [] and len(named.valid) == 2
    zhao = named.households[0]
    assert zhao.data.annual_income == Decimal("36000.00") and zhao.members[0].data.party_member
    assert not zhao.members[2].data.party_member and zhao.members[1].data.health == "长期慢性病"
    assert named.households[1].data.relocation_date == "2021-05" and named.households[1].members[0].data.party_member
    assert named.new_villages == ["河坝村"]


@pytest.mark.parametrize("value, expected", [
    (2019, "2019"), ("2019", "2019"), ("2019.5", "2019-05"), ("2019.10", "2019-10"), ("2019年5月", "2019-05"),
    ("2019-05-03", "2019-05-03"), ("2019/05/03", "2019-05-03"), (dt.datetime(2019, 5, 3), "2019-05-03"),
    (ShownFloat(2019.1, 2), "2019-10"), ("２０１９．１０", "2019-10"),
])
def test_relocation_dates_in_every_listed_form(value, expected):
    """Every date form of SPEC §5 reads right; 2019.10 (as text or shown with two decimals) is October."""
    v = run(family(**{"搬迁时间": value}))
    assert messages(v) == [] and v.households[0].data.relocation_date == expected


def test_unreadable_date_is_an_error_in_its_cell():
    """A date nobody can read is an error tied to its row and column."""
    v = run(family(**{"搬迁时间": "去年秋天"}))
    assert messages(v)[0][:2] == (2, "G") and "搬迁时间" in messages(v)[0][2]


def test_id_mangled_into_a_float_says_so():
    """An ID that Excel turned into a number is an error saying the digits were lost and how to fix it."""
    v = run(family(**{"身份证号": float(pid(1))}))
    (row, column, message), = messages(v)
    assert (row, column) == (2, "F") and "数字" in message and "文本" in message


@pytest.mark.parametrize("raw", [" ".join([pid(1)[:6], pid(1)[6:]]), fullwidth(pid(1)), pid(1).lower()])
def test_id_spaces_fullwidth_and_lowercase_x_are_normalised(raw):
    """IDs with spaces, full-width digits or lower-case x are accepted as the same ID."""
    v = run(family(**{"身份证号": raw}))
    assert messages(v) == [] and v.households[0].members[0].data.id_number == pid(1)


def test_bad_id_checksum_is_an_error():
    """A wrong check character is an error on that row's ID cell."""
    good = pid(1)
    v = run(family(**{"身份证号": good[:17] + ("0" if good[17] != "0" else "1")}))
    assert messages(v)[0][:2] == (2, "F") and "校验" in messages(v)[0][2]


def test_missing_name_and_relation_are_errors():
    """A member without a name or without a relation is an error naming what to fill."""
    rows = family() + [("1", "清江村", None, "之子", "男", pid(5)), ("1", "清江村", "王五", None, "男", pid(7))]
    found = messages(run(rows))
    assert (4, "C") in [(r, c) for r, c, _ in found] and (5, "D") in [(r, c) for r, c, _ in found]


def test_household_without_head_is_an_error_on_its_first_row():
    """No 户主: one error on the household's first row."""
    rows = [("1", "清江村", "李秀英", "配偶", "女", pid(2, male=False)), ("1", "清江村", "王小明", "之子", "男", pid(3))]
    (row, column, message), = messages(run(rows))
    assert row == 2 and column == "D" and "没有户主" in message


def test_two_heads_are_an_error_on_each_head_row():
    """Two 户主 in one household: an error on each 户主 row."""
    rows = family() + [("1", "清江村", "王大华", "户主", "男", pid(7))]
    assert sorted(r for r, _, m in messages(run(rows)) if "户主" in m) == [2, 4]


def test_same_id_twice_in_one_import_is_an_error_on_every_row():
    """An ID on two rows (here in two households) is an error on both rows."""
    rows = family("1", 1) + [("2", "清江村", "张三", "户主", "男", pid(1))]
    dup = [r for r, _, m in messages(run(rows)) if "重复" in m]
    assert dup == [2, 4]


def test_id_held_by_another_household_in_the_database_is_an_error():
    """An incoming member whose ID belongs to someone of another household in the archive is an error."""
    spouse = pid(2, male=False)
    known = Known(people={spouse: Person(7, "HF000007", "李秀英", "户主", "在册")}, heads={7: {spouse}})
    v = run(family("1", 1), known=known)
    (row, column, message), = messages(v)
    assert (row, column) == (3, "F") and "HF000007" in message


def test_household_matches_the_archive_by_head_id():
    """A household whose head's ID is a 户主 in the archive updates that household."""
    known = Known(people={pid(1): Person(7, "HF000007", "户主1", "户主", "在册")}, heads={7: {pid(1)}},
                  villages={"清江村"})
    v = run(family("1", 1), known=known)
    assert messages(v) == [] and v.households[0].match_id == 7


def test_unreadable_values_in_typed_columns_are_errors():
    """Land, household size, sex and relation that cannot be read are errors in their cells."""
    row = family(**{"承包地面积": "两亩", "家庭人口": "三口人", "性别": "未知"})
    found = {(r, c) for r, c, _ in messages(run(row))}
    assert {(2, "I"), (2, "J"), (2, "E")} <= found
    found = messages(run([("1", "清江村", "王明华", "老板", "男", pid(1))]))
    assert any(c == "D" and "老板" in m for _, c, m in found)


def test_warnings_do_not_stop_the_import():
    """Sex against the ID's sex digit, 家庭人口 against rows found and a new village are warnings only."""
    v = run(family(**{"性别": "女", "家庭人口": 3}))
    assert messages(v) == []
    warned = " ".join(m for _, _, m in messages(v, WARNING))
    assert "第17位" in warned and "家庭人口" in warned and "清江村" in warned
    assert v.households[0].ok


def test_a_birth_date_against_the_id_is_a_warning_on_the_birth_date_cell():
    """A 出生日期 that is not the ID's is warned about in its own cell, and the file's date is kept."""
    header = HEADER + ("出生日期",)
    born = dt.datetime(1980, 5, 6)
    head, spouse = family()
    v = run([head + (born,), spouse], header=header)
    assert messages(v) == []
    warned = [(r, c, m) for r, c, m in messages(v, WARNING) if "出生日期记录为" in m]
    assert [(r, c) for r, c, _ in warned] == [(2, "K")]
    assert "户主1的出生日期记录为1980年5月6日，身份证号显示为" in warned[0][2]
    assert v.households[0].members[0].data.birth_date == born.date()


def test_phones_with_dashes_and_spaces():
    """Phones lose their dashes and spaces."""
    v = run(family(**{"联系电话": "0851-8822 3344"}))
    assert v.households[0].data.phone == "085188223344"


def test_names_lose_whitespace_but_keep_the_middle_dot():
    """" 王 明华" is 王明华; a minority name keeps its middle dot; rare characters stay as they are."""
    v = run(family(**{"姓名": " 王 明华"}) + [("1", "清江村", "阿依古丽・买买提", "之女", "女", pid(9, male=False)),
                                              ("1", "清江村", "𠮷䶮", "之子", "男", pid(11))])
    names = [m.data.name for m in v.households[0].members]
    assert names == ["王明华", "配偶1", "阿依古丽·买买提", "𠮷䶮"]


def test_every_issue_is_tied_to_file_sheet_row_and_column():
    """Each issue names file, sheet, Excel row and column letter with its header."""
    v = run(family(**{"身份证号": "12345"}))
    issue = v.errors[0]
    assert (issue.file, issue.sheet, issue.row, issue.column, issue.header) == ("f.xlsx", "表1", 2, "F", "身份证号")
    assert issue.value == "12345"
    assert set(issue.as_json()) == {"file", "sheet", "row", "column", "message"}


def test_plain_number_2019_1_reads_as_january_with_a_warning_about_october():
    """A General-format 2019.1 imports as January, with a warning that a typed 2019.10 loses its 0 in Excel."""
    v = run(family(搬迁时间=2019.1))
    assert messages(v) == []
    assert v.households[0].data.relocation_date == "2019-01"
    warned = [m for _r, col, m in messages(v, WARNING) if "2019.10" in m]
    assert len(warned) == 1
    clean = run(family(搬迁时间=ShownFloat(2019.1, 2)))
    assert clean.households[0].data.relocation_date == "2019-10"
    assert not [m for _r, _c, m in messages(clean, WARNING) if "2019.10" in m]


@pytest.mark.parametrize("header", [("档案编号", "户编号"), ("户编号", "档案编号"), ("档案编号", "原户编号")])
def test_the_registers_own_number_and_our_archive_number_are_told_apart(header):
    """A register with both numbers: 档案编号 is ours (kept for new households), the other is 原户编号."""
    numbers = {"档案编号": "HF000123", "户编号": "QJ-0007", "原户编号": "QJ-0007"}
    columns = header + ("村", "姓名", "与户主关系", "身份证号")
    v = run([(numbers[header[0]], numbers[header[1]], "清江村", "王明", "户主", pid(1))], header=columns)
    (h,) = v.households
    assert (h.archive_no, h.original_no) == ("HF000123", "QJ-0007") and v.errors == []


@pytest.mark.parametrize("title", ["户编号", "户号", "家庭编号"])
def test_the_household_key_column_is_kept_as_the_registers_own_number(title):
    v = run([("QJ-0007", "清江村", "王明", "户主", pid(1))], header=(title, "村", "姓名", "与户主关系", "身份证号"))
    (h,) = v.households
    assert (h.original_no, h.archive_no) == ("QJ-0007", "")


def test_registration_date_column_is_read_and_checked():
    header = ("村", "姓名", "与户主关系", "身份证号", "迁入日期")
    v = run([("清江村", "王明", "户主", pid(1), "2023年6月15日")], header=header)
    assert v.households[0].registered_on == dt.date(2023, 6, 15) and v.errors == []
    v = run([("清江村", "王明", "户主", pid(1), "去年")], header=header, today=dt.date(2026, 1, 1))
    assert [(e.row, e.column) for e in v.errors] == [(2, "E")] and "登记日期" in v.errors[0].message
    v = run([("清江村", "王明", "户主", pid(1), "2026-05-01")], header=header, today=dt.date(2026, 1, 1))
    assert v.errors and "晚于今天" in v.errors[0].message


def test_a_line_break_typed_in_a_cell_does_not_split_the_message():
    """A value with a line break inside (与户主关系 "0\\r0") is quoted on the message's one line."""
    from app.io.validate import ERROR, Issue

    issue = Issue(ERROR, "村.xlsx", "Sheet1", 5, "C", "与户主关系", "与户主关系“0\r0”无法识别")
    assert "\r" not in issue.message and "\n" not in issue.message and "0 0" in issue.message
