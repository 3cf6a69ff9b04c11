import math

import pytest

from qframe.engine.beta import student_t_quantile
from qframe.engine.errors import InvalidInput
from qframe.engine.funnel import Reference
from qframe.engine.gaming import bunching, exception_funnel, late_shrinking


def _poisson_cdf(k: int, mu: float) -> float:
    # Reference implementation: the Poisson probabilities summed term by term.
    return math.fsum(math.exp(-mu + j * math.log(mu) - math.lgamma(j + 1)) for j in range(k + 1))


def test_exception_rates_use_exceptions_over_denominator_plus_exceptions():
    # Twelve practices at 5 exceptions per 100 eligible (95 + 5), one at 30 of 100.
    # θ = (12·5 + 30)/(13·100) = 90/1300 = 6.92%; at n = 100 the 99.8% Wilson upper limit is
    # (2·100·θ + z² + z√(z² + 4·100·θ(1−θ)))/(2(100 + z²)) = (13.846 + 9.550 + 18.366)/219.10
    # = 19.06%, so 30% is an alarm (even with the limits widened for overdispersion).
    rows = [(f"P{i:02d}", 5, 95) for i in range(12)] + [("HIGH", 30, 70)]
    result = exception_funnel(rows)
    theta = 90 / 1300
    z = 3.090232
    upper = (200 * theta + z * z + z * math.sqrt(z * z + 400 * theta * (1 - theta))) / (
        2 * (100 + z * z)
    )
    high = result.rows[-1]
    assert high.p == pytest.approx(0.30)
    assert high.n == 100
    assert result.target == pytest.approx(theta)
    assert upper == pytest.approx(0.1906, abs=0.0001)
    assert high.high998 >= upper
    assert high.flag == "alarm"
    assert all(r.flag == "within" for r in result.rows[:-1])


def test_a_low_exception_rate_is_not_a_question():
    rows = [(f"P{i:02d}", 10, 90) for i in range(12)] + [("LOW", 0, 100)]
    assert exception_funnel(rows).rows[-1].flag in ("better_alarm", "better_alert")


def test_few_practices_use_the_reference_population_and_otherwise_are_provisional():
    rows = [("A", 5, 95), ("B", 6, 94), ("C", 30, 70)]
    assert exception_funnel(rows).provisional
    with_reference = exception_funnel(rows, Reference(0.06, 0.0, "qframe"))
    assert not with_reference.provisional
    assert with_reference.target == 0.06
    with pytest.raises(InvalidInput):
        exception_funnel([("A", -1, 10)])


def test_bunching_counts_the_window_either_side_of_the_upper_threshold():
    # U = 90, w = 1: [90, 91) just past, [89, 90) just short. 9 past and 1 short of 10:
    # P(X ≥ 9 | Binomial(10, ½)) = (10 + 1)/1024 = 0.0107, not below 0.01: no question.
    values = [(f"P{i}", 90.0 + i / 10) for i in range(9)] + [("S", 89.5), ("FAR", 95.0)]
    got = bunching(values, 90.0, "higher_is_better")
    assert len(got.past) == 9
    assert got.short == ("S",)
    assert got.p_value == pytest.approx(11 / 1024)
    assert not got.raised
    # 10 past and 1 short of 11: P = (1 + 11)/2048 = 0.00586, a question.
    more = bunching([*values, ("P9", 90.95)], 90.0, "higher_is_better")
    assert more.p_value == pytest.approx(12 / 2048)
    assert more.raised
    assert more.share == pytest.approx(10 / 11)
    assert more.low < 10 / 11 < more.high


def test_bunching_for_lower_is_better_looks_just_below_the_threshold():
    # Lower is better, U = 10: just past is (9, 10], just short (10, 11].
    got = bunching([("A", 10.0), ("B", 9.5), ("C", 10.5), ("D", 8.0)], 10.0, "lower_is_better")
    assert set(got.past) == {"A", "B"}
    assert got.short == ("C",)
    empty = bunching([("D", 50.0)], 10.0, "lower_is_better")
    assert empty.p_value is None
    assert not empty.raised


def test_a_late_drop_beyond_the_poisson_limit_raises_a_question():
    # Earlier quarters 100, 104, 98: mean 100.67, variance 9.33 ≤ mean, so Poisson. The 99.8%
    # lower limit is the smallest L with P(X ≤ L) ≥ 0.001; 70 lies below it.
    got = late_shrinking([100, 104, 98], 70)
    assert got is not None
    assert got.basis == "poisson"
    assert got.raised
    limit = int(got.limit)
    assert _poisson_cdf(limit, 302 / 3) >= 0.001 > _poisson_cdf(limit - 1, 302 / 3)
    assert got.change == pytest.approx(1 - 70 / (302 / 3))
    assert not late_shrinking([100, 104, 98], 90).raised  # type: ignore[union-attr]


def test_a_provider_whose_activity_always_swings_is_judged_by_its_own_variation():
    # Eight earlier months 1000, 1300, 900, 1200 twice: mean 1100, squared deviations 200,000,
    # sample sd √(200000/7) = 169.03 (> √1100). Student's t on 7 degrees of freedom at 0.999 is
    # 4.785 (published tables), so the limit is 1100 − 4.785 · 169.03 · √(1 + 1/8) = 242.1:
    # 300 is inside, 200 beyond.
    earlier = [1000, 1300, 900, 1200] * 2
    got = late_shrinking(earlier, 300)
    assert got is not None
    assert got.basis == "own_variation"
    assert got.limit == pytest.approx(
        1100 - 4.785 * math.sqrt(200000 / 7) * math.sqrt(1.125), abs=0.2
    )
    assert not got.raised
    assert late_shrinking(earlier, 200).raised  # type: ignore[union-attr]
    assert late_shrinking([100, 100], 10) is None  # two earlier periods are too few


def test_three_quarters_of_ordinary_swings_raise_no_question_for_a_one_sd_dip():
    # Quarters 4,300, 4,555, 4,810: mean 4,555, sample sd 255 (more than Poisson's √4555 = 67.5),
    # so the provider's own variation decides. A variance from three quarters is itself very
    # uncertain: t(0.999) on 2 degrees of freedom is 22.327 (tables), and the limit
    # 4555 − 22.327 · 255 · √(1 + 1/3) is below zero: a 22% fall is no question yet.
    got = late_shrinking([4300, 4555, 4810], 3533)
    assert got is not None
    assert got.basis == "own_variation"
    assert got.limit == pytest.approx(4555 - 22.327 * 255 * math.sqrt(4 / 3), abs=1)
    assert not got.raised


def test_students_t_quantiles_match_published_tables():
    assert student_t_quantile(0.999, 7) == pytest.approx(4.785, abs=1e-3)
    assert student_t_quantile(0.999, 2) == pytest.approx(22.327, abs=1e-3)
    assert student_t_quantile(0.975, 1000) == pytest.approx(1.962, abs=1e-3)
