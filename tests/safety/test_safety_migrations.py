"""Upgrades (SPEC §8, STYLE 8): a database made by every schema revision, full of data, upgrades on open to
the same schema as a fresh one, keeping its rows; a failed upgrade leaves the file as it was; a file from a
newer version is never written."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from safety_helpers import file_digest, make_archive
from sqlalchemy import inspect

import app.db as appdb
import app.models  # noqa: F401  (registers every table)
from app.cli import main
from app.db import APPLICATION_ID, DatabaseError, create_database, integrity_check, make_engine, open_database
from app.services import backup
from app.services.households import load_household
from app.services.stats import stats

ROWS = 3


def revisions_oldest_first() -> list[str]:
    """Every revision of app/migrations, from the baseline to head (walks the script directory)."""
    script = ScriptDirectory.from_config(appdb._alembic_config())
    return [s.revision for s in reversed(list(script.walk_revisions()))]


# Hand-written rows, valid SQL for the revision they are keyed by: a realistic household as that revision
# stored it. A new revision that changes these tables adds its own entry; the generic filler below fills
# every table of every revision regardless.
HAND_WRITTEN: dict[str, list[str]] = {
    "0001_baseline": [
        "INSERT INTO villages (id, name, secretary, director, phone, created_at, updated_at) "
        "VALUES (1000, '清江村', '刘德华', '', '', '2020-01-01 08:00:00', '2020-01-01 08:00:00')",
        "INSERT INTO settlement_points (id, name, village_id, kind, address, created_at, updated_at) "
        "VALUES (1000, '新寨安置点', 1000, '集中', '', '2020-01-01 08:00:00', '2020-01-01 08:00:00')",
    ],
}
HOUSEHOLD_VALUES = {
    ("households", "status"): "在册", ("households", "housing_status"): "自有安置房",
    ("households", "relocation_date"): "2019.5", ("members", "status"): "在册",
    ("members", "relation"): "户主", ("members", "sex"): "男", ("members", "labour"): "普通劳动力",
}


def _tables_in_dependency_order(con: sqlite3.Connection) -> list[str]:
    tables = [r[0] for r in con.execute(
        "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' "
        "AND name != 'alembic_version' ORDER BY name")
        if not r[0].startswith(appdb.UNMAPPED_TABLE_PREFIXES)]
    parents = {t: {r[2] for r in con.execute(f'PRAGMA foreign_key_list("{t}")') if r[2] != t} for t in tables}
    ordered: list[str] = []
    while len(ordered) < len(tables):
        ready = [t for t in tables if t not in ordered and parents[t] <= set(ordered)]
        assert ready, f"foreign-key cycle among {set(tables) - set(ordered)}"
        ordered.extend(ready)
    return ordered


def _value(table: str, column: str, declared: str, i: int):
    declared = declared.upper()
    if (table, column) in HOUSEHOLD_VALUES:
        return HOUSEHOLD_VALUES[(table, column)]
    if "BOOL" in declared:
        return i % 2
    if "INT" in declared or "NUMERIC" in declared or "DECIMAL" in declared or "REAL" in declared:
        return i + 1
    if "DATETIME" in declared or "TIMESTAMP" in declared:
        return f"2020-0{1 + i}-0{1 + i} 08:00:00"
    if "DATE" in declared:
        return f"2020-0{1 + i}-0{1 + i}"
    if "BLOB" in declared or "BINARY" in declared:
        return bytes([i]) * 8
    size = None
    if "(" in declared:
        try:
            size = int(declared[declared.index("(") + 1:declared.index(")")])
        except ValueError:
            size = None
    text = f"{column}{i + 1}"
    return text[-size:] if size else text


def fill_every_table(path: Path) -> dict[str, int]:
    """Insert ROWS rows into every table of the file as it is (whatever its revision), foreign keys pointing at
    real rows; returns the row count of each table afterwards."""
    con = sqlite3.connect(path)
    con.execute("PRAGMA foreign_keys=ON")
    revision = con.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    for sql in HAND_WRITTEN.get(revision, []):
        con.execute(sql)
    for table in _tables_in_dependency_order(con):
        columns = list(con.execute(f'PRAGMA table_info("{table}")'))
        fks = {r[3]: (r[2], r[4]) for r in con.execute(f'PRAGMA foreign_key_list("{table}")')}
        for i in range(ROWS):
            names, values = [], []
            for _cid, name, declared, _notnull, _default, pk in columns:
                if pk and "INT" in declared.upper() and len([c for c in columns if c[5]]) == 1:
                    continue  # rowid alias: let SQLite number it
                if name in fks:
                    parent, parent_col = fks[name]
                    parent_col = parent_col or "id"
                    value = con.execute(f'SELECT "{parent_col}" FROM "{parent}" ORDER BY rowid LIMIT 1 OFFSET ?',
                                        (i,)).fetchone()
                    value = value[0] if value else None
                else:
                    value = _value(table, name, declared, i)
                    if table == "settings" and name == "key":
                        value = f"test.key{i}"
                names.append(f'"{name}"')
                values.append(value)
            con.execute(f'INSERT INTO "{table}" ({", ".join(names)}) VALUES ({", ".join("?" * len(values))})',
                        values)
    con.commit()
    counts = {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]
              for t in _tables_in_dependency_order(con)}
    con.close()
    return counts


def create_at(path: Path, revision: str) -> None:
    """A new file of ours with the schema exactly as it was at revision."""
    engine = make_engine(path)
    with engine.begin() as conn:
        conn.exec_driver_sql(f"PRAGMA application_id={APPLICATION_ID}")
    with engine.begin() as conn:
        command.upgrade(appdb._alembic_config(conn), revision)
    engine.dispose()


def schema_of(engine) -> dict:
    """Tables, columns (any order), keys, foreign keys and indexes, as SQLAlchemy reflects them."""
    insp = inspect(engine)
    result = {}
    for t in insp.get_table_names():
        result[t] = {
            "columns": sorted((c["name"], str(c["type"]), c["nullable"], str(c.get("default")))
                              for c in insp.get_columns(t)),
            "pk": sorted(insp.get_pk_constraint(t)["constrained_columns"]),
            "fks": sorted((tuple(f["constrained_columns"]), f["referred_table"], tuple(f["referred_columns"]),
                           str(f.get("options", {}).get("ondelete"))) for f in insp.get_foreign_keys(t)),
            "indexes": sorted((i["name"], tuple(i["column_names"]), bool(i["unique"]))
                              for i in insp.get_indexes(t)),
            "uniques": sorted((u["name"], tuple(u["column_names"])) for u in insp.get_unique_constraints(t)),
        }
    return result


@pytest.mark.parametrize("revision", revisions_oldest_first())
def test_database_of_every_revision_upgrades_to_the_fresh_schema_with_its_data(tmp_path, revision):
    """A full file made at each revision upgrades on open to the fresh schema, every row kept and readable."""
    path = tmp_path / f"made-at-{revision}.db"
    create_at(path, revision)
    counts = fill_every_table(path)
    db = open_database(path)
    try:
        assert not db.readonly, db.readonly_reason
        if revision != appdb.head_revision():
            assert db.upgraded_from == revision and db.backup_path is not None and db.backup_path.exists()
        fresh = create_database(tmp_path / "fresh.db")
        try:
            assert schema_of(db.engine) == schema_of(fresh.engine)
        finally:
            fresh.close()
        with db.engine.connect() as conn:
            assert appdb.schema_diff(conn) == []
            for table, n in counts.items():
                if inspect(conn).has_table(table):
                    assert conn.exec_driver_sql(f'SELECT count(*) FROM "{table}"').scalar() == n, table
        assert integrity_check(db.engine) == []
        result = stats(db)
        assert result["households"] == counts["households"] and result["members"] == counts["members"]
        assert load_household(db, 1).members  # the archive service reads an upgraded household
    finally:
        db.close()


def test_failed_upgrade_puts_the_file_back_as_it_was(tmp_path, monkeypatch):
    """A migration that fails after changing the file leaves it restored from the backup, and says so."""
    path = tmp_path / "old.db"
    make_archive(path)[0].close()
    con = sqlite3.connect(path)
    con.execute("DROP TABLE alembic_version")  # a file from before the baseline: an upgrade is pending
    con.commit()
    before = con.execute("SELECT count(*) FROM change_log").fetchone()[0]
    con.close()

    def half_then_fail(engine) -> None:
        with engine.connect() as conn:
            conn.exec_driver_sql("DROP TABLE change_log")  # a step that took effect ...
            conn.commit()
        raise RuntimeError("... and a step that failed")

    monkeypatch.setattr(appdb, "upgrade", half_then_fail)
    with pytest.raises(DatabaseError) as failure:
        open_database(path)
    message = str(failure.value)
    assert "升级失败" in message and "恢复原样" in message
    backups = backup.list_backups(path)
    assert len(backups) == 1 and str(backups[0].path) in message
    con = sqlite3.connect(path)
    assert con.execute("SELECT count(*) FROM change_log").fetchone()[0] == before
    assert con.execute("SELECT count(*) FROM households").fetchone()[0] == 3
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert not con.execute("SELECT 1 FROM sqlite_master WHERE name='alembic_version'").fetchone()
    con.close()


def test_failed_upgrade_that_changed_nothing_says_the_file_is_untouched(tmp_path, monkeypatch):
    """A migration that fails inside its transaction leaves the file byte-for-byte as it was."""
    path = tmp_path / "old.db"
    make_archive(path)[0].close()
    con = sqlite3.connect(path)
    con.execute("DROP TABLE alembic_version")
    con.commit()
    con.close()
    digest = file_digest(path)

    def fail(engine) -> None:
        raise RuntimeError("no step ran")

    monkeypatch.setattr(appdb, "upgrade", fail)
    with pytest.raises(DatabaseError, match="文件未被修改"):
        open_database(path)
    assert file_digest(path) == digest


def test_file_from_a_newer_version_is_never_written(tmp_path, capsys):
    """A file from a newer version opens view-only, asks to upgrade the software and keeps every byte."""
    path = tmp_path / "newer.db"
    make_archive(path)[0].close()
    con = sqlite3.connect(path)
    con.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    con.commit()
    con.close()
    digest = file_digest(path)
    db = open_database(path)
    assert db.readonly and "更新版本" in db.readonly_reason
    with pytest.raises(DatabaseError, match="更新版本"), db.write():
        pass
    db.close()
    code = main(["--db", str(path), "demo", "--households", "2"])
    err = capsys.readouterr().err
    assert code == 2 and "更新版本" in err
    assert file_digest(path) == digest
    assert not backup.list_backups(path)
