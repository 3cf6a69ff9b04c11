"""The demo step: the ladder, commitments and a public publication, or a clear skip."""

from __future__ import annotations

import random

from sqlalchemy import func, select

from qframe.commitments.models import Commitment
from qframe.demo import DemoContext
from qframe.escalation import demo
from qframe.escalation.models import EscalationDecision, SupportRecord
from qframe.publication.models import Publication


def context(framework, users) -> DemoContext:
    ctx = DemoContext(scale="small", rng=random.Random(1), echo=lambda _line: None)
    ctx.shared.update(frameworks={framework.code: framework}, users=users)
    return ctx


def _count(db, model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_the_demo_skips_in_words_without_score_runs(db, tree, framework, make_user):
    ctx = context(framework, {demo.LEAD: make_user("provider_lead", [tree.trust_a])})
    demo.load(ctx)
    assert "skipped (no score runs yet" in ctx.report[-1]
    assert _count(db, EscalationDecision) == _count(db, Publication) == 0


def test_the_demo_runs_the_ladder_records_commitments_and_publishes(
    db, tree, framework, build, make_user
):
    lead = make_user("provider_lead", [tree.trust_a], email=demo.LEAD)
    build.score(framework, "2025/26 Q1", {tree.trust_a: {"S1": {"flag": "alarm"}},
                                          tree.trust_b: {}})  # fmt: skip
    # Issue 13: one quarter's alarm is a pocket (level 1); the same alarm again the next quarter
    # is the calibrated "repeat alarm" trigger, enhanced support (level 2).
    build.score(framework, "2025/26 Q2", {tree.trust_a: {"S1": {"flag": "alarm"}},
                                          tree.trust_b: {}})  # fmt: skip
    ctx = context(framework, {demo.LEAD: lead})
    demo.load(ctx)
    report = "\n".join(ctx.report)
    assert "Escalation LQF 2025/26 Q2: 1 routine, 1 above routine" in report
    assert "level 2 (enhanced support): " + tree.trust_a.name in report
    assert _count(db, EscalationDecision) == 4
    assert _count(db, SupportRecord) == 1
    promised = db.session.scalars(select(Commitment)).all()
    assert len(promised) == 2
    assert {c.organisation_id for c in promised} == {tree.trust_a.id}
    # Every final quarter is published, so the public annual report covers the year so far.
    publications = db.session.scalars(select(Publication)).all()
    for publication in publications:
        assert (publication.audience, publication.identifiable) == ("public", True)
    assert sorted(p.period.label for p in publications) == ["2025/26 Q1", "2025/26 Q2"]
