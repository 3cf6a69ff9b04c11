"""The two kinds of small-unit estimate: shares (beta-binomial) and rates (Poisson-gamma).

Each measure the small-units section covers is named here with its prior, its posterior and
how a figure on its scale is written, so the ward page and the scorecard ask one place.
A rate's counts are (events, exposure), e.g. falls and occupied bed days; the engine works per
unit of exposure and the indicator's multiplier (per 1,000 bed days) is applied for display.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from qframe.engine.empirical_bayes import BetaPrior, Shrunk, fit_prior, shrink
from qframe.engine.empirical_bayes_rates import GammaPrior, fit_rate_prior, shrink_rate
from qframe.engine.types import Polarity

ESTIMATED_MEASURES = ("proportion", "rate")
Prior = BetaPrior | GammaPrior
Estimate = Shrunk


def multiplier_of(measure: str, multiplier: Decimal | float | None) -> float | None:
    """The scale a figure is shown on: 100 for a share (a percentage), the rate's multiplier."""
    if measure == "proportion":
        return 100.0
    return float(multiplier) if multiplier else None


def counts_of(measure: str, x: int | None, n: int | None) -> tuple[int, int] | None:
    """The (numerator, denominator) pair when it can be estimated from, else None."""
    if x is None or n is None or n <= 0 or x < 0 or (measure == "proportion" and x > n):
        return None
    return x, n


def fit(measure: str, counts: Sequence[tuple[int, int]]) -> Prior | None:
    """The peers' prior for this measure (EngineError on bad counts, None with too few)."""
    if measure == "rate":
        return fit_rate_prior([(x, float(n)) for x, n in counts])
    return fit_prior(counts)


def posterior(
    prior: Prior, x: int, n: int, bar: float | None, scale: float, polarity: Polarity
) -> Estimate:
    """The unit's posterior summarised; bar is on the shown scale (percent, or per 1,000)."""
    if isinstance(prior, GammaPrior):
        return shrink_rate(prior, x, float(n), None if bar is None else bar / scale, polarity)
    return shrink(prior, x, n, None if bar is None else bar / scale, polarity)


def shown(measure: str, value: float, scale: float) -> str:
    """A share or a rate on the page's scale: 60.0% or 4.38."""
    if measure == "proportion":
        return f"{scale * value:,.1f}%"
    return f"{scale * value:,.2f}"


def exposure_words(unit: str | None) -> str:
    """A rate's denominator in words from its unit: "per 1,000 occupied bed days" gives
    "occupied bed days"; without a unit of that shape, "exposure"."""
    words = (unit or "").split()
    if len(words) >= 3 and words[0] == "per" and words[1].replace(",", "").isdigit():
        return " ".join(words[2:])
    return "exposure"


METHOD_WORDS = {
    "proportion": (
        "beta-binomial empirical Bayes: each patient counts once, and the peers' true rates "
        "are assumed to spread like a beta distribution"
    ),
    "rate": (
        "Poisson-gamma empirical Bayes: events are assumed to happen independently at the "
        "unit's own steady rate over its exposure (bed days), and the peers' true rates to "
        "spread like a gamma distribution"
    ),
}
