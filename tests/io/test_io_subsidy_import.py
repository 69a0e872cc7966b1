"""`import subsidy` (SPEC §11): on a register and a 名册 with planted errors, the error rows are exactly the
planted ones; all-or-nothing, --skip-invalid, --dry-run, idempotence, history, error report."""

from __future__ import annotations

import datetime as dt
import json

from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from app.cli import main
from app.models import ChangeLog, Member, SubsidyFacts
from tests.conftest import family

ACCOUNT = "6228480012345678{:03d}"


def _register(add_household, n: int = 6) -> list[tuple[str, str]]:
    """n households of two people; returns (name, id) of everyone."""
    people = []
    for i in range(n):
        members = family(f"王{i}华", 100 + i, spouse=f"李{i}英")
        add_household(f"王{i}华", members=members)
        people += [(m.name, m.id_number) for m in members]
    return people


def _roster(path, rows, *, title_rows: int = 2):
    wb = Workbook()
    ws = wb.active
    ws.title = "后扶名册"
    for _ in range(title_rows):
        ws.append(["清江镇大中型水库移民后期扶持人口名册"])
    ws.append(["序号", "村", "姓名", "身份证号码", "扶持类别", "纳入扶持时间", "一卡通账号", "开户银行", "状态",
               "核减时间", "核减原因"])
    for i, r in enumerate(rows, start=1):
        ws.append([i] + r)
    for row in ws.iter_rows(min_row=title_rows + 2):
        row[3].number_format = "@"
        row[6].number_format = "@"
    wb.save(path)
    return title_rows + 1  # header row


def _good(people):
    return [["清江村", name, idn, "现状人口", "2006-07-01", ACCOUNT.format(i), "农业银行", "在册", None, None]
            for i, (name, idn) in enumerate(people)]


def _run(*argv, capsys):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out


def test_planted_errors_are_exactly_the_error_rows(db, add_household, tmp_path, capsys):
    people = _register(add_household)
    rows = _good(people)
    header = 3
    planted = {}
    rows[1][2] = "522601199001011234"; planted[header + 2] = "档案中没有"  # an ID no member holds
    rows[3][3] = "移民"; planted[header + 4] = "扶持类别"  # bad category
    rows[5][5] = "6228 4800 12"; planted[header + 6] = "16到19位"  # bad account
    rows[7][7] = "核减"; rows[7][9] = "死亡"; planted[header + 8] = "核减时间"  # 核减 without date
    rows.append(list(rows[9])); planted[header + len(rows)] = "重复"  # the same ID twice
    rows[9][4] = "2006-07-01"
    rows[10][1] = "王某某"  # a name disagreeing with the archive: a warning only
    path = tmp_path / "名册.xlsx"
    _roster(path, rows)
    code, out = _run("--db", str(db.path), "import", "subsidy", str(path), "--json", capsys=capsys)
    assert code == 1
    result = json.loads(out.out)
    assert sorted(e["row"] for e in result["errors"]) == sorted(planted)
    for e in result["errors"]:
        assert planted[e["row"]] in e["message"], e
    assert [w["row"] for w in result["warnings"]] == [header + 11]
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(SubsidyFacts)) == 0  # all or nothing

    report = tmp_path / "错误报告.xlsx"
    code, out = _run("--db", str(db.path), "import", "subsidy", str(path), "--skip-invalid",
                     "--error-report", str(report), "--json", capsys=capsys)
    assert code == 0
    result = json.loads(out.out)
    assert result["people_imported"] == len(people) - 4  # the duplicate's first line is imported
    assert result["people_skipped"] == 5
    wb = load_workbook(report)
    assert "导入问题清单" in wb.sheetnames
    notes = [c.value for c in wb["后扶名册"]["L"] if c.value]
    assert notes[0] == "错误说明" and len(notes) == 1 + len(planted) + 1


def test_import_is_idempotent_lists_changes_and_keeps_history(db, add_household, tmp_path, capsys):
    people = _register(add_household, 3)
    path = tmp_path / "名册.xlsx"
    rows = _good(people)
    _roster(path, rows)
    code, out = _run("--db", str(db.path), "import", "subsidy", str(path), "--dry-run", "--json", capsys=capsys)
    assert code == 0 and json.loads(out.out)["people_imported"] == 6
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(SubsidyFacts)) == 0
    code, out = _run("--db", str(db.path), "import", "subsidy", str(path), "--json", capsys=capsys)
    assert json.loads(out.out)["people_imported"] == 6
    code, out = _run("--db", str(db.path), "import", "subsidy", str(path), "--json", capsys=capsys)
    again = json.loads(out.out)
    assert (again["people_imported"], again["people_updated"], again["people_unchanged"]) == (0, 0, 6)
    rows[0][7] = "核减"; rows[0][8] = "2026-03-01"; rows[0][9] = "死亡"
    _roster(path, rows)
    code, out = _run("--db", str(db.path), "import", "subsidy", str(path), "--json", capsys=capsys)
    third = json.loads(out.out)
    assert third["people_updated"] == 1
    assert {c["field"] for c in third["changes"]} == {"后扶状态", "核减时间", "核减原因"}
    with db.read() as s:
        facts = s.scalar(select(SubsidyFacts).join(Member).where(Member.id_number == people[0][1]))
        assert (facts.state, facts.reduced_on, facts.reduced_reason) == ("核减", dt.date(2026, 3, 1), "死亡")
        assert s.scalar(select(func.count()).select_from(ChangeLog).where(ChangeLog.field == "核减原因")) == 1
    text_code, out = _run("--db", str(db.path), "import", "subsidy", str(path), capsys=capsys)
    assert "无变化 6 人" in out.out
