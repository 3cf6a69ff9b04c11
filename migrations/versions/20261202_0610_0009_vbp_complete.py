"""vbp complete (baseline, domain rules, strata, frequency, points, TPS, frozen thresholds);
payment lines (QOF and CQUIN cash flow)

Revision ID: 0009_vbp_complete
Revises: 0008_escalation_publication
Create Date: 2026-12-02 06:10:00

"""

import sqlalchemy as sa
from alembic import op

import qframe.dbtypes

revision = "0009_vbp_complete"
down_revision = "0008_escalation_publication"
branch_labels = None
depends_on = None


def _decimal() -> qframe.dbtypes.ExactDecimal:
    return qframe.dbtypes.ExactDecimal(length=40)


def upgrade():
    op.create_table(
        "payment_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("framework_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.String(length=7), nullable=False),
        sa.Column("month", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("pence", sa.BigInteger(), nullable=False),
        sa.Column("why", sa.String(length=300), nullable=False),
        sa.Column("score_run_id", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["framework_id"], ["frameworks.id"]),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisations.id"]),
        sa.ForeignKeyConstraint(["score_run_id"], ["score_runs.id"]),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_payment_lines_framework_org_year",
        "payment_lines",
        ["framework_id", "organisation_id", "year"],
    )
    op.create_table(
        "vbp_thresholds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("framework_id", sa.Integer(), nullable=False),
        sa.Column("indicator_id", sa.Integer(), nullable=False),
        sa.Column("achievement_threshold", _decimal(), nullable=False),
        sa.Column("benchmark", _decimal(), nullable=False),
        sa.Column("baseline_period", sa.String(length=20), nullable=False),
        sa.Column("providers", sa.Integer(), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["framework_id"], ["frameworks.id"]),
        sa.ForeignKeyConstraint(["indicator_id"], ["indicators.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("framework_id", "indicator_id"),
    )
    with op.batch_alter_table("vbp_thresholds") as batch_op:
        batch_op.create_index(batch_op.f("ix_vbp_thresholds_framework_id"), ["framework_id"])
    with op.batch_alter_table("frameworks") as batch_op:
        batch_op.add_column(sa.Column("vbp", sa.JSON(), nullable=True))
    with op.batch_alter_table("framework_domains") as batch_op:
        batch_op.add_column(sa.Column("min_measures", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("consistency_points", _decimal(), nullable=True))
    with op.batch_alter_table("indicators") as batch_op:
        batch_op.add_column(sa.Column("floor", _decimal(), nullable=True))
        batch_op.add_column(sa.Column("composite_of", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("frequency", sa.String(length=8), nullable=True))
    with op.batch_alter_table("measurements") as batch_op:
        batch_op.add_column(sa.Column("weight", _decimal(), nullable=True))
    with op.batch_alter_table("measurement_revisions") as batch_op:
        batch_op.add_column(sa.Column("old_weight", _decimal(), nullable=True))
        batch_op.add_column(sa.Column("new_weight", _decimal(), nullable=True))
    with op.batch_alter_table("scores") as batch_op:
        batch_op.add_column(sa.Column("achievement_points", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("improvement_points", sa.Integer(), nullable=True))
    with op.batch_alter_table("provider_scores") as batch_op:
        batch_op.add_column(sa.Column("domain_scores", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("total_performance_score", _decimal(), nullable=True))
        batch_op.add_column(sa.Column("vbp_status", sa.String(length=20), nullable=True))


def downgrade():
    op.drop_index("ix_payment_lines_framework_org_year", table_name="payment_lines")
    op.drop_table("payment_lines")
    with op.batch_alter_table("provider_scores") as batch_op:
        batch_op.drop_column("vbp_status")
        batch_op.drop_column("total_performance_score")
        batch_op.drop_column("domain_scores")
    with op.batch_alter_table("scores") as batch_op:
        batch_op.drop_column("improvement_points")
        batch_op.drop_column("achievement_points")
    with op.batch_alter_table("measurement_revisions") as batch_op:
        batch_op.drop_column("new_weight")
        batch_op.drop_column("old_weight")
    with op.batch_alter_table("measurements") as batch_op:
        batch_op.drop_column("weight")
    with op.batch_alter_table("indicators") as batch_op:
        batch_op.drop_column("frequency")
        batch_op.drop_column("composite_of")
        batch_op.drop_column("floor")
    with op.batch_alter_table("framework_domains") as batch_op:
        batch_op.drop_column("consistency_points")
        batch_op.drop_column("min_measures")
    with op.batch_alter_table("frameworks") as batch_op:
        batch_op.drop_column("vbp")
    with op.batch_alter_table("vbp_thresholds") as batch_op:
        batch_op.drop_index(batch_op.f("ix_vbp_thresholds_framework_id"))
    op.drop_table("vbp_thresholds")
