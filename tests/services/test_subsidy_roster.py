"""The payment roster of a half and the reconciliation of the bank's return (SPEC §11), through the CLI:
the lists are exactly the planted defects, the result is kept with the half, workbooks reopen, IDs masked."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

from openpyxl import Workbook, load_workbook
from sqlalchemy import select

from app.cli import main
from app.models import Member
from app.rules import mask_id
from app.services import subsidy
from app.services.subsidy_reconcile import kept
from tests.conftest import family


def _people(db, add_household, n: int = 5) -> list[Member]:
    """n households of two people, all on the roster as 现状人口 with accounts."""
    for i in range(n):
        add_household(f"王{i}华", members=family(f"王{i}华", 200 + i, spouse=f"李{i}英"))
    with db.read() as s:
        members = list(s.scalars(select(Member).order_by(Member.id)))
    for i, m in enumerate(members):
        subsidy.save_facts(db, m.id, subsidy.FactsData(category="现状人口", account=f"6228480000000000{i:03d}",
                                                       bank="农业银行"))
    return members


def _cli(capsys, *argv):
    code = main(list(argv))
    return code, capsys.readouterr().out


def test_roster_of_a_half_counts_and_writes_the_workbook(db, add_household, tmp_path, capsys):
    members = _people(db, add_household)
    with db.write() as s:
        dead = s.get(Member, members[0].id)
        dead.status, dead.status_date = "死亡", dt.date(2025, 12, 31)
    subsidy.reduce(db, members[1].id, dt.date(2025, 10, 1), "迁出")
    subsidy.save_facts(db, members[2].id, subsidy.FactsData(category="现状人口", account=""))
    out = tmp_path / "名册.xlsx"
    code, text = _cli(capsys, "--db", str(db.path), "subsidy", "roster", "--year", "2026", "--half", "1",
                      "--out", str(out), "--json")
    assert code == 0
    data = json.loads(text)
    assert data == {"year": 2026, "half": 1, "people": 8, "amount": 2400,
                    "by_village": {"清江村": {"people": 8, "amount": 2400}}, "excluded": {"死亡": 1, "已核减": 1}}
    code, text = _cli(capsys, "--db", str(db.path), "subsidy", "roster", "--year", "2026", "--half", "2", "--json")
    assert json.loads(text)["people"] == 0 and json.loads(text)["excluded"]["扶持期满"] == 8
    wb = load_workbook(out)
    assert wb.sheetnames[:2] == ["发放名册", "各村合计"]
    ws = wb["发放名册"]
    assert ws["A3"].value == "序号" and ws["F3"].value == "身份证号"
    ids = [ws.cell(row=r, column=6).value for r in range(4, 12)]
    assert all(i and "*" in i for i in ids)
    assert not {m.id_number for m in members} & set(ids)  # the masked IDs never show the middle digits
    assert all(mask_id(m.id_number) in ids for m in members[3:])
    assert "无账号" in [ws.cell(row=r, column=11).value for r in range(4, 12)]
    totals = wb["各村合计"]
    assert [totals.cell(row=5, column=c).value for c in (2, 3, 4)] == ["全镇合计", 8, 2400]


def _bank(path, lines):
    wb = Workbook()
    ws = wb.active
    ws.append(["某银行代发结果"])
    ws.append(["姓名", "身份证号码", "账号", "发放金额（元）", "发放状态", "失败原因", "发放日期"])
    for line in lines:
        ws.append(line)
    for row in ws.iter_rows(min_row=3):
        row[1].number_format = "@"
    wb.save(path)


def test_reconcile_finds_exactly_the_planted_defects_and_keeps_them(db, add_household, tmp_path, capsys):
    members = _people(db, add_household)
    with db.write() as s:
        gone = s.get(Member, members[0].id)
        gone.status, gone.status_date = "死亡", dt.date(2026, 2, 1)  # dies in H1: not due in H2 2025? due.
    # Half: 2025 H2 (everyone still in period). members[1] 核减 before the half: paid anyway -> overpaid.
    subsidy.reduce(db, members[1].id, dt.date(2025, 5, 1), "转为非农业户口")
    lines = []
    for m in members:
        lines.append([m.name, m.id_number, "6228", 300, "成功", "", "2025-07-20"])
    lines[2][3] = 250  # wrong amount
    lines[3][4], lines[3][5], lines[3][3] = "失败", "账户已销户", 0  # failed
    del lines[4]  # members[4] not in the file: unpaid
    lines.append(["张三", "522601199901011237", "6228", 300, "成功", "", "2025-07-20"])  # unknown ID
    path = tmp_path / "发放结果.xlsx"
    _bank(path, lines)
    out = tmp_path / "核对.xlsx"
    code, text = _cli(capsys, "--db", str(db.path), "subsidy", "reconcile", str(path), "--year", "2025",
                      "--half", "2", "--json", "--out", str(out))
    assert code == 0
    data = json.loads(text)
    names = {k: [e["name"] for e in data[k]] for k in ("overpaid", "unpaid", "failed", "amount_mismatch", "unknown")}
    assert names == {"overpaid": [members[1].name], "unpaid": [members[4].name], "failed": [members[3].name],
                     "amount_mismatch": [members[2].name], "unknown": ["张三"]}
    assert data["paid_ok"] == len(members) - 4
    assert data["failed"][0]["reason"] == "账户已销户"
    assert data["amount_mismatch"][0]["paid"] == 250 and data["amount_mismatch"][0]["due"] == 300
    assert all("*" in e["id"] for k in names for e in data[k])
    held = kept(db, 2025, 2)
    assert held is not None and held.open_count == 5 and held.paid_ok == data["paid_ok"]
    assert held.lists["overpaid"][0].id_number == members[1].id_number
    wb = load_workbook(out)
    assert wb.sheetnames == ["核对汇总", "多发（应追缴）", "漏发（应补发）", "发放失败", "金额不符", "身份证号不在档案中"]
    assert wb["发放失败"]["B4"].value == members[3].name
    assert wb["发放失败"]["C4"].value == mask_id(members[3].id_number)
    code, text = _cli(capsys, "--db", str(db.path), "subsidy", "reconcile", str(path), "--year", "2025",
                      "--half", "2", "--json", "--full-ids")
    assert json.loads(text)["failed"][0]["id"] == members[3].id_number
    assert kept(db, 2025, 2).open_count == 5  # reconciled again: replaced, not added


def test_review_lists_removed_ended_and_added(db, add_household, capsys):
    members = _people(db, add_household, 2)
    subsidy.reduce(db, members[0].id, dt.date(2026, 3, 1), "死亡")
    subsidy.save_facts(db, members[1].id, subsidy.FactsData(category="原迁人口", start_on=dt.date(2026, 4, 1),
                                                           account="6228480000000000999"))
    code, text = _cli(capsys, "--db", str(db.path), "subsidy", "review", "--year", "2026", "--json")
    data = json.loads(text)
    assert (data["start"], data["end"]) == (3, 1)
    assert [(e["name"], e["reason"], e["date"]) for e in data["removed"]] == [(members[0].name, "死亡", "2026-03-01")]
    assert len(data["ended"]) == 2 and data["ended"][0]["date"] == "2026-07-01"
    assert [e["name"] for e in data["added"]] == [members[1].name]
    assert Decimal(600) == subsidy.load_settings(db).county.standard


def test_outputs_go_through_the_guard(db, add_household, tmp_path, capsys):
    members = _people(db, add_household, 1)
    path = tmp_path / "发放结果.xlsx"
    _bank(path, [[m.name, m.id_number, "6228", 300, "成功", "", "2026-01-20"] for m in members])
    before = path.read_bytes()
    code, _text = _cli(capsys, "--db", str(db.path), "subsidy", "reconcile", str(path), "--year", "2026",
                       "--half", "1", "--out", str(path))
    assert code == 2 and path.read_bytes() == before  # the bank's file is never overwritten
    assert kept(db, 2026, 1) is None  # refused before anything was kept
    code, _text = _cli(capsys, "--db", str(db.path), "subsidy", "roster", "--year", "2026", "--half", "1",
                       "--out", str(tmp_path / "没有这个文件夹" / "名册.xlsx"))
    assert code == 2


def test_whole_roster_runs_by_village_group_and_archive_with_each_households_members_in_order(db, add_household):
    """The town's whole roster (built in Python from two plain queries) has the order of the filtered list
    (one SQL ORDER BY): village, group, archive number, then the household's own order of members."""
    from app.models import Household
    from app.services import town
    from app.services.subsidy_roster import roster_rows_in

    _people(db, add_household, n=4)
    second = town.save_village(db, town.VillageData(name="白岩村"))
    layout = [("清江村", "2组", "Q-002"), ("白岩村", "1组", "B-009"), ("清江村", "1组", "Q-010"),
              ("清江村", "2组", "Q-001")]
    with db.write() as s:
        households = list(s.scalars(select(Household).order_by(Household.id)))
        for h, (village, group, archive_no) in zip(households, layout):
            if village == "白岩村":
                h.village_id = second
            h.group_name, h.archive_no = group, archive_no
        spouse_first = s.scalars(select(Member).where(Member.household_id == households[2].id)
                                 .order_by(Member.id)).all()
        spouse_first[0].sort_order, spouse_first[1].sort_order = 5, 1
        heads = {h.id: h.head_name for h in households}
    with db.read() as s:
        whole = roster_rows_in(s, 2026, 1)
        by_sql = roster_rows_in(s, 2026, 1, limit=1000)
        names = {m.id: m.name for m in s.scalars(select(Member))}
    assert whole == by_sql
    assert [(r.village, r.group) for r in whole] == [("清江村", "1组")] * 2 + [("清江村", "2组")] * 4 + [("白岩村", "1组")] * 2
    assert [r.head for r in whole[2:6]] == [heads[households[3].id]] * 2 + [heads[households[0].id]] * 2
    assert [r.name for r in whole[:2]] == [names[spouse_first[1].id], names[spouse_first[0].id]]


