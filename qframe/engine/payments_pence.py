"""A points-model entitlement in whole pence, quickly and still to the penny (domain.md §6).

`points_entitlement` multiplies each indicator's points (as the shortest decimal that reads
back as the float) by £/point, CPI and APDF in 34-digit Decimal arithmetic, sums and rounds
half up to the penny. A national run does that for 525,000 points, and only the rounded total
is kept. Rounding half up to whole pence changes only where the amount crosses a half penny,
so the total needs exact arithmetic only when it lies close to one:

- the float sum (math.fsum, correctly rounded) of each APDF group's points, times the group's
  APDF, summed, times £/point, CPI and 100, is within a proven bound of the exact amount in
  pence: every input conversion and every operation is off by at most half a unit in the last
  place (2⁻⁵³ of the value), every term is positive, so the whole is within (12 + 2 × groups)
  × 2⁻⁵³ of the amount (each float point differs from its decimal by less than 2⁻⁵³ of itself);
  the bound used is four times that, plus 10⁻³⁰ of the amount for Decimal's own rounding;
- when the amount is further than that bound from a half penny, both computations round to
  the same whole pence, and the float's is returned;
- otherwise (about one provider in ten million at £100,000), and whenever an input is one the
  Decimal path would refuse, the Decimal path decides, and refuses with its own words.
"""

import math
from collections.abc import Mapping
from decimal import Decimal, localcontext

from qframe.engine.payments import points_entitlement

HALF_UNIT = 2.0**-53
LARGEST = 2.0**50  # pence: beyond this a float no longer tells halves apart with room to spare


def points_entitlement_pence(
    points_by_indicator: Mapping[str, float],
    pound_per_point: Decimal,
    list_size: int | None,
    national_list_size: Decimal | int | None,
    group_by_indicator: Mapping[str, str | None],
    register_by_group: Mapping[str, int],
    national_prevalence_by_group: Mapping[str, Decimal],
) -> int:
    """points_entitlement's total in pence: the same whole pence, by floats where provably
    safe (see the module's note), else by the exact Decimal arithmetic. An input the exact
    path checks (negative, not finite, a missing list size or register, a prevalence out of
    range) goes to it, so it is refused there in its words."""
    pence = None
    try:
        numbers = list(map(float, points_by_indicator.values()))
        scale = _scale(pound_per_point, list_size, national_list_size)
        apdf = _apdfs(
            group_by_indicator, points_by_indicator, list_size, register_by_group,
            national_prevalence_by_group,
        )  # fmt: skip
        usable = (
            all(map(math.isfinite, numbers))
            and (not numbers or min(numbers) >= 0)
            and all(0 < p <= 1 for p in national_prevalence_by_group.values())
        )
        if usable and scale is not None and apdf is not None:
            # each point's group, needed only where some group is prevalence-adjusted
            groups = list(map(group_by_indicator.get, points_by_indicator)) if apdf else []
            pence = _float_pence(numbers, groups, scale, apdf)
    except (TypeError, ValueError, ArithmeticError):
        pence = None
    if pence is not None:
        return pence
    exact = points_entitlement(
        points_by_indicator, pound_per_point, list_size, national_list_size,
        group_by_indicator, register_by_group, national_prevalence_by_group,
    )  # fmt: skip
    return int(exact.total * 100)


def _float_pence(
    numbers: list[float], groups: list[str | None], scale: float, apdf: dict[str, float]
) -> int | None:
    """The total in pence when the float amount is provably on the same side of every half
    penny as the exact one; None when it is too close to one to tell."""
    points: float
    if apdf:
        plain: list[float] = []
        grouped: dict[str, list[float]] = {}
        for group, number in zip(groups, numbers, strict=True):
            if group is not None and group in apdf:
                grouped.setdefault(group, []).append(number)
            else:
                plain.append(number)
        adjusted = [apdf[group] * math.fsum(items) for group, items in grouped.items()]
        points = math.fsum(plain) + sum(adjusted, 0.0)
    else:
        points = math.fsum(numbers)
    pence = points * scale * 100.0
    if not 0.0 <= pence < LARGEST:
        return None
    margin = pence * ((48 + 8 * len(apdf)) * HALF_UNIT + 1e-30)
    whole = math.floor(pence)
    if abs(pence - whole - 0.5) <= margin:
        return None  # too close to a half penny for floats to tell: the exact path decides
    return whole + 1 if pence - whole > 0.5 else whole


def _scale(
    pound_per_point: Decimal, list_size: int | None, national_list_size: Decimal | int | None
) -> float | None:
    """£/point × CPI as a float (CPI as the exact path computes it), None if refused there."""
    if pound_per_point < 0:
        return None
    if national_list_size is None:
        return float(pound_per_point)
    if list_size is None or list_size < 0 or not national_list_size > 0:
        return None
    with localcontext() as ctx:
        ctx.prec = 34
        cpi = Decimal(list_size) / Decimal(national_list_size)
    return float(pound_per_point) * float(cpi)


def _apdfs(
    group_by_indicator: Mapping[str, str | None],
    points_by_indicator: Mapping[str, float],
    list_size: int | None,
    register_by_group: Mapping[str, int],
    national_prevalence_by_group: Mapping[str, Decimal],
) -> dict[str, float] | None:
    """Each prevalence-adjusted group's APDF (register / list / national prevalence) as a
    float, for the groups these points use; None where the exact path would refuse."""
    wanted = set(map(group_by_indicator.get, points_by_indicator))
    found: dict[str, float] = {}
    for group in national_prevalence_by_group.keys() & wanted:
        prevalence = national_prevalence_by_group[group]
        register = register_by_group.get(group)
        if not 0 < prevalence <= 1 or list_size is None or list_size <= 0:
            return None
        if register is None or register < 0:
            return None
        with localcontext() as ctx:
            ctx.prec = 34
            found[group] = float(Decimal(register) / Decimal(list_size) / prevalence)
    return found
