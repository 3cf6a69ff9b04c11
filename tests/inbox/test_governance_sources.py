"""Board acknowledgements and overdue development-plan milestones wait in the inbox (issue 14)."""

from __future__ import annotations

import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "escalation"))
import ladder_builders  # noqa: E402

from qframe.devplans.services import import_plan, sign_off  # noqa: E402
from qframe.escalation.board import BoardReview  # noqa: E402
from qframe.escalation.services import evaluate_escalation  # noqa: E402
from qframe.extensions import db  # noqa: E402

TWO_DOMAINS = {"S1": {"flag": "alarm"}, "E2": {"flag": "alarm"}}  # alarms in two domains: level 2


def header_count(client) -> str:  # type: ignore[no-untyped-def]
    html = client.get("/notifications/").get_data(as_text=True)
    start = html.index('data-testid="inbox-link">')
    return html[start : html.index("</a>", start)]


def sent_to_board(tree) -> BoardReview:  # type: ignore[no-untyped-def]
    framework = ladder_builders.make_framework(tree.icb)
    ladder_builders.score(framework, "2025/26 Q1", {tree.trust_a: TWO_DOMAINS})
    evaluate_escalation(None, framework)
    review = db.session.scalars(select(BoardReview)).one()
    review.sent_at = datetime.now(UTC) - timedelta(days=20)
    db.session.commit()
    return review


def test_a_decision_awaiting_the_board_waits_in_the_provider_leads_inbox_with_its_action(
    client, tree, login_as
):
    review = sent_to_board(tree)
    login_as("provider_lead", [tree.trust_a])
    page = client.get("/inbox/").get_data(as_text=True)
    assert "Decisions for your board to acknowledge" in page
    assert f"{tree.trust_a.name}: support level 2 (LQF 2025/26 Q1)" in page
    assert "(20 days ago)" in page
    link = f'href="/escalation/{review.framework_id}/providers/{tree.trust_a.id}/board"'
    assert link in page
    assert "Record the board&#39;s response" in page
    assert ">1<" in header_count(client)


def test_the_commissioner_sees_it_until_the_board_acknowledges_and_other_providers_do_not(
    client, tree, login_as
):
    review = sent_to_board(tree)
    login_as("commissioner", [tree.icb])
    page = client.get("/inbox/").get_data(as_text=True)
    assert "Board acknowledgements outstanding" in page
    assert f"{tree.trust_a.name}: support level 2" in page
    assert ">1<" in header_count(client)
    client.post("/auth/logout")
    login_as("provider_lead", [tree.trust_b])  # another provider's lead: not theirs
    assert "Nothing waits for you." in client.get("/inbox/").get_data(as_text=True)
    client.post("/auth/logout")
    review.acknowledged_at = datetime.now(UTC)
    review.response, review.owner = "Accepted", "Chief Nurse"
    db.session.commit()
    login_as("commissioner", [tree.icb])
    assert "Nothing waits for you." in client.get("/inbox/").get_data(as_text=True)


def test_an_overdue_sign_off_milestone_waits_in_the_provider_leads_inbox(
    client, tree, make_user, login_as
):
    ladder_builders.make_framework(tree.icb)
    today = date.today()
    due = {
        "yesterday": today - timedelta(days=1),  # overdue: in the inbox
        "signed": today - timedelta(days=10),  # overdue but signed off: not
        "later": today + timedelta(days=30),  # not due yet: not
        "measured": today - timedelta(days=5),  # judged by the data, nobody signs it: not
    }
    csv = (
        "action,owner,milestone,due_on,indicator,baseline,target\n"
        f"Audit,Head of nursing,Falls re-audit,{due['yesterday']},,,\n"
        f"Audit,Head of nursing,Sisters trained,{due['signed']},,,\n"
        f"Audit,Head of nursing,Second re-audit,{due['later']},,,\n"
        f"Safer VTE,Medical director,VTE at 98%,{due['measured']},S1,90,98\n"
    )
    lead = make_user("provider_lead", [tree.trust_a])
    plan = import_plan(
        lead, tree.trust_a, "Quality plan", today - timedelta(days=200),
        today + timedelta(days=100), csv.encode(),
    )  # fmt: skip
    milestones = {m.title: m for a in plan.actions for m in a.milestones}
    sign_off(lead, milestones["Sisters trained"], "Jo Bloggs, Chief Nurse", "Training log 12")
    db.session.commit()
    login_as("provider_lead", [tree.trust_a])
    page = client.get("/inbox/").get_data(as_text=True)
    assert "Development-plan milestones overdue" in page
    assert f"{tree.trust_a.name}: Falls re-audit" in page
    assert "(1 day ago) in Quality plan; action owner Head of nursing" in page
    anchor = f"milestone-{milestones['Falls re-audit'].id}"
    assert f'href="/devplans/{plan.id}#{anchor}"' in page
    for title in ("Sisters trained", "Second re-audit", "VTE at 98%"):
        assert title not in page
    assert ">1<" in header_count(client)
    assert f'id="{anchor}"' in client.get(f"/devplans/{plan.id}").get_data(as_text=True)
    client.post("/auth/logout")
    login_as("provider_lead", [tree.trust_b])
    assert "Nothing waits for you." in client.get("/inbox/").get_data(as_text=True)