def test_reconcile_sums_an_ids_lines_and_a_failure_retried_with_success_is_paid(db, add_household):
    """Two successful lines for one person are one payment of their sum (a mismatch when it is not the
    half's amount); a failed line followed by a successful one is paid; an empty ID is listed as unknown."""
    from app.services.subsidy_reconcile import BankRow, reconcile

    members = _people(db, add_household, n=2)
    ok, twice, retried, _unpaid = members

    def line(m, amount, success=True, failure=""):
        return BankRow("发放结果", 2, m.name, m.id_number, Decimal(amount), success, failure)

    rows = [line(ok, 300), line(twice, 300), line(twice, 300), line(retried, 0, False, "户名不符"),
            line(retried, 300), BankRow("发放结果", 9, "无号", "", Decimal(300), True)]
    result = reconcile(db, rows, 2025, 2, keep=False)
    assert result.paid_ok == 2 and result.due_people == 4
    assert [(e.name, e.paid) for e in result.lists["amount_mismatch"]] == [(twice.name, Decimal(600))]
    assert [e.name for e in result.lists["unpaid"]] == [_unpaid.name] and result.lists["failed"] == []
    assert [e.reason for e in result.lists["unknown"]] == ["「发放结果」第9行身份证号为空或无法识别"]
    assert result.paid_amount == Decimal(1200)
    assert kept(db, 2025, 2) is None  # keep=False leaves nothing behind


