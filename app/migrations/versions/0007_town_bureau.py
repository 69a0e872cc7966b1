"""town profile: the county bureau that receives the exported copy (县级主管部门), named in 基础信息

Revision ID: 0007_town_bureau
Revises: 0006_subsidy
Create Date: 2026-12-02

Existing databases get the default 县农业农村局, the name that was printed before.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_town_bureau"
down_revision = "0006_subsidy"
branch_labels = None
depends_on = None

DEFAULT = "县农业农村局"


def upgrade() -> None:
    with op.batch_alter_table("town_profile") as batch:
        batch.add_column(sa.Column("county_bureau", sa.String(length=60), nullable=False, server_default=DEFAULT))


def downgrade() -> None:
    with op.batch_alter_table("town_profile") as batch:
        batch.drop_column("county_bureau")
