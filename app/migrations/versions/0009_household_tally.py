"""household tally index: the counts of households 在册 by village, settlement point, key group and archive
state (首页, `stats`, the 月报) each read one narrow index instead of every row of the wide households table.
It starts with status, so it also serves what the single-column status index served; that index goes.

Revision ID: 0009_household_tally
Revises: 0008_towns
Create Date: 2026-12-02
"""

from __future__ import annotations

from alembic import op

revision = "0009_household_tally"
down_revision = "0008_towns"
branch_labels = None
depends_on = None

COLUMNS = ["status", "village_id", "settlement_point_id", "key_flags", "archive_state", "member_count"]


def upgrade() -> None:
    op.create_index("ix_households_tally", "households", COLUMNS)
    op.drop_index("ix_households_status", table_name="households")


def downgrade() -> None:
    op.create_index("ix_households_status", "households", ["status"])
    op.drop_index("ix_households_tally", table_name="households")
