"""Good-practice library: recorded only at or beyond the benchmark, offered to the struggling."""

from __future__ import annotations

import csv
import io
import sys
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from qframe.audit.models import AuditEvent
from qframe.devplans.services import import_plan
from qframe.errors import ValidationFailed
from qframe.extensions import db
from qframe.learning.models import GoodPractice
from qframe.learning.services import offers_for, record_practice

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "escalation"))
import ladder_builders  # noqa: E402

GOOD = {"title": "Daily VTE huddle", "what_they_did": "A pharmacist checks every admission.",
        "contact": "vte.lead@trust-a.example"}  # fmt: skip


@pytest.fixture
def scored(tree):  # type: ignore[no-untyped-def]
    """LQF: S1 upper threshold 90 (higher is better), S2 upper 4 (lower is better).
    Q1: Trust A 95 on S1 and 3.0 on S2; Trust B 89.9 on S1 (just short of 90) and 5.0 on S2.
    Q2 (newer, final): Trust B breaches S1 at 40 with no points: struggling."""
    fw = ladder_builders.make_framework(tree.icb)
    ladder_builders.score(fw, "2025/26 Q1", {
        tree.trust_a: {"S1": {"achievement": 95.0}, "S2": {"achievement": 3.0}},
        tree.trust_b: {"S1": {"achievement": 89.9}, "S2": {"achievement": 5.0}},
    })  # fmt: skip
    ladder_builders.score(fw, "2025/26 Q2", {
        tree.trust_a: {"S1": {"achievement": 95.0}, "S2": {"achievement": 3.0}},
        tree.trust_b: {"S1": {"achievement": 40.0, "points": 0.0, "breach": True}},
    })  # fmt: skip
    return tree, {i.code: i for i in fw.indicators}


def test_a_provider_at_the_benchmark_records_what_it_did(scored) -> None:
    tree, ind = scored
    entry = record_practice(None, tree.trust_a, ind["S1"], GOOD)
    assert (entry.achievement, entry.benchmark) == (95.0, "90")
    # Lower is better: 3.0 per 1,000 is beyond the upper threshold of 4.
    assert record_practice(None, tree.trust_a, ind["S2"], GOOD).benchmark == "4"


def test_a_provider_short_of_the_benchmark_is_refused_with_the_reason(scored) -> None:
    tree, ind = scored
    with pytest.raises(ValidationFailed) as caught:
        record_practice(None, tree.trust_b, ind["S1"], GOOD)  # latest final 40 < 90
    problem = caught.value.problems[0]
    assert (problem.code, problem.column) == ("below_benchmark", "indicator")
    assert "40" in problem.message
    assert "at or above the benchmark 90" in problem.message
    with pytest.raises(ValidationFailed):
        record_practice(None, tree.trust_b, ind["S2"], GOOD)  # 5.0 > 4 where lower is better
    assert db.session.scalar(select(func.count(GoodPractice.id))) == 0


def test_missing_fields_are_all_reported_and_nothing_stored(scored) -> None:
    tree, ind = scored
    with pytest.raises(ValidationFailed) as caught:
        record_practice(None, tree.trust_a, ind["S1"], {"title": "x" * 201})
    assert {p.column for p in caught.value.problems} == {"title", "what_they_did", "contact"}
    assert db.session.scalar(select(func.count(GoodPractice.id))) == 0


def test_entries_are_offered_to_providers_struggling_on_the_indicator(scored) -> None:
    tree, ind = scored
    entry = record_practice(None, tree.trust_a, ind["S1"], GOOD)
    record_practice(None, tree.trust_a, ind["S2"], GOOD)
    # Trust B's latest S1 breaches (struggling); its S2 is only in Q1, 5.0 with full points.
    assert offers_for(tree.trust_b) == [entry]
    assert offers_for(tree.trust_a) == []


def test_the_development_plan_page_shows_the_panel(scored, client, login_as) -> None:
    tree, ind = scored
    record_practice(None, tree.trust_a, ind["S1"], GOOD)
    csv_text = b"action,owner,milestone,due_on\nVTE,Head of nursing,Audit,2026-09-30\n"
    plan = import_plan(None, tree.trust_b, "Plan", date(2026, 4, 1), date(2027, 3, 31), csv_text)
    login_as("commissioner", [tree.icb])
    html = client.get(f"/devplans/{plan.id}").get_data(as_text=True)
    assert "Learn from others" in html
    assert "S1: Daily VTE huddle" in html


def test_recording_through_the_page_is_audited_and_exported(scored, client, login_as) -> None:
    tree, ind = scored
    login_as("provider_lead", [tree.trust_a])
    form = {"provider": str(tree.trust_a.id), "indicator": str(ind["S1"].id), **GOOD}
    assert client.post("/learning/", data=form).status_code == 302
    assert (
        db.session.scalar(
            select(func.count(AuditEvent.id)).where(AuditEvent.action == "learning.record")
        )
        == 1
    )
    rows = list(csv.DictReader(io.StringIO(client.get("/learning/good-practice.csv").get_data(
        as_text=True))))  # fmt: skip
    assert [(r["indicator"], r["achievement"], r["benchmark"], r["period"]) for r in rows] == [
        ("S1", "95", "90", "2025/26 Q2")
    ]
    assert client.get("/api/v1/good-practice").get_json()[0]["contact"] == GOOD["contact"]


def test_a_provider_out_of_scope_is_not_found(scored, client, login_as) -> None:
    tree, ind = scored
    login_as("provider_lead", [tree.trust_b])
    form = {"provider": str(tree.trust_a.id), "indicator": str(ind["S1"].id), **GOOD}
    assert client.post("/learning/", data=form).status_code == 404
