"""The commitment form; every value is checked by `services.record_commitment`."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField


class CommitmentForm(FlaskForm):
    indicator = SelectField("Indicator")
    baseline = StringField("Baseline", description="The result you start from, e.g. 6.1")
    # validate_choice=False: the service checks any label a hand-made request sends, in words
    baseline_period = SelectField(
        "Baseline period", description="When the baseline was measured", validate_choice=False
    )
    target = StringField("Target", description="Better than the baseline for this indicator")
    due_period = SelectField(
        "Due period", description="When the target is to be met", validate_choice=False
    )
    milestones = TextAreaField(
        "Milestones (optional)",
        description="One a line: period: value, e.g. 2025/26 Q3: 5.5",
    )
    why = TextAreaField(
        "Why it matters", description="One sentence your population would understand"
    )
