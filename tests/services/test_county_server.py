"""The county database on a PostgreSQL server (SPEC §8, issue 17 point 6): every county command answers on
the server as on a file, with the same figures (JSON, workbooks, the 月报's text); what only a file can do is
refused in one Chinese line."""

from __future__ import annotations

import json

import pytest

from app.cli import main
from app.db import open_database
from tests.services.county_helpers import copy_of, make_town, share_an_id


@pytest.fixture
def copies(tmp_path):
    """Two towns' first copies; the towns share one ID (a 跨镇重复)."""
    paths = {name: make_town(tmp_path, name, households=20, seed=seed)
             for seed, name in enumerate(("清江镇", "白河镇"), start=1)}
    share_an_id(paths["清江镇"], paths["白河镇"])
    return [copy_of(p, tmp_path / f"{name}-副本.db") for name, p in paths.items()]


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


# What the county side prints; merged_at (the moment of the merge) differs between any two merges.
COMMANDS = (("county", "towns", "--json"), ("stats", "--json"), ("stats", "--json", "--town", "白河镇"),
            ("stats", "--month", "2026-11", "--json"), ("check", "--json"), ("check", "--duties", "--json"),
            ("check", "--duties", "--json", "--town", "清江镇"))


def _answers(capsys, target) -> dict:
    answers = {}
    for argv in COMMANDS:
        code, out, err = run(capsys, "--db", str(target), *argv)
        assert code in (0, 1) and not err, (argv, err)
        data = json.loads(out)
        for t in data.get("towns", []) if isinstance(data.get("towns"), list) else []:
            t.pop("merged_at")
        answers[argv] = data
    return answers


def _cells(capsys, target, argv, out) -> list[tuple]:
    import openpyxl

    code, _out, err = run(capsys, "--db", str(target), *argv, str(out))
    assert code == 0, err
    return [tuple(r) for ws in openpyxl.load_workbook(out).worksheets for r in ws.iter_rows(values_only=True)]


def _pdf_text(capsys, target, out) -> str:
    from pypdf import PdfReader

    code, _out, err = run(capsys, "--db", str(target), "report", "monthly", "--month", "2026-11", "--out", str(out),
                          "--town", "白河镇")
    assert code == 0, err
    return "".join(page.extract_text() for page in PdfReader(out).pages)


def test_every_county_command_gives_the_same_answers_on_postgresql_as_on_a_file(tmp_path, copies, pg_cluster,
                                                                                 capsys):
    from app.config import ServerURL

    server = ServerURL(pg_cluster.create_database())
    try:
        for target in (tmp_path / "县.db", server):
            code, out, _err = run(capsys, "--db", str(target), "county", "merge", *map(str, copies))
            assert code == 0 and "合并 2 个" in out
        on_file, on_server = _answers(capsys, tmp_path / "县.db"), _answers(capsys, server)
        assert on_server == on_file
        for argv in (("export", "county"), ("export", "households")):
            sheets = [_cells(capsys, target, argv, tmp_path / f"{argv[1]}-{n}.xlsx")
                      for n, target in enumerate((tmp_path / "县.db", server))]
            assert sheets[0] == sheets[1] and len(sheets[0]) > 5, argv
        texts = [_pdf_text(capsys, target, tmp_path / f"月报-{n}.pdf")
                 for n, target in enumerate((tmp_path / "县.db", server))]
        assert texts[0] == texts[1] and "一、基本情况" in texts[0] and "白河镇党委" in texts[0]
        assert on_server[("check", "--duties", "--json")]["by_rule"]["跨镇重复"] == 1
        assert sum(t["households"] for t in on_server[("county", "towns", "--json")]["towns"]) == \
            on_server[("stats", "--json")]["households"] > 0
    finally:
        pg_cluster.drop_database(server)


def test_the_household_search_of_a_county_on_postgresql_finds_what_the_file_finds(tmp_path, copies, pg_cluster):
    """Searching by three or more characters goes through SQLite's trigram index in a file and through LIKE
    (pg_trgm) on the server; one or two characters by position. Both find the same households."""
    from sqlalchemy import text

    from app.config import ServerURL
    from app.services.county_merge import create_county, merge_copies
    from app.services.households import HouseholdQuery, query_ids

    server = ServerURL(pg_cluster.create_database())
    try:
        found = {}
        for target in (tmp_path / "县.db", server):
            db = create_county(target, "竹山县")
            try:
                merge_copies(db, copies)
                with db.read() as s:
                    head, idn = s.execute(text(
                        "SELECT h.head_name, m.id_number FROM households h JOIN members m ON m.household_id = h.id "
                        "WHERE m.id_number != '' ORDER BY h.id LIMIT 1")).one()
                found[str(target)] = {w: query_ids(db, HouseholdQuery(text=w))
                                      for w in (head, head[:1], idn[-6:], idn[:2], "无此人名字")}
            finally:
                db.close()
        on_file, on_server = found.values()
        assert list(on_server.values()) == list(on_file.values())
        assert all(list(on_server.values())[:4]) and not list(on_server.values())[4]
    finally:
        pg_cluster.drop_database(server)


