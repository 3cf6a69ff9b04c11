"""Optimise a health improvement plan, and approve a run (maker-checker)."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from qframe.audit import services as audit
from qframe.audit.models import utcnow
from qframe.auth.permissions import can, in_scope_clause, org_in_scope, scope_org_ids
from qframe.errors import Conflict, Forbidden, NotFound, Problem, ValidationFailed
from qframe.extensions import db
from qframe.optimiser import InvalidInput, SolverFailed
from qframe.optimiser.portfolio import plan_portfolio
from qframe.optimiser.portfolio_curve import trade_off

from .importer import to_projects
from .models import ImprovementPlan, PlanRun, PlanRunLine

# A proven optimum can take far longer than a page can wait on a national-size portfolio (see
# the benchmark); runs stop within 0.01% of the best possible gain and show the gap.
GAP, TIME_LIMIT_S = 1e-4, 120


def _gain(value: float) -> Decimal:
    return Decimal(repr(round(value, 6)))


def propose_run(
    actor: Any, plan: ImprovementPlan, min_gain_per_million: Decimal, min_per_provider: int
) -> PlanRun:
    """Solve the plan (and its trade-off curve) and store the proposal with every line."""
    projects, horizon = to_projects(plan)
    options: dict[str, Any] = {
        "min_gain_per_million": min_gain_per_million,
        "min_projects_per_provider": min_per_provider,
        "gap_rel": GAP,
        "time_limit_s": TIME_LIMIT_S,
    }
    try:
        result = plan_portfolio(projects, horizon, **options)
        curve = trade_off(projects, horizon, **options)
    except SolverFailed as error:
        raise ValidationFailed(
            "The solver did not finish: nothing was stored", [Problem("solver", str(error))]
        ) from error
    except InvalidInput as error:
        raise ValidationFailed(
            "No plan can be proposed with these options",
            [Problem("infeasible", reason) for reason in error.reasons],
        ) from error
    run = PlanRun(
        plan_id=plan.id,
        status="proposed",
        options={
            "min_gain_per_million": str(min_gain_per_million),
            "min_per_provider": min_per_provider,
        },
        total_gain=_gain(result.total_gain),
        gain_low=_gain(result.gain_low),
        gain_high=_gain(result.gain_high),
        spend_pence=list(result.spend_pence),
        staff_days=list(result.staff),
        curve=[
            {
                "scale": str(p.scale),
                "budget_pence": p.budget_pence,
                "spend_pence": p.spend_pence,
                "gain": round(p.gain, 6),
                "gain_low": round(p.gain_low, 6),
                "gain_high": round(p.gain_high, 6),
                "funded": p.funded,
                "feasible": p.feasible,
            }
            for p in curve
        ],
        gap=result.gap,
        solve_seconds=result.solve_seconds,
        solver=result.solver,
        created_by_id=actor.id,
    )
    db.session.add(run)
    db.session.flush()
    by_code = {p.code: p for p in plan.projects}
    for s in result.scheduled:
        p = by_code[s.project.project_id]
        db.session.add(
            PlanRunLine(
                run_id=run.id,
                project_id=p.id,
                organisation_id=p.organisation_id,
                funded=True,
                start=s.start,
                end=s.end,
                reason=None,
                detail="",
            )
        )
    for r in result.rejected:
        p = by_code[r.project.project_id]
        db.session.add(
            PlanRunLine(
                run_id=run.id,
                project_id=p.id,
                organisation_id=p.organisation_id,
                funded=False,
                reason=r.reason,
                detail=_labelled(plan, r.detail)[:500],
            )
        )
    db.session.flush()
    audit.record(
        actor,
        "improvement.propose",
        "improvement_run",
        run.id,
        after={"plan": plan.id, "gain": str(run.total_gain), "funded": len(result.scheduled)},
    )
    return run


def _labelled(plan: ImprovementPlan, detail: str) -> str:
    """The optimiser's "year 2" as the plan's financial year."""
    return re.sub(r"\byear (\d+)", lambda m: plan.year_label(int(m.group(1)) - 1), detail)


def approve_run(actor: Any, run: PlanRun) -> PlanRun:
    """Another commissioner or finance user approves a proposal; the approved one is superseded."""
    if not can(actor, "approve_improvement_plans"):
        raise Forbidden("Only a commissioner or finance user can approve a plan")
    if run.status != "proposed":
        raise Conflict(f"Run {run.id} is {run.status}: only a proposed run can be approved")
    if run.created_by_id == actor.id:
        raise Forbidden(f"You proposed run {run.id}: another person must approve it")
    now = utcnow()
    previous = db.session.scalar(
        select(PlanRun).where(PlanRun.plan_id == run.plan_id, PlanRun.status == "approved")
    )
    if previous is not None:
        previous.status, previous.superseded_at = "superseded", now
        db.session.flush()
        audit.record(
            actor,
            "improvement.supersede",
            "improvement_run",
            previous.id,
            before={"status": "approved"},
            after={"status": "superseded", "by_run": run.id},
        )
    run.status, run.approved_by_id, run.approved_at = "approved", actor.id, now
    db.session.flush()
    audit.record(
        actor,
        "improvement.approve",
        "improvement_run",
        run.id,
        before={"status": "proposed"},
        after={"status": "approved"},
    )
    return run


def plans_in_scope(user: Any) -> list[ImprovementPlan]:
    """Plans whose commissioner the user can see, newest first."""
    query = select(ImprovementPlan).order_by(ImprovementPlan.id.desc())
    if scope_org_ids(user) is not None:
        query = query.where(in_scope_clause(ImprovementPlan.commissioner_id, user))
    return list(db.session.scalars(query))


def get_plan_or_404(plan_id: int, user: Any) -> ImprovementPlan:
    """A plan whose commissioner is in the user's scope; otherwise NotFound."""
    plan = db.session.get(ImprovementPlan, plan_id)
    if plan is None or not org_in_scope(user, plan.commissioner_id):
        raise NotFound("No such improvement plan")
    return plan


def get_run_or_404(plan: ImprovementPlan, run_id: int) -> PlanRun:
    """A run of this plan; otherwise NotFound."""
    run = db.session.get(PlanRun, run_id)
    if run is None or run.plan_id != plan.id:
        raise NotFound("No such plan run")
    return run


def funded_for(user: Any) -> list[PlanRunLine]:
    """Lines of approved runs for the organisations in a provider user's scope."""
    query = (
        select(PlanRunLine)
        .join(PlanRun, PlanRun.id == PlanRunLine.run_id)
        .where(PlanRun.status == "approved")
        .order_by(PlanRunLine.run_id.desc(), PlanRunLine.id)
    )
    if scope_org_ids(user) is not None:
        query = query.where(in_scope_clause(PlanRunLine.organisation_id, user))
    return list(db.session.scalars(query))
