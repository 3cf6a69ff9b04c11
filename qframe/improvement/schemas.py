"""Marshmallow schemas for the health improvement plan API."""

from __future__ import annotations

from marshmallow import Schema, fields, validate


class ProposeSchema(Schema):
    """Options for optimising a plan."""

    min_gain_per_million = fields.Decimal(
        load_default=0, validate=validate.Range(min=0), allow_nan=False, as_string=True
    )
    min_per_provider = fields.Integer(
        load_default=0, validate=validate.Range(min=0, max=10), strict=True
    )
