"""household register: the register's own 户编号 (原户编号), and the dates a household entered and left the
town's register (SPEC §4.8), filled from what is known

Revision ID: 0003_household_register
Revises: 0002_household_search
Create Date: 2026-12-02

Backfill on upgrade:
- registered_on: the relocation date when it is a full date; else the first of its month (or of its year)
  when that is plausible (1949 … today); else the day the household's row was created.
- left_on: for a household no longer 在册, the latest status date of its members, else the day the row was
  last changed.

The columns are added in place (ALTER TABLE ADD COLUMN), never by rebuilding households, so that the
full-text triggers of 0002 stay attached to the table.
"""

from __future__ import annotations

import datetime as dt
import re

import sqlalchemy as sa
from alembic import op

revision = "0003_household_register"
down_revision = "0002_household_search"
branch_labels = None
depends_on = None

ACTIVE = "在册"
_DATE = re.compile(r"^\s*(\d{4})\s*(?:[-./年]\s*(\d{1,2})\s*(?:[-./月]\s*(\d{1,2})\s*日?)?\s*月?)?\s*$")


def _day(value) -> dt.date | None:
    """A stored DATE/DATETIME value (text in SQLite) as a date."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        return None


def registered_from(relocation: str | None, created_at, today: dt.date) -> dt.date | None:
    """The backfilled registration date of one household (see the module docstring)."""
    match = _DATE.match(relocation or "")
    if match:
        year = int(match.group(1))
        month = int(match.group(2) or 1)
        day = int(match.group(3) or 1)
        try:
            candidate = dt.date(year, month, day)
        except ValueError:
            candidate = None
        if candidate is not None and dt.date(1949, 1, 1) <= candidate <= today:
            return candidate
    return _day(created_at)


def upgrade() -> None:
    with op.batch_alter_table("households", schema=None) as batch_op:
        batch_op.add_column(sa.Column("original_no", sa.String(length=40), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("registered_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("left_on", sa.Date(), nullable=True))
        batch_op.create_index(batch_op.f("ix_households_original_no"), ["original_no"], unique=False)

    bind = op.get_bind()
    today = dt.date.today()
    rows = bind.execute(sa.text("SELECT id, relocation_date, created_at, updated_at, status FROM households")).all()
    latest_status = dict(bind.execute(sa.text(
        "SELECT household_id, max(status_date) FROM members WHERE status_date IS NOT NULL GROUP BY household_id"
    )).all())
    update = sa.text("UPDATE households SET registered_on = :registered, left_on = :left WHERE id = :id")
    for hid, relocation, created_at, updated_at, status in rows:
        registered = registered_from(relocation, created_at, today)
        left = None
        if status != ACTIVE:
            left = _day(latest_status.get(hid)) or _day(updated_at)
        bind.execute(update, {"id": hid, "registered": registered.isoformat() if registered else None,
                              "left": left.isoformat() if left else None})


# Dropping columns rebuilds households, which drops its triggers: downgrade puts 0002's triggers back.
TRIGGERS_OF_0002 = [
    "CREATE TRIGGER household_fts_ai AFTER INSERT ON households BEGIN "
    "INSERT INTO household_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER household_fts_ad AFTER DELETE ON households BEGIN "
    "INSERT INTO household_fts(household_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER household_fts_au AFTER UPDATE OF search_text ON households BEGIN "
    "INSERT INTO household_fts(household_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO household_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "INSERT INTO household_fts(household_fts) VALUES ('rebuild')",
]


def downgrade() -> None:
    with op.batch_alter_table("households", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_households_original_no"))
        batch_op.drop_column("left_on")
        batch_op.drop_column("registered_on")
        batch_op.drop_column("original_no")
    if op.get_bind().dialect.name != "sqlite":  # the full-text triggers are SQLite's (0002)
        return
    for name in ("household_fts_au", "household_fts_ad", "household_fts_ai"):
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    for sql in TRIGGERS_OF_0002:
        op.execute(sql)
