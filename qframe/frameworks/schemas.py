"""Framework JSON (docs/formats.md): marshmallow schemas, exact loading and canonical dumping.

Every marshmallow message here starts with a problem code ("too_long: ..."), so that a
`ValidationError` becomes a list of `Problem(path, code, message)` without guessing.
"""

import json
from collections.abc import Mapping
from typing import Any

from marshmallow import Schema, ValidationError, fields, post_dump, validate, validates_schema

from qframe.engine.measure_types import known_measure, measure_names
from qframe.engine.scoring_methods import scoring_method, scoring_method_names
from qframe.frameworks.schema_fields import (
    _AT_MOST_100,
    _BASE_ERRORS,
    _NOT_NEGATIVE,
    _POSITIVE,
    Count,
    FrameworkFormatError,
    StrictBool,
    _choice,
    _m,
    _nested_list,
    _not_applicable,
    _number,
    _present,
    _registered_choice,
    _text,
    _year,
)
from qframe.frameworks.validation import (
    Problem,
    measure_errors,
    problems_from_messages,
    read_json,
    tidy_problems,
)
from qframe.frameworks.vbp_rules import vbp_rule_errors
from qframe.scoring.payment_models import payment_model_names

SETTINGS = ("acute", "community", "mental_health", "primary_care", "mixed")
POLARITIES = ("higher_is_better", "lower_is_better")
LEVELS = ("provider", "service_line", "ward")
DATA_SOURCES = ("submitted", "appraisal")
FREQUENCIES = ("month", "quarter", "year")
MAX_INDICATORS = 500
MAX_DOMAINS = 50
MAX_GROUPS = 100


class _StrictSchema(Schema):
    """Unknown fields are refused (marshmallow's default RAISE), with a coded message."""

    error_messages = {
        "unknown": _m("unknown_field", "Unknown field: not part of the Framework JSON format."),
        "type": _m("invalid_type", "Expected a JSON object."),
    }
    # Optional fields left out of the canonical dump when empty (None or their default).
    omit_when_default: dict[str, Any] = {}

    @post_dump
    def _drop_defaults(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        omit = self.omit_when_default
        return {k: v for k, v in data.items() if not (k in omit and v == omit[k])}


class PaymentSchema(_StrictSchema):
    """How money is earned: points (QOF) or a share of contract value (CQUIN)."""

    model = _registered_choice(payment_model_names, required=True)
    pound_per_point = _number(_NOT_NEGATIVE)
    stake_percent = _number(_NOT_NEGATIVE, _AT_MOST_100)
    national_list_size = _number(_NOT_NEGATIVE)
    national_prevalence = fields.Dict(
        keys=_text(32, required=True, code=True),
        values=_number(_NOT_NEGATIVE, _AT_MOST_100, required=True),
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=MAX_GROUPS, error=_m("too_many", "Too many groups.")),
        error_messages={**_BASE_ERRORS, "invalid": _m("invalid_type", "Expected a JSON object.")},
    )
    omit_when_default = dict.fromkeys(
        ("pound_per_point", "stake_percent", "national_list_size", "national_prevalence")
    )

    @validates_schema(pass_original=True, skip_on_field_errors=False)
    def _check_parameters(self, data: dict[str, Any], original: Any, **kwargs: Any) -> None:
        model, errors = data.get("model"), {}
        needs = {"points": "pound_per_point", "contract_share": "stake_percent"}
        if model in needs and not _present(original, needs[model]):
            errors[needs[model]] = [_m("missing_parameter", f"The {model} model needs this.")]
        unused = {
            "points": ("stake_percent",),
            "contract_share": ("pound_per_point", "national_list_size", "national_prevalence"),
        }
        for name in unused.get(str(model), ()):
            if _present(original, name):
                _not_applicable(errors, name, f"by the {model} model")
        if errors:
            raise ValidationError(errors)


