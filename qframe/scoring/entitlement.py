"""Each provider's entitlement under the framework's payment model, through the engine."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from qframe.engine.errors import EngineError
from qframe.engine.payments import Entitlement, contract_share_entitlement
from qframe.engine.payments_pence import points_entitlement_pence

# Framework JSON gives national prevalence per 100 patients; the engine wants fractions.
PER_HUNDRED = Decimal(100)


@dataclass(frozen=True, slots=True)
class IndicatorTerms:
    """What payment needs from an indicator."""

    code: str
    max_points: float
    group: str | None
    prevalence_adjusted: bool
    weight: Decimal | None


@dataclass(frozen=True, slots=True)
class ProviderFacts:
    """What payment needs from a provider."""

    list_size: int | None
    contract_value_pence: int | None
    registers: Mapping[str, int] = field(default_factory=dict)


Result = tuple[int | None, str | None]  # pence, or None and the reason in words
Calculator = Callable[[Mapping[str, float], ProviderFacts], Result]


def entitlement_calculator(
    model: str, payment: Mapping[str, Any], indicators: Sequence[IndicatorTerms]
) -> Callable[[Mapping[str, float], ProviderFacts], Result]:
    """A function from (points by indicator code, provider facts) to entitlement in pence."""
    # The registry (scoring.payment_models) imports this module's calculators.
    from qframe.scoring.payment_models import known_payment_model

    found = known_payment_model(model)
    if found is None:
        return lambda _points, _facts: (None, f"unknown payment model {model!r}")
    return found.calculator(payment, indicators)


def _pence(entitlement: Entitlement) -> int:
    return int(entitlement.total * 100)


def points_model(
    payment: Mapping[str, Any], indicators: Sequence[IndicatorTerms]
) -> Callable[[Mapping[str, float], ProviderFacts], Result]:
    pound_per_point = Decimal(str(payment.get("pound_per_point") or "0"))
    national = payment.get("national_list_size")
    national_list = Decimal(str(national)) if national is not None else None
    prevalence = {
        group: Decimal(str(value)) / PER_HUNDRED
        for group, value in (payment.get("national_prevalence") or {}).items()
    }
    # Only indicators marked prevalence-adjusted get an APDF, whatever their group.
    groups = {
        i.code: i.group for i in indicators if i.prevalence_adjusted and i.group in prevalence
    }

    def calculate(points: Mapping[str, float], facts: ProviderFacts) -> Result:
        try:
            pence = points_entitlement_pence(
                points,
                pound_per_point,
                facts.list_size,
                national_list,
                groups,
                facts.registers,
                prevalence,
            )
        except EngineError as error:
            return None, str(error)
        return pence, None

    return calculate


def contract_share_model(
    payment: Mapping[str, Any], indicators: Sequence[IndicatorTerms]
) -> Callable[[Mapping[str, float], ProviderFacts], Result]:
    stake = Decimal(str(payment.get("stake_percent") or "0"))
    maxima = {i.code: i.max_points for i in indicators}
    given = {i.code: i.weight for i in indicators if i.weight is not None}
    weights = given or None  # none given: equal shares (domain.md §6)

    def calculate(points: Mapping[str, float], facts: ProviderFacts) -> Result:
        if facts.contract_value_pence is None:
            return None, "no contract value recorded"
        fractions = {
            code: min(1.0, points.get(code, 0.0) / top) if top > 0 else 0.0
            for code, top in maxima.items()
        }
        try:
            result = contract_share_entitlement(
                fractions, weights, stake, Decimal(facts.contract_value_pence) / 100
            )
        except EngineError as error:
            return None, str(error)
        return _pence(result), None

    return calculate


def provider_entitlements(
    model: str,
    payment: Mapping[str, Any],
    indicators: Sequence[Any],
    points: Mapping[int, Mapping[int, float]],
    facts: Mapping[int, ProviderFacts],
) -> dict[int, Result]:
    """Entitlement of each provider from its points by indicator id (Indicator rows given)."""
    terms = [
        IndicatorTerms(
            i.code,
            float(i.max_points) if i.max_points is not None else 10.0,
            i.group,
            bool(i.prevalence_adjusted),
            i.weight,
        )
        for i in indicators
    ]
    calculate = entitlement_calculator(model, payment, terms)
    codes = {i.id: i.code for i in indicators}
    return {
        org: calculate(
            dict(zip(map(codes.__getitem__, earned), earned.values(), strict=True)), facts[org]
        )
        for org, earned in points.items()
    }
