"""Maker-checker approval, immutability, corrections that supersede, service-line splits."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from qframe.audit.models import AuditEvent
from qframe.budgets.models import Reinvestment
from qframe.errors import Conflict, Forbidden, Immutable, NotFound
from qframe.periods.models import get_or_create_period
from qframe.rewards.models import AllocationLine, AllocationRun, AllocationSplit
from qframe.rewards.policy import parse_policy
from qframe.rewards.services import approve_run, get_run_or_404, propose_run


def propose(maker, framework, period, pot=1_000_000_00, **policy):
    return propose_run(maker, framework, period, pot, parse_policy(policy)).run


def test_a_second_finance_user_approves_and_the_proposer_cannot(
    db, framework, scores, period, maker, checker
):
    run = propose(maker, framework, period)
    with pytest.raises(Forbidden, match="another finance user"):
        approve_run(maker, run)
    assert run.status == "proposed"
    approve_run(checker, run)
    assert (run.status, run.approved_by_id) == ("approved", checker.id)
    assert run.approved_at is not None


def test_a_failed_run_cannot_be_approved(app, db, framework, scores, period, maker, checker,
                                         monkeypatch):  # fmt: skip
    monkeypatch.setitem(app.config, "REWARDS_SOLVER_TIME_LIMIT", 1e-9)
    run = propose(maker, framework, period)
    with pytest.raises(Conflict, match="failed"):
        approve_run(checker, run)
    assert run.status == "failed"


def test_a_correction_supersedes_the_approved_run_which_then_cannot_be_approved(
    db, framework, scores, period, maker, checker
):
    first = propose(maker, framework, period)
    approve_run(checker, first)
    correction = propose(maker, framework, period, pot=900_000_00)
    approval = approve_run(checker, correction)
    assert approval.superseded is first
    assert (first.status, correction.supersedes_id) == ("superseded", first.id)
    assert first.live_hash is None
    with pytest.raises(Conflict, match="superseded"):
        approve_run(checker, first)
    actions = db.session.scalars(
        select(AuditEvent.action).where(
            AuditEvent.object_type == "allocation_run", AuditEvent.object_id == str(first.id)
        )
    )
    assert "rewards.supersede" in list(actions)
    # the superseded inputs may be proposed afresh
    assert propose_run(maker, framework, period, 1_000_000_00, parse_policy({})).created


def test_an_approved_run_and_its_lines_never_change(db, framework, scores, period, maker, checker):
    run = propose(maker, framework, period)
    approve_run(checker, run)
    db.session.commit()  # the test's savepoint: a rollback below keeps the approved run
    run.pot_pence = 1
    with pytest.raises(Immutable):
        db.session.flush()
    db.session.rollback()
    line = db.session.scalars(select(AllocationLine)).first()
    line.amount_pence += 1
    with pytest.raises(Immutable):
        db.session.flush()
    db.session.rollback()
    db.session.delete(db.session.get(AllocationRun, run.id))
    with pytest.raises(Immutable):
        db.session.flush()


def test_approval_is_refused_once_newer_scores_are_final(
    db, tree, framework, scores, period, maker, checker, build
):
    run = propose(maker, framework, period)
    build.standard_scores(tree, framework)  # version 2, final
    with pytest.raises(Conflict, match="no longer the final version"):
        approve_run(checker, run)
    assert run.status == "proposed"


def test_only_finance_users_approve_and_only_in_their_scope(
    db, tree, framework, scores, period, maker, make_user
):
    run = propose(maker, framework, period)
    with pytest.raises(Forbidden):
        approve_run(make_user("admin"), run)
    outsider = make_user("finance", [tree.other_icb])
    with pytest.raises(NotFound):
        get_run_or_404(run.id, outsider)


def test_service_line_runs_split_each_award_by_points_to_the_penny(
    db, tree, framework, scores, period, maker
):
    run = propose(maker, framework, period, pot=1_000_000_01, recipients="service_line")
    splits = {s.organisation_id: s for s in db.session.scalars(select(AllocationSplit))}
    # trust A's £1,000,000.01 split 7.5 : 2.5 between its two lines; trust B (gated) gets 0
    assert splits[tree.line_a.id].amount_pence == 750_000_01  # the odd penny: larger remainder
    assert splits[tree.line_a2.id].amount_pence == 250_000_00
    assert splits[tree.line_b.id].amount_pence == 0
    assert sum(s.amount_pence for s in splits.values()) == run.total_pence


def test_a_provider_without_scored_service_lines_keeps_its_award(db, tree, framework, maker, build):
    build.make_scores(framework, [(tree.trust_a, {"entitlement_pence": 500_00})])
    period = get_or_create_period("2025/26")
    propose(maker, framework, period, pot=100_00, recipients="service_line")
    (split,) = db.session.scalars(select(AllocationSplit))
    assert (split.organisation_id, split.amount_pence) == (tree.trust_a.id, 100_00)


def test_approving_a_service_line_run_credits_budgets_and_a_correction_only_the_increase(
    db, tree, framework, scores, period, maker, checker
):
    first = propose(maker, framework, period, pot=1_000_000_00, recipients="service_line")
    approval = approve_run(checker, first)
    assert approval.credited_pence == 1_000_000_00
    credited = {r.amount_pence for r in db.session.scalars(select(Reinvestment))}
    assert credited == {750_000_00, 250_000_00}
    bigger = propose(maker, framework, period, pot=1_200_000_00, recipients="service_line")
    again = approve_run(checker, bigger)
    assert again.credited_pence == 200_000_00  # not another £1.2m
    total = sum(r.amount_pence for r in db.session.scalars(select(Reinvestment)))
    assert total == 1_200_000_00
    smaller = propose(maker, framework, period, pot=800_000_00, recipients="service_line")
    last = approve_run(checker, smaller)
    assert (last.credited_pence, last.short_pence) == (0, 400_000_00)


def test_a_run_with_no_named_proposer_cannot_be_approved_by_anyone(
    db, tree, framework, scores, checker
):
    run = propose_run(None, framework, scores.period, 1_000_000_00, parse_policy({})).run
    with pytest.raises(Conflict, match="no named proposer"):
        approve_run(checker, run)
    assert run.status == "proposed"
