"""Allocation runs: propose (solve and store), approve (maker-checker), supersede; scoped loads.

Services flush, never commit. The money is only written when the optimiser proves an optimum;
a solver failure is stored as a failed run with its message and no lines.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from itertools import batched, repeat
from time import perf_counter
from typing import Any

from flask import current_app, has_app_context
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from qframe.audit import services as audit
from qframe.audit.models import utcnow
from qframe.auth.models import User
from qframe.auth.permissions import can, org_in_scope, scope_org_ids
from qframe.errors import Conflict, DomainError, Forbidden, NotFound, Problem, ValidationFailed
from qframe.extensions import db
from qframe.frameworks.models import Framework
from qframe.gcpause import collector_paused
from qframe.notifications import events
from qframe.optimiser import Allocation, InfeasibleAllocation, SolverFailed, allocate_columns
from qframe.orgs.models import Organisation
from qframe.periods.models import Period
from qframe.rewards.columns import (
    Columns,
    columns_of_batches,
    explained,
    fields_for,
    provider_batches,
)
from qframe.rewards.models import AllocationLine, AllocationRun
from qframe.rewards.policy import Policy
from qframe.rewards.splits import credit_service_lines, write_splits
from qframe.scoring.models import ScoreRun
from qframe.scoring.runs import current_final_run, latest_run
from qframe.scoring.store import ChunkWriter

CHUNK = 10_000
LINE_COLUMNS = (
    "run_id", "organisation_id", "weight", "cap_pence", "floor_pence", "gate", "amount_pence",
    "reason", "breaches", "explanation",
)  # fmt: skip
Echo = Callable[[str], None]
Bar = Callable[[int, str], AbstractContextManager[Any]]


@dataclass(frozen=True)
class Proposal:
    """The run a proposal produced (or found: same inputs), and the solver's answer if solved."""

    run: AllocationRun
    created: bool
    allocation: Allocation | None = None


@dataclass(frozen=True)
class Approval:
    run: AllocationRun
    superseded: AllocationRun | None
    credited_pence: int
    short_pence: int


def _quiet(_message: str) -> None:
    return None


def _no_bar(_length: int, _label: str) -> AbstractContextManager[Any]:
    return nullcontext(None)


def inputs_hash(
    framework: Framework,
    period: Period,
    score: ScoreRun,
    commissioner_id: int | None,
    policy: Policy,
    pot_pence: int,
) -> str:
    """SHA-256 of the canonical inputs: the same inputs always give the same hash."""
    inputs = {
        "framework": framework.id,
        "period": period.id,
        "score_run": score.id,
        "commissioner": commissioner_id,
        "policy": policy.as_json(),
        "pot_pence": pot_pence,
    }
    return hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()


def choose_commissioner(
    actor: User | None, framework: Framework, commissioner: Organisation | None
) -> Organisation | None:
    """Whose providers share the pot: the one named, the framework's owner, or the actor's own."""
    if commissioner is None and framework.owner is not None:
        commissioner = framework.owner
    if commissioner is None and actor is not None and not can(actor, "all_organisations"):
        mine = [o for o in actor.scope_orgs if o.kind == "commissioner"]
        if len(mine) != 1:
            raise DomainError("Choose the commissioner whose providers share the pot")
        commissioner = mine[0]
    if commissioner is not None:
        if commissioner.kind != "commissioner":
            raise DomainError(f"{commissioner.code} is not a commissioner")
        if actor is not None and not org_in_scope(actor, commissioner.id):
            raise NotFound("No such commissioner")
    return commissioner


def final_scores(framework: Framework, period: Period) -> ScoreRun:
    """The final score run rewards pay on; refused in words when the scores are not final."""
    score = current_final_run(framework, period)
    if score is None:
        latest = latest_run(framework.id, period.id)
        state = (
            f"version {latest.version} is provisional" if latest else "they have not been scored"
        )
        raise Conflict(
            f"The scores of {framework.code} for {period.label} are not final ({state}): "
            "finalise them before allocating rewards"
        )
    return score


def propose_run(
    actor: User | None,
    framework: Framework,
    period: Period,
    pot_pence: int,
    policy: Policy,
    *,
    commissioner: Organisation | None = None,
    echo: Echo = _quiet,
    bar: Bar | None = None,
) -> Proposal:
    """Solve the policy on the final scores and store the run (or the failure); flushes."""
    # a national run makes about a million short-lived acyclic objects: see collector_paused
    with collector_paused():
        return _propose(actor, framework, period, pot_pence, policy, commissioner, echo, bar)


