"""Forms for health improvement plans."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DecimalField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, Length, NumberRange


class ImportForm(FlaskForm):
    commissioner = SelectField("Commissioner", coerce=int)
    title = StringField("Title", validators=[DataRequired(), Length(max=200)])
    years = FileField(
        "Years (CSV)",
        validators=[FileRequired()],
        description="Columns year, budget (£), staff_days: one row per financial year.",
    )
    projects = FileField(
        "Projects (CSV)",
        validators=[FileRequired()],
        description="Columns project, title, provider, gain, gain_low, gain_high, cost_per_year "
        "(£), duration_years, staff_days; optional indicators, prerequisites (separated by ;), "
        "earliest_start (a year).",
    )


class ProposeForm(FlaskForm):
    min_gain_per_million = DecimalField(
        "Least expected gain per £1m (points)",
        default=0,
        places=None,
        validators=[NumberRange(min=0)],
        description="Projects gaining less per £1m spent are not funded (low gain per £).",
    )
    min_per_provider = IntegerField(
        "Projects guaranteed to each provider", default=0, validators=[NumberRange(min=0, max=10)]
    )
