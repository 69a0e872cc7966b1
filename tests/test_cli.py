"""The command line of SPEC §7: init, demo, stats, check; exit codes and one-line errors."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys

import pytest

from app.cli import main


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def demo_db(tmp_path, capsys):
    path = tmp_path / "demo.db"
    assert run(capsys, "--db", str(path), "init", "--town", "清江镇")[0] == 0
    code, out, err = run(capsys, "--db", str(path), "demo", "--households", "300", "--seed", "7")
    assert code == 0, err
    return path


def test_init_refuses_to_overwrite(tmp_path, capsys):
    """init creates a database once; a second init on the same file is refused with exit 2."""
    path = tmp_path / "a.db"
    assert run(capsys, "--db", str(path), "init")[0] == 0
    code, _out, err = run(capsys, "--db", str(path), "init")
    assert code == 2 and "不会覆盖" in err and err.count("\n") == 1


def test_stats_and_check_agree_with_demo(demo_db, capsys):
    """demo makes the households asked for; stats and check count the same archive."""
    code, out, _ = run(capsys, "--db", str(demo_db), "stats", "--json")
    stats = json.loads(out)
    assert code == 0
    code, out, _ = run(capsys, "--db", str(demo_db), "check", "--json")
    check = json.loads(out)
    assert code == 0 and check["integrity"] == "ok" and check["history_chain"] == "ok"
    assert check["households_checked"] == stats["households"]
    assert sum(check["archive"].values()) == stats["households"]
    assert stats["households"] <= 300 and stats["households"] >= 280  # a few moved out whole
    assert sum(v["households"] for v in stats["villages"].values()) == stats["households"]
    assert sum(v["members"] for v in stats["villages"].values()) == stats["members"]
    kg = stats["key_groups"]
    assert kg["三特户"] >= max(kg["低收入户"], kg["困难户"], kg["孤寡老残户"])
    bb = stats["baobao"]
    assert 0 < bb["key_households_uncovered"] < bb["key_households"]
    assert check["stale_cache"] == 0


def test_demo_refuses_a_database_that_has_households(demo_db, capsys):
    """demo does not mix synthetic households into an archive that has data (exit 1)."""
    code, _out, err = run(capsys, "--db", str(demo_db), "demo", "--households", "10")
    assert code == 1 and err.strip()


@pytest.mark.parametrize("argv", [["frobnicate"], ["demo", "--households", "abc"], ["demo", "--households", "0"],
                                  ["stats", "--month", "2026-13"], ["stats", "--bogus"]])
def test_bad_usage_is_one_line_and_exit_2(tmp_path, capsys, argv):
    """Bad usage gives one Chinese line on stderr and exit status 2."""
    path = tmp_path / "u.db"
    run(capsys, "--db", str(path), "init")
    code, _out, err = run(capsys, "--db", str(path), *argv)
    assert code == 2
    assert err.count("\n") == 1 and "Traceback" not in err


def test_missing_file_non_sqlite_and_foreign_sqlite_are_refused(tmp_path, capsys):
    """A missing file, a text file and someone else's SQLite file each give one clear line, exit 2."""
    missing = tmp_path / "nope.db"
    text = tmp_path / "notes.db"
    text.write_text("这不是数据库", encoding="utf-8")
    foreign = tmp_path / "other.db"
    con = sqlite3.connect(foreign)
    con.execute("create table t(x)")
    con.commit()
    con.close()
    for path, words in ((missing, "找不到"), (text, "不是有效"), (foreign, "不是本软件")):
        code, _out, err = run(capsys, "--db", str(path), "stats")
        assert code == 2 and words in err and err.count("\n") == 1


def test_file_from_a_newer_version_is_not_written(tmp_path, capsys):
    """A database stamped by a newer schema can be read by stats but demo refuses to write it."""
    path = tmp_path / "new.db"
    run(capsys, "--db", str(path), "init")
    con = sqlite3.connect(path)
    con.execute("update alembic_version set version_num='9999_future'")
    con.commit()
    con.close()
    assert run(capsys, "--db", str(path), "stats", "--json")[0] == 0
    code, _out, err = run(capsys, "--db", str(path), "demo", "--households", "5")
    assert code == 2 and "更新版本" in err


def test_python_dash_m_app_runs_without_traceback(tmp_path):
    """The real entry point prints one line and exits 2 for a missing database."""
    proc = subprocess.run([sys.executable, "-m", "app", "--db", str(tmp_path / "x.db"), "check"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr and "找不到" in proc.stderr


def test_output_cut_short_by_the_reader_is_not_an_error(demo_db):
    """`check | true` (a reader that has gone before the output comes) stops quietly, with no error line."""
    proc = subprocess.run(f'"{sys.executable}" -m app --db "{demo_db}" check | (sleep 0; true)', shell=True,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0 and proc.stderr == ""


def test_export_with_masked_ids_prints_no_whole_id(demo_db, tmp_path, capsys):
    """`export households --mask-ids` writes every person with the ID's middle 8 characters hidden."""
    import re

    from openpyxl import load_workbook

    out = tmp_path / "masked.xlsx"
    assert run(capsys, "--db", str(demo_db), "export", "households", str(out), "--mask-ids")[0] == 0
    values = [str(c.value) for row in load_workbook(out).active.iter_rows() for c in row if c.value]
    assert not [v for v in values if re.fullmatch(r"\d{17}[\dX]", v)]
    assert len([v for v in values if re.fullmatch(r"\d{6}\*{8}\d{3}[\dX]", v)]) > 1000
