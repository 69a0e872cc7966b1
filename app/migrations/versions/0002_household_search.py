"""household search: a trigram full-text index over households.search_text, and a covering index for
the default list order, so that searching and listing 100,000 households stay under 100 ms

Revision ID: 0002_household_search
Revises: 0001_baseline
Create Date: 2026-11-29
"""

from __future__ import annotations

from alembic import op

revision = "0002_household_search"
down_revision = "0001_baseline"
branch_labels = None
depends_on = None

# The FTS table reads its text from households (external content); the triggers keep it in step with
# every insert, delete and change of search_text, whoever writes the row.
STATEMENTS = [
    "CREATE VIRTUAL TABLE household_fts USING fts5("
    "search_text, content='households', content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER household_fts_ai AFTER INSERT ON households BEGIN "
    "INSERT INTO household_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER household_fts_ad AFTER DELETE ON households BEGIN "
    "INSERT INTO household_fts(household_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER household_fts_au AFTER UPDATE OF search_text ON households BEGIN "
    "INSERT INTO household_fts(household_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO household_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "INSERT INTO household_fts(household_fts) VALUES ('rebuild')",
]


# On PostgreSQL (a county database on a server) there is no FTS5: households are searched with LIKE over
# search_text, which a trigram GIN index (pg_trgm, where the server has it) answers without a scan.
PG_TRGM_INDEX = "ix_households_search_trgm"


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _pg_trigram_index()
    else:
        for sql in STATEMENTS:
            op.execute(sql)
    with op.batch_alter_table("households", schema=None) as batch_op:
        batch_op.create_index("ix_households_list_order", ["status", "archive_no", "id", "member_count"],
                              unique=False)


def _pg_trigram_index() -> None:
    """The trigram index, when the server lets this database use pg_trgm (a savepoint keeps a refusal from
    spoiling the migration's transaction); without it the search still works, by scanning."""
    bind = op.get_bind()
    with bind.begin_nested() as savepoint:
        try:
            bind.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            bind.exec_driver_sql(f"CREATE INDEX {PG_TRGM_INDEX} ON households USING gin (search_text gin_trgm_ops)")
        except Exception:
            savepoint.rollback()


def downgrade() -> None:
    with op.batch_alter_table("households", schema=None) as batch_op:
        batch_op.drop_index("ix_households_list_order")
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP INDEX IF EXISTS {PG_TRGM_INDEX}")
        return
    for name in ("household_fts_au", "household_fts_ad", "household_fts_ai"):
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP TABLE IF EXISTS household_fts")
