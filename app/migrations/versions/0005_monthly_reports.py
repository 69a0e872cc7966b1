"""monthly reports: the clerk's edited 月报 sections per month, and every filed (报送/更正) version with its
PDF, .docx, figures and texts

Revision ID: 0005_monthly_reports
Revises: 0004_duties
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_monthly_reports"
down_revision = "0004_duties"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "report_sections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("section", sa.String(length=20), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.Column("updated_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_sections")),
        sa.UniqueConstraint("month", "section", name=op.f("uq_report_sections_month_section")),
    )
    with op.batch_alter_table("report_sections", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_report_sections_month"), ["month"], unique=False)
    op.create_table(
        "report_filings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=4), nullable=False),
        sa.Column("filed_by", sa.String(length=40), nullable=False),
        sa.Column("filed_at", sa.DateTime(), nullable=False),
        sa.Column("figures", sa.Text(), nullable=False),
        sa.Column("texts", sa.Text(), nullable=False),
        sa.Column("pdf_sha256", sa.String(length=64), nullable=False),
        sa.Column("pdf", sa.LargeBinary(), nullable=False),
        sa.Column("docx", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_filings")),
        sa.UniqueConstraint("month", "version", name=op.f("uq_report_filings_month_version")),
    )
    with op.batch_alter_table("report_filings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_report_filings_month"), ["month"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("report_filings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_report_filings_month"))
    op.drop_table("report_filings")
    with op.batch_alter_table("report_sections", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_report_sections_month"))
    op.drop_table("report_sections")
