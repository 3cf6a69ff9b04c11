"""The demo step: a run on final scores, proposed by one demo finance user, approved by another."""

from __future__ import annotations

import random

from sqlalchemy import select

from qframe.demo import DemoContext
from qframe.rewards import demo
from qframe.rewards.models import AllocationRun


def context(framework, users) -> DemoContext:
    ctx = DemoContext(scale="small", rng=random.Random(1), echo=lambda _line: None)
    ctx.shared.update(frameworks={framework.code: framework}, users=users)
    return ctx


def test_the_demo_proposes_and_approves_a_two_million_pound_run(
    db, tree, framework, scores, make_user
):
    users = {
        email: make_user("finance", [tree.icb], email=email)
        for email in (demo.PROPOSER, demo.APPROVER)
    }
    ctx = context(framework, users)
    demo.load(ctx)
    run = db.session.scalars(select(AllocationRun)).one()
    assert (run.status, run.pot_pence) == ("approved", 2_000_000_00)
    assert run.created_by_id == users[demo.PROPOSER].id
    assert run.approved_by_id == users[demo.APPROVER].id
    assert f"run {run.id} on RQF 2025/26" in ctx.report[-1]


def test_the_demo_skips_when_there_are_no_final_scores_to_pay_on(db, tree, framework, make_user):
    users = {e: make_user("finance", [tree.icb], email=e) for e in (demo.PROPOSER, demo.APPROVER)}
    ctx = context(framework, users)
    demo.load(ctx)
    assert "skipped" in ctx.report[-1]
    assert db.session.scalars(select(AllocationRun)).first() is None
