"""后扶人口 and 直补 (SPEC §11): members' support facts, and each half's reconciliation with its lists

Revision ID: 0006_subsidy
Revises: 0005_monthly_reports
Create Date: 2026-12-02

New tables only; existing rows are untouched (a member has no support facts until the roster is imported
or the clerk records them). The county settings live in the settings table and need no schema change.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_subsidy"
down_revision = "0005_monthly_reports"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "subsidy_facts",
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("on_roster", sa.Boolean(), nullable=False),
        sa.Column("category", sa.String(length=10), nullable=False),
        sa.Column("start_on", sa.Date(), nullable=True),
        sa.Column("account", sa.String(length=30), nullable=False),
        sa.Column("bank", sa.String(length=60), nullable=False),
        sa.Column("state", sa.String(length=4), nullable=False),
        sa.Column("reduced_on", sa.Date(), nullable=True),
        sa.Column("reduced_reason", sa.String(length=60), nullable=False),
        sa.Column("created_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.Column("updated_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("member_id"),
    )
    op.create_table(
        "subsidy_halves",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("half", sa.Integer(), nullable=False),
        sa.Column("reconciled_at", sa.DateTime(), nullable=False),
        sa.Column("source", sa.String(length=255), nullable=False),
        sa.Column("due_people", sa.Integer(), nullable=False),
        sa.Column("due_amount", sa.Integer(), nullable=False),
        sa.Column("paid_ok", sa.Integer(), nullable=False),
        sa.Column("paid_amount", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("year", "half"),
    )
    op.create_table(
        "subsidy_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("half_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("id_number", sa.String(length=18), nullable=False),
        sa.Column("village", sa.String(length=60), nullable=False),
        sa.Column("due", sa.Integer(), nullable=False),
        sa.Column("paid", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(["half_id"], ["subsidy_halves.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("subsidy_entries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_subsidy_entries_half_id"), ["half_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("subsidy_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_subsidy_entries_half_id"))
    op.drop_table("subsidy_entries")
    op.drop_table("subsidy_halves")
    op.drop_table("subsidy_facts")
