"""VBP end to end on a small framework worked by hand: baselines give improvement points,
thresholds computed from the baseline period are frozen, composites, domains, TPS, CSVs."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal

from sqlalchemy import select

from qframe.measurements.services import import_csv
from qframe.periods.models import get_or_create_period
from qframe.scoring.models import ProviderScore, VbpThreshold
from qframe.scoring.runs import score_period

HEADER = "org_code,indicator_code,period,value,weight\n"


def load(framework, lines: list[str]) -> None:  # type: ignore[no-untyped-def]
    import_csv(None, framework, (HEADER + "\n".join(lines) + "\n").encode())


def hand_worked_data(tree) -> list[str]:  # type: ignore[no-untyped-def]
    a, b = tree.trust_a.code, tree.trust_b.code
    return [
        f"{a},X,2023/24,0.5,", f"{a},X,2025/26,0.7,",
        f"{a},Y,2023/24,4,", f"{b},Y,2023/24,2,", f"{a},Y,2025/26,3,",
        f"{a},H,2023/24,60,", f"{a},H,2025/26,70,",
        f"{a},S1,2025/26,0.5,2", f"{a},S2,2025/26,0.2,1",
        f"{b},X,2025/26,0.95,",
    ]  # fmt: skip


def csv_rows(text: str) -> dict[tuple[str, str], dict[str, str]]:
    return {
        (r.get("org_code", ""), r.get("indicator_code", "")): r
        for r in csv.DictReader(io.StringIO(text))
    }


def test_scores_csv_shows_achievement_and_improvement_points_from_each_baseline(
    vbp_framework, tree, runner
):
    framework = vbp_framework()
    load(framework, hand_worked_data(tree))
    result = runner.invoke(args=["score", "--framework", "VBPT", "--period", "2025/26"])
    assert result.exit_code == 0, result.output
    out = runner.invoke(args=["scores", "export", "--framework", "VBPT", "--period", "2025/26"])
    rows = csv_rows(out.output)
    a, b = tree.trust_a.code, tree.trust_b.code
    # X: achievement 9 × 0.1 / 0.3 + 0.5 = 3.5 → 4; improvement 10 × 0.2 / 0.4 − 0.5 = 4.5 → 5.
    assert (rows[(a, "X")]["achievement_points"], rows[(a, "X")]["improvement_points"]) == (
        "4",
        "5",
    )
    assert rows[(a, "X")]["points"] == "5"
    # Y's thresholds come from the baseline (lower is better): AT = median(4, 2) = 3,
    # BM = the best ceil(2/10) = 1 value = 2. x = 3 at AT: 9 × 0 + 0.5 → 1; improvement from
    # 4: 10 × 1 / 2 − 0.5 = 4.5 → 5.
    assert (rows[(a, "Y")]["achievement_points"], rows[(a, "Y")]["improvement_points"]) == (
        "1",
        "5",
    )
    # S1 0.5 → 9 × 0.5 + 0.5 = 5; S2 0.2 → 9 × 0.8 + 0.5 = 7.7 → 8; no baseline: no improvement.
    assert rows[(a, "S1")]["points"] == "5"
    assert rows[(a, "S1")]["improvement_points"] == ""
    # The composite weights its strata 2 : 1: (2 × 5 + 1 × 8) / 3 = 6.
    assert rows[(a, "S")]["points"] == "6"
    # Trust B beyond the benchmark without a baseline: 10, improvement not applicable.
    assert (rows[(b, "X")]["points"], rows[(b, "X")]["improvement_points"]) == ("10", "")


def test_provider_results_csv_gives_domain_scores_and_the_tps(vbp_framework, tree, runner):
    framework = vbp_framework()
    load(framework, hand_worked_data(tree))
    runner.invoke(args=["score", "--framework", "VBPT", "--period", "2025/26"])
    out = runner.invoke(
        args=["scores", "export", "--framework", "VBPT", "--period", "2025/26", "--providers"]
    )
    assert out.exit_code == 0, out.output
    rows = {r["org_code"]: r for r in csv.DictReader(io.StringIO(out.output))}
    a, b = rows[tree.trust_a.code], rows[tree.trust_b.code]
    # Outcomes: X 5 + Y 5 + S 6 (strata only through S) = 16 of 30 → 53.33…
    assert Decimal(a["domain:OUT"]).quantize(Decimal("1e-12")) == Decimal("53.333333333333")
    # Experience: H 70 below AT 80, improvement 10 × 10 / 30 − 0.5 = 2.83 → 3 of 10, scaled to
    # 80 → 24; consistency (70 − 50) / (80 − 50) = 2/3, 20 × 2/3 − 0.5 = 12.83 → 13; 24 + 13.
    assert Decimal(a["domain:EXP"]) == 37
    # TPS = (53.33… × 50 + 37 × 50) / 100 = 45.1666…
    assert Decimal(a["total_performance_score"]).quantize(Decimal("1e-12")) == Decimal(
        "45.166666666667"
    )
    assert a["status"] == "scored"
    # Trust B has one scored domain of the two required: no TPS, and the reason.
    assert (b["domain:OUT"], b["domain:EXP"], b["total_performance_score"]) == ("100", "", "")
    assert b["status"] == "too_few_domains"


def test_thresholds_computed_from_the_baseline_are_frozen_with_the_version(vbp_framework, tree, db):
    framework = vbp_framework()
    load(framework, hand_worked_data(tree))
    period = get_or_create_period("2025/26")
    score_period(None, framework, period)
    frozen = db.session.scalar(
        select(VbpThreshold).where(VbpThreshold.framework_id == framework.id)
    )
    assert (frozen.achievement_threshold, frozen.benchmark, frozen.providers) == (3, 2, 2)
    # A late baseline figure would move the median to 4; the frozen thresholds do not move.
    load(framework, [f"{tree.other_trust.code},Y,2023/24,10,"])
    run = score_period(None, framework, period)
    assert db.session.scalars(select(VbpThreshold)).all() == [frozen]
    tps = db.session.scalar(
        select(ProviderScore.total_performance_score).where(
            ProviderScore.run_id == run.id, ProviderScore.organisation_id == tree.trust_a.id
        )
    )
    assert tps.quantize(Decimal("1e-12")) == Decimal("45.166666666667")


def test_the_scorecard_shows_both_kinds_of_points_beside_the_baseline_and_the_tps(
    vbp_framework, tree, client, login_as
):
    framework = vbp_framework()
    load(framework, hand_worked_data(tree))
    run = score_period(None, framework, get_or_create_period("2025/26"))
    login_as("commissioner", [tree.icb])
    page = client.get(f"/scoring/runs/{run.id}/orgs/{tree.trust_a.id}").get_data(as_text=True)
    # TPS 45.1666… shown to 2 places; outcomes 53.33; experience 37.
    assert 'data-testid="tps">45.17<' in page
    assert 'data-testid="domain-OUT">53.33<' in page
    assert 'data-testid="domain-EXP">37.00<' in page
    table = page.split('data-testid="vbp-points"')[1].split("</table>")[0]
    x_row = table.split('<th scope="row">X ')[1].split("</tr>")[0]
    cells = [
        re.sub(r"<[^>]+>", "", cell).strip()
        for cell in re.findall(r'<td class="num">(.*?)</td>', x_row, re.S)
    ]
    # baseline 0.5, performance 0.7, AT 0.6, BM 0.9, achievement 4, improvement 5
    assert cells[:6] == ["0.5000", "0.7000", "0.6000", "0.9000", "4", "5"]
    assert "from baseline" in table.split('<th scope="row">Y ')[1].split("</tr>")[0]


def test_the_allocation_pays_in_proportion_to_tps_times_contract_value(
    vbp_framework, tree, make_org, db
):
    from qframe.rewards.models import AllocationLine
    from qframe.rewards.policy import parse_policy
    from qframe.rewards.services import propose_run
    from qframe.scoring.runs import finalise_run

    framework = vbp_framework()
    best = make_org("acute", tree.icb, contract_value_pence=1_000_000_00)
    tree.trust_a.contract_value_pence = 1_000_000_00
    load(
        framework,
        [*hand_worked_data(tree), f"{best.code},X,2025/26,0.9,", f"{best.code},H,2025/26,90,"],
    )
    period = get_or_create_period("2025/26")
    finalise_run(None, score_period(None, framework, period))
    policy = parse_policy({"weight": "tps", "cap_percent_of_contract": None})
    run = propose_run(None, framework, period, 100_000_00, policy).run
    lines = db.session.scalars(select(AllocationLine).where(AllocationLine.run_id == run.id))
    amounts = {line.organisation_id: line.amount_pence for line in lines}
    # TPS: trust A 45.1666… (worked above); the best provider 100 (X at BM: 100; H at BM: 80
    # + 20 consistency). Equal £1m contracts: £100,000 × 45.1666… / 145.1666… = £31,113.66.
    assert amounts[tree.trust_a.id] == 31_113_66
    assert amounts[best.id] == 68_886_34
    assert amounts.get(tree.trust_b.id, 0) == 0  # no TPS: no weight
