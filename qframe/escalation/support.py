"""Support for providers at levels 2–3: buddies and improvement packages within a budget."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import select

from qframe.audit import services as audit
from qframe.audit.models import utcnow
from qframe.errors import Conflict, DomainError, NotFound, Problem, ValidationFailed
from qframe.extensions import db
from qframe.frameworks.models import Framework
from qframe.optimiser import (
    Mentor,
    Needing,
    OptimiserError,
    Package,
    match_buddies,
    plan_improvement_support,
)
from qframe.orgs.models import Organisation

from .models import SupportRecord
from .rules import DEFAULT_BUDDY_LIMIT, DEFAULT_BUDGET_PENCE, packages_for, settings_for
from .services import ladder
from .signals import ProviderPeriod, gather, indicator_facts, provider_of

ACCOUNTABILITY = (
    "Accountability for the quality of care stays with each supported provider's own board. "
    "Buddies and support packages help the board improve; they do not take over its decisions."
)
WEAK_SHARE = 0.5  # below half the points available, an indicator counts as weak
STRONG_SHARE = 0.9  # at 90% of the points or more (and no flag or breach), as strong


def _weak(facts: ProviderPeriod) -> frozenset[str]:
    low = {c for c, (got, top) in facts.points.items() if top > 0 and got < WEAK_SHARE * top}
    return frozenset(low | facts.alerts | facts.alarms | {c for c, _ in facts.breaches})


def _strong(facts: ProviderPeriod) -> frozenset[str]:
    high = {c for c, (got, top) in facts.points.items() if top > 0 and got >= STRONG_SHARE * top}
    return frozenset(high - _weak(facts))


def _shortfall(facts: ProviderPeriod) -> Decimal:
    return Decimal(str(sum(max(top - got, 0.0) for got, top in facts.points.values())))


def propose_support(actor: Any, framework: Framework) -> SupportRecord:
    """Propose buddies and packages for the latest period's providers at levels 2–3."""
    period, rows = ladder(framework)
    if period is None:
        raise DomainError("Run the ladder first: there are no decisions to base support on")
    needing_rows = [r for r in rows if r.decision.level >= 2]
    if not needing_rows:
        raise DomainError(
            f"No provider needs enhanced or intensive support in {period.label}: no plan needed"
        )
    record = db.session.scalar(
        select(SupportRecord).where(
            SupportRecord.framework_id == framework.id, SupportRecord.period_id == period.id
        )
    )
    if record is not None and record.is_accepted:
        raise Conflict(f"The support plan for {period.label} is already accepted")
    settings = settings_for(framework)
    budget = settings.support_budget_pence if settings else DEFAULT_BUDGET_PENCE
    k = settings.buddy_limit if settings else DEFAULT_BUDDY_LIMIT
    offered = packages_for(settings)
    run_ids = sorted({r.decision.run_id for r in rows if r.decision.run_id is not None})
    facts_by_run = gather(run_ids, indicator_facts(framework), provider_of())

    def facts(row: Any) -> ProviderPeriod:
        return facts_by_run.get(row.decision.run_id, {}).get(row.organisation.id, ProviderPeriod())

    parent = {r.organisation.id: str(r.organisation.parent_id) for r in rows}
    needing = [
        Needing(str(r.organisation.id), parent[r.organisation.id], _weak(facts(r)))
        for r in needing_rows
    ]
    mentors = [
        Mentor(str(r.organisation.id), parent[r.organisation.id], _strong(facts(r)))
        for r in rows
        if r.decision.level < 2  # anyone not needing enhanced support may be a buddy
    ]
    packages = [
        Package(
            str(r.organisation.id),
            p["id"],
            int(p["cost_pence"]),
            float(min(Decimal(p["gain"]), _shortfall(facts(r)))),
        )
        for r in needing_rows
        for p in offered
    ]
    try:
        pairs = {p.org: p for p in match_buddies(needing, mentors, k)}
        plan = plan_improvement_support(packages, budget)
    except OptimiserError as error:
        raise DomainError(f"Support could not be planned: {error}") from error
    bought = {p.recipient: p for p in plan.chosen}
    by_id = {p["id"]: p for p in offered}
    assignments = []
    for row, need in zip(needing_rows, needing, strict=True):
        pair, package = pairs.get(need.org), bought.get(need.org)
        assignments.append(
            {
                "org_id": row.organisation.id,
                "level": row.decision.level,
                "weak": sorted(need.weak_indicators),
                "buddy_id": int(pair.buddy) if pair else None,
                "shared": list(pair.shared_indicators) if pair else [],
                "package_id": package.package_id if package else None,
                "package_name": by_id[package.package_id]["name"] if package else None,
                "cost_pence": package.cost_pence if package else 0,
                "gain": str(package.expected_gain) if package else "0",
            }
        )
    if record is None:
        record = SupportRecord(framework_id=framework.id, period_id=period.id)
        db.session.add(record)
    record.status = "proposed"
    record.budget_pence, record.buddy_limit = budget, k
    record.assignments = assignments
    record.total_cost_pence = plan.total_cost_pence
    record.accountability = ACCOUNTABILITY
    record.solver_note = f"{plan.status} ({plan.solver})"
    record.proposed_by_id = getattr(actor, "id", None)
    record.proposed_at = utcnow()
    db.session.flush()
    audit.record(
        actor,
        "escalation.support_proposed",
        "support_record",
        record.id,
        after={
            "period": period.label,
            "assignments": assignments,
            "total_cost_pence": plan.total_cost_pence,
        },
    )
    return record


