"""User administration forms."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from qframe.auth.models import ROLE_LABELS


def _roles() -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in ROLE_LABELS.items()]


class UserCreateForm(FlaskForm):
    email = EmailField("E-mail address", validators=[DataRequired(), Length(max=254)])
    name = StringField("Full name", validators=[Length(max=200)])
    role = SelectField("Role", choices=_roles())
    orgs = StringField(
        "Organisation codes",
        description="Codes separated by commas or spaces, e.g. RX1 "
        "(a provider covers its service lines and wards).",
        validators=[Length(max=2000)],
    )
    password = PasswordField("Initial password", validators=[DataRequired(), Length(max=200)])


class UserEditForm(FlaskForm):
    name = StringField("Full name", validators=[Length(max=200)])
    role = SelectField("Role", choices=_roles())
    orgs = StringField("Organisation codes", validators=[Length(max=2000)])
    active = BooleanField("Account active")
    version = HiddenField()


class TokenForm(FlaskForm):
    name = StringField("Token name", validators=[DataRequired(), Length(max=100)])


def split_codes(text: str | None) -> list[str]:
    return [c for c in (text or "").replace(",", " ").split() if c]
