"""county merge (SPEC §8): towns' copies verified and merged; a newer copy replaces its town whole; identical,
older and failing copies change nothing."""

from __future__ import annotations

import json
import sqlite3

import pytest

from app.cli import main
from app.config import is_server
from app.db import database_exists, open_database
from app.services.county import list_towns
from app.services.county_merge import MERGED, REFUSED, UNCHANGED, create_county, merge_copies
from tests.services.county_helpers import (
    active_counts,
    copy_of,
    households_leave,
    make_town,
    rename_town,
    share_an_id,
    table_fingerprint,
)


@pytest.fixture
def towns(tmp_path):
    """Three towns' databases and a first copy of each."""
    paths = {name: make_town(tmp_path, name, households=25, seed=seed)
             for seed, name in enumerate(("清江镇", "白河镇", "石门镇"), start=1)}
    copies = {name: copy_of(p, tmp_path / f"{name}-副本1.db") for name, p in paths.items()}
    return paths, copies


def merge(county_path, files, password=None):
    if database_exists(county_path):
        db = open_database(county_path, county=True)
    else:
        db = create_county(county_path, "竹山县")
    try:
        return merge_copies(db, list(files), password)
    finally:
        db.close()


def county_towns(county_path):
    db = open_database(county_path)
    try:
        return {t.name: t for t in list_towns(db)}
    finally:
        db.close()


def test_three_towns_merge_and_each_keeps_its_counts(county_target, tmp_path, towns):
    paths, copies = towns
    county = county_target
    outcomes = merge(county, copies.values())
    assert [o.status for o in outcomes] == [MERGED] * 3
    held = county_towns(county)
    assert set(held) == {"清江镇", "白河镇", "石门镇"}
    for name, path in paths.items():
        assert (held[name].households, held[name].members) == active_counts(path)
        assert held[name].sha256 == json.loads((tmp_path / f"{name}-副本1.db.manifest.json").read_text())["sha256"]
    assert active_counts(county) == tuple(map(sum, zip(*(active_counts(p) for p in paths.values()))))
    db = open_database(county)
    try:
        assert db.readonly and "县级汇总数据库" in db.readonly_reason
    finally:
        db.close()


def test_same_copy_again_changes_nothing(county_target, tmp_path, towns):
    _paths, copies = towns
    county = county_target
    merge(county, copies.values())
    before = table_fingerprint(county)
    outcomes = merge(county, [copies["白河镇"]])
    assert outcomes[0].status == UNCHANGED and "相同" in outcomes[0].message
    assert table_fingerprint(county) == before


def test_newer_copy_replaces_that_town_only_and_an_older_one_then_changes_nothing(county_target, tmp_path, towns):
    paths, copies = towns
    county = county_target
    merge(county, copies.values())
    others_before = {n: (t.households, t.members) for n, t in county_towns(county).items() if n != "清江镇"}
    households_leave(paths["清江镇"], 7)
    newer = copy_of(paths["清江镇"], tmp_path / "清江镇-副本2.db")
    outcomes = merge(county, [newer])
    assert outcomes[0].status == MERGED
    held = county_towns(county)
    assert (held["清江镇"].households, held["清江镇"].members) == active_counts(paths["清江镇"])
    assert {n: (t.households, t.members) for n, t in held.items() if n != "清江镇"} == others_before
    assert len(held) == 3
    before = table_fingerprint(county)
    outcomes = merge(county, [copies["清江镇"]])
    assert outcomes[0].status == UNCHANGED and "旧" in outcomes[0].message
    assert table_fingerprint(county) == before


def test_tampered_copy_is_refused_and_nothing_changes(county_target, tmp_path, towns):
    paths, copies = towns
    county = county_target
    merge(county, [copies["清江镇"]])
    before = table_fingerprint(county)
    con = sqlite3.connect(copies["白河镇"])
    con.execute("UPDATE members SET name = '张三' WHERE id = 1")
    con.commit()
    con.close()
    outcomes = merge(county, [copies["白河镇"]])
    assert outcomes[0].status == REFUSED and "不符" in outcomes[0].message
    assert table_fingerprint(county) == before
    assert set(county_towns(county)) == {"清江镇"}