def test_in_a_county_database_narrowed_to_a_town_the_roster_and_reconciliation_are_that_towns(tmp_path):
    """The whole-town roster and the reconciliation's due list read plain rows for speed; narrowed to one
    town of a county database they still hold that town's people only, as its own file does."""
    from app.db import open_database
    from app.services.county import list_towns
    from app.services.county_merge import create_county, merge_copies
    from app.services.subsidy_roster import due_ids, roster_rows_in, roster_summary_in
    from app.services.town_scope import town_read
    from tests.services.county_helpers import copy_of, make_town

    paths = {name: make_town(tmp_path, name, households=20, seed=seed)
             for seed, name in enumerate(("清江镇", "白河镇"), start=1)}
    copies = [copy_of(p, tmp_path / f"{name}-副本.db") for name, p in paths.items()]
    county = create_county(tmp_path / "县.db", "竹山县")
    try:
        merge_copies(county, copies)
        towns = {t.name: t.id for t in list_towns(county)}
        narrowed = {}
        for name, tid in towns.items():
            with town_read(county, tid) as s:
                narrowed[name] = ([r.id_number for r in roster_rows_in(s, 2026, 1)],
                                  roster_summary_in(s, 2026, 1).people, due_ids(s, 2026, 1))
    finally:
        county.close()
    for name, path in paths.items():
        own_db = open_database(path)
        try:
            with own_db.read() as s:
                own = [r.id_number for r in roster_rows_in(s, 2026, 1)]
        finally:
            own_db.close()
        rows, people, due = narrowed[name]
        assert own and rows == own and people == len(own), name
        assert due == {i for i in own if i}, name


def test_bank_return_read_by_header_whatever_the_order_with_missing_and_stray_columns(tmp_path):
    """A bank's own layout: columns in its order, no 失败原因 or 发放日期, a note written beyond the table.
    Each line reads its own cells by header; repeated amounts and statuses read alike; a missing column is
    blank and never takes the note."""
    from app.io.bank_return import read_bank_return

    wb = Workbook()
    ws = wb.active
    ws.append(["发放金额", "处理结果", "证件号码", "户名"])
    ws.append([300, "成功", "522601199901011237", "张三", "备注：第一批"])
    ws.append(["300.00", "失败", "522601199901011245", "李四"])
    ws.append([300.0, " 成 功 ", "522601199901011253 ", "王五"])
    ws.append([None, None, None, None, "合计 3 人"])
    path = tmp_path / "银行.xlsx"
    wb.save(path)
    rows = read_bank_return(path)
    assert [(r.row, r.name, r.id_number, r.amount, r.success, r.failure, r.paid_on) for r in rows] == [
        (2, "张三", "522601199901011237", Decimal("300.00"), True, "", None),
        (3, "李四", "522601199901011245", Decimal("300.00"), False, "", None),
        (4, "王五", "522601199901011253", Decimal("300.00"), True, "", None),
    ]


def test_a_tall_narrow_sheet_is_bounded_by_its_own_columns():
    """300,000 lines in columns A..G: the grid calamine would hold is 7 columns wide, not 52 (so the fast
    reader takes a county's bank return); a two-letter column widens the bound to AZ."""
    from app.io import workbook_guard as guard

    rows = b"".join(b'<row r="%d"><c r="A%d"/><c r="G%d"/></row>' % (r, r, r) for r in range(1, 300_001))
    data = b"<worksheet><sheetData>" + rows + b"</sheetData></worksheet>"
    assert 300_000 * 7 <= guard.xlsx_extent(data) <= 400_000 * 7
    assert guard.xlsx_extent(data.replace(b'r="G1"', b'r="AB1"')) >= 300_000 * 28
