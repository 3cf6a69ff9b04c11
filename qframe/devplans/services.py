"""Development plans: import actions and milestones (all or nothing), sign off, status."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select

from qframe.audit import services as audit
from qframe.audit.models import utcnow
from qframe.auth.permissions import in_scope_clause, org_in_scope, scope_org_ids
from qframe.commitments.services import _readings
from qframe.commitments.status import commitment_status, target_problem
from qframe.csvio import parse_decimal, read_csv
from qframe.errors import Conflict, NotFound, Problem, ValidationFailed
from qframe.extensions import db
from qframe.frameworks.models import Framework, Indicator
from qframe.orgs.models import Organisation

from .models import DevelopmentPlan, Milestone, PlanAction

REQUIRED = ("action", "owner", "milestone", "due_on")
OPTIONAL = ("indicator", "baseline", "target")


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _indicators(org: Organisation) -> dict[str, Indicator]:
    rows = db.session.scalars(
        select(Indicator)
        .join(Framework, Framework.id == Indicator.framework_id)
        .where(Framework.owner_id == org.parent_id, Framework.status != "draft")
        .order_by(Framework.id)
    )
    return {i.code: i for i in rows}  # the latest framework's indicator wins


def _row(n: int, row: dict[str, str], plan: dict[str, Any], known: dict[str, Indicator]):
    problems = []
    due = _date(row["due_on"])
    if due is None:
        problems.append(Problem("bad_date", "Give the due date as YYYY-MM-DD", n, "due_on"))
    elif due > plan["ends_on"]:
        problems.append(
            Problem("after_plan", f"Due after the plan ends ({plan['ends_on']})", n, "due_on")
        )
    for column in ("action", "owner", "milestone"):
        if not row[column]:
            problems.append(Problem("required", f"Give the {column}", n, column))
    indicator = None
    if row.get("indicator"):
        indicator = known.get(row["indicator"])
        if indicator is None:
            problems.append(
                Problem(
                    "unknown_indicator",
                    f"No indicator {row['indicator']!r} in this commissioner's frameworks",
                    n,
                    "indicator",
                )
            )
        base, target = parse_decimal(row.get("baseline", "")), parse_decimal(row.get("target", ""))
        for column, value in (("baseline", base), ("target", target)):
            if value is None:
                problems.append(Problem("bad_number", f"Give the {column} as a number", n, column))
        if indicator is not None and base is not None and target is not None:
            why = target_problem(indicator.polarity, float(base), float(target))
            if why:
                problems.append(Problem("not_improvement", why, n, "target"))
    else:
        base = target = None
    return problems, (row["action"], row["owner"], row["milestone"], due, indicator, base, target)


def import_plan(
    actor: Any, org: Organisation, title: str, starts_on: date, ends_on: date, data: bytes
) -> DevelopmentPlan:
    """A plan from a CSV of milestones (one row each, grouped into actions by name)."""
    table, problems = read_csv(data, required=REQUIRED, optional=OPTIONAL, max_rows=2000)
    if ends_on <= starts_on:
        problems.append(Problem("bad_dates", "The plan must end after it starts", None, "ends_on"))
    known = _indicators(org)
    parsed = []
    for n, row in table.rows:
        found, values = _row(n, row, {"ends_on": ends_on}, known)
        problems += found
        parsed.append(values)
    if not table.rows and not problems:
        problems.append(Problem("empty", "The file has no milestones", None, None))
    if problems:
        raise ValidationFailed("The plan was not imported: nothing was saved", problems)
    plan = DevelopmentPlan(
        organisation_id=org.id,
        title=title,
        starts_on=starts_on,
        ends_on=ends_on,
        created_by_id=actor.id if actor is not None else None,
    )
    db.session.add(plan)
    db.session.flush()
    actions: dict[tuple[str, str], PlanAction] = {}
    for action, owner, title_, due, indicator, base, target in parsed:
        a = actions.get((action, owner))
        if a is None:
            a = actions[(action, owner)] = PlanAction(plan_id=plan.id, title=action, owner=owner)
            db.session.add(a)
            db.session.flush()
        db.session.add(
            Milestone(
                action_id=a.id,
                title=title_,
                due_on=due,
                baseline=base,
                target=target,
                indicator_id=indicator.id if indicator else None,
            )
        )
    db.session.flush()
    audit.record(
        actor,
        "devplans.import",
        "development_plan",
        plan.id,
        after={"organisation": org.code, "actions": len(actions), "milestones": len(parsed)},
    )
    return plan


def add_action(
    actor: Any, plan: DevelopmentPlan, title: str, owner: str, due_on: date
) -> PlanAction:
    """One action with one evidence milestone (e.g. a visit's recommendation)."""
    if due_on > plan.ends_on:
        raise ValidationFailed(
            "Not added", [Problem("after_plan", "Due after the plan ends", None, "due_on")]
        )
    action = PlanAction(plan_id=plan.id, title=title, owner=owner)
    db.session.add(action)
    db.session.flush()
    db.session.add(Milestone(action_id=action.id, title=title, due_on=due_on))
    db.session.flush()
    audit.record(actor, "devplans.add_action", "plan_action", action.id, after={"owner": owner})
    return action


def sign_off(actor: Any, milestone: Milestone, signed_by: str, evidence: str) -> None:
    """Record the evidence and the named person who signed the milestone off (once)."""
    if milestone.indicator_id is not None:
        raise Conflict("This milestone is measured by its indicator: it is not signed off")
    if milestone.signed_off_at is not None:
        raise Conflict("This milestone is already signed off")
    problems = []
    if not signed_by.strip():
        problems.append(
            Problem("required", "Name the person signing it off", None, "signed_off_by")
        )
    if not evidence.strip():
        problems.append(
            Problem(
                "required", "Give the evidence (a note or document reference)", None, "evidence"
            )
        )
    if problems:
        raise ValidationFailed("Not signed off", problems)
    milestone.signed_off_by, milestone.evidence = signed_by.strip()[:200], evidence.strip()
    milestone.signed_off_at, milestone.recorded_by_id = utcnow(), actor.id
    db.session.flush()
    audit.record(
        actor,
        "devplans.sign_off",
        "milestone",
        milestone.id,
        after={"signed_off_by": milestone.signed_off_by},
    )


@dataclass(frozen=True)
class _Key:
    organisation_id: int
    indicator_id: int


def statuses(plan: DevelopmentPlan, today: date) -> dict[int, str]:
    """Each milestone's status: from the data when indicator-linked, else signed off or not."""
    linked = [m for a in plan.actions for m in a.milestones if m.indicator_id is not None]
    readings = _readings([_Key(plan.organisation_id, m.indicator_id) for m in linked])  # type: ignore[misc, arg-type]
    out = {}
    for a in plan.actions:
        for m in a.milestones:
            if m.indicator is not None and m.baseline is not None and m.target is not None:
                got = next(
                    (
                        readings[k]
                        for kind in ("quarter", "month", "year")
                        if (k := (plan.organisation_id, m.indicator.id, kind)) in readings
                    ),
                    [],
                )
                out[m.id] = commitment_status(
                    m.indicator.polarity,
                    float(m.baseline),
                    float(m.target),
                    plan.starts_on,
                    m.due_on,
                    got,
                )
            elif m.signed_off_at is not None:
                out[m.id] = "signed off"
            else:
                out[m.id] = "overdue" if m.due_on < today else "open"
    return out


def progress_words(plan: DevelopmentPlan, today: date) -> str:
    """Progress in plain words, for the annual report."""
    counts: dict[str, int] = {}
    for status in statuses(plan, today).values():
        counts[status] = counts.get(status, 0) + 1
    total = sum(counts.values())
    done = counts.get("signed off", 0) + counts.get("met", 0)
    late = counts.get("overdue", 0) + counts.get("missed", 0)
    words = f"{done} of {total} milestones done"
    if late:
        words += f", {late} overdue or missed"
    if counts.get("at risk"):
        words += f", {counts['at risk']} at risk"
    return words + "."


def plans_in_scope(user: Any) -> list[DevelopmentPlan]:
    query = select(DevelopmentPlan).order_by(DevelopmentPlan.id.desc())
    if scope_org_ids(user) is not None:
        query = query.where(in_scope_clause(DevelopmentPlan.organisation_id, user))
    return list(db.session.scalars(query))


def get_plan_or_404(plan_id: int, user: Any) -> DevelopmentPlan:
    plan = db.session.get(DevelopmentPlan, plan_id)
    if plan is None or not org_in_scope(user, plan.organisation_id):
        raise NotFound("No such development plan")
    return plan


def get_milestone_or_404(plan: DevelopmentPlan, milestone_id: int) -> Milestone:
    m = db.session.get(Milestone, milestone_id)
    if m is None or m.action.plan_id != plan.id:
        raise NotFound("No such milestone")
    return m