def test_what_only_a_file_can_do_is_one_chinese_line_on_a_server(tmp_path, copies, pg_cluster, capsys):
    from app.config import ServerURL

    server = ServerURL(pg_cluster.create_database())
    try:
        assert run(capsys, "--db", server, "county", "merge", str(copies[0]))[0] == 0
        for argv in (("backup",), ("snapshot", str(tmp_path / "s.db")), ("restore", str(copies[0])),
                     ("demo", "--households", "3"), ("init",), ("import", "households", str(tmp_path / "x.xlsx")),
                     ()):
            code, out, err = run(capsys, "--db", server, *argv)
            assert code == 2 and len(err.strip().splitlines()) == 1, (argv, err)
            assert "Traceback" not in err and any("\u4e00" <= ch <= "\u9fff" for ch in err), argv
        assert "pg_dump" in run(capsys, "--db", server, "backup")[2]
        db = open_database(server)
        try:
            assert db.readonly and db.county and "县级汇总数据库" in db.readonly_reason
        finally:
            db.close()
    finally:
        pg_cluster.drop_database(server)


def test_a_server_database_holding_other_tables_is_not_taken_over(tmp_path, copies, pg_cluster, capsys):
    import sqlalchemy as sa

    from app.config import ServerURL

    server = ServerURL(pg_cluster.create_database())
    try:
        engine = sa.create_engine(server.sqlalchemy_url)
        with engine.begin() as conn:
            conn.exec_driver_sql("CREATE TABLE their_data (id integer primary key)")
        engine.dispose()
        code, _out, err = run(capsys, "--db", server, "county", "merge", str(copies[0]))
        assert code == 2 and "已有别的表" in err and len(err.strip().splitlines()) == 1
    finally:
        pg_cluster.drop_database(server)


def test_a_server_that_cannot_be_reached_is_one_chinese_line(tmp_path, capsys):
    """No server listens on the socket folder: the command says so, without a traceback."""
    url = f"postgresql+psycopg://nobody@/houfu?host={tmp_path}"
    code, _out, err = run(capsys, "--db", url, "county", "towns")
    assert code == 2 and len(err.strip().splitlines()) == 1 and "服务器" in err and "Traceback" not in err
    code, _out, err = run(capsys, "--db", url, "county", "merge", str(tmp_path / "none.db"))
    assert code == 2 and len(err.strip().splitlines()) == 1 and "服务器" in err


def test_the_migrations_build_on_postgresql_the_schema_the_models_declare(pg_cluster):
    """Every migration runs on PostgreSQL, and the result is the models' schema (the partial indexes too)."""
    from app.config import ServerURL
    from app.db import head_revision, schema_diff
    from app.services.county_merge import create_county

    server = ServerURL(pg_cluster.create_database())
    try:
        db = create_county(server, "竹山县")
        try:
            with db.engine.connect() as conn:
                assert schema_diff(conn) == []
                assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == head_revision()
                where = conn.exec_driver_sql("SELECT indexdef FROM pg_indexes "
                                             "WHERE indexname = 'uq_household_assignments_current'").scalar()
            assert "WHERE (end_date IS NULL)" in where
        finally:
            db.close()
    finally:
        pg_cluster.drop_database(server)


def test_a_server_url_is_told_apart_from_a_path_and_its_password_is_never_printed(tmp_path, capsys):
    from pathlib import Path

    from app.config import ServerURL, db_target

    assert isinstance(db_target("postgresql+psycopg://u:pw@host/db"), ServerURL)
    assert isinstance(db_target("postgresql://u@host/db"), ServerURL)
    assert db_target("postgresql://u@host/db").sqlalchemy_url == "postgresql+psycopg://u@host/db"
    assert db_target(str(tmp_path / "县.db")) == Path(tmp_path / "县.db")
    url = f"postgresql+psycopg://county:s3cret-pw@/houfu?host={tmp_path}"
    code, out, err = run(capsys, "--db", url, "county", "towns")
    assert code == 2 and "s3cret-pw" not in out + err and "county:***@" in err
