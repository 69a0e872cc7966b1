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
