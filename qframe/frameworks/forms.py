"""Framework forms, and the translation between form fields and Framework JSON paths."""

from __future__ import annotations

import re
from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length

from qframe.engine.scoring_methods import scoring_method, scoring_method_names
from qframe.errors import Problem
from qframe.frameworks.display import (
    LEVEL_WORDS,
    POLARITY_WORDS,
    SETTING_WORDS,
    measure_type_words,
)
from qframe.scoring.payment_models import payment_model, payment_model_names

SOURCE_WORDS = {"submitted": "Submitted by the provider", "appraisal": "Staff appraisal records"}
NUMBER_HINT = "A plain decimal, e.g. 12.5"


def payment_model_words() -> dict[str, str]:
    """Each registered payment model's words, for choosing one."""
    return {name: payment_model(name).words for name in payment_model_names()}


def _choices(words: dict[str, str]) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in words.items()]


def _number(label: str, description: str = NUMBER_HINT) -> StringField:
    return StringField(label, description=description, validators=[Length(max=40)])


class FrameworkForm(FlaskForm):
    code = StringField(
        "Code", description="Letters, digits and ._()/- e.g. AQF", validators=[Length(max=40)]
    )
    owner = SelectField("Owned by", coerce=int, choices=[])
    title = StringField("Title", validators=[Length(max=200)])
    year = StringField("Financial year", description="e.g. 2025/26", validators=[Length(max=7)])
    setting = SelectField("Setting", choices=_choices(SETTING_WORDS))
    description = TextAreaField("Description", validators=[Length(max=4000)])
    source = TextAreaField("Where the numbers come from", validators=[Length(max=8000)])
    payment_model = SelectField("Payment model", choices=lambda: _choices(payment_model_words()))
    pound_per_point = _number("£ per point (points model)")
    national_list_size = _number("National average list size (points model, optional)")
    national_prevalence = TextAreaField(
        "National prevalence by disease group (points model, optional)",
        description="One per line, GROUP: percent, e.g. DM: 7.5",
        validators=[Length(max=4000)],
    )
    stake_percent = _number("Stake, % of contract value (contract share model)")
    domains = TextAreaField(
        "Domains",
        description="One per line, CODE: Title, e.g. SAF: Safety",
        validators=[Length(max=6000)],
    )
    version = HiddenField()


class IndicatorForm(FlaskForm):
    code = StringField("Code", validators=[Length(max=40)])
    domain = SelectField("Domain", choices=[])
    title = StringField("Title", validators=[Length(max=200)])
    description = TextAreaField("Plain-English description", validators=[Length(max=4000)])
    rationale = TextAreaField("Rationale and source", validators=[Length(max=4000)])
    group = StringField(
        "Disease group", description="Optional, e.g. DM", validators=[Length(max=32)]
    )
    measure = SelectField("Measure", choices=lambda: _choices(measure_type_words()))
    multiplier = _number("Rate multiplier", "Rates only, e.g. 1000 for per 1,000 bed days")
    unit = StringField("Unit", description="Optional, e.g. minutes", validators=[Length(max=80)])
    polarity = SelectField("Which way is better", choices=_choices(POLARITY_WORDS))
    level = SelectField("Measured", choices=_choices(LEVEL_WORDS))
    method = SelectField(
        "Scoring method",
        choices=lambda: _choices({n: scoring_method(n).words for n in scoring_method_names()}),
    )
    max_points = _number("Maximum points")
    lower = _number("Lower threshold", "0 points here (the worst acceptable value)")
    upper = _number("Upper threshold", "Full points here")
    vbp_weight = _number("VBP weight", "Value-based purchasing only")
    achievement_threshold = _number("Achievement threshold", "VBP only; optional")
    benchmark = _number("Benchmark", "VBP only; optional")
    weight = _number("Share of the stake", "Contract share only: 0–1, all adding up to 1")
    minimum_standard = _number("Minimum standard", "Optional: the floor for acceptable care")
    min_denominator = StringField(
        "Minimum denominator", description="Optional whole number", validators=[Length(max=12)]
    )
    data_source = SelectField("Data source", choices=_choices(SOURCE_WORDS))
    prevalence_adjusted = BooleanField("Prevalence adjusted (points model)")
    version = HiddenField()


class UploadForm(FlaskForm):
    file = FileField("Framework JSON file")
    owner = SelectField("Owned by", coerce=int, choices=[])


class ReasonForm(FlaskForm):
    reason = TextAreaField("Why is a new version needed?", validators=[Length(max=2000)])


class OwnerForm(FlaskForm):
    owner = SelectField("Owned by", coerce=int, choices=[])


