"""Forms: ladder settings, a commissioner's note, and CSRF-only action forms."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from .models import PERIOD_KINDS
from .rules import RULE_FIELDS


class SettingsForm(FlaskForm):
    """Every number is checked by the service (`rules.parse_settings`), so errors read the same
    from the form, the CLI or a test."""

    period_kind = SelectField(
        "Periods the ladder runs on",
        choices=[
            SelectChoice(
                k, "Automatic (quarters if scored)" if k == "auto" else f"{k.capitalize()}s"
            )
            for k in PERIOD_KINDS
        ],
    )
    support_budget = StringField("Support budget (£)", description="Pounds, e.g. 100000")
    buddy_limit = StringField("Providers each buddy may support", description="0 or more")
    packages = TextAreaField(
        "Support packages",
        description="One a line: name | cost in pounds | expected points gained",
    )
    version = HiddenField()


for _f in RULE_FIELDS:
    setattr(SettingsForm, _f.name, StringField(_f.label, description=_f.hint or None))


def rule_fields(form: SettingsForm) -> list[object]:
    return [form[f.name] for f in RULE_FIELDS]


class NoteForm(FlaskForm):
    period = SelectField("Period", coerce=int)
    note = TextAreaField(
        "Note", validators=[DataRequired(message="Write the note"), Length(max=2000)]
    )
    support_offered = TextAreaField(
        "Support offered",
        description="e.g. a peer review visit in May; a named contact for the ward managers",
        validators=[Optional(), Length(max=2000)],
    )
