"""Steps 2 and 3, pure: finding the header and grouping rows into households, on registers as villages fill them."""

from __future__ import annotations

from openpyxl import Workbook

from app.io.grouping import LAYOUT_A, LAYOUT_B, group_sheet, skip_reason
from app.io.headers import find_header, match_header
from app.io.workbook import Sheet, read_workbook
from tests.io.registers import layout_a, layout_b, pid


def sheet_of(rows: list[list], merged=()) -> Sheet:
    return Sheet("表1", [tuple(r) for r in rows], list(merged))


def test_header_names_match_after_removing_spaces_and_brackets():
    """承包地面积(亩) equals 承包地面积（亩）; spaces, a required-mark * and a bracketed note do not matter."""
    assert match_header("承包地面积(亩)") == match_header("承包地面积（亩）") == "land_mu"
    assert match_header(" 身 份 证 号 ") == "id_number"
    assert match_header("身份证号码（18位）") == "id_number"
    assert match_header("*姓名") == "name"
    assert match_header("与户主\n关系") == "relation"
    assert match_header("家庭人口（人）") == "household_size"
    assert match_header("清江村搬迁群众花名册") is None


def test_header_found_below_title_and_unit_rows():
    """A header on row 4, after a title and a 填报单位 row, is found and its columns mapped."""
    header = find_header(sheet_of([["花名册"], ["填报单位：清江村"], [], ["序号", "姓名", "与户主关系", "身份证号码", "村名"]]))
    assert header.row == 4 and header.span == 1
    assert header.columns == {"serial": 1, "name": 2, "relation": 3, "id_number": 4, "village": 5}


def test_two_row_header_with_merged_group_is_combined(tmp_path):
    """A 家庭成员信息 group over sub-headers, with household columns merged down both rows, maps every column."""
    sheet = read_workbook(layout_a(tmp_path / "a.xlsx")).sheets[0]
    header = find_header(sheet)
    assert (header.row, header.span, header.data_start) == (3, 2, 5)
    assert header.columns["head_name"] == 2 and header.columns["land_mu"] == 9
    assert header.columns["name"] == 12 and header.columns["id_number"] == 15 and header.columns["notes"] == 16
    assert header.titles[12] == "家庭成员信息/姓名"


def test_unit_subheader_combines_with_its_column():
    """承包地面积 over a （亩） line reads as the land column; the sub-header line is not data."""
    header = find_header(sheet_of([["姓名", "与户主关系", "身份证号", "承包地面积", "家庭年收入"],
                                   [None, None, None, "（亩）", "（元）"], ["王明华", "户主", pid(1), 1, 2]]))
    assert header.span == 1 and header.columns["land_mu"] == 4


def test_sheet_without_register_header_has_none():
    """A notes sheet or a sheet with only 姓名 is not a register."""
    assert find_header(sheet_of([["填表说明"], ["1. 姓名要写全"]])) is None
    assert find_header(sheet_of([["姓名", "电话"], ["王明华", "138"]])) is None
    assert find_header(sheet_of([])) is None


def test_header_beyond_row_12_is_not_looked_for():
    """The header must start in the first 12 rows (SPEC §5)."""
    rows = [["说明"]] * 12 + [["姓名", "与户主关系", "身份证号"]]
    assert find_header(sheet_of(rows)) is None


def test_layout_a_blocks_with_merged_cells_blank_lines_totals_and_footer(tmp_path):
    """Layout A: three blocks of 3, 2 and 2 people; the blank line, 合计 and footer rows are skipped."""
    wb = read_workbook(layout_a(tmp_path / "a.xlsx"))
    main, notes = (group_sheet(s) for s in wb.sheets)
    assert main.layout == LAYOUT_A
    assert [len(h.members) for h in main.households] == [3, 2, 2]
    assert [h.first_row for h in main.households] == [5, 9, 11]
    assert main.households[0].values["point"].value == "新寨安置点"
    assert main.rows_skipped == 2  # 合计 and the footer (blank rows are not counted)
    assert notes.households == [] and "表头" in notes.skipped_reason


