"""The payment-model registry (architecture.md rule 6): how a framework turns points into money.

Each model names its money parameter, its entitlement calculator and the facts and cash lines
it needs; the rest of qframe looks a model up here instead of comparing model names.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from qframe.engine.registry import Registry
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

PAYMENT_MODELS: Registry[PaymentModel] = Registry("payment model", (POINTS, CONTRACT_SHARE))

payment_model = PAYMENT_MODELS.get
known_payment_model = PAYMENT_MODELS.find
payment_model_names = PAYMENT_MODELS.names
register_payment_model = PAYMENT_MODELS.register
unregister_payment_model = PAYMENT_MODELS.unregister
