"""escalation: board acknowledgement of level-2/3 decisions

Revision ID: 0010_escalation_board
Revises: 0009_variation
Create Date: 2026-12-02 07:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010_escalation_board'
down_revision = '0009_variation'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('escalation_board_reviews',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('framework_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('period_id', sa.Integer(), nullable=False),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_chased_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('chase_count', sa.Integer(), nullable=False),
    sa.Column('acknowledged_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('acknowledged_by_id', sa.Integer(), nullable=True),
    sa.Column('response', sa.Text(), nullable=True),
    sa.Column('owner', sa.String(length=120), nullable=True),
    sa.ForeignKeyConstraint(['acknowledged_by_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['framework_id'], ['frameworks.id'], ),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], ),
    sa.ForeignKeyConstraint(['period_id'], ['periods.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('framework_id', 'organisation_id', 'period_id')
    )
    op.create_index(op.f('ix_escalation_board_reviews_framework_id'), 'escalation_board_reviews', ['framework_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_escalation_board_reviews_framework_id'), table_name='escalation_board_reviews')
    op.drop_table('escalation_board_reviews')
