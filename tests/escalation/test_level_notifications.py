"""A provider's leads are told when its support level changes; other providers' leads are not."""

from __future__ import annotations

from sqlalchemy import select

from qframe.escalation.services import evaluate_escalation
from qframe.extensions import db
from qframe.notifications.models import Notification

Q = ["2025/26 Q1", "2025/26 Q2"]
ALERT = {"flag": "alert"}


def told(user):  # type: ignore[no-untyped-def]
    return list(db.session.scalars(select(Notification).where(Notification.user_id == user.id)))


def test_a_level_change_reaches_the_providers_own_leads_only(db, tree, framework, build, make_user):
    lead_a = make_user("provider_lead", [tree.trust_a])
    lead_b = make_user("provider_lead", [tree.trust_b])
    commissioner = make_user("commissioner", [tree.icb])
    # Q1 clear, Q2 one alert: trust A moves from level 0 to 1 (emerging concern); B stays at 0.
    build.score(framework, Q[0], {tree.trust_a: {}, tree.trust_b: {}})
    build.score(framework, Q[1], {tree.trust_a: {"E2": ALERT}, tree.trust_b: {}})
    evaluate_escalation(None, framework)
    (notice,) = told(lead_a)
    assert "from routine to emerging concern" in notice.body
    assert Q[1] in notice.body
    assert told(lead_b) == []
    assert told(commissioner) == []


def test_evaluating_again_with_nothing_changed_tells_nobody_again(
    db, tree, framework, build, make_user
):
    lead_a = make_user("provider_lead", [tree.trust_a])
    build.score(framework, Q[0], {tree.trust_a: {"E2": ALERT}})
    evaluate_escalation(None, framework)
    # A first evaluation of a single period has nothing to change from.
    assert told(lead_a) == []
    evaluate_escalation(None, framework)
    assert told(lead_a) == []
