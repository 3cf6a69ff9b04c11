"""Baseline assessments: start (commissioner), rate and submit (provider), return or accept."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from qframe.audit import services as audit
from qframe.audit.models import utcnow
from qframe.auth.permissions import can, in_scope_clause, org_in_scope, scope_org_ids
from qframe.errors import Conflict, Forbidden, NotFound, Problem, ValidationFailed
from qframe.extensions import db
from qframe.frameworks.models import Framework
from qframe.orgs.models import Organisation
from qframe.periods.labels import BadPeriod, parse_period

from .models import GOVERNANCE_AREAS, NAMING, RATINGS, Assessment, AssessmentItem

EVIDENCE_MAX = 4000


def _areas(org: Organisation, year: str) -> list[tuple[str, str]]:
    """The commissioner's published framework domains for the year, then the governance areas."""
    frameworks = db.session.scalars(
        select(Framework)
        .where(Framework.owner_id == org.parent_id, Framework.year == year)
        .where(Framework.status.in_(("published", "closed")))
        .order_by(Framework.code)
    )
    domains: dict[str, str] = {}
    for framework in frameworks:
        for d in framework.domains:
            domains.setdefault(f"domain:{d.title.lower()}", f"Domain: {d.title}")
    return [*domains.items(), *GOVERNANCE_AREAS]


def start_assessment(
    actor: Any, org: Organisation, year: str, due_on: date, today: date
) -> Assessment:
    """A commissioner asks a provider for its baseline assessment by a due date."""
    problems = []
    try:
        spec = parse_period(year)
        if spec.kind != "year":
            raise BadPeriod(year)
    except BadPeriod:
        problems.append(Problem("bad_year", "Give a financial year like 2026/27", None, "year"))
    if due_on < today:
        problems.append(Problem("past_due", "The due date is in the past", None, "due_on"))
    if not org.is_provider:
        problems.append(Problem("not_provider", f"{org.name} is not a provider", None, "org"))
    if problems:
        raise ValidationFailed("The assessment was not started", problems)
    open_one = db.session.scalar(
        select(Assessment).where(
            Assessment.organisation_id == org.id,
            Assessment.year == year,
            Assessment.status != "accepted",
        )
    )
    if open_one is not None:
        raise Conflict(f"{org.name} already has an open {year} assessment ({open_one.status})")
    assessment = Assessment(
        organisation_id=org.id, year=year, due_on=due_on, status="draft", created_by_id=actor.id
    )
    db.session.add(assessment)
    db.session.flush()
    for i, (area, label) in enumerate(_areas(org, year)):
        db.session.add(
            AssessmentItem(assessment_id=assessment.id, position=i, area=area, label=label)
        )
    db.session.flush()
    audit.record(
        actor,
        "assessment.start",
        "assessment",
        assessment.id,
        after={"organisation": org.code, "year": year, "due_on": due_on.isoformat()},
    )
    return assessment


def save_items(actor: Any, assessment: Assessment, rows: dict[str, dict[str, str]]) -> None:
    """Ratings, evidence and named services by area; every problem reported, nothing saved."""
    if not assessment.editable:
        raise Conflict(f"This assessment is {assessment.status}: it cannot be changed")
    problems = []
    known = {item.area for item in assessment.items}
    for area in sorted(set(rows) - known):
        problems.append(
            Problem("unknown_area", f"{area!r} is not an area of this assessment", None, "area")
        )
    for n, item in enumerate(assessment.items, start=1):
        row = rows.get(item.area, {})
        rating = row.get("rating", "").strip()
        evidence, named = row.get("evidence", "").strip(), row.get("named", "").strip()
        if rating and rating not in RATINGS:
            problems.append(
                Problem(
                    "bad_rating", f"{item.label}: choose one of {', '.join(RATINGS)}", n, "rating"
                )
            )
        if rating in NAMING and not named:
            problems.append(
                Problem(
                    "name_services",
                    f"{item.label}: name the services or areas that are {rating}",
                    n,
                    "named",
                )
            )
        if len(evidence) > EVIDENCE_MAX or len(named) > EVIDENCE_MAX:
            problems.append(
                Problem(
                    "too_long", f"{item.label}: at most {EVIDENCE_MAX} characters", n, "evidence"
                )
            )
    if problems:
        raise ValidationFailed("Nothing was saved", problems)
    before = {i.area: i.rating for i in assessment.items}
    for item in assessment.items:
        given = rows.get(item.area)
        if given is not None:
            item.rating = given.get("rating", "").strip() or None
            item.evidence = given.get("evidence", "").strip()
            item.named = given.get("named", "").strip()
    db.session.flush()
    audit.record(
        actor,
        "assessment.save",
        "assessment",
        assessment.id,
        before=before,
        after={i.area: i.rating for i in assessment.items},
    )


def submit_assessment(actor: Any, assessment: Assessment) -> None:
    """The provider submits: every area rated with evidence."""
    if not assessment.editable:
        raise Conflict(f"This assessment is {assessment.status}: it cannot be submitted")
    problems = [
        Problem(
            "incomplete",
            f"{item.label}: rate it and give the evidence",
            n,
            "rating" if not item.rating else "evidence",
        )
        for n, item in enumerate(assessment.items, start=1)
        if not item.rating or not item.evidence
    ]
    if problems:
        raise ValidationFailed("The assessment is not complete", problems)
    assessment.status, assessment.submitted_by_id, assessment.submitted_at = (
        "submitted",
        actor.id,
        utcnow(),
    )
    db.session.flush()
    audit.record(
        actor, "assessment.submit", "assessment", assessment.id, after={"status": "submitted"}
    )


def review_assessment(actor: Any, assessment: Assessment, accept: bool, note: str) -> None:
    """The commissioner accepts (fixing it) or returns it with a note saying what to change."""
    if not can(actor, "review_assessments"):
        raise Forbidden("Only a commissioner reviews a baseline assessment")
    if assessment.status != "submitted":
        raise Conflict(f"This assessment is {assessment.status}: only a submitted one is reviewed")
    note = note.strip()
    if not accept and not note:
        raise ValidationFailed(
            "Say what to change", [Problem("note_required", "Say what to change", None, "note")]
        )
    assessment.status = "accepted" if accept else "returned"
    assessment.reviewed_by_id, assessment.reviewed_at, assessment.review_note = (
        actor.id,
        utcnow(),
        note,
    )
    db.session.flush()
    audit.record(
        actor,
        "assessment.accept" if accept else "assessment.return",
        "assessment",
        assessment.id,
        before={"status": "submitted"},
        after={"status": assessment.status, "note": note},
    )


def assessments_in_scope(user: Any) -> list[Assessment]:
    """Assessments of organisations in the user's scope, newest first."""
    query = select(Assessment).order_by(Assessment.year.desc(), Assessment.id.desc())
    if scope_org_ids(user) is not None:
        query = query.where(in_scope_clause(Assessment.organisation_id, user))
    return list(db.session.scalars(query))


def get_assessment_or_404(assessment_id: int, user: Any) -> Assessment:
    """An assessment of an organisation in scope; otherwise NotFound."""
    found = db.session.get(Assessment, assessment_id)
    if found is None or not org_in_scope(user, found.organisation_id):
        raise NotFound("No such assessment")
    return found
