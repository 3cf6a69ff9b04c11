"""Support for providers at levels 2–3: buddies, packages within budget, edit, accept."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from qframe.errors import Conflict, DomainError, Immutable, ValidationFailed
from qframe.escalation.models import SupportRecord
from qframe.escalation.rules import save_settings
from qframe.escalation.services import evaluate_escalation
from qframe.escalation.support import (
    ACCOUNTABILITY,
    accept_support,
    edit_support,
    propose_support,
)

Q1 = "2025/26 Q1"
WEAK = {"achievement": 40.0, "points": 0.0, "breach": True}
STRONG = {"achievement": 99.0, "points": 10.0}
SETTINGS = {
    "alert_level1_count": "1", "breach_level1_count": "1",
    "breach_level2_indicators": "2", "persist_periods_level2": "2",
    "level3_breach_percent": "25", "level3_min_domains": "2", "level3_consecutive_periods": "3",
    "clear_periods_to_step_down": "2", "overspend_percent": "5", "period_kind": "auto",
    "buddy_limit": "1",
    "packages": "Peer visit | 5000 | 2\nImprovement coach | 20000 | 6",
}  # fmt: skip


@pytest.fixture
def region(tree, make_org, framework, build):
    """Trust A struggles on S1 and E1 (level 2); trust B is strong on both; trust C on E1 only."""
    trust_c = make_org("acute", tree.icb, name="Trust C")
    build.score(
        framework,
        Q1,
        {
            tree.trust_a: {"S1": WEAK, "E1": WEAK},
            tree.trust_b: {"S1": STRONG, "E1": STRONG},
            trust_c: {"S1": {"achievement": 70.0, "points": 5.0}, "E1": STRONG},
        },
    )
    return trust_c


def _settings(framework, budget="30000"):
    save_settings(None, framework, {**SETTINGS, "support_budget": budget})
    evaluate_escalation(None, framework)


def test_a_provider_needing_support_gets_the_buddy_strong_on_its_weak_indicators(
    db, tree, framework, region
):
    _settings(framework)
    record = propose_support(None, framework)
    (plan,) = record.assignments
    assert plan["org_id"] == tree.trust_a.id
    assert plan["buddy_id"] == tree.trust_b.id
    assert plan["shared"] == ["E1", "S1"]
    assert record.accountability == ACCOUNTABILITY
    assert "stays with each supported provider's own board" in record.accountability


def test_packages_are_bought_within_the_support_budget(db, tree, framework, region):
    _settings(framework, budget="10000")
    record = propose_support(None, framework)
    assert record.assignments[0]["package_name"] == "Peer visit"
    assert record.total_cost_pence == 500000 <= record.budget_pence
    _settings(framework, budget="30000")
    record = propose_support(None, framework)
    assert record.assignments[0]["package_name"] == "Improvement coach"


def test_editing_beyond_the_budget_or_to_the_provider_itself_changes_nothing(
    db, tree, framework, region
):
    _settings(framework, budget="10000")
    record = propose_support(None, framework)
    before = list(record.assignments)
    with pytest.raises(ValidationFailed) as error:
        edit_support(
            None, framework, record, {tree.trust_a.id: (tree.trust_a.id, "improvement-coach")}
        )
    messages = " ".join(p.message for p in error.value.problems)
    assert "more than the support budget" in messages
    assert "another provider" in messages
    assert record.assignments == before


def test_the_commissioner_edits_then_accepts_and_the_plan_is_then_fixed(
    db, tree, framework, region
):
    _settings(framework)
    record = propose_support(None, framework)
    edit_support(None, framework, record, {tree.trust_a.id: (region.id, "peer-visit")})
    assert record.assignments[0]["buddy_id"] == region.id
    accept_support(None, record)
    with pytest.raises(Conflict):
        edit_support(None, framework, record, {tree.trust_a.id: (None, None)})
    record.total_cost_pence = 1
    with pytest.raises(Immutable):
        db.session.flush()


def test_no_plan_is_proposed_when_nobody_needs_enhanced_support(db, tree, framework, build):
    build.score(framework, Q1, {tree.trust_a: {}, tree.trust_b: {}})
    evaluate_escalation(None, framework)
    with pytest.raises(DomainError, match="no plan needed"):
        propose_support(None, framework)
    assert db.session.scalar(select(SupportRecord)) is None


def test_the_support_page_proposes_and_accepts(client, db, tree, framework, region, login_as):
    _settings(framework)
    login_as("commissioner", [tree.icb])
    assert client.post(f"/escalation/{framework.id}/support/propose").status_code == 302
    record = db.session.scalar(select(SupportRecord))
    page = client.get(f"/escalation/{framework.id}/support").get_data(as_text=True)
    assert "Accountability for the quality of care stays with" in page
    assert tree.trust_b.name in page
    over = client.post(
        f"/escalation/{framework.id}/support/{record.id}",
        data={f"buddy_{tree.trust_a.id}": str(tree.trust_b.id),
              f"package_{tree.trust_a.id}": "no-such-package"},
    )  # fmt: skip
    assert over.status_code == 422
    assert "Choose one of the packages offered" in over.get_data(as_text=True)
    accepted = client.post(f"/escalation/{framework.id}/support/{record.id}/accept")
    assert accepted.status_code == 302
    assert db.session.get(SupportRecord, record.id).status == "accepted"
