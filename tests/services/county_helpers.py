"""Towns' databases and their copies for the county tests, and what a county database holds, read the same
way from a county file or from a county database on PostgreSQL (the county_target fixture of conftest)."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from app import demo
from app.db import create_database, open_database
from app.services import town
from app.services.snapshot import take_snapshot


def make_town(folder: Path, name: str, households: int = 30, seed: int = 1) -> Path:
    path = folder / f"{name}.db"
    db = create_database(path)
    try:
        town.seed_reference_data(db)
        town.save_town(db, town.TownData(town_name=name, county_name="竹山县"))
        demo.generate(db, households, seed=seed)
    finally:
        db.close()
    return path


def households_leave(path: Path, households: int) -> None:
    """The town's work goes on: some households leave the register."""
    con = sqlite3.connect(path)
    try:
        con.execute("UPDATE households SET status = '整户迁出' WHERE id IN "
                    "(SELECT id FROM households WHERE status = '在册' ORDER BY id LIMIT ?)", (households,))
        con.commit()
    finally:
        con.close()


def rename_town(path: Path, name: str) -> None:
    db = open_database(path)
    try:
        data = town.load_town(db)
        data.town_name = name
        town.save_town(db, data)
    finally:
        db.close()


def copy_of(path: Path, out: Path, password: str | None = None) -> Path:
    """A county copy of the town's database; waits a second so every copy has its own time."""
    time.sleep(1.05)
    db = open_database(path)
    try:
        return take_snapshot(db, out, password=password).path
    finally:
        db.close()


ACTIVE_HOUSEHOLDS = "SELECT count(*) FROM households WHERE status = '在册'"
ACTIVE_MEMBERS = ("SELECT count(*) FROM members m JOIN households h ON h.id = m.household_id "
                  "WHERE h.status = '在册' AND m.status = '在册'")


def _server_rows(url: str, statements: list[str]) -> list:
    import sqlalchemy as sa

    from app.config import ServerURL

    engine = sa.create_engine(ServerURL(url).sqlalchemy_url)
    try:
        with engine.connect() as conn:
            return [conn.exec_driver_sql(sql).first() for sql in statements]
    finally:
        engine.dispose()


def active_counts(path: Path) -> tuple[int, int]:
    from app.config import is_server

    if is_server(path):
        (households,), (members,) = _server_rows(str(path), [ACTIVE_HOUSEHOLDS, ACTIVE_MEMBERS])
        return households, members
    con = sqlite3.connect(path)
    try:
        households = con.execute(ACTIVE_HOUSEHOLDS).fetchone()[0]
        members = con.execute(ACTIVE_MEMBERS).fetchone()[0]
    finally:
        con.close()
    return households, members


def table_fingerprint(path: Path) -> dict[str, tuple]:
    """Each table's row count and a digest of its rows (a file: total of rowids; a server: md5 of the rows)."""
    from app.config import is_server

    if is_server(path):
        (names,) = _server_rows(str(path), [
            "SELECT string_agg(table_name, ',' ORDER BY table_name) FROM information_schema.tables "
            "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"])
        tables = names[0].split(",")
        rows = _server_rows(str(path), [f'SELECT count(*), md5(coalesce(string_agg(t::text, \'|\' ORDER BY t::text), \'\')) '
                                        f'FROM "{t}" t' for t in tables])
        return {t: tuple(r) for t, r in zip(tables, rows)}
    con = sqlite3.connect(path)
    try:
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table' "
                                            "AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'household_fts%'")]
        return {t: con.execute(f'SELECT count(*), total(rowid) FROM "{t}"').fetchone() for t in tables}
    finally:
        con.close()


def share_an_id(from_town: Path, to_town: Path) -> tuple[str, str]:
    """Give a member 在册 of to_town the ID of one of from_town's; returns (id, from_town's holder's name)."""
    con = sqlite3.connect(from_town)
    idn, name = con.execute("SELECT m.id_number, m.name FROM members m JOIN households h ON h.id = m.household_id "
                            "WHERE m.status = '在册' AND h.status = '在册' AND m.id_number != '' LIMIT 1").fetchone()
    con.close()
    con = sqlite3.connect(to_town)
    con.execute("UPDATE members SET id_number = ? WHERE id = (SELECT m.id FROM members m JOIN households h "
                "ON h.id = m.household_id WHERE m.status = '在册' AND h.status = '在册' LIMIT 1)", (idn,))
    con.commit()
    con.close()
    return idn, name
