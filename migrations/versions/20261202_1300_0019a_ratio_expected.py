"""ratio expected counts

Revision ID: 0019a_ratio_expected
Revises: 0018e_good_practice
Create Date: 2026-12-02 13:00:00

An indirectly standardised ratio (SHMI) is observed / expected: the observed count is the
numerator, the expected count a decimal (fractional, so not the BigInteger denominator).
"""

from alembic import op
import sqlalchemy as sa

import qframe.dbtypes


revision = "0019a_ratio_expected"
down_revision = "0018e_good_practice"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("measurements", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("expected", qframe.dbtypes.ExactDecimal(length=40), nullable=True)
        )
    with op.batch_alter_table("measurement_revisions", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("old_expected", qframe.dbtypes.ExactDecimal(length=40), nullable=True)
        )
        batch_op.add_column(
            sa.Column("new_expected", qframe.dbtypes.ExactDecimal(length=40), nullable=True)
        )
    with op.batch_alter_table("scores", schema=None) as batch_op:
        batch_op.add_column(sa.Column("expected", sa.Float(precision=53), nullable=True))


def downgrade():
    with op.batch_alter_table("scores", schema=None) as batch_op:
        batch_op.drop_column("expected")
    with op.batch_alter_table("measurement_revisions", schema=None) as batch_op:
        batch_op.drop_column("new_expected")
        batch_op.drop_column("old_expected")
    with op.batch_alter_table("measurements", schema=None) as batch_op:
        batch_op.drop_column("expected")
