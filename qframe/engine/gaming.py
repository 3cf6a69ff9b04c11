"""Gaming signals for the commissioner's eye (domain.md §8): questions to ask, never penalties.

- Exception (PCA) rates, exceptions / (denominator + exceptions), as an indicator in their own
  right on the ordinary funnel (Wilson limits, a reference population's τ² when there is one);
  a high rate beyond the 99.8% limit raises a question.
- Bunching just past the upper threshold U: with a smooth distribution of achievement, a
  provider inside the narrow window [U − w, U + w) is about as likely to sit just past U (full
  points) as just short of it, so the count just past is Binomial(m, ½). The exact one-sided
  binomial test gives P(at least that many just past); a question is raised below 0.01 (a
  strict level, as every threshold indicator is tested). The window is w = 1 percentage point.
- Late-shrinking denominators: the final period's denominator against the provider's own
  earlier periods (3 or more). With mean μ and sample variance s², the lower 99.8% limit is the
  exact Poisson one (P(X ≤ d) < 0.001) when s² ≤ μ, else the prediction limit
  μ − t s √(1 + 1/k) from its own period-to-period variation, t the 0.999 quantile of Student's
  t on k − 1 degrees of freedom (a variance from three quarters is itself uncertain), so that
  ordinary variation in a provider's activity is not called shrinking.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass

from qframe.engine.beta import binomial_upper_tail, clopper_pearson, student_t_quantile
from qframe.engine.errors import InvalidInput
from qframe.engine.funnel import FunnelInput, FunnelResult, Reference, funnel
from qframe.engine.limits import Z998
from qframe.engine.poisson import poisson_lower_tail, tail_alpha
from qframe.engine.types import Polarity, check_polarity

BUNCHING_WIDTH = 1.0
BUNCHING_P = 0.01
MIN_EARLIER = 3


def exception_funnel(
    rows: Sequence[tuple[str, int, int]], reference: Reference | None = None
) -> FunnelResult:
    """(org, exceptions, payment denominator) → a funnel of exception rates; high is the query."""
    points = []
    for org, exceptions, denominator in rows:
        if exceptions < 0 or denominator < 0:
            raise InvalidInput(f"{org}: exception counts and denominators cannot be negative")
        points.append(FunnelInput(org, exceptions, denominator + exceptions))
    return funnel(points, "lower_is_better", reference=reference)


@dataclass(frozen=True, slots=True)
class Bunching:
    """Providers just past and just short of U, the share just past with its exact interval."""

    upper: float
    width: float
    past: tuple[str, ...]
    short: tuple[str, ...]
    share: float | None
    low: float | None
    high: float | None
    p_value: float | None
    raised: bool


def bunching(
    values: Sequence[tuple[str, float]],
    upper: float,
    polarity: Polarity,
    width: float = BUNCHING_WIDTH,
) -> Bunching:
    """Count achievements (percent) in the window each side of U; test the split against ½."""
    check_polarity(polarity)
    if not width > 0:
        raise InvalidInput("the window must be wider than 0")
    if polarity == "higher_is_better":
        past = tuple(o for o, v in values if upper <= v < upper + width)
        short = tuple(o for o, v in values if upper - width <= v < upper)
    else:
        past = tuple(o for o, v in values if upper - width < v <= upper)
        short = tuple(o for o, v in values if upper < v <= upper + width)
    k, m = len(past), len(past) + len(short)
    if m == 0:
        return Bunching(upper, width, past, short, None, None, None, None, False)
    low, high = clopper_pearson(k, m)
    p_value = binomial_upper_tail(k, m, 0.5)
    return Bunching(upper, width, past, short, k / m, low, high, p_value, p_value < BUNCHING_P)


@dataclass(frozen=True, slots=True)
class Shrinking:
    """The final denominator against the lower 99.8% limit its earlier periods predict."""

    earlier_mean: float
    last: int
    limit: float
    basis: str  # "poisson" | "own_variation"
    raised: bool

    @property
    def change(self) -> float:
        """The fall from the earlier mean, as a share of it (0.2 = 20% lower)."""
        return 1 - self.last / self.earlier_mean


def late_shrinking(earlier: Sequence[int], last: int, z: float = Z998) -> Shrinking | None:
    """None with fewer than 3 earlier periods or an earlier mean of 0."""
    if last < 0 or any(d < 0 for d in earlier):
        raise InvalidInput("denominators cannot be negative")
    k = len(earlier)
    if k < MIN_EARLIER:
        return None
    mean = math.fsum(earlier) / k
    if mean <= 0:
        return None
    variance = math.fsum((d - mean) ** 2 for d in earlier) / (k - 1)
    alpha = tail_alpha(z)
    if variance <= mean:
        limit = float(_poisson_lower_limit(mean, alpha))
        return Shrinking(mean, last, limit, "poisson", poisson_lower_tail(last, mean) < alpha)
    t = student_t_quantile(1 - alpha, k - 1)
    limit = mean - t * math.sqrt(variance) * math.sqrt(1 + 1 / k)
    return Shrinking(mean, last, limit, "own_variation", last < limit)


def _poisson_lower_limit(mean: float, alpha: float) -> int:
    """The smallest count L with P(X ≤ L | mean) ≥ alpha: anything below L is beyond the limit."""
    low, high = 0, max(1, math.ceil(mean))
    while low < high:
        mid = (low + high) // 2
        if poisson_lower_tail(mid, mean) >= alpha:
            high = mid
        else:
            low = mid + 1
    return low
