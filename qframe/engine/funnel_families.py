"""The funnel-family registry (§7): how a kind of result is flagged and drawn in a funnel plot.

A measure type names its family (`MeasureType.funnel_family`); flagging, the plot's limit
lines and its centre line all look the family up here. Proportions use Wilson/arcsine limits,
rates and standardised ratios exact Poisson/log-normal limits (engine.ratios), their lines
drawn through a fixed grid of expected counts whose limits are worked out once (poisson_grid).
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import cast

from qframe.engine.flags import funnel_flags
from qframe.engine.funnel import Flag, Reference
from qframe.engine.limits import funnel_limits
from qframe.engine.poisson_grid import grid_count, grid_limits, grid_span
from qframe.engine.ratios import RatioResult, rate_funnel, ratio_funnel, ratio_limits
from qframe.engine.reference import (
    proportion_reference,
    proportion_reference_from_values,
    rate_reference,
    ratio_reference,
)
from qframe.engine.registry import Registry
from qframe.engine.types import Polarity


@dataclass(frozen=True, slots=True)
class FamilyFlags:
    """The population's target (a share, a rate per unit, or 1), τ², φ, basis and the flags."""

    target: float | None
    tau2: float
    phi: float | None
    provisional: bool
    basis: str
    flags: tuple[Flag, ...]


# (counts, sizes, organisation names, polarity, minimum size, reference) -> flags; a size is
# a denominator, an exposure or (a ratio's) an expected count.
Flagger = Callable[
    [Sequence[int | None], Sequence[float | None], Sequence[str], Polarity, float | None,
     Reference | None],
    FamilyFlags,
]  # fmt: skip


@dataclass(frozen=True, slots=True)
class FunnelFamily:
    """One family: its flags, its limits and centre in plotted units, and its axis words."""

    name: str
    flag: Flagger
    # (target, tau2, size, z, multiplier) -> (low, high) limit in plotted units at that size.
    limits: Callable[[float, float, float, float, float], tuple[float, float]]
    # (target, multiplier) -> the centre line in plotted units, or None when it has none.
    centre: Callable[[float, float | None], float | None]
    ceiling: float | None  # plotted values can never pass it (100 for a percentage)
    x_title: str
    y_title: Callable[[float], str]  # the value axis, given the multiplier
    method_words: str  # how the limits are drawn, for the page
    # A reference population from (count, size) pairs, and from values alone; None: none.
    reference: Callable[[Sequence[tuple[int, float]], str], Reference | None] | None = None
    reference_from_values: Callable[[Sequence[float], str], Reference | None] | None = None
    # Exact Poisson limits (rates, ratios): (target, multiplier) -> (the expected count per
    # unit of size, the plotted value of a ratio of 1), so the lines are drawn at the fixed grid
    # of expected counts whose limits are kept (engine.poisson_grid); None: not Poisson.
    poisson: Callable[[float, float], tuple[float, float]] | None = None


SAMPLES = 90  # sizes a limit line is drawn through when it has no grid (proportions)


def limit_lines(
    family: FunnelFamily, target: float, tau2: float, first: float, last: float, z: float,
    multiplier: float,
) -> list[tuple[float, float, float]]:  # fmt: skip
    """(size, low, high) in plotted units where the family's limit lines are drawn from size
    `first` to `last`: a Poisson family's at the grid of expected counts that covers them (one
    point at or beyond each end; the limits kept once worked out, or closed form with τ² > 0),
    any other's at SAMPLES sizes evenly spaced on a log scale."""
    per, scale = (0.0, 0.0) if family.poisson is None else family.poisson(target, multiplier)
    if not per > 0:
        sizes = [first * (last / first) ** (k / (SAMPLES - 1)) for k in range(SAMPLES)]
        return [(s, *family.limits(target, tau2, s, z, multiplier)) for s in sizes]
    ks = grid_span(per * first, per * last)
    if tau2 > 0:
        ratios = [ratio_limits(grid_count(k), z, tau2) for k in ks]
    else:
        ratios = grid_limits(ks, z)
    return [
        (grid_count(k) / per, low * scale, high * scale)
        for k, (low, high) in zip(ks, ratios, strict=True)
    ]


