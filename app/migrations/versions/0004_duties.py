"""duties: problem priority (紧急 / 一般) and the plan item a problem serves; what measures a plan item;
the clerk's closures of 督办提醒 findings (who, when, why, and the facts they were judged on); partial
indexes on the members the 分类包保 rules look for

Revision ID: 0004_duties
Revises: 0003_household_register
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_duties"
down_revision = "0003_household_register"
branch_labels = None
depends_on = None


# Plain ADD COLUMN, not a batch copy: recreating problems or plan_items would fire the ON DELETE CASCADE of
# their progress rows (foreign keys are on, and cannot be switched off inside the migration's transaction).
STATEMENTS = [
    "ALTER TABLE problems ADD COLUMN priority VARCHAR(4) DEFAULT '一般' NOT NULL",
    "ALTER TABLE problems ADD COLUMN plan_item_id INTEGER "
    "REFERENCES plan_items (id)",
    "CREATE INDEX ix_problems_plan_item_id ON problems (plan_item_id)",
    "ALTER TABLE plan_items ADD COLUMN measure VARCHAR(20) DEFAULT '' NOT NULL",
    # The members the 分类包保 duty rules look for (app.models.households.MEMBERS_SICK / MEMBERS_PUPIL).
    "CREATE INDEX ix_members_sick ON members (household_id) WHERE status = '在册' AND health IN ('大病', '长期慢性病')",
    "CREATE INDEX ix_members_pupil ON members (household_id) WHERE status = '在册' AND employment = '在校生'",
]


def upgrade() -> None:
    for sql in STATEMENTS:
        op.execute(sql)
    op.create_table(
        "finding_closures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rule", sa.String(length=20), nullable=False),
        sa.Column("subject_kind", sa.String(length=20), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("closed_by", sa.String(length=40), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_finding_closures")),
    )
    with op.batch_alter_table("finding_closures", schema=None) as batch_op:
        batch_op.create_index("ix_finding_closures_rule_subject", ["rule", "subject_kind", "subject_id"],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table("finding_closures", schema=None) as batch_op:
        batch_op.drop_index("ix_finding_closures_rule_subject")
    op.drop_table("finding_closures")
    op.execute("DROP INDEX ix_members_pupil")
    op.execute("DROP INDEX ix_members_sick")
    op.execute("DROP INDEX ix_problems_plan_item_id")
    # SQLite drops a plain column in place (3.35+); the foreign-key column needs the table rebuilt, which
    # a downgrade (run only on a copy, never on the clerk's file) may do.
    op.execute("ALTER TABLE plan_items DROP COLUMN measure")
    op.execute("ALTER TABLE problems DROP COLUMN priority")
    with op.batch_alter_table("problems", schema=None) as batch_op:
        batch_op.drop_column("plan_item_id")
