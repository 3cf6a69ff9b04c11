"""`qframe score`, `qframe scores export`, the nightly re-score, and threshold calibration."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from qframe.extensions import db as _db
from qframe.frameworks.services import new_version
from qframe.periods.models import get_or_create_period
from qframe.scoring.calibration import calibrate
from qframe.scoring.jobs import rescore_open_periods
from qframe.scoring.models import ScoreRun
from qframe.scoring.runs import finalise_run, score_period

COPD = {
    "code": "COPD003(S)", "domain": "SAF", "title": "COPD review", "measure": "proportion",
    "polarity": "higher_is_better", "level": "provider",
    "scoring": {"method": "threshold", "max_points": "9", "lower": "50", "upper": "90"},
}  # fmt: skip


def test_score_then_export_writes_the_scores_csv_at_full_precision(
    runner, make_framework, tree, measure
):
    framework = make_framework(code="TCOPD", indicators=[COPD])
    measure(framework, tree.practice, "COPD003(S)", numerator=214, denominator=271)
    scored = runner.invoke(args=["score", "--framework", "TCOPD", "--period", "2025/26"])
    assert scored.exit_code == 0, scored.output
    assert "run version 1 (provisional)" in scored.output
    exported = runner.invoke(
        args=["scores", "export", "--framework", "TCOPD", "--period", "2025/26"]
    )
    assert exported.exit_code == 0, exported.output
    rows = list(csv.reader(io.StringIO(exported.output)))
    assert rows[0] == [
        "org_code", "indicator_code", "period", "numerator", "denominator", "achievement",
        "points", "max_points", "status",
    ]  # fmt: skip
    # domain.md: 214 / 271 gives 6.517527675276753 points; 15 significant digits here.
    assert rows[1] == [
        tree.practice.code, "COPD003(S)", "2025/26", "214", "271", "78.9667896678967",
        "6.51752767527675", "9", "scored",
    ]  # fmt: skip


def test_score_final_finalises_and_bad_input_exits_with_one_line(runner, tqf, tree, measure):
    measure(tqf, tree.trust_a, "P1", numerator=1, denominator=2)
    final = runner.invoke(args=["score", "--framework", "TQF", "--period", "2025/26", "--final"])
    assert "(final)" in final.output
    for args, message in (
        (["--framework", "NOPE", "--period", "2025/26"], "No published framework NOPE"),
        (["--framework", "TQF", "--period", "2025/99"], "consecutive"),
        (["--framework", "TQF", "--period", "2031/32"], "2031/32 is not in TQF's year 2025/26"),
    ):
        result = runner.invoke(args=["score", *args])
        assert result.exit_code == 1
        assert message in result.output


def test_the_nightly_job_rescores_changed_periods_and_leaves_final_ones_alone(tqf, tree, measure):
    now = datetime(2026, 5, 1, tzinfo=UTC)

    def versions():  # type: ignore[no-untyped-def]
        return [r.version for r in _db.session.scalars(select(ScoreRun).order_by(ScoreRun.id))]

    first = measure(tqf, tree.trust_a, "P1", numerator=1, denominator=2)
    assert rescore_open_periods(now) == "1 re-scored: TQF 2025/26 v1"
    assert rescore_open_periods(now) == "nothing to re-score"  # nothing changed since
    first.numerator, first.submitted_at = 2, datetime.now(UTC)
    _db.session.flush()
    rescore_open_periods(now)
    assert versions() == [1, 2]
    finalise_run(None, _db.session.scalars(select(ScoreRun).order_by(ScoreRun.id)).all()[-1])
    first.numerator, first.submitted_at = 1, datetime.now(UTC)
    _db.session.flush()
    assert rescore_open_periods(now) == "nothing to re-score"  # v2 is final
    measure(tqf, tree.trust_a, "P1", period="2026-03", numerator=1, denominator=2)
    assert rescore_open_periods(datetime(2026, 2, 1, tzinfo=UTC)) == "nothing to re-score"
    assert versions() == [1, 2]


def test_the_nightly_job_rescores_a_scored_year_when_one_of_its_months_changes(tqf, tree, measure):
    now = datetime(2026, 5, 1, tzinfo=UTC)
    april = measure(tqf, tree.ward_a, "W1", period="2025-04", numerator=1, denominator=100)
    score_period(None, tqf, get_or_create_period("2025/26"))
    assert rescore_open_periods(now) == "1 re-scored: TQF 2025-04 v1"  # the month itself
    april.numerator, april.submitted_at = 2, datetime.now(UTC)
    _db.session.flush()
    assert rescore_open_periods(now) == "2 re-scored: TQF 2025-04 v2, TQF 2025/26 v2"


@pytest.fixture
def calibration_setup(tqf, tree, make_org, measure):  # type: ignore[no-untyped-def]
    """Ten providers at 10%, 20%, … 100% on P1 in a scored 2025/26, and a draft v2."""
    for k in range(1, 11):
        provider = make_org("acute", tree.icb, contract_value_pence=1_000_000_00)
        measure(tqf, provider, "P1", numerator=k, denominator=10)
    score_period(None, tqf, get_or_create_period("2025/26"))
    draft = new_version(None, tqf, "Recalibrate P1")
    return draft, next(i for i in draft.indicators if i.code == "P1")


def test_calibration_counts_providers_and_prices_the_proposal(calibration_setup):
    draft, p1 = calibration_setup
    result = calibrate(draft, p1, 30.0, 80.0)
    assert result.problem is None
    # 10%..30%: nothing; 40%..70%: part; 80%..100%: all ten points.
    assert (result.counts.zero, result.counts.part, result.counts.full) == (3, 4, 3)
    assert result.counts.total_points == pytest.approx(10 * (0.2 + 0.4 + 0.6 + 0.8) + 30)
    # Equal quarters of a 1.25% stake of £1m each: £3,125 per provider at full points.
    assert result.entitlement_pence == round(3_125_00 * (0.2 + 0.4 + 0.6 + 0.8 + 3))


def test_calibration_suggests_percentile_and_vbp_thresholds(calibration_setup):
    draft, p1 = calibration_setup
    result = calibrate(draft, p1, None, None, (25.0, 90.0))
    (pct_name, pct_low, pct_high), (vbp_name, median, top) = result.suggestions
    assert (pct_low, pct_high) == pytest.approx((32.5, 91.0))
    assert (median, top) == pytest.approx((55.0, 100.0))
    assert "VBP" in vbp_name
    assert (result.lower, result.upper) == (50.0, 90.0)  # the draft's own thresholds


def test_calibration_page_is_for_drafts_of_the_commissioners_own_frameworks(
    client, login_as, tree, calibration_setup, tqf
):
    draft, p1 = calibration_setup
    login_as("commissioner", [tree.icb])
    html = client.get(
        f"/scoring/manage/calibrate/{draft.id}?indicator={p1.id}&lower=30&upper=80"
    ).get_data(as_text=True)
    assert 'data-testid="calibration"' in html
    assert "£" in html
    assert client.get(f"/scoring/manage/calibrate/{tqf.id}").status_code == 404  # published
    runs = _db.session.scalars(select(ScoreRun)).all()
    assert len(runs) == 1  # looking changes nothing


def test_calibration_of_a_step_counts_providers_at_or_beyond_it(
    calibration_setup, client, login_as, tree
):
    draft, p1 = calibration_setup
    result = calibrate(draft, p1, 70.0, 70.0)
    # A step at 70%: 70%, 80%, 90% and 100% earn all the points, 10%..60% none, nobody part.
    assert (result.counts.zero, result.counts.part, result.counts.full) == (6, 0, 4)
    assert result.entitlement_pence == 4 * 3_125_00
    login_as("commissioner", [tree.icb])
    html = client.get(
        f"/scoring/manage/calibrate/{draft.id}?indicator={p1.id}&lower=70&upper=70"
    ).get_data(as_text=True)
    assert "With a step at <strong>70.00</strong>" in html