def _propose(
    actor: User | None,
    framework: Framework,
    period: Period,
    pot_pence: int,
    policy: Policy,
    commissioner: Organisation | None,
    echo: Echo,
    bar: Bar | None,
) -> Proposal:
    started = perf_counter()
    if actor is not None and not can(actor, "manage_rewards"):
        raise Forbidden("Only finance users propose reward allocations")
    owner = choose_commissioner(actor, framework, commissioner)
    owner_id = owner.id if owner is not None else None
    score = final_scores(framework, period)
    digest = inputs_hash(framework, period, score, owner_id, policy, pot_pence)
    existing = live_run(digest)
    if existing is not None:
        return Proposal(existing, created=False)
    echo(f"Reading the final scores (version {score.version})")
    fields = fields_for(policy)
    rows = provider_batches(score.id, owner_id, fields)
    terms = columns_of_batches(rows, policy, pot_pence, fields)
    if not terms.keys:
        raise DomainError(f"No provider has final scores for {framework.code} {period.label}")
    run = AllocationRun(
        framework_id=framework.id,
        period_id=period.id,
        commissioner_id=owner_id,
        score_run_id=score.id,
        score_version=score.version,
        policy=policy.as_json(),
        pot_pence=pot_pence,
        inputs_hash=digest,
        live_hash=digest,
        status="proposed",
        recipient_count=len(terms.keys),
        created_by_id=actor.id if actor else None,
        created_at=utcnow(),
    )
    echo(f"Solving for {len(terms.keys):,} recipients")
    try:
        allocation = allocate_columns(
            terms.keys, terms.weights, terms.caps, terms.floors, terms.gates, pot_pence,
            time_limit(),
        )  # fmt: skip
    except InfeasibleAllocation as error:
        problems = [Problem("infeasible", reason) for reason in error.reasons]
        raise ValidationFailed(
            f"The allocation is infeasible: {error.reasons[0]}", problems
        ) from None
    except SolverFailed as error:
        run.status, run.live_hash, run.message = "failed", None, f"The solver failed: {error}"
        run.solver, run.seconds = "HiGHS via PuLP", round(perf_counter() - started, 3)
        _insert(run)
        audit.record(actor, "rewards.run_failed", "allocation_run", run.id, detail=run.message)
        return Proposal(run, created=True)
    run.solver, run.solve_seconds = allocation.solver, allocation.solve_seconds
    run.total_pence, run.exchange_rate = allocation.total_pence, allocation.exchange_rate
    run.objective_pence = sum(allocation.lp_amounts_pence)
    if not _insert(run):
        return Proposal(live_run(digest) or _missing(digest), created=False)
    echo(f"Storing {len(terms.keys):,} lines")
    _write_lines(run, terms, allocation, policy, bar)
    run.seconds = round(perf_counter() - started, 3)
    db.session.flush()
    audit.record(
        actor,
        "rewards.propose",
        "allocation_run",
        run.id,
        after={
            "framework": framework.code,
            "period": period.label,
            "pot_pence": pot_pence,
            "policy": run.policy,
            "score_version": score.version,
            "total_pence": run.total_pence,
        },
    )
    events.run_proposed(run, actor.id if actor else None)
    return Proposal(run, created=True, allocation=allocation)


def time_limit() -> float:
    """The solver's time limit in seconds (config REWARDS_SOLVER_TIME_LIMIT, default 60)."""
    if has_app_context():
        return float(current_app.config.get("REWARDS_SOLVER_TIME_LIMIT", 60))
    return 60.0


def live_run(digest: str) -> AllocationRun | None:
    return db.session.scalar(select(AllocationRun).where(AllocationRun.live_hash == digest))


def _missing(digest: str) -> AllocationRun:
    raise Conflict("An identical proposal was made at the same moment; reload and try again")


def _insert(run: AllocationRun) -> bool:
    """Add the run in a savepoint: False when an identical live run won the race."""
    try:
        with db.session.begin_nested():
            db.session.add(run)
            db.session.flush()
    except IntegrityError:
        return False
    return True


