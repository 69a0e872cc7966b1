"""The command line's part of this work: `export ledger NAME OUT.xlsx`, and `stats --json`'s baobao, visits
and problems sections on a freshly imported archive."""

from __future__ import annotations

import datetime as dt
import json

import openpyxl
import pytest

from app.cli import main
from app.db import open_database
from app.ledgers import LEDGERS
from app.rules import make_id
from app.services import baobao as bs


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def register(path, households):
    """A layout-B register (one row per person, 户编号 groups them) with tags, housing, land and labour."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["户编号", "村", "安置点", "姓名", "与户主关系", "性别", "身份证号", "住房情况", "承包地面积（亩）",
               "户类型", "劳动能力"])
    for n, (name, housing, land, tags, labour) in enumerate(households, start=1):
        ws.append([str(n), "清江村", "新寨安置点", name, "户主", "男", make_id("522601", dt.date(1970, 1, n), 2 * n + 1),
                   housing, land, tags, labour])
    wb.save(path)
    return path


@pytest.fixture
def imported(tmp_path, capsys):
    """A new database with a register imported: 2 三特户, 2 三无户 (one of them both) and 2 ordinary."""
    path = tmp_path / "town.db"
    assert run(capsys, "--db", path, "init", "--town", "清江镇")[0] == 0
    xlsx = register(tmp_path / "r.xlsx", [
        ("王低收", "自有安置房", 1.5, "低收入户", "普通劳动力"),
        ("李困难", "自有安置房", 2, "困难户、孤寡老残户", "普通劳动力"),
        ("张无房", "无房", 1, "", "普通劳动力"),
        ("赵无劳", "自有安置房", 0.8, "", "丧失劳动力"),
        ("钱普通", "自有安置房", 1.2, "", "普通劳动力"),
        ("孙普通", "租住", 3, "", "技能劳动力"),
    ])
    code, _out, err = run(capsys, "--db", path, "import", "households", "--new-village", xlsx)
    assert code == 0, err
    return path


def test_a_fresh_import_without_baobao_lists_every_key_household_uncovered(imported, capsys):
    """On a freshly imported archive every 三特户 and 三无户 is uncovered, and stats --json says so."""
    code, out, _ = run(capsys, "--db", imported, "stats", "--json")
    figures = json.loads(out)
    assert code == 0
    assert figures["key_groups"]["三特户"] == 2 and figures["key_groups"]["三无户"] == 2
    assert figures["baobao"]["key_households"] == 4
    assert figures["baobao"]["key_households_uncovered"] == 4
    assert figures["visits"]["due"] == 0 and figures["problems"] == {"open": 0, "overdue": 0}
    db = open_database(imported)
    try:
        names = sorted(h.label.split("（")[0] for h in bs.coverage(db).uncovered)
    finally:
        db.close()
    assert names == ["张无房", "李困难", "王低收", "赵无劳"]


def test_stats_json_has_the_spec_sections(imported, capsys):
    """stats --json carries the SPEC §7 baobao, visits and problems keys; --month picks the visits month."""
    _code, out, _ = run(capsys, "--db", imported, "stats", "--json", "--month", "2026-03")
    figures = json.loads(out)
    assert set(figures["baobao"]) == {"key_households", "key_households_uncovered", "points_50plus",
                                      "points_50plus_without_town_leader"}
    assert figures["visits"] == {"month": "2026-03", "due": 0, "done": 0}
    assert set(figures["problems"]) == {"open", "overdue"}


def test_export_ledger_help_lists_the_ledgers(capsys):
    """`export ledger --help` names every declared ledger with its Chinese title."""
    with pytest.raises(SystemExit):
        main(["export", "ledger", "--help"])
    out = capsys.readouterr().out
    for name, ledger in LEDGERS.items():
        assert f"{name}（{ledger.title}）" in out


@pytest.mark.parametrize("name", list(LEDGERS))
def test_export_ledger_writes_the_workbook(imported, tmp_path, capsys, name):
    """`export ledger NAME OUT.xlsx` writes the ledger and says how many rows; an unknown name exits 2."""
    out = tmp_path / f"{name}.xlsx"
    code, text, err = run(capsys, "--db", imported, "export", "ledger", name, out)
    assert code == 0, err
    assert f"已导出{LEDGERS[name].title} 0 条" in text
    assert openpyxl.load_workbook(out).active["A1"].value == f"清江镇{LEDGERS[name].title}"
    code, _text, err = run(capsys, "--db", imported, "export", "ledger", "nosuch", out)
    assert code == 2 and err.count("\n") == 1
