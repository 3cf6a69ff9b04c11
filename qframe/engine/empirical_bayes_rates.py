"""Small units borrow strength for rates: Poisson-gamma empirical Bayes (domain.md §7).

The counterpart of empirical_bayes.py (proportions) for events per exposure: falls per
1,000 bed days, C. difficile per 100,000 bed days. A unit with exposure E and true rate λ
(events per unit of exposure) sees x ~ Poisson(E λ); across the peers, λ ~ Gamma(α, β), with
mean μ = α/β and variance σ² = α/β² (β is in units of exposure: the prior is worth β bed days).

The prior is fitted by moments with the Poisson-variance correction, the same choices as the
proportions. With r̂ = Σx/ΣE, N = ΣE, I units and S = Σ (x_i − E_i r̂)² / E_i = Σ E_i (r_i − r̂)²,

    E[S] = μ (I − 1) + σ² (N − ΣE²/N),

so σ̂² = (S − r̂ (I − 1)) / (N − ΣE²/N): the spread of the observed rates minus what Poisson
counting alone explains. (With equal exposures E this is the sample variance of the rates
minus the mean Poisson variance r̂/E.) Then β = r̂/σ̂², α = r̂ β. When the peers vary no more
than chance (σ̂² ≤ 0), the prior is capped at the weight of all the peers' data together
(β = N, α = Σx): it can be no surer of the average than the pooled data are.

Each unit's posterior is Gamma(α + x, β + E). Worked example (tests/engine): ten peers with
4 falls in 1,000 bed days each and one ward with 3 in 250. N = 10,250, r̂ = 43/10,250;
S = 10·(4 − 1000 r̂)²/1000 + (3 − 250 r̂)²/250 = 0.0156 < r̂·10 = 0.0420: capped, prior
Gamma(43, 10,250). Posterior Gamma(46, 10,500): estimate 46/10,500 = 4.381 per 1,000 bed days
(raw 12.0), pulled 10,250/10,500 = 97.6% of the way to the peers' 4.195.
P(λ > bar) on the bad side of a lower-is-better bar is Q(α + x, (β + E) × bar).
"""

from collections.abc import Sequence
from dataclasses import dataclass

from qframe.engine.empirical_bayes import FLAG_PROBABILITY, MIN_PEERS, Shrunk, SmallUnitFlag
from qframe.engine.errors import InvalidInput
from qframe.engine.gamma import gamma_cdf, gamma_quantile, gamma_sf
from qframe.engine.types import Polarity, check_polarity


@dataclass(frozen=True, slots=True)
class GammaPrior:
    """The peers' Gamma(α, β) on the rate per unit of exposure; β is exposure's worth."""

    alpha: float
    beta: float
    units: int
    capped: bool = False

    @property
    def mean(self) -> float:
        return self.alpha / self.beta

    @property
    def weight(self) -> float:
        return self.beta


def fit_rate_prior(
    counts: Sequence[tuple[int, float]], min_units: int = MIN_PEERS
) -> GammaPrior | None:
    """The peers' gamma prior from (events, exposure) pairs; None with too few units."""
    used = [(x, e) for x, e in counts if e > 0]
    for x, _ in used:
        if x < 0:
            raise InvalidInput("an event count cannot be negative")
    if len(used) < max(min_units, 2):
        return None
    units = len(used)
    total = float(sum(e for _, e in used))
    events = sum(x for x, _ in used)
    rate = events / total
    if rate <= 0:
        return None  # no peer had an event: no spread to learn from
    spread = sum((x - e * rate) ** 2 / e for x, e in used)
    room = total - sum(e * e for _, e in used) / total
    variance = (spread - rate * (units - 1)) / room if room > 0 else 0.0
    weight = rate / variance if variance > 0 else total
    capped = weight >= total
    weight = min(weight, total)
    return GammaPrior(rate * weight, weight, units, capped)


def shrink_rate(
    prior: GammaPrior,
    events: int,
    exposure: float,
    bar: float | None,
    polarity: Polarity,
    level: float = 0.95,
) -> Shrunk:
    """The posterior Gamma(α + x, β + E) summarised; bar is a rate per unit exposure, or None."""
    check_polarity(polarity)
    if not exposure > 0 or events < 0:
        raise InvalidInput("need an exposure above 0 and a count of at least 0")
    if bar is not None and not bar >= 0:
        raise InvalidInput("the bar is a rate of at least 0")
    shape = prior.alpha + events
    rate = prior.beta + exposure
    tail = (1 - level) / 2
    p_worse: float | None = None
    flag: SmallUnitFlag = "no_bar"
    if bar is not None:
        if polarity == "higher_is_better":
            p_worse = gamma_cdf(bar, shape, rate)
        else:
            p_worse = gamma_sf(bar, shape, rate)
        flag = "probably_worse" if p_worse >= FLAG_PROBABILITY else "not_flagged"
    # the same summary as a share's; here the denominator is the exposure and values are
    # rates per unit of exposure (the caller multiplies for display)
    return Shrunk(
        events,
        exposure,
        events / exposure,
        shape / rate,
        gamma_quantile(tail, shape, rate),
        gamma_quantile(1 - tail, shape, rate),
        p_worse,
        flag,
        prior.mean,
        prior.weight,
    )
