"""The publish form; the service checks the framework, period and audience again."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField
from wtforms.fields.choices import SelectChoice

from .models import AUDIENCE_LABELS


class PublishForm(FlaskForm):
    framework = SelectField("Framework")
    period = StringField("Period", description="A scored period with a final run, e.g. 2025/26 Q4")
    audience = SelectField(
        "Audience", choices=[SelectChoice(k, v) for k, v in AUDIENCE_LABELS.items()]
    )
    identifiable = BooleanField(
        "Name the providers (public only; board is always named, "
        "providers always see peers anonymised)"
    )
