"""Staff, appraisal, objective and development-plan forms (rules live in the services)."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from qframe.appraisal.models import STATUS_LABELS
from qframe.appraisal.rules import GROUP_LABELS, READINESS_LABELS, REGISTRATION_BODIES
from qframe.errors import ValidationFailed
from qframe.web.forms import attach_problems


def choices(pairs: Any) -> list[SelectChoice]:
    """SelectField options from (value, label) pairs (WTForms 3.3 wants SelectChoice)."""
    return [SelectChoice(value, label) for value, label in pairs]


def optional_int(value: Any) -> int | None:
    if value in (None, ""):
        return None
    text = str(value)
    return int(text) if text.isascii() and text.isdigit() else -1


class StaffForm(FlaskForm):
    name = StringField("Full name", validators=[DataRequired(), Length(max=200)])
    staff_number = StringField("Staff number", validators=[DataRequired(), Length(max=20)])
    professional_group = SelectField("Professional group", choices=choices(GROUP_LABELS.items()))
    registration_body = SelectField(
        "Registration body",
        choices=choices([("", "None"), *((b, b) for b in REGISTRATION_BODIES)]),
        description="GMC for doctors, NMC for nurses and midwives, HCPC for AHPs.",
    )
    registration_number = StringField(
        "Registration number",
        validators=[Length(max=12)],
        description="GMC: 7 digits · NMC PIN: e.g. 12A3456E · HCPC: e.g. PH123456",
    )
    band = StringField(
        "Band or grade",
        validators=[DataRequired(), Length(max=40)],
        description="e.g. Band 6, Consultant, Specialty registrar",
    )
    service_line_id = SelectField("Service line", coerce=optional_int, validate_choice=False)
    ward_id = SelectField("Ward (optional)", coerce=optional_int, validate_choice=False)
    line_manager_number = StringField(
        "Line manager's staff number", validators=[Length(max=20)], description="Optional."
    )
    start_date = DateField("Start date", validators=[InputRequired()])
    left_on = DateField("Left on", validators=[Optional()], description="Only if they have left.")
    revalidated_on = DateField(
        "Last revalidated on",
        validators=[Optional()],
        description="Doctors revalidate every 5 years, nurses and midwives every 3.",
    )
    leadership_aspiration = BooleanField("Wants to take on a leadership role")
    leadership_readiness = SelectField(
        "Leadership readiness", choices=choices(READINESS_LABELS.items())
    )
    leadership_actions = TextAreaField(
        "Leadership development actions", validators=[Length(max=4000)]
    )
    user_email = StringField(
        "Linked sign-in account (e-mail)",
        validators=[Length(max=254)],
        description="Administrators only: the person can then read their own appraisals.",
    )
    version = HiddenField()


class AppraisalForm(FlaskForm):
    year = StringField("Appraisal year", validators=[Length(max=7)], description="e.g. 2025/26")
    appraiser_number = StringField(
        "Appraiser's staff number", validators=[DataRequired(), Length(max=20)]
    )
    due_date = DateField("Due date", validators=[InputRequired()])
    meeting_date = DateField("Meeting date", validators=[Optional()])
    status = SelectField(
        "Status", choices=choices((k, v) for k, v in STATUS_LABELS.items() if k != "signed_off")
    )
    summary = TextAreaField("Summary of the discussion", validators=[Length(max=20000)])
    version = HiddenField()


class ObjectiveForm(FlaskForm):
    text = TextAreaField("Objective", validators=[DataRequired(), Length(max=4000)])
    indicator_id = SelectField(
        "Linked indicator (optional)", coerce=optional_int, validate_choice=False
    )
    target = StringField(
        "Target", validators=[Length(max=30)], description="The indicator value aimed for."
    )


class PdpForm(FlaskForm):
    learning_need = TextAreaField("Learning need", validators=[DataRequired(), Length(max=4000)])
    activity = TextAreaField("Activity", validators=[DataRequired(), Length(max=4000)])
    due = DateField("Due by", validators=[Optional()])


class ActionForm(FlaskForm):
    """CSRF-only form for buttons (remove, mark done, sign)."""


def apply_problems(form: FlaskForm, error: ValidationFailed) -> None:
    """Show each service problem beside its field (or at the top when it has none)."""
    first = next(iter(form._fields))
    attach_problems(form, error.problems, first)
    if not error.problems:
        form[first].errors = [*form[first].errors, error.message]
