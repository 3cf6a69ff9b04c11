"""Small units borrow strength: beta-binomial empirical Bayes (domain.md §7 "Small units").

The prior Beta(α, β) is fitted to the peer units (every ward, or every practice, on the same
indicator and period) by the method of moments with the binomial-variance correction
(Kleinman 1973). With p̂ = Σx/Σn, N = Σn, I units and S = Σ (x_i − n_i p̂)² / n_i, a
beta-binomial population has

    E[S] = p(1 − p) × ((I − 1) + ρ (N − Σn²/N − (I − 1))),   ρ = 1 / (α + β + 1),

so ρ̂ = (S / (p̂(1 − p̂)) − (I − 1)) / (N − Σn²/N − (I − 1)): the spread of the observed rates
minus what binomial sampling alone explains. Method of moments rather than marginal maximum
likelihood because SciPy is not installed and the moment estimate is closed-form, order-free
and the same family of estimate as the funnels' τ². When the peers vary no more than chance
(ρ̂ ≤ 0), the prior is capped at the weight of all the peers' data together (α + β = N): it
can be no surer of the average than the pooled data are.

Each unit's posterior is Beta(α + x, β + n − x): the shrunk estimate is its mean
(α + x) / (α + β + n), lying between the raw rate x / n and the prior mean α / (α + β); the
95% credible interval is its 2.5% and 97.5% quantiles; P(worse than the bar) is I_bar(…) on
the bad side. qframe rule: flagged "probably worse than the bar" when that probability ≥ 0.9.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from qframe.engine.beta import beta_cdf, beta_interval
from qframe.engine.errors import InvalidInput
from qframe.engine.types import Polarity, check_polarity

MIN_PEERS = 10
FLAG_PROBABILITY = 0.9
SmallUnitFlag = Literal["probably_worse", "not_flagged", "no_bar"]


@dataclass(frozen=True, slots=True)
class BetaPrior:
    """The peers' Beta(α, β): mean α/(α+β), weight α+β in patients' worth of evidence."""

    alpha: float
    beta: float
    units: int
    capped: bool = False

    @property
    def mean(self) -> float:
        return self.alpha / (self.alpha + self.beta)

    @property
    def weight(self) -> float:
        return self.alpha + self.beta


@dataclass(frozen=True, slots=True)
class Shrunk:
    """One unit's raw share (or rate), its shrunk estimate with a 95% credible interval, and
    P(worse). For a rate (empirical_bayes_rates.py) the denominator is the exposure."""

    numerator: int
    denominator: float
    raw: float
    estimate: float
    low: float
    high: float
    p_worse: float | None
    flag: SmallUnitFlag
    prior_mean: float
    prior_weight: float

    @property
    def pulled(self) -> float:
        """Share of the way from the raw value to the prior mean: w / (w + n), w the prior's
        weight (α+β for a share, β for a rate)."""
        return self.prior_weight / (self.denominator + self.prior_weight)


def fit_prior(counts: Sequence[tuple[int, int]], min_units: int = MIN_PEERS) -> BetaPrior | None:
    """The peers' beta prior from (numerator, denominator) pairs; None with too few units."""
    used = [(x, n) for x, n in counts if n > 0]
    for x, n in used:
        if x < 0 or x > n:
            raise InvalidInput("need 0 <= numerator <= denominator")
    if len(used) < max(min_units, 2):
        return None
    units = len(used)
    total = sum(n for _, n in used)
    p = sum(x for x, _ in used) / total
    if p <= 0 or p >= 1:
        return None  # every peer at 0% or 100%: no spread to learn from
    spread = sum((x - n * p) ** 2 / n for x, n in used)
    room = total - sum(n * n for _, n in used) / total - (units - 1)
    rho = (spread / (p * (1 - p)) - (units - 1)) / room if room > 0 else 0.0
    weight = 1 / rho - 1 if rho > 0 else float(total)
    capped = weight >= total
    weight = min(weight, float(total))
    return BetaPrior(p * weight, (1 - p) * weight, units, capped)


def shrink(
    prior: BetaPrior,
    numerator: int,
    denominator: int,
    bar: float | None,
    polarity: Polarity,
    level: float = 0.95,
) -> Shrunk:
    """The posterior Beta(α + x, β + n − x) summarised; bar is a share (0..1) or None."""
    check_polarity(polarity)
    if denominator <= 0 or not 0 <= numerator <= denominator:
        raise InvalidInput("need a denominator above 0 and 0 <= numerator <= denominator")
    if bar is not None and not 0 <= bar <= 1:
        raise InvalidInput("the bar is a share between 0 and 1")
    a = prior.alpha + numerator
    b = prior.beta + denominator - numerator
    tail = (1 - level) / 2
    p_worse: float | None = None
    flag: SmallUnitFlag = "no_bar"
    if bar is not None:
        below = beta_cdf(bar, a, b)
        p_worse = below if polarity == "higher_is_better" else 1.0 - below
        flag = "probably_worse" if p_worse >= FLAG_PROBABILITY else "not_flagged"
    low, high = beta_interval(tail, a, b)
    return Shrunk(
        numerator,
        denominator,
        numerator / denominator,
        a / (a + b),
        low,
        high,
        p_worse,
        flag,
        prior.mean,
        prior.weight,
    )
