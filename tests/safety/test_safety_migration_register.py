"""Migration 0003 (SPEC §4.8): an upgraded file knows, from what it held, when each household entered the
register and when it left; the register's 户编号 column exists; full-text search still follows changes."""

from __future__ import annotations

import sqlite3

from alembic import command
from test_safety_migrations import create_at

import app.db as appdb
from app.db import open_database


def _household(con, hid, relocation, status, created="2021-03-04 08:00:00", updated="2024-06-07 09:00:00"):
    con.execute(
        "INSERT INTO households (id, archive_no, group_name, address, original_residence, relocation_date, "
        "settlement_type, housing_status, phone, notes, status, key_flags, archive_state, head_name, "
        "member_count, search_text, created_at, updated_at) "
        "VALUES (?, ?, '', '', '', ?, '', '', '', '', ?, 0, 0, '', 0, ?, ?, ?)",
        (hid, f"A{hid}", relocation, status, f"户{hid}", created, updated))


def _member(con, hid, status, status_date):
    con.execute(
        "INSERT INTO members (household_id, sort_order, name, relation, sex, id_number, ethnic_group, education, "
        "health, labour, employment, party_member, phone, status, status_date, notes, created_at, updated_at) "
        "VALUES (?, 0, '某', '户主', '男', '', '', '', '', '', '', 0, '', ?, ?, '', '2021-01-01', '2021-01-01')",
        (hid, status, status_date))


def test_upgrade_backfills_registration_and_leaving_dates(tmp_path):
    path = tmp_path / "old.db"
    create_at(path, "0002_household_search")
    con = sqlite3.connect(path)
    _household(con, 1, "2019-05-03", "在册")          # full date
    _household(con, 2, "2019-05", "在册")             # year-month: first of the month
    _household(con, 3, "2018", "在册")                # year: first of the year
    _household(con, 4, "", "在册")                    # nothing known: the day the row was made
    _household(con, 5, "3019-01", "在册")             # implausible (future): the day the row was made
    _household(con, 6, "2019.5", "整户迁出")          # left: latest status date of its members
    _member(con, 6, "迁出", "2023-02-01")
    _member(con, 6, "迁出", "2023-08-15")
    _household(con, 7, "2017-01-01", "注销")          # left, no member dates: the day last changed
    con.commit()
    con.close()

    db = open_database(path)
    assert db.upgraded_from == "0002_household_search"
    db.close()
    con = sqlite3.connect(path)
    rows = dict((r[0], r[1:]) for r in con.execute(
        "SELECT id, registered_on, left_on, original_no FROM households"))
    assert rows[1] == ("2019-05-03", None, "")
    assert rows[2] == ("2019-05-01", None, "")
    assert rows[3] == ("2018-01-01", None, "")
    assert rows[4] == ("2021-03-04", None, "")
    assert rows[5] == ("2021-03-04", None, "")
    assert rows[6] == ("2019-05-01", "2023-08-15", "")
    assert rows[7] == ("2017-01-01", "2024-06-07", "")
    # The triggers of 0002 still follow the table: a changed search text is found.
    con.execute("UPDATE households SET search_text = 'QJ-0007 王明' WHERE id = 1")
    con.commit()
    assert con.execute("SELECT rowid FROM household_fts WHERE household_fts MATCH '\"QJ-0007\"'").fetchall() == [(1,)]
    con.close()


def test_downgrade_keeps_search_following_the_table(tmp_path):
    """Going back to 0002 removes the columns and leaves the full-text triggers in place."""
    path = tmp_path / "a.db"
    create_at(path, appdb.head_revision())
    con = sqlite3.connect(path)
    _household(con, 1, "2019", "在册")
    con.commit()
    con.close()
    engine = appdb.make_engine(path)
    with engine.begin() as conn:
        command.downgrade(appdb._alembic_config(conn), "0002_household_search")
    engine.dispose()
    con = sqlite3.connect(path)
    columns = {r[1] for r in con.execute("PRAGMA table_info(households)")}
    assert not columns & {"original_no", "registered_on", "left_on"}
    con.execute("UPDATE households SET search_text = '清江村 李四' WHERE id = 1")
    con.commit()
    assert con.execute("SELECT rowid FROM household_fts WHERE household_fts MATCH '清江村'").fetchall() == [(1,)]
    con.close()
