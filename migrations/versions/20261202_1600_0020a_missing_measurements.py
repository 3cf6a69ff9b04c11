"""an index of the measurements marked missing

Revision ID: 0020a_missing_measurements
Revises: 0019a_ratio_expected
Create Date: 2026-12-02 16:00:00

A score run reads a period's measurements as four plain columns and the few marked missing
apart: a partial index holds only those, so finding them does not read every row.
"""

from alembic import op
import sqlalchemy as sa


revision = "0020a_missing_measurements"
down_revision = "0019a_ratio_expected"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "ix_measurements_missing",
        "measurements",
        ["framework_id", "period_id"],
        unique=False,
        sqlite_where=sa.text("missing = 1"),
        postgresql_where=sa.text("missing"),
    )


def downgrade():
    op.drop_index("ix_measurements_missing", table_name="measurements")
