"""`export households` of a county database (SPEC §8): over every town a 镇 column comes first and the county
is in the title, so two towns' households of the same 户编号 can be told apart; with --town the sheet is that
town's alone, named in its title."""

from __future__ import annotations

import openpyxl
import pytest

from app.cli import main
from tests.services.county_helpers import copy_of, make_town


@pytest.fixture
def county(county_target, tmp_path):
    """A county database holding two towns whose households carry the same 户编号 (both made by one seed)."""
    copies = [copy_of(make_town(tmp_path, name, households=6, seed=3), tmp_path / f"{name}-副本.db")
              for name in ("清江镇", "白河镇")]
    assert main(["--db", str(county_target), "county", "merge", *map(str, copies)]) == 0
    return county_target


def _sheet(capsys, county, tmp_path, *extra):
    out = tmp_path / "花名册.xlsx"
    code = main(["--db", str(county), "export", "households", str(out), *extra])
    assert code == 0, capsys.readouterr().err
    return openpyxl.load_workbook(out).active


def test_county_export_has_a_town_column_and_the_county_in_its_title(county, tmp_path, capsys):
    ws = _sheet(capsys, county, tmp_path)
    header = [c.value for c in ws[3]]
    assert header[:3] == ["序号", "镇", "档案编号"]
    assert ws["A1"].value == "竹山县搬迁群众花名册（一户一档）"
    assert "A1:AL1" in {str(r) for r in ws.merged_cells.ranges} and ws.freeze_panes == "A4"
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=4) if isinstance(r[0].value, int)]
    towns = {r[1] for r in rows}
    assert towns == {"清江镇", "白河镇"}
    by_town = {t: [r[2:] for r in rows if r[1] == t] for t in towns}
    assert by_town["清江镇"] and [r[0] for r in by_town["清江镇"]] == [r[0] for r in by_town["白河镇"]]
    assert "已导出 12 户" in capsys.readouterr().out


def test_county_export_of_one_town_names_it_and_has_no_town_column(county, tmp_path, capsys):
    everyone = _sheet(capsys, county, tmp_path)
    whole = [[c.value for c in r][2:] for r in everyone.iter_rows(min_row=4)
             if isinstance(r[0].value, int) and r[1].value == "白河镇"]
    ws = _sheet(capsys, county, tmp_path, "--town", "白河镇")
    assert ws["A1"].value == "白河镇搬迁群众花名册（一户一档）"
    assert [c.value for c in ws[3]][:2] == ["序号", "档案编号"]
    rows = [[c.value for c in r][1:] for r in ws.iter_rows(min_row=4) if isinstance(r[0].value, int)]
    assert rows == whole and "已导出 6 户" in capsys.readouterr().out


def test_a_town_database_export_names_no_other_town(tmp_path, capsys):
    path = make_town(tmp_path, "清江镇", households=3)
    assert main(["--db", str(path), "export", "households", str(tmp_path / "a.xlsx"), "--town", "白河镇"]) != 0
    assert "没有“白河镇”" in capsys.readouterr().err
    ws = _sheet(capsys, path, tmp_path, "--town", "清江镇")
    assert ws["A1"].value == "清江镇搬迁群众花名册（一户一档）" and ws["B3"].value == "档案编号"