def _write_lines(
    run: AllocationRun, terms: Columns, allocation: Allocation, policy: Policy, bar: Bar | None
) -> None:
    paid, reasons, run_policy = allocation.amounts_pence, allocation.reasons, policy
    # plain tuples through the score run's chunk writer, made a chunk at a time (explanations
    # included): no dict or type processing per row, and never every row in memory at once
    rows = zip(
        repeat(run.id, len(paid)), terms.org_ids, map(str, terms.weights), terms.caps, terms.floors,
        map(str, terms.gates), paid, reasons, terms.breaches,
        explained(terms, paid, reasons, allocation.exchange_rate, run_policy), strict=True,
    )  # fmt: skip
    with (bar or _no_bar)(len(paid), "Storing lines") as progress:
        writer = ChunkWriter(AllocationLine.__table__, LINE_COLUMNS, progress)
        for chunk in batched(rows, CHUNK):
            writer.write(list(chunk))
    if run.by_service_line:
        ids = db.session.execute(
            select(AllocationLine.id, AllocationLine.organisation_id, AllocationLine.amount_pence)
            .where(AllocationLine.run_id == run.id)
            .order_by(AllocationLine.id)
        )
        write_splits(run, [(line, org, amount) for line, org, amount in ids])


def approval_refusal(actor: User, run: AllocationRun) -> DomainError | None:
    """Why the actor may not approve the run, or None: the approve button and service agree."""
    if not can(actor, "approve_rewards"):
        return Forbidden("Only a finance user can approve a reward allocation")
    if run.status != "proposed":
        why = {
            "failed": "it failed, so there is nothing to pay: propose a new run",
            "superseded": "it has been superseded by a later run",
            "approved": "it is already approved",
        }[run.status]
        return Conflict(f"Run {run.id} cannot be approved: {why}")
    if run.created_by_id is None:
        # maker-checker needs a named maker: a run nobody proposed by name is never paid
        return Conflict(f"Run {run.id} has no named proposer: a finance user must propose it again")
    if run.created_by_id == actor.id:
        return Forbidden(f"You proposed run {run.id}: another finance user must approve it")
    return None


def approve_run(actor: User, run: AllocationRun) -> Approval:
    """A second finance user approves a proposed run; it supersedes the approved one, if any."""
    refusal = approval_refusal(actor, run)
    if refusal is not None:
        raise refusal
    current = current_final_run(run.framework, run.period)
    if current is None or current.id != run.score_run_id:
        raise Conflict(
            f"Run {run.id} pays on score version {run.score_version}, which is no longer the "
            "final version: propose a new run"
        )
    previous = approved_run(run)
    now = utcnow()
    if previous is not None:
        previous.status, previous.superseded_at, previous.live_hash = "superseded", now, None
        db.session.flush()
        audit.record(
            actor,
            "rewards.supersede",
            "allocation_run",
            previous.id,
            before={"status": "approved"},
            after={"status": "superseded", "by_run": run.id},
        )
    run.status, run.approved_by_id, run.approved_at = "approved", actor.id, now
    run.supersedes_id = previous.id if previous is not None else None
    db.session.flush()
    credited = short = 0
    if run.by_service_line:
        credited, short = credit_service_lines(actor, run)
    audit.record(
        actor,
        "rewards.approve",
        "allocation_run",
        run.id,
        before={"status": "proposed"},
        after={
            "status": "approved",
            "supersedes": run.supersedes_id,
            "credited_pence": credited,
            "short_pence": short,
        },
    )
    return Approval(run, previous, credited, short)


def approved_run(run: AllocationRun) -> AllocationRun | None:
    """The approved run for the same framework, period and commissioner (another run)."""
    same = (
        AllocationRun.commissioner_id.is_(None)
        if run.commissioner_id is None
        else AllocationRun.commissioner_id == run.commissioner_id
    )
    return db.session.scalar(
        select(AllocationRun).where(
            AllocationRun.framework_id == run.framework_id,
            AllocationRun.period_id == run.period_id,
            same,
            AllocationRun.status == "approved",
            AllocationRun.id != run.id,
        )
    )


def get_run_or_404(run_id: int, user: Any) -> AllocationRun:
    """A run whose commissioner is in the user's scope (admin: any); otherwise NotFound."""
    run = db.session.get(AllocationRun, run_id)
    if run is None or user is None:
        raise NotFound("No such allocation run")
    if scope_org_ids(user) is not None and not org_in_scope(user, run.commissioner_id):
        raise NotFound("No such allocation run")
    return run