def test_layout_b_groups_by_household_key_even_when_rows_are_apart(tmp_path):
    """Layout B: 户编号 gathers people, household columns only on the head's row; the 1 2 3 line is skipped."""
    parse = group_sheet(read_workbook(layout_b(tmp_path / "b.xlsx")).sheets[0])
    assert parse.layout == LAYOUT_B
    assert [h.key for h in parse.households] == ["HB-01", "HB-02"]
    assert [[m.row for m in h.members] for h in parse.households] == [[4, 5, 7], [6, 8]]
    assert parse.households[1].values["point"].value == "河坝安置小区"


def test_layout_a_without_merges_repeating_household_values():
    """A block whose household columns repeat on every row stays one household; a new 户主姓名 starts the next."""
    rows = [["户主姓名", "安置点", "姓名", "与户主关系", "身份证号"],
            ["王明华", "新寨", "王明华", "户主", pid(1)],
            ["王明华", "新寨", "李秀英", "配偶", pid(2, male=False)],
            ["张国强", "新寨", "张国强", "户主", pid(3)]]
    parse = group_sheet(sheet_of(rows))
    assert [len(h.members) for h in parse.households] == [2, 1]


def test_serial_numbering_people_does_not_split_households():
    """When 序号 numbers every person, households are told apart by 户主 rows, not by 序号."""
    rows = [["序号", "安置点", "姓名", "与户主关系", "身份证号"],
            [1, "新寨", "王明华", "户主", pid(1)],
            [2, None, "李秀英", "配偶", pid(2, male=False)],
            [3, "新寨", "张国强", "户主", pid(3)],
            [4, None, "张小芳", "之女", pid(4, male=False)]]
    parse = group_sheet(sheet_of(rows))
    assert [[m.values["name"] for m in h.members] for h in parse.households] == [["王明华", "李秀英"], ["张国强", "张小芳"]]


def test_a_second_head_without_household_values_stays_in_the_block():
    """Layout A: a second 户主 row with blank household columns continues the household (and is an error later)."""
    rows = [["序号", "姓名", "与户主关系", "身份证号"], [1, "王明华", "户主", pid(1)], [None, "王大华", "户主", pid(3)]]
    parse = group_sheet(sheet_of(rows))
    assert len(parse.households) == 1 and len(parse.households[0].members) == 2


def test_conflicting_household_values_in_layout_b_are_recorded():
    """Two rows of one 户编号 giving different 安置点 values are a conflict on the second row."""
    rows = [["户编号", "安置点", "姓名", "与户主关系", "身份证号"],
            ["1", "新寨", "王明华", "户主", pid(1)], ["1", "河坝", "李秀英", "配偶", pid(2, male=False)]]
    household = group_sheet(sheet_of(rows)).households[0]
    key, first, other = household.conflicts[0]
    assert key == "point" and (first.row, other.row) == (2, 3)


def test_second_phone_column_is_the_members_own():
    """A household 联系电话 differing on a member's row becomes that member's phone, not a conflict."""
    rows = [["户编号", "姓名", "与户主关系", "身份证号", "联系电话"],
            ["1", "王明华", "户主", pid(1), "13800000001"], ["1", "李秀英", "配偶", pid(2, male=False), "13800000002"]]
    household = group_sheet(sheet_of(rows)).households[0]
    assert not household.conflicts
    assert household.members[1].values["member_phone"] == "13800000002"


def test_skip_reasons():
    """Blank rows, totals and footers of every usual wording are recognised; data rows are not."""
    assert skip_reason((None, "  ", None)) == "空行"
    assert skip_reason(("合 计", None, 12)) == "合计行"
    assert skip_reason((None, "总计：25户")) == "合计行"
    for footer in ("填表人：刘德华", "审核人:", "填报日期：2024年3月", "注：身份证号请填18位", "村委会（盖章）"):
        assert skip_reason((footer,)) == "表尾", footer
    assert skip_reason((1, "王明华", "户主")) is None
    assert skip_reason(("王明华", "户主", "审核中")) is None