class DomainSchema(_StrictSchema):
    """A domain that indicators belong to (Safety, Clinical, …); VBP weights and minimums."""

    code = _text(16, required=True, code=True)
    title = _text(120, required=True)
    weight = _number(_NOT_NEGATIVE, _AT_MOST_100)
    min_measures = Count(load_default=None, allow_none=True)
    consistency_points = _number(_NOT_NEGATIVE, _AT_MOST_100)
    omit_when_default = dict.fromkeys(("weight", "min_measures", "consistency_points"))


class VbpSchema(_StrictSchema):
    """A VBP framework's baseline period and the minimum number of scored domains."""

    baseline_period = _text(10, also=_year)
    min_domains = Count(load_default=None, allow_none=True)
    omit_when_default = dict.fromkeys(("baseline_period", "min_domains"))


class ScoringSchema(_StrictSchema):
    """How points are scored: thresholds, or value-based purchasing."""

    method = _registered_choice(scoring_method_names, required=True)
    max_points = _number(_NOT_NEGATIVE)
    lower = _number()
    upper = _number()
    weight = _number(_NOT_NEGATIVE)
    achievement_threshold = _number()
    benchmark = _number()
    floor = _number()
    composite_of = fields.List(
        _text(40, required=True, code=True),
        load_default=None,
        allow_none=True,
        validate=validate.Length(min=1, max=20, error=_m("bad_length", "1 to 20 strata.")),
        error_messages={**_BASE_ERRORS, "invalid": _m("invalid_type", "Not a list.")},
    )

    _FIELDS: dict[Any, tuple[str, ...]] = {
        name: scoring_method(name).fields for name in scoring_method_names()
    }

    @validates_schema(pass_original=True, skip_on_field_errors=False)
    def _check_method_fields(self, data: dict[str, Any], original: Any, **kwargs: Any) -> None:
        method = data.get("method")
        errors: dict[str, Any] = {}
        for other, names in self._FIELDS.items():
            if method in self._FIELDS and other != method:
                for name in names:
                    if _present(original, name):
                        _not_applicable(errors, name, f"by the {method} method")
        if errors:
            raise ValidationError(errors)

    @post_dump
    def _keep_method_fields(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        names = self._FIELDS.get(data.get("method"), ())
        return {k: v for k, v in data.items() if k == "method" or k in names or v is not None}


class IndicatorSchema(_StrictSchema):
    """One indicator: what is measured, at which level, and how it scores."""

    code = _text(40, required=True, code=True)
    domain = _text(16, required=True, code=True)
    title = _text(200, required=True)
    description = _text(4000)
    group = _text(32, code=True)
    measure = _registered_choice(measure_names, required=True)
    polarity = _choice(POLARITIES, required=True)
    level = _choice(LEVELS, required=True)
    scoring = fields.Nested(ScoringSchema, required=True, error_messages=_BASE_ERRORS)
    minimum_standard = _number()
    min_denominator = Count(load_default=None, allow_none=True)
    rationale = _text(4000)
    multiplier = _number(_POSITIVE)
    unit = _text(80)
    data_source = _choice(DATA_SOURCES, load_default="submitted")
    prevalence_adjusted = StrictBool(load_default=False)
    weight = _number(_NOT_NEGATIVE, validate.Range(max=1, error=_m("out_of_range", "Above 1.")))
    frequency = _choice(FREQUENCIES, load_default=None, allow_none=True)
    omit_when_default = {
        **dict.fromkeys(("rationale", "multiplier", "unit", "weight", "frequency")),
        "data_source": "submitted",
        "prevalence_adjusted": False,
    }

    @validates_schema(pass_original=True, skip_on_field_errors=False)
    def _check_measure(self, data: dict[str, Any], original: Any, **kwargs: Any) -> None:
        errors = measure_errors(data)
        measure = data.get("measure")
        kind = known_measure(measure)
        if kind is not None and kind.needs_multiplier and not _present(original, "multiplier"):
            errors["multiplier"] = [_m("missing_multiplier", f"A {measure} needs a multiplier.")]
        if kind is not None and not kind.needs_multiplier and _present(original, "multiplier"):
            _not_applicable(errors, "multiplier", f"by a {measure} measure")
        if errors:
            raise ValidationError(errors)


class FrameworkSchema(_StrictSchema):
    """A whole framework; indicators must name a domain of the framework."""

    code = _text(40, required=True, code=True)
    title = _text(200, required=True)
    year = _text(7, required=True, also=_year)
    setting = _choice(SETTINGS, required=True)
    payment = fields.Nested(PaymentSchema, required=True, error_messages=_BASE_ERRORS)
    domains = _nested_list(DomainSchema, MAX_DOMAINS)
    indicators = _nested_list(IndicatorSchema, MAX_INDICATORS)
    description = _text(4000)
    source = _text(8000)
    change_reason = _text(2000)
    vbp = fields.Nested(VbpSchema, load_default=None, allow_none=True)
    omit_when_default = dict.fromkeys(("description", "source", "change_reason", "vbp"))

    @validates_schema(pass_original=True, skip_on_field_errors=False)
    def _check_references(self, data: dict[str, Any], original: Any, **kwargs: Any) -> None:
        errors: dict[str, Any] = {}
        raw_domains = original.get("domains") if isinstance(original, Mapping) else None
        # Codes as written, so that one bad domain does not also make its indicators "unknown".
        known = {d.get("code") for d in raw_domains or [] if isinstance(d, Mapping)}
        domain_errors = _duplicates(data.get("domains") or [], "Domain")
        if domain_errors:
            errors["domains"] = domain_errors
        indicators = data.get("indicators") or []
        indicator_errors = _duplicates(indicators, "Indicator")
        model = (data.get("payment") or {}).get("model")
        for i, indicator in enumerate(indicators):
            found: dict[str, list[str]] = {}
            domain = indicator.get("domain")
            if isinstance(raw_domains, list) and domain is not None and domain not in known:
                found["domain"] = [_m("unknown_domain", f"No domain {domain} in domains.")]
            if model == "points" and indicator.get("weight") is not None:
                _not_applicable(found, "weight", "by the points model")
            if model == "contract_share" and indicator.get("prevalence_adjusted"):
                _not_applicable(found, "prevalence_adjusted", "by the contract_share model")
            for name, messages in found.items():
                indicator_errors.setdefault(i, {}).setdefault(name, []).extend(messages)
        vbp_rule_errors(data, errors, indicator_errors)
        if indicator_errors:
            errors["indicators"] = indicator_errors
        if errors:
            raise ValidationError(errors)


def _duplicates(items: list[dict[str, Any]], kind: str) -> dict[int, Any]:
    seen: set[str] = set()
    errors: dict[int, Any] = {}
    for i, item in enumerate(items):
        code = item.get("code")
        if code in seen:
            errors[i] = {"code": [_m("duplicate_code", f"{kind} code {code} appears twice.")]}
        elif code is not None:
            seen.add(code)
    return errors


def load_framework_json(source: str | bytes) -> dict[str, Any]:
    """Parse and validate Framework JSON; raise FrameworkFormatError listing every problem."""
    raw, problems = read_json(source)
    if raw is not None and not isinstance(raw, dict):
        problems.append(Problem("", "not_an_object", "The file must hold one JSON object."))
        raw = None
    data: dict[str, Any] = {}
    if raw is not None:
        try:
            data = FrameworkSchema().load(raw)
        except ValidationError as error:
            problems.extend(problems_from_messages(error.messages))
    if problems:
        raise FrameworkFormatError(tidy_problems(problems))
    return data


def dump_framework_json(data: Mapping[str, Any]) -> str:
    """Return the canonical Framework JSON text: fixed key order, decimals as strings."""
    return json.dumps(FrameworkSchema().dump(data), indent=2, ensure_ascii=False) + "\n"
