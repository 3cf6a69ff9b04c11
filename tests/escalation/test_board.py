"""Issue 13 / domain.md §8: a level-2/3 decision goes to the provider's board, who acknowledge
it with a response and an owner; unacknowledged decisions are chased and listed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from qframe.escalation.board import BoardReview, chase_unacknowledged
from qframe.escalation.services import evaluate_escalation
from qframe.extensions import db
from qframe.notifications.models import Notification

Q1 = "2025/26 Q1"
TWO_DOMAINS = {"S1": {"flag": "alarm"}, "E2": {"flag": "alarm"}}  # breadth: level 2


def _ladder(tree, framework, build):
    build.score(framework, Q1, {tree.trust_a: TWO_DOMAINS, tree.trust_b: {"S1": {"flag": "alert"}}})
    evaluate_escalation(None, framework)
    db.session.commit()


def test_a_level_two_decision_is_sent_to_the_provider_leads_and_level_one_is_not(
    db, tree, framework, build, make_user
):
    lead_a = make_user("provider_lead", [tree.trust_a])
    lead_b = make_user("provider_lead", [tree.trust_b])
    _ladder(tree, framework, build)
    reviews = db.session.scalars(select(BoardReview)).all()
    assert [(r.organisation_id, r.level) for r in reviews] == [(tree.trust_a.id, 2)]
    told = {n.user_id for n in db.session.scalars(select(Notification))}
    assert lead_a.id in told
    assert lead_b.id not in told
    # working the ladder out again does not send it twice
    evaluate_escalation(None, framework)
    assert len(db.session.scalars(select(BoardReview)).all()) == 1


def test_the_board_acknowledges_with_a_response_and_an_owner(
    client, db, tree, framework, build, login_as
):
    _ladder(tree, framework, build)
    review = db.session.scalars(select(BoardReview)).one()
    login_as("provider_lead", [tree.trust_a])
    url = f"/escalation/{framework.id}/providers/{tree.trust_a.id}/board"
    blank = client.post(f"{url}/{review.id}", data={"response": " ", "owner": ""})
    assert blank.status_code == 422
    db.session.refresh(review)
    assert review.acknowledged_at is None
    done = client.post(
        f"{url}/{review.id}",
        data={"response": "Board accepts; falls plan by March", "owner": "Chief Nurse"},
    )
    assert done.status_code == 302
    db.session.refresh(review)
    assert (review.owner, review.response) == ("Chief Nurse", "Board accepts; falls plan by March")
    page = client.get(url).get_data(as_text=True)
    assert "Owner: Chief Nurse" in page


def test_unacknowledged_decisions_are_chased_after_fourteen_days_and_listed(
    client, db, tree, framework, build, make_user, login_as
):
    lead = make_user("provider_lead", [tree.trust_a])
    _ladder(tree, framework, build)
    review = db.session.scalars(select(BoardReview)).one()
    sent = review.sent_at if review.sent_at.tzinfo else review.sent_at.replace(tzinfo=UTC)
    assert chase_unacknowledged(sent + timedelta(days=13)).startswith("0 ")
    assert chase_unacknowledged(sent + timedelta(days=14, minutes=1)).startswith("1 ")
    reminders = db.session.scalars(
        select(Notification).where(
            Notification.user_id == lead.id, Notification.title.startswith("Reminder")
        )
    ).all()
    assert len(reminders) == 1
    login_as("commissioner", [tree.icb])
    page = client.get(f"/escalation/{framework.id}/board").get_data(as_text=True)
    assert tree.trust_a.name in page
    assert tree.trust_b.name not in page
    review.acknowledged_at = datetime.now(UTC)
    db.session.commit()
    assert chase_unacknowledged(sent + timedelta(days=60)).startswith("0 ")
