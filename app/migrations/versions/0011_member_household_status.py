"""members by household with their status: counting the members 在册 of the households 在册 (首页, stats)
reads two indexes alone instead of looking up every member's row.

Revision ID: 0011_member_household_status
Revises: 0010_duty_indexes
Create Date: 2026-12-03
"""

from __future__ import annotations

from alembic import op

revision = "0011_member_household_status"
down_revision = "0010_duty_indexes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_members_household_id", table_name="members")
    op.create_index("ix_members_household_id", "members", ["household_id", "status"])


def downgrade() -> None:
    op.drop_index("ix_members_household_id", table_name="members")
    op.create_index("ix_members_household_id", "members", ["household_id"])