def _blank(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def _text(value: str | None) -> str:
    """A required text box: blank stays "" so the schema says "must not be empty"."""
    return (value or "").strip()


def _pairs(text: str | None) -> list[tuple[str, str]] | None:
    """Lines "KEY: value"; None when a line has no colon."""
    pairs = []
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        key, colon, value = line.partition(":")
        if not colon:
            return None
        pairs.append((key.strip(), value.strip()))
    return pairs


def framework_fields(form: FrameworkForm) -> tuple[dict[str, Any], list[Problem]]:
    """The form as Framework JSON fields, or problems for lines that cannot be read."""
    problems = []
    domains = _pairs(form.domains.data)
    if domains is None:
        problems.append(Problem("bad_line", "Write each domain as CODE: Title.", column="domains"))
    prevalence = _pairs(form.national_prevalence.data)
    if prevalence is None:
        message = "Write each group as GROUP: percent."
        problems.append(Problem("bad_line", message, column="payment.national_prevalence"))
    payment: dict[str, Any] = {"model": form.payment_model.data}
    for name in ("pound_per_point", "national_list_size", "stake_percent"):
        payment[name] = _blank(form[name].data)
    payment["national_prevalence"] = dict(prevalence) if prevalence else None
    code = form._fields.get("code")
    fields = {
        "code": _text(code.data) if code is not None else None,
        "title": _text(form.title.data),
        "year": _text(form.year.data),
        "setting": form.setting.data,
        "description": _blank(form.description.data),
        "source": _blank(form.source.data),
        "payment": payment,
        "domains": [{"code": c, "title": t} for c, t in domains or []],
    }
    return fields, problems


def fill_framework_form(form: FrameworkForm, raw: dict[str, Any], row_version: int) -> None:
    """Put a draft's JSON into the form for editing."""
    for name in ("title", "year", "setting", "description", "source"):
        form[name].data = raw.get(name)
    payment = raw["payment"]
    form.payment_model.data = payment["model"]
    for name in ("pound_per_point", "national_list_size", "stake_percent"):
        form[name].data = payment.get(name)
    prevalence = payment.get("national_prevalence") or {}
    form.national_prevalence.data = "\n".join(f"{g}: {v}" for g, v in prevalence.items())
    form.domains.data = "\n".join(f"{d['code']}: {d['title']}" for d in raw["domains"])
    form.version.data = str(row_version)


INDICATOR_TEXT = ("code", "domain", "title", "description", "rationale", "group", "unit")
INDICATOR_NUMBERS = ("multiplier", "minimum_standard", "weight")
SCORING = {
    "max_points": "max_points",
    "lower": "lower",
    "upper": "upper",
    "weight": "vbp_weight",
    "achievement_threshold": "achievement_threshold",
    "benchmark": "benchmark",
}


def indicator_fields(form: IndicatorForm) -> dict[str, Any]:
    """The indicator form as a Framework JSON indicator (empty boxes left out)."""
    item: dict[str, Any] = {name: _blank(form[name].data) for name in INDICATOR_TEXT}
    item.update({name: _text(form[name].data) for name in ("code", "domain", "title")})
    item.update(measure=form.measure.data, polarity=form.polarity.data, level=form.level.data)
    scoring: dict[str, Any] = {"method": form.method.data}
    scoring.update({key: _blank(form[name].data) for key, name in SCORING.items()})
    item["scoring"] = scoring
    item.update({name: _blank(form[name].data) for name in INDICATOR_NUMBERS})
    count = _blank(form.min_denominator.data)
    # Digits become a number; anything else is passed on for the schema to name the problem.
    item["min_denominator"] = int(count) if count and re.fullmatch(r"[0-9]{1,10}", count) else count
    item["data_source"] = form.data_source.data
    item["prevalence_adjusted"] = bool(form.prevalence_adjusted.data)
    return item


def fill_indicator_form(form: IndicatorForm, item: dict[str, Any], row_version: int) -> None:
    """Put an indicator's JSON into the form for editing."""
    for name in (*INDICATOR_TEXT, *INDICATOR_NUMBERS, "measure", "polarity", "level"):
        form[name].data = item.get(name)
    scoring = item["scoring"]
    form.method.data = scoring["method"]
    for key, name in SCORING.items():
        form[name].data = scoring.get(key)
    count = item.get("min_denominator")
    form.min_denominator.data = None if count is None else str(count)
    form.data_source.data = item.get("data_source", "submitted")
    form.prevalence_adjusted.data = bool(item.get("prevalence_adjusted"))
    form.version.data = str(row_version)


FRAMEWORK_PATHS = {
    "payment.model": "payment_model",
    "payment": "payment_model",
    "payment.pound_per_point": "pound_per_point",
    "payment.stake_percent": "stake_percent",
    "payment.national_list_size": "national_list_size",
}


def _framework_field(path: str) -> str | None:
    if path in FRAMEWORK_PATHS:
        return FRAMEWORK_PATHS[path]
    if path.startswith("payment.national_prevalence"):
        return "national_prevalence"
    if path.startswith("domains"):
        return "domains"
    head = path.split(".")[0].split("[")[0]
    return (
        head
        if head in ("code", "owner", "title", "year", "setting", "description", "source")
        else None
    )


def _indicator_field(problem: Problem) -> str | None:
    path = problem.column or ""
    if problem.code == "duplicate_code":
        return "code"
    if path == "scoring.weight":
        return "vbp_weight"
    if path.startswith("scoring"):
        name = path.removeprefix("scoring").lstrip(".") or "method"
        return name if name in SCORING.values() or name == "method" else "method"
    return path or None


def show_problems(form: FlaskForm, problems: list[Problem], *, indicator: bool = False) -> None:
    """Put each problem next to its field; the rest become form-level errors."""
    for problem in problems:
        column = problem.column or ""
        name = _indicator_field(problem) if indicator else _framework_field(column)
        field = form._fields.get(name) if name else None
        if field is None:
            where = f"{column}: " if column else ""
            form.form_errors.append(f"{where}{problem.message}")
            continue
        where = ""
        if name == "domains" and "[" in column:
            where = f"Domain {int(column.split('[')[1].split(']')[0]) + 1}: "
        # The label leads, so the error summary at the top says which box is wrong.
        field.errors = [*field.errors, f"{field.label.text}: {where}{problem.message}"]
    form._errors = None  # recompute the cached summary with the new messages
