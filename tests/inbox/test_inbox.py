"""The inbox: what waits for each role, with its action link and a count in the header."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "rewards"))
import rewards_builders  # noqa: E402

from qframe.extensions import db  # noqa: E402


def test_a_run_proposed_by_one_finance_user_waits_in_the_other_ones_inbox(
    client, tree, make_user, login_as
):
    maker = make_user("finance", [tree.icb])
    run = rewards_builders.make_run(tree, actor=maker)
    db.session.commit()
    login_as("finance", [tree.icb])
    page = client.get("/inbox/").get_data(as_text=True)
    assert f"Run {run.id}: RQF" in page
    assert f'href="/rewards/{run.id}"' in page
    assert f"proposed by {maker.email}" in page
    header = client.get("/notifications/").get_data(as_text=True)
    assert 'data-testid="inbox-link">Inbox <span class="tag tag-warn">1<' in header


def test_the_proposer_has_nothing_to_approve_in_their_own_inbox(client, tree, login_as):
    maker = login_as("finance", [tree.icb])
    rewards_builders.make_run(tree, actor=maker)
    db.session.commit()
    page = client.get("/inbox/").get_data(as_text=True)
    assert "Nothing waits for you." in page


def test_a_run_outside_the_users_scope_is_not_in_their_inbox(client, tree, make_user, login_as):
    maker = make_user("finance", [tree.icb])
    rewards_builders.make_run(tree, actor=maker)
    db.session.commit()
    login_as("finance", [tree.other_icb])
    assert "Nothing waits for you." in client.get("/inbox/").get_data(as_text=True)


def test_every_role_can_open_its_inbox(client, tree, login_as):
    scopes = {
        "commissioner": [tree.icb],
        "finance": [tree.icb],
        "clinical_director": [tree.line_a],
        "nurse_manager": [tree.ward_a],
        "provider_lead": [tree.trust_a],
        "admin": [],
    }
    for role, orgs in scopes.items():
        login_as(role, orgs)
        response = client.get("/inbox/")
        assert response.status_code == 200, role
        client.post("/auth/logout")


def test_a_declared_period_waits_in_the_commissioners_inbox(db, client, tree, make_user, login_as):
    from qframe.measurements.models import Declaration
    from qframe.periods.models import get_or_create_period

    framework = rewards_builders.make_framework(tree.icb)
    period = get_or_create_period("2025/26 Q1")
    db.session.add(
        Declaration(
            framework_id=framework.id,
            period_id=period.id,
            organisation_id=tree.trust_a.id,
            status="declared",
        )
    )
    db.session.commit()
    login_as("commissioner", [tree.icb])
    page = client.get("/inbox/").get_data(as_text=True)
    assert f"{tree.trust_a.name}: RQF 2025/26 Q1" in page
    assert "Approve or return" in page
