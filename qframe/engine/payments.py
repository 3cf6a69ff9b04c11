"""Entitlements under the points (QOF) and contract-share (CQUIN) models (domain.md §6)."""

import math
import operator
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, localcontext
from itertools import repeat
from types import MappingProxyType

from qframe.engine.errors import InvalidInput, InvalidWeights

PENNY = Decimal("0.01")
# Tolerance for weights that cannot be written exactly, such as thirds.
WEIGHT_TOLERANCE = Decimal("1e-9")


@dataclass(frozen=True, slots=True)
class Entitlement:
    """The total in pounds (to the penny) and each indicator's unrounded share."""

    total: Decimal
    by_indicator: Mapping[str, Decimal] = field(hash=False)


def _exact(number: float, what: str) -> Decimal:
    # repr is the shortest string that round-trips, so 6.5175... does not become 6.51749999...
    if not math.isfinite(number) or number < 0:
        raise InvalidInput(f"{what} must be finite and >= 0, got {number!r}")
    return Decimal(repr(float(number)))


def _result(amounts: dict[str, Decimal]) -> Entitlement:
    total = sum(amounts.values(), Decimal(0)).quantize(PENNY, rounding=ROUND_HALF_UP)
    return Entitlement(total, MappingProxyType(amounts))


def points_entitlement(
    points_by_indicator: Mapping[str, float],
    pound_per_point: Decimal,
    list_size: int | None,
    national_list_size: Decimal | int | None,
    group_by_indicator: Mapping[str, str | None],
    register_by_group: Mapping[str, int],
    national_prevalence_by_group: Mapping[str, Decimal],
) -> Entitlement:
    """Return Σ points × £/point × CPI × APDF; prevalences are fractions (register / list)."""
    if pound_per_point < 0:
        raise InvalidInput("pound_per_point must be >= 0")
    for name, prevalence in national_prevalence_by_group.items():
        if not 0 < prevalence <= 1:
            raise InvalidInput(f"national prevalence of {name} must be a fraction in (0, 1]")
    with localcontext() as ctx:
        ctx.prec = 34
        cpi = Decimal(1)
        if national_list_size is not None:
            if list_size is None or list_size < 0 or not national_list_size > 0:
                raise InvalidInput("CPI needs a list size and a positive national average")
            cpi = Decimal(list_size) / Decimal(national_list_size)
        fast = _points_amounts(
            points_by_indicator, pound_per_point, cpi, list_size, group_by_indicator,
            register_by_group, national_prevalence_by_group,
        )  # fmt: skip
        if fast is not None:
            return _result(fast)
        amounts: dict[str, Decimal] = {}
        apdf: dict[str, Decimal] = {}  # once per group, not once per indicator: the same value
        for code, points in points_by_indicator.items():
            amount = _exact(points, f"points of {code}") * pound_per_point * cpi
            group = group_by_indicator.get(code)
            if group is not None and group in national_prevalence_by_group:
                if group not in apdf:
                    apdf[group] = _apdf(
                        group, list_size, register_by_group, national_prevalence_by_group
                    )
                amount *= apdf[group]
            amounts[code] = amount
        return _result(amounts)


def _points_amounts(
    points_by_indicator: Mapping[str, float],
    pound_per_point: Decimal,
    cpi: Decimal,
    list_size: int | None,
    group_by_indicator: Mapping[str, str | None],
    register_by_group: Mapping[str, int],
    national_prevalence_by_group: Mapping[str, Decimal],
) -> dict[str, Decimal] | None:
    """points_entitlement's amounts by the same Decimal operations in the same order, with
    the per-indicator loop in C (map) where it can be: None when any input would be refused,
    so the indicator-by-indicator loop names the first problem exactly as before."""
    values = list(points_by_indicator.values())
    try:
        numbers = list(map(float, values))
        if not all(map(math.isfinite, numbers)) or (numbers and min(numbers) < 0):
            return None
        groups = set(map(group_by_indicator.get, points_by_indicator))  # in C, not a genexpr
        wanted = {g for g in groups if g is not None} & national_prevalence_by_group.keys()
        apdf = {
            group: _apdf(group, list_size, register_by_group, national_prevalence_by_group)
            for group in wanted
        }
    except (TypeError, ValueError, ArithmeticError, InvalidInput):
        return None
    exact = map(Decimal, map(repr, numbers))  # repr: the shortest text that reads back
    amounts = dict(
        zip(
            points_by_indicator,
            map(operator.mul, map(operator.mul, exact, repeat(pound_per_point)), repeat(cpi)),
            strict=True,
        )
    )
    if apdf:  # no prevalence-adjusted group among them: nothing more to multiply
        for code in amounts:
            group = group_by_indicator.get(code)
            if group in apdf:
                amounts[code] *= apdf[group]
    return amounts


def _apdf(
    group: str,
    list_size: int | None,
    register_by_group: Mapping[str, int],
    national_prevalence_by_group: Mapping[str, Decimal],
) -> Decimal:
    if list_size is None or list_size <= 0:
        raise InvalidInput(f"prevalence adjustment for {group} needs a positive list size")
    register = register_by_group.get(group)
    if register is None or register < 0:
        raise InvalidInput(f"no register size for prevalence-adjusted group {group}")
    return Decimal(register) / Decimal(list_size) / national_prevalence_by_group[group]


def contract_share_entitlement(
    fractions_by_indicator: Mapping[str, float],
    weights_by_indicator: Mapping[str, Decimal] | None,
    stake_percent: Decimal,
    contract_value: Decimal,
) -> Entitlement:
    """Return Σ weight × fraction × (stake% × contract value); equal weights by default."""
    if stake_percent < 0 or contract_value < 0:
        raise InvalidInput("stake_percent and contract_value must be >= 0")
    fractions = {k: _exact(f, f"fraction of {k}") for k, f in fractions_by_indicator.items()}
    if any(f > 1 for f in fractions.values()):
        raise InvalidInput("fractions must lie in [0, 1]")
    with localcontext() as ctx:
        ctx.prec = 34
        stake = stake_percent / 100 * contract_value
        if weights_by_indicator is None:
            # Divide once per indicator so three equal thirds lose nothing to 0.333...
            count = len(fractions)
            return _result({k: f * stake / count for k, f in fractions.items()})
        if set(weights_by_indicator) != set(fractions):
            raise InvalidWeights("weights and fractions must name the same indicators")
        if any(w < 0 for w in weights_by_indicator.values()):
            raise InvalidWeights("weights must be >= 0")
        if abs(sum(weights_by_indicator.values(), Decimal(0)) - 1) > WEIGHT_TOLERANCE:
            raise InvalidWeights("weights must sum to 1")
        return _result({k: weights_by_indicator[k] * f * stake for k, f in fractions.items()})
