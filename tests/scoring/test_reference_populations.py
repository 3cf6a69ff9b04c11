"""Issue 13: funnels with few providers use a reference population, else are provisional."""

import pytest

from qframe.errors import ValidationFailed
from qframe.periods.models import get_or_create_period
from qframe.scoring.models import Score
from qframe.scoring.runs import score_period
from qframe.variation.benchmarks import import_benchmark
from qframe.variation.models import BenchmarkValue


def _p1(framework):
    return next(i.id for i in framework.indicators if i.code == "P1")


def _flags(run):
    return {s.organisation_id: s.funnel_flag for s in run_rows(run, "P1")}


def run_rows(run, code):
    ind = next(i.id for i in run.framework.indicators if i.code == code)
    from qframe.extensions import db

    return db.session.query(Score).filter_by(run_id=run.id, indicator_id=ind).all()


def _three_trusts(tqf, tree, measure, make_org):
    # Three trusts near 82.9% of 25,000, like the ICB; 20,500 (82.0%) sits outside the
    # unadjusted Wilson 99.8% limits (about ±0.74 points), a "noise alarm".
    trusts = [make_org("acute", tree.icb) for _ in range(3)]
    for org, x in zip(trusts, (20_500, 20_900, 20_750), strict=True):
        measure(tqf, org, "P1", numerator=x, denominator=25_000)
    return trusts


def test_three_trusts_without_a_reference_are_marked_provisional(tqf, tree, measure, make_org):
    trusts = _three_trusts(tqf, tree, measure, make_org)
    run = score_period(None, tqf, get_or_create_period("2025/26"))
    stat = run.stats[str(_p1(tqf))]["provider"]
    assert stat["provisional"] == 1
    assert stat["basis"] == 0
    assert _flags(run)[trusts[0].id] == "alarm"


def test_an_imported_benchmark_supplies_the_target_and_spread(tqf, tree, measure, make_org):
    trusts = _three_trusts(tqf, tree, measure, make_org)
    # Twelve English trusts from 78% to 89% of 20,000: real between-trust variation.
    lines = ["indicator_code,period,value,numerator,denominator"]
    for k in range(12):
        x = 15_600 + 200 * k
        lines.append(f"P1,2025/26,{100 * x / 20_000},{x},20000")
    assert import_benchmark(None, tqf, "\n".join(lines).encode(), "England 2025/26") == 12
    run = score_period(None, tqf, get_or_create_period("2025/26"))
    stat = run.stats[str(_p1(tqf))]["provider"]
    assert (stat["provisional"], stat["basis"]) == (0, 2)
    # θ = Σx / Σn = (12 × 15,600 + 200 × 66) / 240,000 = 0.835; τ² > 0 widens the limits and
    # 82.0% is no longer an alarm.
    assert stat["target"] == pytest.approx(0.835)
    assert stat["tau2"] > 0
    assert _flags(run)[trusts[0].id] == "within"


@pytest.mark.parametrize(
    ("line", "column", "code"),
    [
        ("ZZ9,2025/26,80", "indicator_code", "unknown_indicator"),
        ("P1,2019/20,80", "period", "unknown_period"),
        ("P1,last year,80", "period", "bad_period"),
        ("P1,2025/26,80,-3,10", "numerator", "bad_count"),
        ("P1,2025/26,180", "value", "out_of_range"),
        ("P1,2025/26,80,12,10", "numerator", "out_of_range"),
    ],
)
def test_a_bad_benchmark_is_refused_whole_with_row_and_column(tqf, db, line, column, code):
    data = f"indicator_code,period,value,numerator,denominator\nP1,2025/26,80,8,10\n{line}\n"
    if line.count(",") == 2:
        data = data.replace(f"\n{line}\n", f"\n{line},,\n")
    with pytest.raises(ValidationFailed) as caught:
        import_benchmark(None, tqf, data.encode(), "test")
    problems = [(p.row, p.column, p.code) for p in caught.value.problems]
    assert (3, column, code) in problems
    assert db.session.query(BenchmarkValue).count() == 0


def test_a_provisional_alarm_puts_a_trust_on_level_one_not_two(tqf, tree, measure, make_org):
    from qframe.escalation.services import evaluate_escalation

    trusts = _three_trusts(tqf, tree, measure, make_org)
    score_period(None, tqf, get_or_create_period("2025/26"))
    decisions = {d.organisation_id: d for d in evaluate_escalation(None, tqf)}
    # 82.0% is beyond the unadjusted 99.8% limit, but without a reference it is provisional.
    assert decisions[trusts[0].id].level == 1
    assert "Provisional" in " ".join(decisions[trusts[0].id].evidence["lines"])


def test_the_cli_refuses_a_bad_benchmark_with_row_and_column(runner, tqf, tmp_path):
    bad = tmp_path / "england.csv"
    bad.write_text("indicator_code,period,value\nP1,2025/26,80\nNOPE,2025/26,-1\n")
    result = runner.invoke(args=["benchmarks", "import", str(bad), "--framework", "TQF"])
    assert result.exit_code == 1
    assert "3,indicator_code,unknown_indicator" in result.output


def test_the_cli_imports_a_good_benchmark(runner, tqf, tmp_path):
    good = tmp_path / "good.csv"
    good.write_text("indicator_code,period,value\nP1,2025/26,80\nP1,2025/26,82.5\n")
    result = runner.invoke(args=["benchmarks", "import", str(good), "--framework", "TQF"])
    assert result.exit_code == 0, result.output
    assert "2 benchmark rows imported for TQF" in result.output
