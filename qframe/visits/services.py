"""Schedule and record governance visits; each recommendation becomes a development-plan action."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select

from qframe.audit import services as audit
from qframe.auth.permissions import in_scope_clause, org_in_scope, scope_org_ids
from qframe.devplans.models import DevelopmentPlan
from qframe.devplans.services import add_action
from qframe.errors import Conflict, NotFound, Problem, ValidationFailed
from qframe.extensions import db
from qframe.orgs.models import Organisation

from .models import CYCLE_YEARS, Recommendation, Visit


def _refuse(code: str, message: str, column: str) -> None:
    raise ValidationFailed(message, [Problem(code, message, None, column)])


def schedule_visit(actor: Any, commissioner: Organisation, planned_on: date, today: date) -> Visit:
    """Plan a visit; a planned visit cannot be in the past (record it as done instead)."""
    if commissioner.kind != "commissioner":
        _refuse("not_system", f"{commissioner.name} is not a local health system", "commissioner")
    if planned_on < today:
        _refuse(
            "past_planned", "A visit in the past cannot be planned: record it as done", "planned_on"
        )
    visit = Visit(
        commissioner_id=commissioner.id,
        planned_on=planned_on,
        created_by_id=actor.id if actor is not None else None,
    )
    db.session.add(visit)
    db.session.flush()
    audit.record(
        actor, "visits.schedule", "visit", visit.id, after={"planned_on": planned_on.isoformat()}
    )
    return visit


def record_visit(actor: Any, visit: Visit, visited_on: date, findings: str, today: date) -> None:
    """Record a planned visit as done, on a date not in the future, with its findings."""
    if visit.status == "done":
        raise Conflict("This visit is already recorded")
    if visited_on > today:
        _refuse("future_visit", "A visit cannot be recorded as done on a future date", "visited_on")
    if not findings.strip():
        _refuse("required", "Give the findings", "findings")
    visit.status, visit.visited_on, visit.findings = "done", visited_on, findings.strip()
    db.session.flush()
    audit.record(
        actor, "visits.record", "visit", visit.id, after={"visited_on": visited_on.isoformat()}
    )


def recommend(
    actor: Any, visit: Visit, provider: Organisation, text: str, owner: str, due_on: date
) -> Recommendation:
    """A recommendation to one of the system's providers, added to its running development plan."""
    problems = []
    if visit.status != "done":
        problems.append(
            Problem("not_done", "Record the visit before its recommendations", None, "visit")
        )
    if provider.parent_id != visit.commissioner_id or not provider.is_provider:
        problems.append(
            Problem(
                "not_in_system",
                f"{provider.name} is not a provider of this system",
                None,
                "provider",
            )
        )
    if not text.strip():
        problems.append(Problem("required", "Give the recommendation", None, "text"))
    if not owner.strip():
        problems.append(Problem("required", "Name the owner", None, "owner"))
    plan = db.session.scalar(
        select(DevelopmentPlan)
        .where(DevelopmentPlan.organisation_id == provider.id, DevelopmentPlan.ends_on >= due_on)
        .order_by(DevelopmentPlan.id.desc())
    )
    if plan is None:
        problems.append(
            Problem(
                "no_plan",
                f"{provider.name} has no development plan running to {due_on}",
                None,
                "due_on",
            )
        )
    if problems:
        raise ValidationFailed("The recommendation was not added", problems)
    assert plan is not None  # noqa: S101 - refused above
    action = add_action(actor, plan, text.strip()[:300], owner.strip()[:200], due_on)
    rec = Recommendation(
        visit_id=visit.id,
        organisation_id=provider.id,
        text=text.strip()[:300],
        owner=owner.strip()[:200],
        due_on=due_on,
        action_id=action.id,
    )
    db.session.add(rec)
    db.session.flush()
    audit.record(actor, "visits.recommend", "recommendation", rec.id, after={"action": action.id})
    return rec


@dataclass(frozen=True)
class Cycle:
    """A local health system's place in the three-yearly cycle."""

    commissioner: Organisation
    last_visit: date | None
    next_due: date | None  # None: never visited, due now
    planned: date | None
    overdue: bool  # due (or never visited) and no visit planned


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def cycles(user: Any, today: date) -> list[Cycle]:
    """Every local health system in scope: last visit, next due, planned visit, overdue flag."""
    query = select(Organisation).where(Organisation.kind == "commissioner")
    if scope_org_ids(user) is not None:
        query = query.where(in_scope_clause(Organisation.id, user))
    out = []
    for org in db.session.scalars(query.order_by(Organisation.name)):
        visits = list(db.session.scalars(select(Visit).where(Visit.commissioner_id == org.id)))
        done = [v.visited_on for v in visits if v.visited_on is not None]
        planned = min((v.planned_on for v in visits if v.status == "planned"), default=None)
        last = max(done, default=None)
        due = _add_years(last, CYCLE_YEARS) if last else None
        late = (due is None or due < today) and planned is None
        out.append(Cycle(org, last, due, planned, late))
    return out


def visits_in_scope(user: Any) -> list[Visit]:
    query = select(Visit).order_by(Visit.planned_on.desc())
    if scope_org_ids(user) is not None:
        query = query.where(in_scope_clause(Visit.commissioner_id, user))
    return list(db.session.scalars(query))


def get_visit_or_404(visit_id: int, user: Any) -> Visit:
    visit = db.session.get(Visit, visit_id)
    if visit is None or not org_in_scope(user, visit.commissioner_id):
        raise NotFound("No such visit")
    return visit
