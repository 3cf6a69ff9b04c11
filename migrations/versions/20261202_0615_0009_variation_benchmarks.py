"""variation: benchmark values (reference populations)

Revision ID: 0009_variation
Revises: 0009_vbp_complete
Create Date: 2026-12-02 06:15:00

"""
from alembic import op
import sqlalchemy as sa

import qframe.dbtypes


# revision identifiers, used by Alembic.
revision = '0009_variation'
down_revision = '0009_vbp_complete'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('benchmark_values',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('framework_code', sa.String(length=40), nullable=False),
    sa.Column('indicator_code', sa.String(length=40), nullable=False),
    sa.Column('period_label', sa.String(length=20), nullable=False),
    sa.Column('unit', sa.String(length=120), nullable=True),
    sa.Column('value', qframe.dbtypes.ExactDecimal(length=40), nullable=False),
    sa.Column('numerator', sa.BigInteger(), nullable=True),
    sa.Column('denominator', sa.BigInteger(), nullable=True),
    sa.Column('source', sa.String(length=120), nullable=False),
    sa.Column('imported_by_id', sa.Integer(), nullable=True),
    sa.Column('imported_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['imported_by_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_benchmark_lookup', 'benchmark_values', ['framework_code', 'indicator_code', 'period_label'], unique=False)


def downgrade():
    op.drop_index('ix_benchmark_lookup', table_name='benchmark_values')
    op.drop_table('benchmark_values')
