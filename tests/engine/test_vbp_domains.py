"""CMS VBP composites, consistency points, domain scores and the TPS, worked by hand."""

from decimal import Decimal
from fractions import Fraction

import pytest

from qframe.engine.errors import InvalidWeights
from qframe.engine.vbp_domains import (
    ConsistencyInput,
    DomainRule,
    MeasureScore,
    composite_score,
    consistency_points,
    domain_scores,
    total_performance_score,
)

FY2024 = [
    DomainRule("CO", 25, min_measures=2),
    DomainRule("PCE", 25, consistency_points=20),
    DomainRule("SAF", 25, min_measures=2),
    DomainRule("EFF", 25, min_measures=1),
]


def test_a_composite_of_one_stratum_is_that_stratum():
    assert composite_score([(7, None)]) == 7


def test_a_composite_whose_strata_agree_needs_no_weights():
    assert composite_score([(4, None), (4, None)]) == 4


def test_a_composite_whose_strata_differ_without_weights_is_undetermined():
    assert composite_score([(4, None), (8, Decimal("1.2"))]) is None


def test_a_composite_weights_its_strata():
    # (3 × 4 + 1 × 8) / (3 + 1) = 20 / 4 = 5
    assert composite_score([(4, Decimal(3)), (8, Decimal(1))]) == 5


def test_composite_weights_all_zero_are_refused():
    with pytest.raises(InvalidWeights):
        composite_score([(4, 0), (8, 0)])


def test_consistency_comes_from_the_lowest_dimension():
    # Dimension 1 at 85 ≥ AT 80 does not count; dimension 2: (70 − 50) / (80 − 50) = 2/3,
    # 20 × 2/3 − 0.5 = 12.83 → 13.
    dims = [
        ConsistencyInput(85, 80, 50, "higher_is_better"),
        ConsistencyInput(70, 80, 50, "higher_is_better"),
    ]
    assert consistency_points(dims) == 13


def test_consistency_rounds_an_exact_half_up():
    # (62 − 50) / (80 − 50) = 0.4; 20 × 0.4 − 0.5 = 7.5 → 8
    assert consistency_points([ConsistencyInput(62, 80, 50, "higher_is_better")]) == 8


def test_consistency_is_full_when_every_dimension_reaches_its_threshold_and_zero_below_a_floor():
    assert consistency_points([ConsistencyInput(81, 80, 50, "higher_is_better")]) == 20
    assert consistency_points([ConsistencyInput(45, 80, 50, "higher_is_better")]) == 0


def test_a_published_hospital_domain_scores_and_tps_are_reproduced():
    # CMS FY2024 facility 010001: clinical outcomes 7, 8, 0, 1, 1, 6 → 23 / 60 × 100 = 38.33…;
    # HCAHPS base 4 of 80 plus consistency 12 → 16; safety 0, 3, 1, 0, 0 → 4 / 50 = 8;
    # efficiency 0 → 0. TPS (38.33… + 16 + 8 + 0) / 4 = 15.5833…, as published.
    measures = [MeasureScore("CO", s) for s in (7, 8, 0, 1, 1, 6)]
    measures += [MeasureScore("PCE", s) for s in (0, 0, 1, 0, 0, 3, 0, 0)]
    measures += [MeasureScore("SAF", s) for s in (0, 3, 1, 0, 0)]
    measures += [MeasureScore("EFF", 0)]
    domains = domain_scores(FY2024, measures, {"PCE": 12})
    assert [d.score for d in domains] == [Fraction(115, 3), 16, 8, 0]
    assert total_performance_score(domains, FY2024, 3) == (Fraction(187, 12), "scored")


def test_a_domain_below_its_minimum_is_not_scored_and_the_tps_renormalises():
    # Safety has one measure (minimum 2): not scored. CO 4/10 = 40, PCE 48/80 × 80 + 12 = 60,
    # EFF 2/10 = 20; TPS = (40 + 60 + 20) / 3 = 40.
    measures = [MeasureScore("CO", 4), MeasureScore("CO", 4), MeasureScore("SAF", 9)]
    measures += [MeasureScore("PCE", 6)] * 8 + [MeasureScore("EFF", 2)]
    domains = domain_scores(FY2024, measures, {"PCE": 12})
    assert [d.status for d in domains] == ["scored", "scored", "not_scored", "scored"]
    assert total_performance_score(domains, FY2024, 3) == (40, "scored")


def test_too_few_domains_give_no_tps():
    measures = [MeasureScore("CO", 4), MeasureScore("CO", 4), MeasureScore("EFF", 2)]
    domains = domain_scores(FY2024, measures)
    assert total_performance_score(domains, FY2024, 3) == (None, "too_few_domains")


def test_an_undetermined_measure_makes_its_domain_and_the_tps_undetermined():
    measures = [MeasureScore("CO", 4), MeasureScore("CO", 4), MeasureScore("EFF", 2)]
    measures += [MeasureScore("SAF", 3), MeasureScore("SAF", None)]
    domains = domain_scores(FY2024, measures)
    assert domains[2].status == "undetermined"
    assert total_performance_score(domains, FY2024, 3) == (None, "undetermined")


def test_measure_weights_inside_a_domain_count():
    # weights 3 and 1, scores 10 and 0: 30 / 40 × 100 = 75
    rules = [DomainRule("D", 100)]
    measures = [MeasureScore("D", 10, Decimal(3)), MeasureScore("D", 0, Decimal(1))]
    assert domain_scores(rules, measures)[0].score == 75
