"""Budget forms: virement request, finance decision, funding, delegated limit, ledger upload."""

from __future__ import annotations

from collections.abc import Iterable

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import HiddenField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError

from qframe.budgets.calc import CATEGORIES
from qframe.budgets.models import BudgetLine
from qframe.csvio import parse_money_input

POUNDS_HINT = "Pounds, e.g. 2500, £2,500 or 2500.50"


def pounds(form: FlaskForm, field: StringField) -> None:
    """An amount in pounds with at most two decimals (the sign is checked by the service)."""
    if parse_money_input(field.data) is None:
        raise ValidationError(f"Enter an amount in pounds. {POUNDS_HINT}")


def pence_of(field: StringField) -> int:
    return parse_money_input(field.data) or 0


def versions_token(lines: Iterable[BudgetLine]) -> str:
    """The versions of the lines a form shows, so a stale submission is refused (409)."""
    return ",".join(f"{line.id}:{line.version}" for line in lines)


def parse_versions(text: str | None) -> dict[int, int] | None:
    if not text:
        return None
    versions = {}
    for part in text.split(","):
        line_id, _, version = part.partition(":")
        if line_id.isdigit() and version.isdigit():
            versions[int(line_id)] = int(version)
    return versions


class VirementForm(FlaskForm):
    from_line = SelectField("Move money from", coerce=int)
    to_line = SelectField("Move money to", coerce=int)
    amount = StringField("Amount (£)", description=POUNDS_HINT, validators=[pounds])
    reason = TextAreaField("Reason", validators=[DataRequired(message="Say why"), Length(max=500)])
    versions = HiddenField()


class DecisionForm(FlaskForm):
    comment = TextAreaField(
        "Comment", description="Required when rejecting.", validators=[Length(max=500)]
    )
    version = HiddenField()
    approve = SubmitField("Approve")
    reject = SubmitField("Reject")


class FundingForm(FlaskForm):
    category = SelectField(
        "Budget line",
        choices=[SelectChoice(code, label.capitalize()) for code, label in CATEGORIES.items()],
    )
    amount = StringField(
        "Change in annual budget (£)",
        description="Positive to add funding, negative (e.g. -5000) to remove it.",
        validators=[pounds],
    )
    reason = TextAreaField("Reason", validators=[DataRequired(), Length(max=500)])
    versions = HiddenField()


class LimitForm(FlaskForm):
    limit = StringField(
        "Delegated limit (£)",
        description="Virements up to this amount apply at once; larger ones need finance.",
        validators=[
            DataRequired(),
            Regexp(
                r"^\s*£?[0-9][0-9,]*(\.[0-9]{1,2})?\s*$", message=f"{POUNDS_HINT}, not negative"
            ),
        ],
    )
    version = HiddenField()


class LedgerForm(FlaskForm):
    year = StringField(
        "Financial year",
        description="e.g. 2025/26; leave blank to take it from the file's months.",
        validators=[Optional(), Length(max=7)],
    )
    file = FileField("Ledger CSV")


class OpenHolderForm(FlaskForm):
    """Only the CSRF token: opening a budget takes no input."""
