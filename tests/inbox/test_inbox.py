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