def test_encrypted_copy_merges_and_a_tampered_or_wrongly_opened_one_is_refused(county_target, tmp_path, towns):
    paths, _copies = towns
    county = county_target
    good = copy_of(paths["石门镇"], tmp_path / "石门镇.zip", password="secret-pass-1")
    bad = copy_of(paths["白河镇"], tmp_path / "白河镇.zip", password="secret-pass-1")
    data = bytearray(bad.read_bytes())
    data[len(data) // 2] ^= 0xFF
    bad.write_bytes(bytes(data))
    outcomes = merge(county, [good, bad], password="secret-pass-1")
    assert [o.status for o in outcomes] == [MERGED, REFUSED]
    before = table_fingerprint(county)
    assert merge(county, [good], password="wrong-password")[0].status in (REFUSED, UNCHANGED)
    assert merge(county, [bad])[0].status == REFUSED
    assert table_fingerprint(county) == before
    assert set(county_towns(county)) == {"石门镇"}
    assert not list(tmp_path.glob(".houfu-merge-*"))


def test_a_town_renamed_between_copies_stays_one_town(county_target, tmp_path, towns):
    paths, copies = towns
    county = county_target
    merge(county, copies.values())
    rename_town(paths["白河镇"], "白河街道")
    outcomes = merge(county, [copy_of(paths["白河镇"], tmp_path / "白河-副本2.db")])
    assert outcomes[0].status == MERGED and "原名白河镇" in outcomes[0].message
    held = county_towns(county)
    assert set(held) == {"清江镇", "白河街道", "石门镇"}
    assert (held["白河街道"].households, held["白河街道"].members) == active_counts(paths["白河镇"])


def test_cli_creates_the_county_lists_towns_and_refuses_town_work(county_target, tmp_path, towns, capsys):
    _paths, copies = towns
    county = county_target
    assert main(["--db", str(county), "county", "merge", *map(str, copies.values())]) == 0
    out = capsys.readouterr().out
    assert "已新建县级汇总数据库" in out and "合并 3 个" in out
    assert main(["--db", str(county), "county", "towns", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)["towns"]
    assert {t["name"] for t in listed} == {"白河镇", "清江镇", "石门镇"}
    assert all(len(t["sha256"]) == 64 and t["taken_at"] for t in listed)
    assert main(["--db", str(county), "demo", "--households", "3"]) == 2
    err = capsys.readouterr().err
    assert "县级汇总数据库" in err and len(err.strip().splitlines()) == 1
    tampered = copies["清江镇"]
    tampered.write_bytes(tampered.read_bytes()[:-100] + b"\0" * 100)
    assert main(["--db", str(county), "county", "merge", str(tampered)]) == 1
    assert "未合并" in capsys.readouterr().err


def test_same_id_in_two_towns_is_a_cross_town_finding_with_both_towns(county_target, tmp_path):
    qj = make_town(tmp_path, "清江镇", households=10, seed=1)
    bh = make_town(tmp_path, "白河镇", households=10, seed=2)
    idn, name = share_an_id(qj, bh)
    county = county_target
    merge(county, [copy_of(qj, tmp_path / "qj.db"), copy_of(bh, tmp_path / "bh.db")])
    from app.services.check import run_check

    db = open_database(county)
    try:
        cross = run_check(db).cross_town
    finally:
        db.close()
    assert len(cross) == 1
    assert cross[0]["rule"] == "跨镇重复" and \
        cross[0]["towns"] == sorted(["清江镇", "白河镇"])
    assert "清江镇" in cross[0]["message"] and "白河镇" in cross[0]["message"] and name in cross[0]["message"]
    assert idn not in cross[0]["message"]
    town_db = open_database(qj)
    try:
        assert run_check(town_db).cross_town is None
    finally:
        town_db.close()


def test_stats_of_a_town_in_the_county_equal_the_towns_own_and_towns_are_listed(county_target, tmp_path, towns, capsys):
    from app.services.stats import stats

    paths, copies = towns
    county = county_target
    merge(county, copies.values())
    db = open_database(county)
    try:
        held = {t.name: t.id for t in list_towns(db)}
        whole = stats(db)
        narrowed = {name: stats(db, town_id=tid) for name, tid in held.items()}
    finally:
        db.close()
    for name, path in paths.items():
        town_db = open_database(path)
        try:
            own = stats(town_db)
        finally:
            town_db.close()
        assert "towns" not in own
        mine = narrowed[name]
        assert mine.pop("towns") == {name: whole["towns"][name]}
        assert mine == own, name
        assert whole["towns"][name] == {"households": own["households"], "members": own["members"]}
    assert whole["households"] == sum(whole["towns"][n]["households"] for n in held)
    assert main(["--db", str(county), "stats", "--json", "--town", "白河镇"]) == 0
    assert json.loads(capsys.readouterr().out)["households"] == whole["towns"]["白河镇"]["households"]
    assert main(["--db", str(county), "stats", "--town", "无此镇"]) == 2
    assert "无此镇" in capsys.readouterr().err


def test_county_summary_totals_are_the_sum_of_the_towns_and_print_and_export(county_target, tmp_path, towns, capsys):
    import openpyxl

    from app.services.county_summary import county_summary
    from app.services.stats import stats

    paths, copies = towns
    county = county_target
    merge(county, copies.values())
    db = open_database(county)
    try:
        summary = county_summary(db)
    finally:
        db.close()
    assert [t.rank for t in summary.towns] == [1, 2, 3]
    coverages = [t.coverage for t in summary.towns]
    assert coverages == sorted(coverages, reverse=True)
    for attr in ("households", "members", "key_households", "key_uncovered", "visits_due", "visits_done",
                 "problems_open", "problems_overdue"):
        assert getattr(summary.total, attr) == sum(getattr(t, attr) for t in summary.towns), attr
    for t in summary.towns:
        town_db = open_database(paths[t.name])
        try:
            own = stats(town_db)
        finally:
            town_db.close()
        assert (t.households, t.members, t.problems_open) == (own["households"], own["members"],
                                                              own["problems"]["open"])
    pdf, xlsx = tmp_path / "县级汇总.pdf", tmp_path / "县级汇总.xlsx"
    assert main(["--db", str(county), "report", "county", "--out", str(pdf)]) == 0
    assert pdf.read_bytes().startswith(b"%PDF")
    assert main(["--db", str(county), "export", "county", str(xlsx)]) == 0
    ws = openpyxl.load_workbook(xlsx).active
    rows = [r for r in ws.iter_rows(min_row=4, values_only=True) if r[1]]
    by_name = {r[1]: r for r in rows if r[1] != "填表人："}
    assert by_name["全县合计"][2] == sum(by_name[n][2] for n in paths) == summary.total.households
    assert not list(tmp_path.glob(".*.partial"))
    assert main(["--db", str(paths["清江镇"]), "report", "county", "--out", str(pdf)]) == 2


def test_each_towns_row_of_the_county_summary_is_that_towns_own_figures(county_target, tmp_path, towns):
    """The summary counts all towns at once (grouped by town); every figure of a town's row is still what
    stats narrowed to that town gives, and what the town's own file gives."""
    import datetime as dt

    from app.services.county_summary import county_summary
    from app.services.stats import archive_state_counts, stats
    from app.services.town_scope import town_read
    from app.vocab import ARCHIVE_INCOMPLETE, ARCHIVE_INCONSISTENT, COUNTY_KEY_COLUMNS

    paths, copies = towns
    county = county_target
    merge(county, copies.values())
    today = dt.date.today()
    month = f"{today.year:04d}-{today.month:02d}"

    def figures(st: dict, states: dict) -> dict:
        return {"households": st["households"], "members": st["members"],
                "key_groups": {k: st["key_groups"].get(k, 0) for k in COUNTY_KEY_COLUMNS},
                "key_households": st["baobao"]["key_households"],
                "key_uncovered": st["baobao"]["key_households_uncovered"],
                "visits": (st["visits"]["due"], st["visits"]["done"]),
                "problems": (st["problems"]["open"], st["problems"]["overdue"]),
                "archive": (states[ARCHIVE_INCOMPLETE], states[ARCHIVE_INCONSISTENT])}

    db = open_database(county)
    try:
        summary = county_summary(db, month=month, today=today)
        ids = {t.name: t.id for t in list_towns(db)}
        narrowed = {}
        for name, tid in ids.items():
            with town_read(db, tid) as s:
                states = archive_state_counts(s)
            narrowed[name] = figures(stats(db, month=month, today=today, town_id=tid), states)
    finally:
        db.close()
    for row in summary.towns:
        town_db = open_database(paths[row.name])
        try:
            with town_db.read() as s:
                own = figures(stats(town_db, month=month, today=today), archive_state_counts(s))
        finally:
            town_db.close()
        got = {"households": row.households, "members": row.members, "key_groups": row.key_groups,
               "key_households": row.key_households, "key_uncovered": row.key_uncovered,
               "visits": (row.visits_due, row.visits_done), "problems": (row.problems_open, row.problems_overdue),
               "archive": (row.findings["档案-不完整"], row.findings["档案-不一致"])}
        assert got == narrowed[row.name] == own, row.name
    # The towns differ, so a figure taken from the wrong town would show.
    assert len({(t.households, t.members, t.key_households, t.visits_due) for t in summary.towns}) == 3
    assert any(t.visits_done for t in summary.towns) and any(t.problems_open for t in summary.towns)


def test_merge_leaves_the_planner_statistics_of_the_county_database(county_target, tmp_path, towns):
    """After a merge the county database carries the planner's statistics (SQLite's: a narrowed town's visits
    are then looked up by household, not by scanning the town's visits for each household)."""
    _paths, copies = towns
    county = county_target
    assert [o.status for o in merge(county, copies.values())] == [MERGED] * 3
    if is_server(county):  # PostgreSQL: the merged tables were analysed
        import sqlalchemy as sa

        engine = sa.create_engine(county.sqlalchemy_url)
        try:
            with engine.connect() as conn:
                analysed = {r[0] for r in conn.exec_driver_sql(
                    "SELECT relname FROM pg_stat_user_tables WHERE last_analyze IS NOT NULL")}
        finally:
            engine.dispose()
        assert {"visits", "households", "members"} <= analysed
        return
    con = sqlite3.connect(county)
    try:
        analysed = {row[0] for row in con.execute("SELECT idx FROM sqlite_stat1 WHERE tbl = 'visits'")}
    finally:
        con.close()
    assert {"ix_visits_household_id", "ix_visits_town_id"} <= analysed


def test_a_towns_monthly_report_from_the_county_is_that_towns_own(county_target, tmp_path, towns, capsys):
    """In a county database the 月报 is asked for with --town: it names that town (title, 主送) and says what
    the town's own database says; without --town it is refused with what to do."""
    import datetime as dt

    from app.services import monthly_report
    from app.services.county import town_id_by_name

    paths, copies = towns
    county = county_target
    merge(county, copies.values())
    month = "2026-11"
    today = dt.date(2026, 12, 2)
    own_db = open_database(paths["白河镇"])
    try:
        own = monthly_report.prepare(own_db, month, today=today)
    finally:
        own_db.close()
    db = open_database(county)
    try:
        db.town_id = town_id_by_name(db, "白河镇")
        held = monthly_report.prepare(db, month, today=today)
    finally:
        db.close()
    doc = monthly_report.document(held, dated=today)
    assert doc.title.startswith("白河镇水利移民站关于") and doc.addressee == "白河镇党委、白河镇政府"
    assert doc.title == monthly_report.document(own, dated=today).title
    assert held.texts == own.texts and held.figures == own.figures

    out = tmp_path / "县里看的月报.pdf"
    assert main(["--db", str(county), "report", "monthly", "--month", month, "--out", str(out)]) == 2
    assert "月报是一个镇的月报" in capsys.readouterr().err and not out.exists()
    assert main(["--db", str(county), "report", "monthly", "--month", month, "--out", str(out),
                 "--town", "白河镇"]) == 0
    assert out.exists() and "已生成" in capsys.readouterr().out
    assert main(["--db", str(county), "report", "monthly", "--month", month, "--out", str(out),
                 "--town", "无此镇"]) == 2
    assert "无此镇" in capsys.readouterr().err
