"""Forms for uploads, windows, reopenings and decisions (entry forms are plain fields)."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional


class UploadForm(FlaskForm):
    framework = SelectField("Framework", coerce=int, validators=[InputRequired()])
    file = FileField("Measurements CSV")


class ConfirmForm(FlaskForm):
    pass


class WindowForm(FlaskForm):
    period = StringField("Period", validators=[DataRequired(), Length(max=20)])
    opens_on = DateField("Opens on", validators=[InputRequired(message="Give a date")])
    closes_on = DateField("Closes on", validators=[InputRequired(message="Give a date")])
    grace_days = IntegerField(
        "Grace days", default=0, validators=[Optional(), NumberRange(min=0, max=90)]
    )


class ReopenForm(FlaskForm):
    organisation = StringField("Organisation code", validators=[DataRequired(), Length(max=20)])
    reason = TextAreaField("Reason", validators=[DataRequired(), Length(min=5, max=1000)])
    until = DateField("Open until", validators=[InputRequired(message="Give a date")])


class DecisionForm(FlaskForm):
    comment = TextAreaField("Comment", validators=[Optional(), Length(max=2000)])


class DeclareForm(FlaskForm):
    framework = IntegerField(validators=[InputRequired()])
    period = StringField(validators=[DataRequired(), Length(max=20)])
