"""Forms: propose a run (framework, period, pot, policy), approve a run, pick two to compare."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from qframe.rewards.policy import DEFAULT_POLICY
from qframe.scoring.pickers import PeriodPickField


class ProposeForm(FlaskForm):
    framework = SelectField("Framework", coerce=int)
    period = PeriodPickField(
        "Period",
        description="Periods with final scores for each version, newest first",
        validators=[DataRequired(message="Choose the period"), Length(max=20)],
    )
    pot = StringField(
        "Reward pot (£)",
        description="Pounds, e.g. 2000000 or 1500.50",
        validators=[DataRequired(message="Enter the pot in pounds"), Length(max=30)],
    )
    recipients = SelectField(
        "Recipients",
        choices=[
            SelectChoice("provider", "Providers"),
            SelectChoice("service_line", "Service lines (split by points)"),
        ],
        default=DEFAULT_POLICY["recipients"],
    )
    weight = SelectField(
        "Share by",
        choices=[
            SelectChoice("entitlement", "Entitlement"),
            SelectChoice("points", "Points"),
            SelectChoice("tps", "Total performance score × contract value"),
        ],
        default=DEFAULT_POLICY["weight"],
    )
    cap_percent_of_contract = StringField(
        "Cap (% of contract value)",
        description="Never more than the entitlement either; leave empty for no contract cap",
        default=DEFAULT_POLICY["cap_percent_of_contract"],
        validators=[Length(max=20)],
    )
    floor = StringField(
        "Floor (£)",
        description="Paid to each provider meeting every minimum standard",
        default=DEFAULT_POLICY["floor"],
        validators=[Length(max=20)],
    )
    breach_gate = StringField(
        "Breach gate (0 to 1)",
        description="Share kept by a provider with a minimum-standard breach: 0 withholds it",
        default=DEFAULT_POLICY["breach_gate"],
        validators=[Length(max=20)],
    )

    def policy_data(self) -> dict[str, Any]:
        """The policy fields as formats.md JSON (an empty cap means no contract cap)."""
        cap = (self.cap_percent_of_contract.data or "").strip()
        return {
            "recipients": self.recipients.data,
            "weight": self.weight.data,
            "cap_percent_of_contract": cap or None,
            "floor": (self.floor.data or "").strip(),
            "breach_gate": (self.breach_gate.data or "").strip(),
        }


class ApproveForm(FlaskForm):
    """Approval carries only the CSRF token: the run is in the URL."""
