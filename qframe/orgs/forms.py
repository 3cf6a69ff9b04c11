"""Organisation forms."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import HiddenField, StringField
from wtforms.validators import DataRequired, Length, Optional, Regexp


class OrgEditForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=200)])
    contract_value = StringField(
        "Contract value (£)",
        validators=[
            Optional(),
            Regexp(
                r"^\s*£?[0-9][0-9,]*(\.[0-9]{1,2})?\s*$",
                message="Pounds, e.g. 1250000, £1,250,000 or 1250000.50",
            ),
        ],
    )
    list_size = StringField(
        "Registered list size",
        validators=[Optional(), Regexp(r"^[0-9]+$", message="A whole number")],
    )
    version = HiddenField()


class UploadForm(FlaskForm):
    file = FileField("CSV file")
