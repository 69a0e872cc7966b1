"""towns: the town dimension (SPEC §8 county edition). A `towns` table, with the one town of a town's
database (a random uid that stays with the town through renames and copies); `town_id` on every top-level
record (children such as members follow their parent), 1 for every existing row and by default; the names
that were unique in the town (档案编号, 村, 责任单位, 计划) become unique within a town; `town_ranges` for a
county database (which id range of each table a merged town occupies).

Revision ID: 0008_towns
Revises: 0007_town_bureau
Create Date: 2026-12-02

The new columns are added in place (ALTER TABLE ADD COLUMN). The unique constraints need the four tables
rebuilt; that is done by SQLite's own procedure (new table from the stored CREATE TABLE with the constraint
changed, copy, drop, rename, indexes again) rather than by batch mode, whose reflection of seventeen tables
made every new database several times slower to create. app.db.upgrade runs migrations with foreign keys off
and checks them before committing; rebuilding households drops the full-text triggers of 0002, which are put
back.
"""

from __future__ import annotations

import re
import uuid

import sqlalchemy as sa
from alembic import op

revision = "0008_towns"
down_revision = "0007_town_bureau"
branch_labels = None
depends_on = None

TOP_LEVEL = ("households", "villages", "settlement_points", "units", "cadres", "problems", "visits",
             "employment_records", "support_records", "housing_records", "fund_records", "projects",
             "activities", "party_records", "meetings", "inspections", "plans")
# table -> (old unique constraint and its columns, new columns)
UNIQUE = {
    "households": ("uq_households_archive_no", ["archive_no"]),
    "villages": ("uq_villages_name", ["name"]),
    "units": ("uq_units_name", ["name"]),
    "plans": ("uq_plans_year_kind", ["year", "kind"]),
}

FTS_TRIGGERS = [
    "CREATE TRIGGER household_fts_ai AFTER INSERT ON households BEGIN "
    "INSERT INTO household_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER household_fts_ad AFTER DELETE ON households BEGIN "
    "INSERT INTO household_fts(household_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER household_fts_au AFTER UPDATE OF search_text ON households BEGIN "
    "INSERT INTO household_fts(household_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO household_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
]
FTS_REBUILD = "INSERT INTO household_fts(household_fts) VALUES ('rebuild')"


def _put_back_fts() -> None:
    if op.get_bind().dialect.name != "sqlite":  # the full-text index is SQLite's (0002)
        return
    for name in ("household_fts_au", "household_fts_ad", "household_fts_ai"):
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    for sql in FTS_TRIGGERS:
        op.execute(sql)
    op.execute(FTS_REBUILD)


def upgrade() -> None:
    op.create_table(
        "towns",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uid", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("county", sa.String(length=60), nullable=False),
        sa.Column("copy_taken_at", sa.String(length=19), nullable=False),
        sa.Column("copy_sha256", sa.String(length=64), nullable=False),
        sa.Column("copy_revision", sa.String(length=40), nullable=False),
        sa.Column("merged_at", sa.String(length=19), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_towns")),
        sa.UniqueConstraint("uid", name=op.f("uq_towns_uid")),
    )
    op.create_table(
        "town_ranges",
        sa.Column("town_id", sa.Integer(), nullable=False),
        sa.Column("table_name", sa.String(length=80), nullable=False),
        sa.Column("first_id", sa.Integer(), nullable=False),
        sa.Column("last_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["town_id"], ["towns.id"], name=op.f("fk_town_ranges_town_id_towns"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("town_id", "table_name", name=op.f("pk_town_ranges")),
    )
    bind = op.get_bind()
    profile = bind.execute(sa.text("SELECT town_name, county_name FROM town_profile ORDER BY id LIMIT 1")).first()
    bind.execute(sa.text(
        "INSERT INTO towns (id, uid, name, county, copy_taken_at, copy_sha256, copy_revision, merged_at) "
        "VALUES (1, :uid, :name, :county, '', '', '', '')"),
        {"uid": uuid.uuid4().hex, "name": (profile[0] if profile else "") or "",
         "county": (profile[1] if profile else "") or ""})
    if bind.dialect.name == "postgresql":  # the explicit id 1 leaves the id sequence behind it
        bind.exec_driver_sql("SELECT setval(pg_get_serial_sequence('towns', 'id'), 1)")
    for table in TOP_LEVEL:
        op.add_column(table, sa.Column("town_id", sa.Integer(), nullable=False, server_default=sa.text("1")))
        op.create_index(op.f(f"ix_{table}_town_id"), table, ["town_id"], unique=False)
    for table, (old, columns) in UNIQUE.items():
        _rebuild(table, old, f"uq_{table}_town_id_{'_'.join(columns)}", ["town_id", *columns])
    _put_back_fts()


def _rebuild(table: str, old: str, new: str, columns: list[str]) -> None:
    """Replace the unique constraint old of table by new over columns (SQLite's table-rebuild procedure)."""
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":  # a server alters the constraint in place
        op.drop_constraint(old, table, type_="unique")
        op.create_unique_constraint(new, table, columns)
        return
    create = bind.execute(sa.text("SELECT sql FROM sqlite_master WHERE type='table' AND name=:t"),
                          {"t": table}).scalar()
    indexes = [r[0] for r in bind.execute(sa.text(
        "SELECT sql FROM sqlite_master WHERE type='index' AND tbl_name=:t AND sql IS NOT NULL"), {"t": table})]
    create, n = re.subn(rf'CONSTRAINT\s+"?{old}"?\s+UNIQUE\s*\([^)]*\)',
                        f"CONSTRAINT {new} UNIQUE ({', '.join(columns)})", create)
    if n != 1:
        raise RuntimeError(f"unexpected schema of {table}: constraint {old} not found")
    create = re.sub(rf'^CREATE TABLE\s+"?{table}"?', f'CREATE TABLE "_new_{table}"', create)
    op.execute(create)
    op.execute(f'INSERT INTO "_new_{table}" SELECT * FROM "{table}"')
    op.execute(f'DROP TABLE "{table}"')
    op.execute(f'ALTER TABLE "_new_{table}" RENAME TO "{table}"')
    for sql in indexes:
        op.execute(sql)


def downgrade() -> None:
    for table, (old, columns) in UNIQUE.items():
        with op.batch_alter_table(table, schema=None, recreate="always") as batch_op:
            batch_op.drop_constraint(f"uq_{table}_town_id_{'_'.join(columns)}", type_="unique")
            batch_op.create_unique_constraint(old, columns)
    for table in TOP_LEVEL:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f"ix_{table}_town_id"))
            batch_op.drop_column("town_id")
    op.drop_table("town_ranges")
    op.drop_table("towns")
    _put_back_fts()
