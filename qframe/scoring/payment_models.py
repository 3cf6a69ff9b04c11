"""The payment-model registry (architecture.md rule 6): how a framework turns points into money.

Each model names its money parameter, its entitlement calculator and the facts and cash lines
it needs; the rest of qframe looks a model up here instead of comparing model names.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from qframe.scoring.entitlement import (
    Calculator,
    IndicatorTerms,
    contract_share_model,
    points_model,
)


@dataclass(frozen=True, slots=True)
class PaymentModel:
    """One payment model."""

    name: str
    words: str  # for choosing one: "Points (QOF): £ per point"
    money_field: str  # the payment parameter that must be set and > 0 before publishing
    calculator: Callable[[Mapping[str, Any], Sequence[IndicatorTerms]], Calculator]
    per_point: bool  # money per point earned (QOF); else a share of a stake (CQUIN)
    uses_registers: bool  # the calculator needs each provider's disease register sizes
    weighted: bool  # indicators carry weights of the stake that must add up
    year_end: str  # the kind of the year-end payment line: "achievement" or "reconciliation"


POINTS = PaymentModel(
    "points", "Points (QOF): £ per point", "pound_per_point", points_model,
    per_point=True, uses_registers=True, weighted=False, year_end="achievement",
)  # fmt: skip
CONTRACT_SHARE = PaymentModel(
    "contract_share", "Contract share (CQUIN): % of contract value", "stake_percent",
    contract_share_model, per_point=False, uses_registers=False, weighted=True,
    year_end="reconciliation",
)  # fmt: skip

_REGISTRY: dict[str, PaymentModel] = {m.name: m for m in (POINTS, CONTRACT_SHARE)}


def known_payment_model(name: object) -> PaymentModel | None:
    """The registered model of that name, or None."""
    return _REGISTRY.get(name) if isinstance(name, str) else None


def payment_model(name: str) -> PaymentModel:
    """The registered model of that name; KeyError for an unknown one (stored names are valid)."""
    return _REGISTRY[name]


def payment_model_names() -> tuple[str, ...]:
    """Every registered model name."""
    return tuple(_REGISTRY)


def register_payment_model(model: PaymentModel) -> PaymentModel:
    """Add a model; a name already registered is refused."""
    if model.name in _REGISTRY:
        raise ValueError(f"payment model {model.name!r} is already registered")
    _REGISTRY[model.name] = model
    return model


def unregister_payment_model(name: str) -> None:
    """Remove a model added with register_payment_model; built-in models stay."""
    if name in (POINTS.name, CONTRACT_SHARE.name):
        raise ValueError(f"payment model {name!r} is built in")
    _REGISTRY.pop(name, None)
