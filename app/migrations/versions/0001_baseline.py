"""baseline: the whole data model

Revision ID: 0001_baseline
Revises: 
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0001_baseline'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('meetings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('chair', sa.String(length=40), nullable=False),
    sa.Column('attendees', sa.Text(), nullable=False),
    sa.Column('minutes', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meetings'))
    )
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meetings_date'), ['date'], unique=False)

    op.create_table('plans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plans')),
    sa.UniqueConstraint('year', 'kind', name=op.f('uq_plans_year_kind'))
    )
    op.create_table('settings',
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_settings'))
    )
    op.create_table('town_profile',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('town_name', sa.String(length=60), nullable=False),
    sa.Column('county_name', sa.String(length=60), nullable=False),
    sa.Column('station_name', sa.String(length=60), nullable=False),
    sa.Column('leader', sa.String(length=60), nullable=False),
    sa.Column('deputy_leaders', sa.Text(), nullable=False),
    sa.Column('group_members', sa.Text(), nullable=False),
    sa.Column('office_director', sa.String(length=60), nullable=False),
    sa.Column('daily_contact', sa.String(length=60), nullable=False),
    sa.Column('contact_phone', sa.String(length=40), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_town_profile'))
    )
    op.create_table('villages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('secretary', sa.String(length=60), nullable=False),
    sa.Column('director', sa.String(length=60), nullable=False),
    sa.Column('phone', sa.String(length=40), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_villages')),
    sa.UniqueConstraint('name', name=op.f('uq_villages_name'))
    )
    op.create_table('settlement_points',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('village_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('address', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['village_id'], ['villages.id'], name=op.f('fk_settlement_points_village_id_villages'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_settlement_points')),
    sa.UniqueConstraint('village_id', 'name', name=op.f('uq_settlement_points_village_id_name'))
    )
    with op.batch_alter_table('settlement_points', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_settlement_points_village_id'), ['village_id'], unique=False)

    op.create_table('units',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('village_id', sa.Integer(), nullable=True),
    sa.Column('head', sa.String(length=60), nullable=False),
    sa.Column('phone', sa.String(length=40), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['village_id'], ['villages.id'], name=op.f('fk_units_village_id_villages'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_units')),
    sa.UniqueConstraint('name', name=op.f('uq_units_name'))
    )
    op.create_table('activities',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('settlement_point_id', sa.Integer(), nullable=True),
    sa.Column('organiser', sa.String(length=80), nullable=False),
    sa.Column('participants', sa.Integer(), nullable=True),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['settlement_point_id'], ['settlement_points.id'], name=op.f('fk_activities_settlement_point_id_settlement_points'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_activities'))
    )
    with op.batch_alter_table('activities', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_activities_date'), ['date'], unique=False)
        batch_op.create_index(batch_op.f('ix_activities_settlement_point_id'), ['settlement_point_id'], unique=False)

    op.create_table('cadres',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('post', sa.String(length=60), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('phone', sa.String(length=40), nullable=False),
    sa.Column('rank', sa.String(length=20), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_cadres_unit_id_units'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cadres'))
    )
    with op.batch_alter_table('cadres', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cadres_name'), ['name'], unique=False)
        batch_op.create_index(batch_op.f('ix_cadres_unit_id'), ['unit_id'], unique=False)

    op.create_table('households',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('archive_no', sa.String(length=40), nullable=False),
    sa.Column('village_id', sa.Integer(), nullable=True),
    sa.Column('group_name', sa.String(length=40), nullable=False),
    sa.Column('settlement_point_id', sa.Integer(), nullable=True),
    sa.Column('address', sa.String(length=200), nullable=False),
    sa.Column('original_residence', sa.String(length=200), nullable=False),
    sa.Column('relocation_date', sa.String(length=10), nullable=False),
    sa.Column('settlement_type', sa.String(length=10), nullable=False),
    sa.Column('housing_status', sa.String(length=20), nullable=False),
    sa.Column('house_leaks', sa.Boolean(), nullable=True),
    sa.Column('geohazard_unmoved', sa.Boolean(), nullable=True),
    sa.Column('land_mu', sa.Integer(), nullable=True),
    sa.Column('annual_income', sa.Integer(), nullable=True),
    sa.Column('phone', sa.String(length=40), nullable=False),
    sa.Column('household_size', sa.Integer(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('key_flags', sa.Integer(), nullable=False),
    sa.Column('archive_state', sa.Integer(), nullable=False),
    sa.Column('head_name', sa.String(length=40), nullable=False),
    sa.Column('member_count', sa.Integer(), nullable=False),
    sa.Column('search_text', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['settlement_point_id'], ['settlement_points.id'], name=op.f('fk_households_settlement_point_id_settlement_points'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['village_id'], ['villages.id'], name=op.f('fk_households_village_id_villages'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_households')),
    sa.UniqueConstraint('archive_no', name=op.f('uq_households_archive_no'))
    )
    with op.batch_alter_table('households', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_households_archive_state'), ['archive_state'], unique=False)
        batch_op.create_index(batch_op.f('ix_households_key_flags'), ['key_flags'], unique=False)
        batch_op.create_index(batch_op.f('ix_households_settlement_point_id'), ['settlement_point_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_households_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_households_village_id'), ['village_id'], unique=False)
        batch_op.create_index('ix_households_village_point', ['village_id', 'settlement_point_id'], unique=False)

    op.create_table('inspections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('village_id', sa.Integer(), nullable=True),
    sa.Column('findings', sa.Text(), nullable=False),
    sa.Column('issues_found', sa.Integer(), nullable=False),
    sa.Column('notice_issued', sa.Boolean(), nullable=False),
    sa.Column('notice_no', sa.String(length=60), nullable=False),
    sa.Column('accountability', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_inspections_unit_id_units'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['village_id'], ['villages.id'], name=op.f('fk_inspections_village_id_villages'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inspections'))
    )
    with op.batch_alter_table('inspections', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inspections_date'), ['date'], unique=False)
        batch_op.create_index(batch_op.f('ix_inspections_unit_id'), ['unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_inspections_village_id'), ['village_id'], unique=False)

    op.create_table('projects',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('category', sa.String(length=10), nullable=False),
    sa.Column('settlement_point_id', sa.Integer(), nullable=True),
    sa.Column('village_id', sa.Integer(), nullable=True),
    sa.Column('funding_source', sa.String(length=40), nullable=False),
    sa.Column('budget', sa.Integer(), nullable=True),
    sa.Column('spent', sa.Integer(), nullable=True),
    sa.Column('progress_pct', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=True),
    sa.Column('acceptance_date', sa.Date(), nullable=True),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['settlement_point_id'], ['settlement_points.id'], name=op.f('fk_projects_settlement_point_id_settlement_points'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_projects_unit_id_units'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['village_id'], ['villages.id'], name=op.f('fk_projects_village_id_villages'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_projects'))
    )
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_projects_settlement_point_id'), ['settlement_point_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_projects_start_date'), ['start_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_projects_unit_id'), ['unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_projects_village_id'), ['village_id'], unique=False)

    op.create_table('attachments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('added_at', sa.DateTime(), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=True),
    sa.ForeignKeyConstraint(['household_id'], ['households.id'], name=op.f('fk_attachments_household_id_households'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attachments')),
    sa.UniqueConstraint('household_id', 'sha256', name=op.f('uq_attachments_household_id_sha256'))
    )
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attachments_household_id'), ['household_id'], unique=False)

    op.create_table('fund_records',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('amount', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=True),
    sa.Column('village_id', sa.Integer(), nullable=True),
    sa.Column('recipient', sa.String(length=80), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['household_id'], ['households.id'], name=op.f('fk_fund_records_household_id_households'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['village_id'], ['villages.id'], name=op.f('fk_fund_records_village_id_villages'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fund_records'))
    )
    with op.batch_alter_table('fund_records', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fund_records_date'), ['date'], unique=False)
        batch_op.create_index(batch_op.f('ix_fund_records_household_id'), ['household_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_fund_records_village_id'), ['village_id'], unique=False)

    op.create_table('household_assignments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('cadre_id', sa.Integer(), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['cadre_id'], ['cadres.id'], name=op.f('fk_household_assignments_cadre_id_cadres'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['household_id'], ['households.id'], name=op.f('fk_household_assignments_household_id_households'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_household_assignments'))
    )
    with op.batch_alter_table('household_assignments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_household_assignments_cadre_id'), ['cadre_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_household_assignments_household_id'), ['household_id'], unique=False)
        batch_op.create_index('uq_household_assignments_current', ['household_id'], unique=True, sqlite_where=sa.text('end_date IS NULL'), postgresql_where=sa.text('end_date IS NULL'))

    op.create_table('household_tags',
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('tag', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['household_id'], ['households.id'], name=op.f('fk_household_tags_household_id_households'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('household_id', 'tag', name=op.f('pk_household_tags'))
    )
    op.create_table('housing_records',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('placement', sa.String(length=10), nullable=False),
    sa.Column('detail', sa.Text(), nullable=False),
    sa.Column('amount', sa.Integer(), nullable=True),
    sa.Column('completed', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['household_id'], ['households.id'], name=op.f('fk_housing_records_household_id_households'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_housing_records'))
    )
    with op.batch_alter_table('housing_records', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_housing_records_date'), ['date'], unique=False)
        batch_op.create_index(batch_op.f('ix_housing_records_household_id'), ['household_id'], unique=False)

    op.create_table('members',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('relation', sa.String(length=10), nullable=False),
    sa.Column('sex', sa.String(length=2), nullable=False),
    sa.Column('id_number', sa.String(length=18), nullable=False),
    sa.Column('birth_date', sa.Date(), nullable=True),
    sa.Column('ethnic_group', sa.String(length=20), nullable=False),
    sa.Column('education', sa.String(length=20), nullable=False),
    sa.Column('health', sa.String(length=10), nullable=False),
    sa.Column('labour', sa.String(length=10), nullable=False),
    sa.Column('employment', sa.String(length=10), nullable=False),
    sa.Column('party_member', sa.Boolean(), nullable=False),
    sa.Column('phone', sa.String(length=40), nullable=False),
    sa.Column('status', sa.String(length=4), nullable=False),
    sa.Column('status_date', sa.Date(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['household_id'], ['households.id'], name=op.f('fk_members_household_id_households'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_members'))
    )
    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_members_household_id'), ['household_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_members_id_number'), ['id_number'], unique=False)
        batch_op.create_index(batch_op.f('ix_members_status'), ['status'], unique=False)

    op.create_table('plan_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('focus_area', sa.String(length=10), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('target_value', sa.Integer(), nullable=False),
    sa.Column('target_unit', sa.String(length=10), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('responsible_cadre_id', sa.Integer(), nullable=True),
    sa.Column('responsible_person', sa.String(length=40), nullable=False),
    sa.Column('deadline', sa.Date(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['plan_id'], ['plans.id'], name=op.f('fk_plan_items_plan_id_plans'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['responsible_cadre_id'], ['cadres.id'], name=op.f('fk_plan_items_responsible_cadre_id_cadres'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_plan_items_unit_id_units'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_items'))
    )
    with op.batch_alter_table('plan_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_items_focus_area'), ['focus_area'], unique=False)
        batch_op.create_index(batch_op.f('ix_plan_items_plan_id'), ['plan_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_plan_items_unit_id'), ['unit_id'], unique=False)

    op.create_table('point_assignments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('settlement_point_id', sa.Integer(), nullable=False),
    sa.Column('cadre_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=10), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['cadre_id'], ['cadres.id'], name=op.f('fk_point_assignments_cadre_id_cadres'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['settlement_point_id'], ['settlement_points.id'], name=op.f('fk_point_assignments_settlement_point_id_settlement_points'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_point_assignments'))
    )
    with op.batch_alter_table('point_assignments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_point_assignments_cadre_id'), ['cadre_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_point_assignments_settlement_point_id'), ['settlement_point_id'], unique=False)

    op.create_table('unit_assignments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=10), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['household_id'], ['households.id'], name=op.f('fk_unit_assignments_household_id_households'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_unit_assignments_unit_id_units'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_unit_assignments'))
    )
    with op.batch_alter_table('unit_assignments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_unit_assignments_household_id'), ['household_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_unit_assignments_unit_id'), ['unit_id'], unique=False)

    op.create_table('visits',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('cadre_id', sa.Integer(), nullable=True),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('way', sa.String(length=4), nullable=False),
    sa.Column('findings', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['cadre_id'], ['cadres.id'], name=op.f('fk_visits_cadre_id_cadres'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['household_id'], ['households.id'], name=op.f('fk_visits_household_id_households'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_visits'))
    )
    with op.batch_alter_table('visits', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_visits_cadre_id'), ['cadre_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_visits_date'), ['date'], unique=False)
        batch_op.create_index(batch_op.f('ix_visits_household_id'), ['household_id'], unique=False)

    op.create_table('change_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=True),
    sa.Column('member_id', sa.Integer(), nullable=True),
    sa.Column('subject', sa.String(length=40), nullable=False),
    sa.Column('field', sa.String(length=40), nullable=False),
    sa.Column('old_value', sa.Text(), nullable=False),
    sa.Column('new_value', sa.Text(), nullable=False),
    sa.Column('reason', sa.String(length=200), nullable=False),
    sa.Column('row_hash', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['household_id'], ['households.id'], name=op.f('fk_change_log_household_id_households'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_change_log_member_id_members'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_change_log'))
    )
    with op.batch_alter_table('change_log', schema=None) as batch_op:
        batch_op.create_index('ix_change_log_household_at', ['household_id', 'at'], unique=False)

    op.create_table('employment_records',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('detail', sa.String(length=200), nullable=False),
    sa.Column('employment', sa.String(length=10), nullable=False),
    sa.Column('amount', sa.Integer(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['household_id'], ['households.id'], name=op.f('fk_employment_records_household_id_households'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_employment_records_member_id_members'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_employment_records'))
    )
    with op.batch_alter_table('employment_records', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_employment_records_date'), ['date'], unique=False)
        batch_op.create_index(batch_op.f('ix_employment_records_household_id'), ['household_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_employment_records_member_id'), ['member_id'], unique=False)

    op.create_table('party_records',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=True),
    sa.Column('settlement_point_id', sa.Integer(), nullable=True),
    sa.Column('detail', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_party_records_member_id_members'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['settlement_point_id'], ['settlement_points.id'], name=op.f('fk_party_records_settlement_point_id_settlement_points'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_party_records'))
    )
    with op.batch_alter_table('party_records', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_party_records_date'), ['date'], unique=False)
        batch_op.create_index(batch_op.f('ix_party_records_member_id'), ['member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_party_records_settlement_point_id'), ['settlement_point_id'], unique=False)

    op.create_table('plan_progress',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('value', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['plan_items.id'], name=op.f('fk_plan_progress_item_id_plan_items'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_progress')),
    sa.UniqueConstraint('item_id', 'month', name=op.f('uq_plan_progress_item_id_month'))
    )
    with op.batch_alter_table('plan_progress', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_progress_item_id'), ['item_id'], unique=False)

    op.create_table('problems',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('found_date', sa.Date(), nullable=False),
    sa.Column('source', sa.String(length=10), nullable=False),
    sa.Column('focus_area', sa.String(length=10), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=True),
    sa.Column('settlement_point_id', sa.Integer(), nullable=True),
    sa.Column('village_id', sa.Integer(), nullable=True),
    sa.Column('visit_id', sa.Integer(), nullable=True),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('responsible_cadre_id', sa.Integer(), nullable=True),
    sa.Column('responsible_person', sa.String(length=40), nullable=False),
    sa.Column('deadline', sa.Date(), nullable=True),
    sa.Column('measures', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('unresolvable_reason', sa.Text(), nullable=False),
    sa.Column('resolved_date', sa.Date(), nullable=True),
    sa.Column('result', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['household_id'], ['households.id'], name=op.f('fk_problems_household_id_households'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['responsible_cadre_id'], ['cadres.id'], name=op.f('fk_problems_responsible_cadre_id_cadres'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['settlement_point_id'], ['settlement_points.id'], name=op.f('fk_problems_settlement_point_id_settlement_points'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_problems_unit_id_units'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['village_id'], ['villages.id'], name=op.f('fk_problems_village_id_villages'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['visit_id'], ['visits.id'], name=op.f('fk_problems_visit_id_visits'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_problems'))
    )
    with op.batch_alter_table('problems', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_problems_deadline'), ['deadline'], unique=False)
        batch_op.create_index(batch_op.f('ix_problems_focus_area'), ['focus_area'], unique=False)
        batch_op.create_index(batch_op.f('ix_problems_found_date'), ['found_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_problems_household_id'), ['household_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_problems_responsible_cadre_id'), ['responsible_cadre_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_problems_settlement_point_id'), ['settlement_point_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_problems_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_problems_unit_id'), ['unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_problems_village_id'), ['village_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_problems_visit_id'), ['visit_id'], unique=False)

    op.create_table('support_records',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('amount', sa.Integer(), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['household_id'], ['households.id'], name=op.f('fk_support_records_household_id_households'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_support_records_member_id_members'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_support_records'))
    )
    with op.batch_alter_table('support_records', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_support_records_household_id'), ['household_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_support_records_member_id'), ['member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_support_records_start_date'), ['start_date'], unique=False)

    op.create_table('meeting_decisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('deadline', sa.Date(), nullable=True),
    sa.Column('plan_item_id', sa.Integer(), nullable=True),
    sa.Column('problem_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_meeting_decisions_meeting_id_meetings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['plan_item_id'], ['plan_items.id'], name=op.f('fk_meeting_decisions_plan_item_id_plan_items'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['problem_id'], ['problems.id'], name=op.f('fk_meeting_decisions_problem_id_problems'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_meeting_decisions_unit_id_units'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_decisions'))
    )
    with op.batch_alter_table('meeting_decisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_decisions_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_meeting_decisions_plan_item_id'), ['plan_item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_meeting_decisions_problem_id'), ['problem_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_meeting_decisions_unit_id'), ['unit_id'], unique=False)

    op.create_table('problem_progress',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('problem_id', sa.Integer(), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['problem_id'], ['problems.id'], name=op.f('fk_problem_progress_problem_id_problems'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_problem_progress'))
    )
    with op.batch_alter_table('problem_progress', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_problem_progress_problem_id'), ['problem_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('problem_progress', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_problem_progress_problem_id'))

    op.drop_table('problem_progress')
    with op.batch_alter_table('meeting_decisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_decisions_unit_id'))
        batch_op.drop_index(batch_op.f('ix_meeting_decisions_problem_id'))
        batch_op.drop_index(batch_op.f('ix_meeting_decisions_plan_item_id'))
        batch_op.drop_index(batch_op.f('ix_meeting_decisions_meeting_id'))

    op.drop_table('meeting_decisions')
    with op.batch_alter_table('support_records', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_support_records_start_date'))
        batch_op.drop_index(batch_op.f('ix_support_records_member_id'))
        batch_op.drop_index(batch_op.f('ix_support_records_household_id'))

    op.drop_table('support_records')
    with op.batch_alter_table('problems', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_problems_visit_id'))
        batch_op.drop_index(batch_op.f('ix_problems_village_id'))
        batch_op.drop_index(batch_op.f('ix_problems_unit_id'))
        batch_op.drop_index(batch_op.f('ix_problems_status'))
        batch_op.drop_index(batch_op.f('ix_problems_settlement_point_id'))
        batch_op.drop_index(batch_op.f('ix_problems_responsible_cadre_id'))
        batch_op.drop_index(batch_op.f('ix_problems_household_id'))
        batch_op.drop_index(batch_op.f('ix_problems_found_date'))
        batch_op.drop_index(batch_op.f('ix_problems_focus_area'))
        batch_op.drop_index(batch_op.f('ix_problems_deadline'))

    op.drop_table('problems')
    with op.batch_alter_table('plan_progress', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_progress_item_id'))

    op.drop_table('plan_progress')
    with op.batch_alter_table('party_records', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_party_records_settlement_point_id'))
        batch_op.drop_index(batch_op.f('ix_party_records_member_id'))
        batch_op.drop_index(batch_op.f('ix_party_records_date'))

    op.drop_table('party_records')
    with op.batch_alter_table('employment_records', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_employment_records_member_id'))
        batch_op.drop_index(batch_op.f('ix_employment_records_household_id'))
        batch_op.drop_index(batch_op.f('ix_employment_records_date'))

    op.drop_table('employment_records')
    with op.batch_alter_table('change_log', schema=None) as batch_op:
        batch_op.drop_index('ix_change_log_household_at')

    op.drop_table('change_log')
    with op.batch_alter_table('visits', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_visits_household_id'))
        batch_op.drop_index(batch_op.f('ix_visits_date'))
        batch_op.drop_index(batch_op.f('ix_visits_cadre_id'))

    op.drop_table('visits')
    with op.batch_alter_table('unit_assignments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_unit_assignments_unit_id'))
        batch_op.drop_index(batch_op.f('ix_unit_assignments_household_id'))

    op.drop_table('unit_assignments')
    with op.batch_alter_table('point_assignments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_point_assignments_settlement_point_id'))
        batch_op.drop_index(batch_op.f('ix_point_assignments_cadre_id'))

    op.drop_table('point_assignments')
    with op.batch_alter_table('plan_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_items_unit_id'))
        batch_op.drop_index(batch_op.f('ix_plan_items_plan_id'))
        batch_op.drop_index(batch_op.f('ix_plan_items_focus_area'))

    op.drop_table('plan_items')
    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_members_status'))
        batch_op.drop_index(batch_op.f('ix_members_id_number'))
        batch_op.drop_index(batch_op.f('ix_members_household_id'))

    op.drop_table('members')
    with op.batch_alter_table('housing_records', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_housing_records_household_id'))
        batch_op.drop_index(batch_op.f('ix_housing_records_date'))

    op.drop_table('housing_records')
    op.drop_table('household_tags')
    with op.batch_alter_table('household_assignments', schema=None) as batch_op:
        batch_op.drop_index('uq_household_assignments_current', sqlite_where=sa.text('end_date IS NULL'), postgresql_where=sa.text('end_date IS NULL'))
        batch_op.drop_index(batch_op.f('ix_household_assignments_household_id'))
        batch_op.drop_index(batch_op.f('ix_household_assignments_cadre_id'))

    op.drop_table('household_assignments')
    with op.batch_alter_table('fund_records', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_fund_records_village_id'))
        batch_op.drop_index(batch_op.f('ix_fund_records_household_id'))
        batch_op.drop_index(batch_op.f('ix_fund_records_date'))

    op.drop_table('fund_records')
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attachments_household_id'))

    op.drop_table('attachments')
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_projects_village_id'))
        batch_op.drop_index(batch_op.f('ix_projects_unit_id'))
        batch_op.drop_index(batch_op.f('ix_projects_start_date'))
        batch_op.drop_index(batch_op.f('ix_projects_settlement_point_id'))

    op.drop_table('projects')
    with op.batch_alter_table('inspections', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inspections_village_id'))
        batch_op.drop_index(batch_op.f('ix_inspections_unit_id'))
        batch_op.drop_index(batch_op.f('ix_inspections_date'))

    op.drop_table('inspections')
    with op.batch_alter_table('households', schema=None) as batch_op:
        batch_op.drop_index('ix_households_village_point')
        batch_op.drop_index(batch_op.f('ix_households_village_id'))
        batch_op.drop_index(batch_op.f('ix_households_status'))
        batch_op.drop_index(batch_op.f('ix_households_settlement_point_id'))
        batch_op.drop_index(batch_op.f('ix_households_key_flags'))
        batch_op.drop_index(batch_op.f('ix_households_archive_state'))

    op.drop_table('households')
    with op.batch_alter_table('cadres', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cadres_unit_id'))
        batch_op.drop_index(batch_op.f('ix_cadres_name'))

    op.drop_table('cadres')
    with op.batch_alter_table('activities', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_activities_settlement_point_id'))
        batch_op.drop_index(batch_op.f('ix_activities_date'))

    op.drop_table('activities')
    op.drop_table('units')
    with op.batch_alter_table('settlement_points', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_settlement_points_village_id'))

    op.drop_table('settlement_points')
    op.drop_table('villages')
    op.drop_table('town_profile')
    op.drop_table('settings')
    op.drop_table('plans')
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meetings_date'))

    op.drop_table('meetings')