def test_empty_and_headerless_sheets_are_skipped_with_a_reason():
    """An empty sheet and a sheet without a header say why they were skipped."""
    assert group_sheet(sheet_of([])).skipped_reason == "空表"
    hidden = Sheet("隐藏", [("姓名", "与户主关系", "身份证号"), ("王明华", "户主", pid(1))], hidden=True)
    assert group_sheet(hidden).skipped_reason == "隐藏的工作表"


def test_prenumbered_empty_template_rows_are_ignored():
    """Rows holding only a 序号 (a template numbered in advance) are not households."""
    rows = [["序号", "姓名", "与户主关系", "身份证号"], [1, "王明华", "户主", pid(1)], [2], [3]]
    parse = group_sheet(sheet_of(rows))
    assert len(parse.households) == 1


def test_workbook_with_several_register_sheets(tmp_path):
    """Every sheet with a header is read: one sheet per village."""
    wb = Workbook()
    for name in ("清江村", "平寨村"):
        ws = wb.create_sheet(name)
        ws.append(["姓名", "与户主关系", "身份证号"])
        ws.append([f"{name}户主", "户主", pid(len(name) + ord(name[0]) % 50)])
    wb.save(tmp_path / "two.xlsx")
    parses = [group_sheet(s) for s in read_workbook(tmp_path / "two.xlsx").sheets]
    assert [len(p.households) for p in parses] == [0, 1, 1]
    assert parses[0].skipped_reason == "空表"


def test_remark_lines_under_the_table_are_not_households():
    """A lone remark under the table, and a 制表单位 line, are skipped instead of becoming empty households."""
    rows = [["序号", "户主姓名", "姓名", "与户主关系", "身份证号"], [1, "王明华", "王明华", "户主", pid(1)],
            ["制表单位：平寨村村委会"], ["以上信息经本人核实无误，如有虚假愿承担责任。"]]
    parse = group_sheet(sheet_of(rows))
    assert len(parse.households) == 1 and parse.rows_skipped == 2


def test_common_header_variants_are_understood():
    """Variants villages use (公民身份证号码, 家庭成员姓名, 与户主的关系, 村（社区）) map to their fields."""
    assert match_header("公民身份证号码") == "id_number"
    assert match_header("家庭成员姓名") == "name"
    assert match_header("与户主的关系") == "relation"
    assert match_header("村（社区）") == "village"
    assert match_header("户主姓名") == "head_name"


def test_header_repeated_mid_sheet_is_skipped():
    """A register pasted page by page repeats its header; the copies are not people."""
    header = ["序号", "姓名", "与户主关系", "身份证号"]
    rows = [header, [1, "王明华", "户主", pid(1)], header, [2, "张国强", "户主", pid(3)]]
    parse = group_sheet(sheet_of(rows))
    assert [len(h.members) for h in parse.households] == [1, 1] and parse.rows_skipped == 1


def test_household_numbers_restarting_in_each_village():
    """One sheet for the whole town with 户编号 restarting per village: the 村 keeps the households apart."""
    rows = [["村", "户编号", "姓名", "与户主关系", "身份证号"],
            ["清江村", 1, "王明华", "户主", pid(1)], [None, 1, "李秀英", "配偶", pid(2, male=False)],
            ["平寨村", 1, "张国强", "户主", pid(3)], ["平寨村", 1, "张小芳", "之女", pid(4, male=False)]]
    parse = group_sheet(sheet_of(rows))
    assert [[m.row for m in h.members] for h in parse.households] == [[2, 3], [4, 5]]


def test_empty_household_key_column_falls_back_to_blocks():
    """A 户编号 column left empty does not lump everyone together: blocks are read as layout A."""
    rows = [["户编号", "户主姓名", "姓名", "与户主关系", "身份证号"],
            [None, "王明华", "王明华", "户主", pid(1)], [None, None, "李秀英", "配偶", pid(2, male=False)],
            [None, "张国强", "张国强", "户主", pid(3)]]
    parse = group_sheet(sheet_of(rows))
    assert parse.layout == LAYOUT_A and [len(h.members) for h in parse.households] == [2, 1]
