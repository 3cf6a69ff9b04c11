"""Demo reward allocation: a £2,000,000 pot on AQF's final scores, proposed and approved.

If no final score run exists for a demo framework (the scoring step may not have made one),
the latest complete period of AQF is scored with scoring's own service and finalised.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import select

from qframe.errors import DomainError
from qframe.extensions import db
from qframe.frameworks.models import Framework
from qframe.periods.labels import periods_in_year
from qframe.periods.models import get_or_create_period
from qframe.rewards.explain import pounds
from qframe.rewards.policy import parse_policy
from qframe.rewards.services import approve_run, propose_run
from qframe.scoring.models import ScoreRun
from qframe.scoring.runs import finalise_run, score_period

if TYPE_CHECKING:
    from qframe.demo import DemoContext

POT_PENCE = 2_000_000_00
PROPOSER, APPROVER = "finance@demo.qframe.test", "finance2@demo.qframe.test"
PREFERRED = "AQF"


def _final_run(frameworks: dict[str, Framework]) -> ScoreRun | None:
    ids = [f.id for f in frameworks.values()]
    stmt = select(ScoreRun).where(ScoreRun.status == "final", ScoreRun.framework_id.in_(ids))
    runs = list(db.session.scalars(stmt.order_by(ScoreRun.id.desc())))
    preferred = [r for r in runs if r.framework.code == PREFERRED]
    return (preferred or runs)[0] if runs else None


def _score_latest(framework: Framework) -> ScoreRun | None:
    """Score and finalise the latest complete period of the framework's year."""
    today = date.today()
    for kind in ("year", "quarter"):
        done = [p for p in periods_in_year(framework.year, kind) if p.end < today]
        if done:
            period = get_or_create_period(done[-1].label)
            return finalise_run(None, score_period(None, framework, period))
    return None


def load(ctx: DemoContext) -> None:
    frameworks: dict[str, Framework] = ctx.shared.get("frameworks") or {}
    users = ctx.shared.get("users") or {}
    proposer, approver = users.get(PROPOSER), users.get(APPROVER)
    if ctx.scale != "small" or not frameworks or proposer is None or approver is None:
        ctx.report.append("Reward allocation: skipped (no demo frameworks or finance users)")
        return
    score = _final_run(frameworks)
    if score is None and PREFERRED in frameworks:
        try:
            score = _score_latest(frameworks[PREFERRED])
        except DomainError as error:
            ctx.report.append(f"Reward allocation: skipped (scoring {PREFERRED} failed: {error})")
            return
    if score is None:
        ctx.report.append("Reward allocation: skipped (no final scores to pay on)")
        return
    framework, period = score.framework, score.period
    proposal = propose_run(proposer, framework, period, POT_PENCE, parse_policy({}))
    run = proposal.run
    if run.status != "proposed":
        ctx.report.append(f"Reward allocation: run {run.id} {run.status}: {run.message}")
        return
    approve_run(approver, run)
    ctx.report.append(
        f"Reward allocation: run {run.id} on {framework.code} {period.label} (score version "
        f"{score.version}), {pounds(run.total_pence or 0)} of {pounds(POT_PENCE)} to "
        f"{run.recipient_count} providers; proposed by {PROPOSER}, approved by {APPROVER}"
    )
