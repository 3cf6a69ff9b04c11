"""JSON shapes for the measurements API (marshmallow 4; unknown fields are refused)."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate

from qframe.api.helpers import UtcDateTime

MAX_BATCH = 10_000


class Text(fields.Field):
    """A JSON string or number, handed to the shared row validator as the text it would be in a
    CSV cell (so `1.5`, `NaN`, `1e309` are refused there with the same codes as in a file)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        if value is None:
            return ""
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise ValidationError("invalid_type: Give a number or a string.")
        return value if isinstance(value, str) else str(value)

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> Any:
        return None if value is None else str(value)


class MeasurementIn(Schema):
    """One value to submit. Anything else (points, amount, role, submitted_by…) is refused."""

    org_code = fields.String(required=True, validate=validate.Length(max=40))
    indicator_code = fields.String(required=True, validate=validate.Length(max=40))
    period = fields.String(required=True, validate=validate.Length(max=20))
    numerator = Text(load_default="")
    denominator = Text(load_default="")
    exclusions = Text(load_default="")
    value = Text(load_default="")
    expected = Text(load_default="")  # a ratio's expected count (decimal text above 0)
    missing = fields.String(load_default="", allow_none=True)
    comment = fields.String(load_default="", allow_none=True, validate=validate.Length(max=500))


class BatchIn(Schema):
    framework = fields.String(required=True, validate=validate.Length(max=40))
    version = fields.Integer(load_default=None, strict=True)
    measurements = fields.List(
        fields.Nested(MeasurementIn),
        required=True,
        validate=validate.Length(min=1, max=MAX_BATCH),
    )


class BatchOut(Schema):
    import_id = fields.Integer(allow_none=True)
    rows = fields.Integer()
    created = fields.Integer()
    updated = fields.Integer()
    unchanged = fields.Integer()
    missing = fields.Integer()
    declarations_reset = fields.Integer()
    message = fields.String()


class MeasurementOut(Schema):
    framework = fields.String()
    framework_version = fields.Integer()
    org_code = fields.String()
    indicator_code = fields.String()
    period = fields.String()
    numerator = fields.Integer(allow_none=True)
    denominator = fields.Integer(allow_none=True)
    exclusions = fields.Integer(allow_none=True)
    value = fields.String(allow_none=True, metadata={"description": "exact decimal text"})
    expected = fields.String(
        allow_none=True, metadata={"description": "a ratio's expected count, exact decimal text"}
    )
    missing = fields.Boolean()
    missing_reason = fields.String(allow_none=True)
    comment = fields.String(allow_none=True)
    source = fields.String()
    submitted_at = UtcDateTime()
    version = fields.Integer()


class MeasurementPage(Schema):
    items = fields.List(fields.Nested(MeasurementOut))
    page = fields.Integer()
    per_page = fields.Integer()
    next = fields.String(allow_none=True)