def _proportion_flags(
    counts: Sequence[int | None], sizes: Sequence[float | None], _orgs: Sequence[str],
    polarity: Polarity, small: float | None, reference: Reference | None,
) -> FamilyFlags:  # fmt: skip
    minimum = None if small is None else int(small)
    # Denominators as integers; mostly they already are (checked in C, not row by row).
    if set(map(type, sizes)) <= {int, type(None)}:
        whole: Sequence[int | None] = cast("Sequence[int | None]", sizes)
    else:
        whole = [None if s is None else int(s) for s in sizes]
    summary, found = funnel_flags(
        counts, whole, polarity, min_denominator=minimum, reference=reference
    )
    return FamilyFlags(
        summary.target, summary.tau2, summary.phi, summary.provisional, summary.basis,
        tuple(found),
    )  # fmt: skip


def _from_ratios(result: RatioResult) -> FamilyFlags:
    return FamilyFlags(
        result.target, result.tau2, result.phi, result.provisional, result.basis,
        tuple(row.flag for row in result.rows),
    )  # fmt: skip


def _rate_flags(
    counts: Sequence[int | None], sizes: Sequence[float | None], orgs: Sequence[str],
    polarity: Polarity, small: float | None, reference: Reference | None,
) -> FamilyFlags:  # fmt: skip
    exposures = [None if s is None else float(s) for s in sizes]
    return _from_ratios(
        rate_funnel(counts, exposures, orgs, polarity, min_exposure=small, reference=reference)
    )


def _ratio_flags(
    counts: Sequence[int | None], sizes: Sequence[float | None], orgs: Sequence[str],
    polarity: Polarity, small: float | None, reference: Reference | None,
) -> FamilyFlags:  # fmt: skip
    expected = [None if s is None else float(s) for s in sizes]
    # τ² from the local providers when they are enough to estimate it (as for proportions and
    # rates); only when too few, the reference population's
    result = ratio_funnel(counts, expected, orgs, polarity, min_expected=small)
    if result.phi is None and reference is not None:
        result = ratio_funnel(
            counts, expected, orgs, polarity, min_expected=small, tau2=reference.tau2
        )
        result = RatioResult(1.0, None, result.tau2, result.rows, False, reference.source)
    return _from_ratios(result)


def _proportion_limits(
    target: float, tau2: float, size: float, z: float, _mult: float
) -> tuple[float, float]:
    low, high = funnel_limits(target, size, z, tau2)
    return 100 * low, 100 * high


def _rate_limits(
    target: float, tau2: float, size: float, z: float, mult: float
) -> tuple[float, float]:
    low, high = ratio_limits(target * size, z, tau2)
    return low * target * mult, high * target * mult


def _ratio_limits(
    _target: float, tau2: float, size: float, z: float, _mult: float
) -> tuple[float, float]:
    return ratio_limits(size, z, tau2)


PROPORTION = FunnelFamily(
    "proportion", _proportion_flags, _proportion_limits, lambda t, _m: 100 * t, 100.0,
    "Denominator (eligible patients or events)", lambda _m: "Achievement (%)", "",
    lambda counts, source: proportion_reference([(x, int(n)) for x, n in counts], source),
    lambda values, source: proportion_reference_from_values(values, source),
)  # fmt: skip
RATE = FunnelFamily(
    "rate", _rate_flags, _rate_limits, lambda t, m: t * m if m else None, None,
    "Exposure (the rate's denominator, e.g. occupied bed days)",
    lambda m: f"Rate per {m:,.0f}", "Rates use exact Poisson limits around the target rate.",
    lambda counts, source: rate_reference([(x, float(n)) for x, n in counts], source),
    poisson=lambda t, m: (t, t * m),
)  # fmt: skip
RATIO = FunnelFamily(
    "ratio", _ratio_flags, _ratio_limits, lambda _t, _m: 1.0, None,
    "Expected count", lambda _m: "Observed / expected",
    "Ratios use exact Poisson limits around 1.",
    lambda counts, source: ratio_reference([(x, float(e)) for x, e in counts], source),
    poisson=lambda _t, _m: (1.0, 1.0),
)  # fmt: skip

FUNNEL_FAMILIES: Registry[FunnelFamily] = Registry("funnel family", (PROPORTION, RATE, RATIO))

funnel_family = FUNNEL_FAMILIES.get
register_funnel_family = FUNNEL_FAMILIES.register
unregister_funnel_family = FUNNEL_FAMILIES.unregister