def edit_support(
    actor: Any, framework: Framework, record: SupportRecord, choices: dict[int, tuple[Any, Any]]
) -> SupportRecord:
    """Change buddies and packages of a proposed plan; refuse self-buddies and overspending."""
    if record.is_accepted:
        raise Conflict("This support plan is accepted and cannot change")
    offered = {p["id"]: p for p in packages_for(settings_for(framework))}
    supported = {a["org_id"] for a in record.assignments}
    _period, rows = ladder(framework, record.period)
    candidates = {r.organisation.id for r in rows} - supported
    problems: list[Problem] = []
    new = []
    for a in record.assignments:
        buddy, package = choices.get(a["org_id"], (a["buddy_id"], a["package_id"]))
        if buddy is not None and buddy not in candidates:
            problems.append(
                Problem(
                    "bad_buddy",
                    "A buddy must be another provider on the ladder "
                    "that is not itself being supported",
                    column=f"buddy_{a['org_id']}",
                )
            )
        if package is not None and package not in offered:
            problems.append(
                Problem(
                    "bad_package",
                    "Choose one of the packages offered",
                    column=f"package_{a['org_id']}",
                )
            )
        chosen = offered.get(package) if package is not None else None
        new.append(
            {
                **a,
                "buddy_id": buddy,
                "shared": a["shared"] if buddy == a["buddy_id"] else [],
                "package_id": package,
                "package_name": chosen["name"] if chosen else None,
                "cost_pence": int(chosen["cost_pence"]) if chosen else 0,
                "gain": chosen["gain"] if chosen else "0",
            }
        )
    loads: dict[int, int] = {}
    for a in new:
        if a["buddy_id"] is not None:
            loads[a["buddy_id"]] = loads.get(a["buddy_id"], 0) + 1
    if any(n > record.buddy_limit for n in loads.values()):
        problems.append(
            Problem("buddy_limit", f"A buddy may support at most {record.buddy_limit} providers")
        )
    total = sum(a["cost_pence"] for a in new)
    if total > record.budget_pence:
        problems.append(
            Problem(
                "over_budget",
                f"The packages cost £{total / 100:,.2f}, more than "
                f"the support budget of £{record.budget_pence / 100:,.2f}",
            )
        )
    if problems:
        raise ValidationFailed("The support plan was not changed", problems)
    before = list(record.assignments)
    record.assignments, record.total_cost_pence = new, total
    db.session.flush()
    audit.record(
        actor,
        "escalation.support_edited",
        "support_record",
        record.id,
        before={"assignments": before},
        after={"assignments": new},
    )
    return record


def accept_support(actor: Any, record: SupportRecord) -> SupportRecord:
    """Accept a proposed plan; from then on it is a record and never changes."""
    if record.is_accepted:
        raise Conflict("This support plan is already accepted")
    record.status = "accepted"
    record.accepted_by_id = getattr(actor, "id", None)
    record.accepted_at = utcnow()
    db.session.flush()
    audit.record(
        actor,
        "escalation.support_accepted",
        "support_record",
        record.id,
        after={
            "total_cost_pence": record.total_cost_pence,
            "accountability": record.accountability,
        },
    )
    return record


def support_records(framework: Framework) -> list[SupportRecord]:
    return list(
        db.session.scalars(
            select(SupportRecord)
            .where(SupportRecord.framework_id == framework.id)
            .order_by(SupportRecord.id.desc())
        )
    )


def get_support_or_404(framework: Framework, record_id: int) -> SupportRecord:
    record = db.session.get(SupportRecord, record_id)
    if record is None or record.framework_id != framework.id:
        raise NotFound("No such support plan")
    return record


def org_names(ids: set[int]) -> dict[int, Organisation]:
    if not ids:
        return {}
    return {
        o.id: o for o in db.session.scalars(select(Organisation).where(Organisation.id.in_(ids)))
    }
