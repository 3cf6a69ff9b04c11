"""good practice library

Revision ID: 0018e_good_practice
Revises: 0018d_governance_visits
Create Date: 2026-12-02 07:15:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0018e_good_practice'
down_revision = '0018d_governance_visits'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('good_practices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('indicator_id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('achievement', sa.Float(precision=53), nullable=False),
    sa.Column('benchmark', sa.String(length=40), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('what_they_did', sa.Text(), nullable=False),
    sa.Column('contact', sa.String(length=200), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_good_practices_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['indicator_id'], ['indicators.id'], name=op.f('fk_good_practices_indicator_id_indicators')),
    sa.ForeignKeyConstraint(['run_id'], ['score_runs.id'], name=op.f('fk_good_practices_run_id_score_runs')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_good_practices_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_good_practices'))
    )
    with op.batch_alter_table('good_practices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_good_practices_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_good_practices_indicator_id'), ['indicator_id'], unique=False)


def downgrade():
    with op.batch_alter_table('good_practices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_good_practices_indicator_id'))
        batch_op.drop_index(batch_op.f('ix_good_practices_organisation_id'))
    op.drop_table('good_practices')
