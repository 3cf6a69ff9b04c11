"""The publish form; the service checks the framework, period and audience again."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField
from wtforms.fields.choices import SelectChoice

from qframe.scoring.pickers import PeriodPickField

from .models import AUDIENCE_LABELS


class PublishForm(FlaskForm):
    # Both lists offer only what has final scores; the service checks a hand-made request again
    # and says why in words, so neither field refuses a value with a bare "Not a valid choice".
    framework = SelectField("Framework", validate_choice=False)
    period = PeriodPickField(
        "Period", description="Periods with final scores for each version, newest first"
    )
    audience = SelectField(
        "Audience", choices=[SelectChoice(k, v) for k, v in AUDIENCE_LABELS.items()]
    )
    identifiable = BooleanField(
        "Name the providers (public only; board is always named, "
        "providers always see peers anonymised)"
    )
