"""duty indexes: the reads of 首页 and the duty checks that scanned rows now read an index alone — the
households on the register on a day with the facts the checks test, a month's
visits and a household's last visit by its cadre (the two visit indexes gain who visited whom), the 分类包保 in
force for a reason, and the roster's people without an 一卡通账号.

Revision ID: 0010_duty_indexes
Revises: 0009_household_tally
Create Date: 2026-12-03
"""

from __future__ import annotations

from alembic import op

revision = "0010_duty_indexes"
down_revision = "0009_household_tally"
branch_labels = None
depends_on = None


PRESENT = ["registered_on", "left_on", "status", "created_at", "settlement_point_id", "key_flags", "house_leaks",
           "geohazard_unmoved", "archive_state"]


def upgrade() -> None:
    op.create_index("ix_households_present", "households", PRESENT)
    op.drop_index("ix_visits_date", table_name="visits")
    op.create_index("ix_visits_date", "visits", ["date", "household_id", "cadre_id"])
    op.drop_index("ix_visits_household_id", table_name="visits")
    op.create_index("ix_visits_household_id", "visits", ["household_id", "cadre_id", "date"])
    op.create_index("ix_unit_assignments_reason", "unit_assignments",
                    ["reason", "start_date", "end_date", "household_id"])
    op.create_index("ix_subsidy_facts_account", "subsidy_facts", ["account"])


def downgrade() -> None:
    op.drop_index("ix_households_present", table_name="households")
    op.drop_index("ix_subsidy_facts_account", table_name="subsidy_facts")
    op.drop_index("ix_unit_assignments_reason", table_name="unit_assignments")
    op.drop_index("ix_visits_household_id", table_name="visits")
    op.create_index("ix_visits_household_id", "visits", ["household_id"])
    op.drop_index("ix_visits_date", table_name="visits")
    op.create_index("ix_visits_date", "visits", ["date"])
