"""The allocation policy (formats.md) and the pot: validated exactly, with every problem named."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate

from qframe.api.helpers import problems_from
from qframe.errors import Problem, ValidationFailed

RECIPIENTS = ("provider", "service_line")
WEIGHTS = ("entitlement", "points", "tps")
DEFAULT_POLICY: dict[str, Any] = {
    "recipients": "provider",
    "weight": "entitlement",
    "cap_percent_of_contract": "2.5",
    "floor": "0",
    "breach_gate": "0",
}
# plain decimals only: no exponent, "+", "_", spaces, NaN, infinity or non-ASCII digits
_DECIMAL = re.compile(r"-?[0-9]{1,15}(\.[0-9]{1,12})?\Z", re.ASCII)
_POUNDS = re.compile(r"[0-9]{1,12}(\.[0-9]{1,2})?\Z", re.ASCII)
MAX_POLICY_BYTES = 10_000


class ExactField(fields.Field):
    """A decimal written as a string or a plain JSON number, loaded as an exact Decimal."""

    default_error_messages = {"invalid": "Not a plain decimal number (for example 2.5)."}  # noqa: RUF012

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> Decimal:
        if isinstance(value, bool) or not isinstance(value, str | int | float | Decimal):
            raise self.make_error("invalid")
        text = repr(value) if isinstance(value, float) else str(value)
        if not _DECIMAL.match(text.strip()):
            raise self.make_error("invalid")
        return Decimal(text.strip())


class PolicySchema(Schema):
    """formats.md allocation policy; unknown keys are refused (marshmallow's default)."""

    recipients = fields.String(validate=validate.OneOf(RECIPIENTS))
    weight = fields.String(validate=validate.OneOf(WEIGHTS))
    cap_percent_of_contract = ExactField(
        allow_none=True, validate=validate.Range(0, 100, error="Must be between 0 and 100.")
    )
    floor = ExactField(validate=validate.Range(0, None, error="Must be zero or more pounds."))
    breach_gate = ExactField(validate=validate.Range(0, 1, error="Must be between 0 and 1."))


@dataclass(frozen=True)
class Policy:
    """A valid policy: who receives, what weighs, the cap (% of contract), floor and gate."""

    recipients: str
    weight: str
    cap_percent: Decimal | None
    floor_pence: int
    breach_gate: Decimal

    def as_json(self) -> dict[str, Any]:
        """The canonical form stored with a run and hashed (2.50 and 2.5 are the same policy)."""
        return {
            "recipients": self.recipients,
            "weight": self.weight,
            "cap_percent_of_contract": None
            if self.cap_percent is None
            else plain(self.cap_percent),
            "floor": f"{Decimal(self.floor_pence) / 100:.2f}",
            "breach_gate": plain(self.breach_gate),
        }


def plain(number: Decimal) -> str:
    """A decimal without exponent or trailing zeros ('2.5', '100', '0')."""
    text = format(number.normalize(), "f")
    return text if text != "-0" else "0"


def parse_policy(data: Any) -> Policy:
    """A Policy from a dict (missing keys take formats.md's defaults); every problem reported."""
    if not isinstance(data, dict):
        raise ValidationFailed(
            "The policy must be a JSON object", [Problem("invalid", "not an object")]
        )
    try:
        loaded = PolicySchema().load({**DEFAULT_POLICY, **data})
    except ValidationError as error:
        problems = problems_from(error.messages)
        unknown = sorted(p.column or "" for p in problems if p.message == "Unknown field.")
        message = "The policy was not accepted"
        if unknown:
            message += f": unknown key{'s' if len(unknown) > 1 else ''} {', '.join(unknown)}"
        raise ValidationFailed(message, problems) from error
    floor = loaded["floor"]
    if floor != floor.quantize(Decimal("0.01")) or floor >= 10**12:
        raise ValidationFailed(
            "The policy was not accepted: the floor is pounds with at most two decimals",
            [Problem("invalid", "Pounds with at most two decimals.", column="floor")],
        )
    return Policy(
        recipients=loaded["recipients"],
        weight=loaded["weight"],
        cap_percent=loaded["cap_percent_of_contract"],
        floor_pence=int(floor * 100),
        breach_gate=loaded["breach_gate"],
    )


def read_policy_json(text: str | bytes) -> Policy:
    """A Policy from JSON text, numbers read as exact decimals."""
    if len(text) > MAX_POLICY_BYTES:
        raise ValidationFailed(f"The policy file is over {MAX_POLICY_BYTES:,} bytes")
    try:
        data = json.loads(text, parse_float=Decimal)
    except (ValueError, UnicodeDecodeError) as error:
        raise ValidationFailed(f"The policy is not valid JSON: {error}") from error
    return parse_policy(data)


def parse_pot(value: str | int | Decimal) -> int:
    """The pot in pounds ('2,000,000', '£1500.50') as whole pence; refused unless positive."""
    text = str(value).strip().replace(",", "").replace(" ", "")
    text = ("-" + text[2:]) if text.startswith("-£") else text.removeprefix("£")
    if text.startswith("-") and _POUNDS.match(text[1:]):
        raise ValidationFailed(
            f"The pot cannot be negative ({value})",
            [Problem("negative", "negative pot", column="pot")],
        )
    if not _POUNDS.match(text):
        raise ValidationFailed(
            "The pot must be an amount in pounds such as 2000000 or 1500.50, "
            f"not {str(value)[:40]!r}",
            [Problem("invalid", "not an amount in pounds", column="pot")],
        )
    pence = int(Decimal(text) * 100)
    if pence == 0:
        raise ValidationFailed(
            "The pot is £0: there is nothing to share", [Problem("zero", "zero pot", column="pot")]
        )
    return pence
