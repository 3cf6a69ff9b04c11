"""Scheduler runs carry a lease and an attempt number (issue 17).

Revision ID: 0009_scheduler_lease
Revises: 0010_escalation_board
Create Date: 2026-12-02 06:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0009_scheduler_lease'
down_revision = '0010_escalation_board'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('job_runs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('lease_until', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column('attempt', sa.Integer(), server_default='1', nullable=False)
        )


def downgrade():
    with op.batch_alter_table('job_runs', schema=None) as batch_op:
        batch_op.drop_column('attempt')
        batch_op.drop_column('lease_until')
