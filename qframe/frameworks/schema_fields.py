"""Framework JSON field types and value checks: exact decimals, strict counts and booleans,
coded messages (every message starts with its problem code)."""

import re
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate
from marshmallow.types import ErrorMessages

from qframe.frameworks.validation import Problem, coded
from qframe.periods.labels import BadPeriod, parse_period

# Anchored at the end: marshmallow's Regexp uses match(), which would accept "AB CD".
_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.()/-]{0,39}\Z")
# Plain decimal strings only: no exponent, sign "+", "_", spaces, NaN or non-ASCII digits.
_DECIMAL = re.compile(r"-?[0-9]+(\.[0-9]+)?")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_MAX_INTEGER_DIGITS = 12
_MAX_PLACES = 12


class FrameworkFormatError(ValueError):
    """The framework JSON was refused; `problems` lists every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        shown = "; ".join(f"{p.path or '(file)'}: {p.message}" for p in self.problems[:3])
        more = len(self.problems) - 3
        super().__init__(shown + (f"; and {more} more" if more > 0 else ""))


_m = coded


_BASE_ERRORS: ErrorMessages = {
    "required": _m("required", "This field is required."),
    "null": _m("null", "This field may not be null."),
}


class ExactDecimal(fields.Decimal):
    """A decimal read exactly from a decimal string or a JSON number, written as a string."""

    default_error_messages = {
        **_BASE_ERRORS,
        "invalid": _m("invalid_number", 'Not a decimal number (write it like "12.5").'),
        "special": _m("not_finite", "NaN and infinity are not allowed."),
        "too_large": _m("too_large", "Number too large."),
        "too_precise": _m("too_precise", "More than 12 decimal places."),
    }

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(as_string=True, **kwargs)

    def _validated(self, value: Any) -> Decimal:
        if isinstance(value, str) and not _DECIMAL.fullmatch(value):
            raise self.make_error("invalid")
        if isinstance(value, list | dict):
            raise self.make_error("invalid")
        number = super()._validated(value)  # refuses booleans, NaN and infinities
        if number and number.adjusted() >= _MAX_INTEGER_DIGITS:
            raise self.make_error("too_large")
        exponent = number.as_tuple().exponent
        if isinstance(exponent, int) and -exponent > _MAX_PLACES:
            raise self.make_error("too_precise")
        return number


class Count(fields.Field):
    """A whole number ≥ 0 written as a JSON integer."""

    default_error_messages = {
        **_BASE_ERRORS,
        "invalid": _m("invalid_count", "Not a whole number."),
        "negative": _m("negative", "Must not be negative."),
        "too_large": _m("too_large", "Number too large."),
    }

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> int:
        if isinstance(value, Decimal) and value.is_finite() and value.as_tuple().exponent == 0:
            value = int(value)
        if not isinstance(value, int) or isinstance(value, bool):
            raise self.make_error("invalid")
        if value < 0:
            raise self.make_error("negative")
        if value > 10**9:
            raise self.make_error("too_large")
        return value


class StrictBool(fields.Field):
    """JSON true or false, nothing else."""

    default_error_messages = {**_BASE_ERRORS, "invalid": _m("invalid_type", "Not true or false.")}

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> bool:
        if value is not True and value is not False:
            raise self.make_error("invalid")
        return value


def _no_control_characters(value: str) -> None:
    if _CONTROL.search(value):
        raise ValidationError(_m("control_character", "Contains a control character."))


def _text(
    max_len: int, *, required: bool = False, code: bool = False, also: Any = None, **kw: Any
) -> fields.String:
    checks: list[Any] = [also] if also else []
    checks += [
        validate.Length(max=max_len, error=_m("too_long", f"Longer than {max_len} characters.")),
        _no_control_characters,
    ]
    if required:
        checks.append(validate.Length(min=1, error=_m("empty", "Must not be empty.")))
    if code:
        checks.append(
            validate.Regexp(_CODE, error=_m("invalid_code", "Use letters, digits and ._()/- only."))
        )
    if not required:
        kw.setdefault("load_default", None)
        kw.setdefault("allow_none", True)
    messages = {**_BASE_ERRORS, "invalid": _m("invalid_type", "Not a string.")}
    return fields.String(required=required, validate=checks, error_messages=messages, **kw)


class _Registered(validate.OneOf):
    """OneOf over a registry's names as they are when a value is checked (types can be added)."""

    def __init__(self, names: Callable[[], tuple[str, ...]], error: str) -> None:
        super().__init__(names(), error=error)
        self._names = names

    def __call__(self, value: Any) -> Any:
        self.choices = self._names()
        self.choices_text = ", ".join(self.choices)
        return super().__call__(value)


def _registered_choice(names: Callable[[], tuple[str, ...]], **kw: Any) -> fields.String:
    """A string that must name an entry of a registry (measure types, payment models...)."""
    error = _m("invalid_choice", "Must be one of: {choices}.")
    messages = {**_BASE_ERRORS, "invalid": _m("invalid_type", "Not a string.")}
    return fields.String(validate=_Registered(names, error=error), error_messages=messages, **kw)


def _choice(options: tuple[str, ...], **kw: Any) -> fields.String:
    error = _m("invalid_choice", "Must be one of: {choices}.")
    messages = {**_BASE_ERRORS, "invalid": _m("invalid_type", "Not a string.")}
    return fields.String(
        validate=validate.OneOf(options, error=error), error_messages=messages, **kw
    )


_NOT_NEGATIVE = validate.Range(min=0, error=_m("negative", "Must not be negative."))
_AT_MOST_100 = validate.Range(max=100, error=_m("out_of_range", "Must be at most 100."))
_POSITIVE = validate.Range(min=0, min_inclusive=False, error=_m("not_positive", "Must be > 0."))


def _number(*checks: Any, required: bool = False, **kw: Any) -> ExactDecimal:
    if not required:
        kw.setdefault("load_default", None)
        kw.setdefault("allow_none", True)
    return ExactDecimal(required=required, validate=list(checks), **kw)


def _year(value: str) -> None:
    try:
        spec = parse_period(value)
    except BadPeriod:
        spec = None
    if spec is None or spec.kind != "year" or spec.label != value:
        raise ValidationError(_m("invalid_year", "Must be a financial year like 2025/26."))


def _nested_list(schema: type[Schema], most: int) -> fields.List:
    error = _m("too_many", f"More than {most} entries.")
    return fields.List(
        fields.Nested(schema),
        required=True,
        validate=validate.Length(max=most, error=error),
        error_messages={**_BASE_ERRORS, "invalid": _m("invalid_type", "Not a list.")},
    )


def _present(original: Any, name: str) -> bool:
    return isinstance(original, Mapping) and original.get(name) is not None


def _not_applicable(errors: dict[str, list[str]], name: str, why: str) -> None:
    errors.setdefault(name, []).append(_m("not_applicable", f"Not used {why}; leave it out."))
