"""A proposed run tells the other finance users of its ICB that it awaits approval; nobody else."""

from __future__ import annotations

from sqlalchemy import select

from qframe.notifications.models import Notification
from qframe.rewards.policy import parse_policy
from qframe.rewards.services import propose_run


def told(user):  # type: ignore[no-untyped-def]
    from qframe.extensions import db

    return list(db.session.scalars(select(Notification).where(Notification.user_id == user.id)))


def test_a_proposed_run_notifies_the_checker_but_not_the_proposer_or_another_icb(
    db, tree, framework, scores, period, maker, checker, make_user
):
    elsewhere = make_user("finance", [tree.other_icb])
    commissioner = make_user("commissioner", [tree.icb])
    run = propose_run(maker, framework, period, 1_000_000_00, parse_policy({})).run
    (notice,) = told(checker)
    assert f"run {run.id} awaits your approval" in notice.title
    assert notice.link == f"/rewards/{run.id}"
    assert told(maker) == []
    assert told(elsewhere) == []
    assert told(commissioner) == []
