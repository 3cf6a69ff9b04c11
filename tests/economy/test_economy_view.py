"""The local health economy page, CSV and API for one ICB, from stored runs and decisions."""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from qframe.escalation.models import EscalationDecision
from qframe.extensions import db
from qframe.periods.models import get_or_create_period
from qframe.scoring.models import Score

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "escalation"))
import ladder_builders  # noqa: E402


def _final(framework, period, results, counts):  # type: ignore[no-untyped-def]
    """A final run whose provider rows on S1 carry (numerator, denominator)."""
    run = ladder_builders.score(framework, period, results, status="provisional")
    for org, (num, den) in counts.items():
        row = db.session.scalar(
            select(Score).where(
                Score.run_id == run.id,
                Score.organisation_id == org.id,
                Score.indicator_id == next(i.id for i in framework.indicators if i.code == "S1"),
            )
        )
        row.numerator, row.denominator, row.achievement = num, den, 100 * num / den
    run.status = "final"
    db.session.flush()
    return run


@pytest.fixture
def system(tree):  # type: ignore[no-untyped-def]
    fw = ladder_builders.make_framework(tree.icb)
    # S2 (falls, lower is better) rises at Trust A from 5.0 to 7.0: a deterioration.
    q1 = {tree.trust_a: {"S2": {"achievement": 5.0}}, tree.trust_b: {}, tree.practice: {}}
    q2 = {tree.trust_a: {"S2": {"achievement": 7.0}}, tree.trust_b: {}, tree.practice: {}}
    _final(fw, "2025/26 Q1", q1, {tree.trust_a: (48, 50), tree.trust_b: (40, 50)})
    _final(fw, "2025/26 Q2", q2, {tree.trust_a: (45, 50), tree.trust_b: (30, 50)})
    q2 = get_or_create_period("2025/26 Q2")
    for org, level, money in ((tree.trust_a, 2, "Overspend 6.0% on surgery"), (tree.trust_b, 0,
                              None), (tree.practice, 0, None)):  # fmt: skip
        db.session.add(
            EscalationDecision(
                framework_id=fw.id, organisation_id=org.id, period_id=q2.id, level=level,
                triggered_level=level, evidence={}, financial_signal=money,
            )
        )  # fmt: skip
    db.session.flush()
    return tree


def test_the_page_shows_levels_money_and_the_system_level(system, client, login_as) -> None:
    login_as("commissioner", [system.icb])
    html = client.get(f"/economy/{system.icb.id}").get_data(as_text=True)
    # Trust A at level 2 of three providers with a level: 1 of 3 is at least a third.
    assert "Level 1: system support" in html
    assert "1 of 3 providers are at level 2 or above" in html
    assert "Overspend 6.0% on surgery" in html
    # S1 for Trust A in Q2: 45 / 50 = 90.0%, Wilson 95% interval 78.6–95.7% (published tables).
    for figure in ("90.0", "78.6", "95.7", "45 / 50"):
        assert figure in html


def test_the_csv_carries_the_interval_and_n(system, client, login_as) -> None:
    login_as("commissioner", [system.icb])
    response = client.get(f"/economy/{system.icb.id}/economy.csv")
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    row = next(r for r in rows if r["provider"] == system.trust_b.code and r["indicator"] == "S1")
    # 30 / 50 = 60.0%, Wilson 95%: 46.2–72.4%.
    assert (row["period"], row["achievement"], row["low_95"], row["high_95"]) == (
        "2025/26 Q2", "60.0", "46.2", "72.4",
    )  # fmt: skip
    assert (row["denominator"], row["support_level"], row["system_level"]) == ("50", "0", "1")


def test_the_api_lists_the_quarter_tests(system, client, login_as) -> None:
    login_as("commissioner", [system.icb])
    body = client.get(f"/api/v1/economy/{system.icb.id}").get_json()
    s1 = next(t for t in body["deterioration_tests"] if t["indicator"] == "LQF:S1")
    # Q1→Q2: trusts A and B fell on S1 (96% for the practice both quarters, so no fall), and
    # Trust A's falls rate (lower is better) rose on S2: 3 deteriorations out of 12 changes
    # (3 providers × 4 indicators) → p = 1/4; expected on S1 = 3 × 1/4 = 0.75;
    # P(X >= 2 | 3, 1/4) = 3(1/16)(3/4) + 1/64 = 10/64 = 0.15625.
    assert (s1["providers"], s1["fell"]) == (3, 2)
    assert s1["expected"] == pytest.approx(0.75)
    assert s1["p_value"] == pytest.approx(10 / 64)
    s2 = next(t for t in body["deterioration_tests"] if t["indicator"] == "LQF:S2")
    assert s2["fell"] == 1
    assert body["system_level"] == 1
    assert [p["level"] for p in body["providers"]] == [2, 0, 0]


def test_another_icb_is_not_found(system, client, login_as) -> None:
    login_as("commissioner", [system.other_icb])
    assert client.get(f"/economy/{system.icb.id}").status_code == 404
    assert client.get(f"/api/v1/economy/{system.icb.id}").status_code == 404
    assert client.get(f"/economy/{system.other_trust.id}").status_code == 404
