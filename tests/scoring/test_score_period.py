"""score_period: engine points per organisation, roll-ups, missing rows, totals and money."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from qframe.errors import Conflict, DomainError, Immutable
from qframe.extensions import db as _db
from qframe.orgs.models import OrgRegister
from qframe.periods.models import get_or_create_period
from qframe.scoring.models import ProviderScore, Score
from qframe.scoring.runs import current_final_run, finalise_run, latest_run, score_period


def rows(run):
    """{(org_id, indicator_code): Score} for a run."""
    codes = {i.id: i.code for i in run.framework.indicators}
    found = _db.session.scalars(select(Score).where(Score.run_id == run.id))
    return {(s.organisation_id, codes[s.indicator_id]): s for s in found}


def totals(run):
    found = _db.session.scalars(select(ProviderScore).where(ProviderScore.run_id == run.id))
    return {p.organisation_id: p for p in found}


@pytest.fixture
def year_data(tqf, tree, measure):
    m = measure
    m(tqf, tree.trust_a, "P1", numerator=75, denominator=100)
    m(tqf, tree.trust_b, "P1", numerator=11, denominator=20)
    m(tqf, tree.line_a, "S1", numerator=30, denominator=50)
    m(tqf, tree.line_b, "S1", numerator=8, denominator=10)
    m(tqf, tree.ward_a, "W1", numerator=3, denominator=1000)
    m(tqf, tree.ward_a2, "W1", numerator=9, denominator=1000)
    m(tqf, tree.ward_b, "W1", numerator=13, denominator=1000)
    m(tqf, tree.trust_a, "Y1", value="1")
    m(tqf, tree.trust_b, "Y1", value="0")
    return get_or_create_period("2025/26")


def test_each_organisation_gets_the_threshold_points_for_its_achievement(tqf, tree, year_data):
    scores = rows(score_period(None, tqf, year_data))
    p1 = scores[(tree.trust_a.id, "P1")]
    assert (p1.numerator, p1.denominator, p1.achievement) == (75, 100, 75.0)
    assert p1.points == pytest.approx(10 * (75 - 50) / (90 - 50))
    assert p1.status == "scored"
    assert not p1.breach
    # Lower is better: 9 falls per 1,000 bed days sits 1/5 of the way from 10 to 5.
    assert scores[(tree.ward_a2.id, "W1")].points == pytest.approx(2.0)
    assert scores[(tree.ward_a.id, "W1")].points == 10.0
    assert scores[(tree.trust_a.id, "Y1")].points == 5.0
    assert scores[(tree.trust_b.id, "Y1")].points == 0.0


def test_a_result_on_the_wrong_side_of_the_minimum_standard_is_a_breach(tqf, tree, year_data):
    scores = rows(score_period(None, tqf, year_data))
    assert scores[(tree.trust_b.id, "P1")].breach  # 55% against a 60% minimum standard
    assert scores[(tree.ward_b.id, "W1")].breach  # 13 falls against a maximum of 12
    assert not scores[(tree.ward_a.id, "W1")].breach


def test_ward_indicators_roll_up_to_service_line_and_provider_by_summing_counts(
    tqf, tree, year_data
):
    scores = rows(score_period(None, tqf, year_data))
    for org in (tree.line_a, tree.trust_a):
        rolled = scores[(org.id, "W1")]
        assert rolled.rolled_up
        assert (rolled.numerator, rolled.denominator) == (12, 2000)
        assert rolled.achievement == pytest.approx(6.0)
        assert rolled.points == pytest.approx(8.0)
    service = scores[(tree.trust_a.id, "S1")]
    assert (service.numerator, service.denominator, service.rolled_up) == (30, 50, True)
    assert not scores[(tree.ward_a.id, "W1")].rolled_up


def test_a_unit_that_sent_nothing_is_reported_missing_with_no_points(tqf, tree, year_data):
    scores = rows(score_period(None, tqf, year_data))
    gap = scores[(tree.line_a2.id, "S1")]
    assert (gap.status, gap.points, gap.achievement) == ("missing", 0.0, None)
    assert (tree.practice.id, "P1") not in scores  # no data anywhere under it: not in the run
    assert (tree.ward_a.id, "P1") not in scores  # provider indicators are not asked of wards


def test_provider_totals_cover_every_indicator_and_count_breaches_below_them(tqf, tree, year_data):
    sums = totals(score_period(None, tqf, year_data))
    assert set(sums) == {tree.trust_a.id, tree.trust_b.id}
    a, b = sums[tree.trust_a.id], sums[tree.trust_b.id]
    assert a.points == pytest.approx(6.25 + 5 + 8 + 5)
    assert a.max_points == 35.0
    assert (a.breaches, b.breaches) == (0, 2)  # trust B: P1 itself, W1 on ward B1


def test_contract_share_entitlement_is_the_equal_weighted_fraction_of_the_stake(
    tqf, tree, year_data
):
    run = score_period(None, tqf, year_data)
    sums = totals(run)
    # Trust A: 1.25% of £100m; fractions 0.625, 0.5, 0.8, 1 in equal quarters.
    assert sums[tree.trust_a.id].entitlement_pence == round(
        1_250_000_00 * (0.625 + 0.5 + 0.8 + 1) / 4
    )
    # Trust B: 1.25% of £40m; fractions 0.125, 1 (its one service line), 0, 0.
    assert sums[tree.trust_b.id].entitlement_pence == 500_000_00 * 1.125 / 4
    assert run.entitlement_pence == sum(s.entitlement_pence for s in sums.values())


def test_points_model_pays_per_point_with_list_size_and_prevalence_adjustment(
    make_framework, tree, measure, make_org
):
    indicator = {
        "domain": "SAF", "measure": "proportion", "polarity": "higher_is_better",
        "level": "provider", "group": "DM",
        "scoring": {"method": "threshold", "max_points": "10", "lower": "40", "upper": "80"},
    }  # fmt: skip
    qof = make_framework(
        code="TQOF",
        setting="primary_care",
        payment={
            "model": "points",
            "pound_per_point": "100",
            "national_list_size": "5000",
            "national_prevalence": {"DM": "5"},
        },
        indicators=[
            {**indicator, "code": "D1", "title": "Adjusted", "prevalence_adjusted": True},
            {**indicator, "code": "D2", "title": "Not adjusted"},
        ],
    )
    _db.session.add(OrgRegister(organisation_id=tree.practice.id, group="DM", size=800))
    unlisted = make_org("primary_care", tree.icb)
    for practice in (tree.practice, unlisted):
        measure(qof, practice, "D1", numerator=90, denominator=100)
        measure(qof, practice, "D2", numerator=90, denominator=100)
    sums = totals(score_period(None, qof, get_or_create_period("2025/26")))
    # CPI 8,000 / 5,000 = 1.6; APDF (800 / 8,000) / 5% = 2 on D1 only.
    assert sums[tree.practice.id].entitlement_pence == (10 * 100 * 1.6 * 2 + 10 * 100 * 1.6) * 100
    assert sums[unlisted.id].entitlement_pence is None
    assert "list size" in sums[unlisted.id].entitlement_note


def test_a_quarter_is_scored_on_the_sum_of_its_months(tqf, tree, measure):
    for month, (falls, days) in zip(
        ("2025-04", "2025-05", "2025-06"), ((2, 300), (1, 300), (3, 400)), strict=True
    ):
        measure(tqf, tree.ward_a, "W1", period=month, numerator=falls, denominator=days)
    measure(tqf, tree.ward_a, "W1", period="2025-07", numerator=50, denominator=100)  # Q2
    scores = rows(score_period(None, tqf, get_or_create_period("2025/26 Q1")))
    quarter = scores[(tree.ward_a.id, "W1")]
    assert (quarter.numerator, quarter.denominator, quarter.rolled_up) == (6, 1000, True)
    assert quarter.achievement == pytest.approx(6.0)


def test_the_periods_own_figure_wins_over_its_months(tqf, tree, measure):
    measure(tqf, tree.ward_a, "W1", period="2025-04", numerator=9, denominator=100)
    measure(tqf, tree.ward_a, "W1", period="2025/26 Q1", numerator=1, denominator=1000)
    scores = rows(score_period(None, tqf, get_or_create_period("2025/26 Q1")))
    assert scores[(tree.ward_a.id, "W1")].denominator == 1000


def test_funnel_flags_an_outlier_alarm_and_never_flags_small_numbers(tqf, tree, measure, make_org):
    for _ in range(12):
        measure(tqf, make_org("acute", tree.icb), "P1", numerator=150, denominator=200)
    low = make_org("acute", tree.icb)
    measure(tqf, low, "P1", numerator=100, denominator=200)
    tiny = make_org("acute", tree.icb)
    measure(tqf, tiny, "P1", numerator=0, denominator=5)  # under min_denominator 10
    run = score_period(None, tqf, get_or_create_period("2025/26"))
    scores = rows(run)
    assert scores[(low.id, "P1")].funnel_flag == "alarm"
    assert scores[(tiny.id, "P1")].funnel_flag == "small_numbers"
    assert scores[(tiny.id, "P1")].status == "small_numbers"
    flags = {s.funnel_flag for (org, code), s in scores.items() if code == "P1"} - {None}
    assert flags == {"alarm", "small_numbers", "within"}
    # Issue 13: rates are funnel-plotted too; this trust has no W1 (falls rate) data.
    assert scores[(low.id, "W1")].funnel_flag == "no_data"
    stat = run.stats[str(next(i.id for i in tqf.indicators if i.code == "P1"))]["provider"]
    assert stat["target"] == pytest.approx((12 * 150 + 100 + 0) / (14 * 200 - 195))
    assert totals(run)[low.id].alarms == 1


def test_each_rescore_is_a_new_version_and_only_the_latest_can_be_finalised(
    tqf, year_data, make_user, tree
):
    user = make_user("commissioner", [tree.icb])
    first = score_period(user, tqf, year_data)
    second = score_period(user, tqf, year_data)
    assert (first.version, second.version) == (1, 2)
    assert latest_run(tqf.id, year_data.id) is second
    assert current_final_run(tqf, year_data) is None
    with pytest.raises(Conflict, match="superseded"):
        finalise_run(user, first)
    finalise_run(user, second)
    assert current_final_run(tqf, year_data) is second
    assert (second.status, second.finalised_by_id) == ("final", user.id)
    with pytest.raises(Conflict, match="already final"):
        finalise_run(user, second)
    third = score_period(user, tqf, year_data)
    assert third.version == 3
    assert current_final_run(tqf, year_data) is second  # until v3 is finalised itself


def test_a_final_run_and_its_scores_never_change(tqf, year_data):
    run = finalise_run(None, score_period(None, tqf, year_data))
    _db.session.commit()
    run.counts = {"tampered": 1}
    with pytest.raises(Immutable):
        _db.session.flush()
    _db.session.rollback()
    score = _db.session.scalars(select(Score).where(Score.run_id == run.id)).first()
    score.points = 99.0
    with pytest.raises(Immutable):
        _db.session.flush()


def test_a_draft_framework_cannot_be_scored(make_draft, year_data):
    with pytest.raises(Conflict, match="draft"):
        score_period(None, make_draft(code="TDRAFT"), year_data)


def test_a_period_outside_the_framework_year_is_refused(tqf, measure, tree):
    with pytest.raises(DomainError, match="not in TQF's year"):
        score_period(None, tqf, get_or_create_period("2024/25"))


def test_a_vbp_indicator_with_fixed_thresholds_scores_cms_achievement_points(
    make_framework, tree, measure
):
    vbp = {
        "code": "V1", "domain": "SAF", "title": "VBP measure", "measure": "proportion",
        "polarity": "higher_is_better", "level": "provider",
        "scoring": {"method": "vbp", "weight": "1", "achievement_threshold": "50",
                    "benchmark": "90"},
    }  # fmt: skip
    framework = make_framework(code="TVBP", indicators=[vbp])
    measure(framework, tree.trust_a, "V1", numerator=70, denominator=100)
    measure(framework, tree.trust_b, "V1", numerator=95, denominator=100)
    scores = rows(score_period(None, framework, get_or_create_period("2025/26")))
    # Half way from AT to BM: 9 × 0.5 + 0.5 = 5 achievement points of 10; beyond BM: 10.
    assert scores[(tree.trust_a.id, "V1")].points == 5.0
    assert scores[(tree.trust_b.id, "V1")].points == 10.0
    assert scores[(tree.trust_a.id, "V1")].max_points == 10.0
