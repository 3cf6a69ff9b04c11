"""Appraisal use cases: the yearly record, objectives, development plan, sign-off, audited views."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from qframe.appraisal import rules
from qframe.appraisal.models import Appraisal, Objective, PdpItem, StaffMember
from qframe.appraisal.services import find_colleague
from qframe.audit import services as audit
from qframe.audit.models import utcnow
from qframe.auth.staff_access import is_manager
from qframe.errors import Conflict, Forbidden, Immutable, Problem, ValidationFailed
from qframe.extensions import db
from qframe.frameworks.models import Framework, Indicator
from qframe.periods.labels import BadPeriod, parse_period

EDITABLE_STATUSES = ("not_started", "scheduled", "completed")


@dataclass(frozen=True)
class AppraisalInput:
    year: str
    appraiser_number: str
    due_date: date
    meeting_date: date | None = None
    status: str = "not_started"
    summary: str = ""


def _fail(column: str, message: str, code: str = "invalid") -> ValidationFailed:
    return ValidationFailed(message, [Problem(code, message, None, column)])


def save_appraisal(
    actor: Any,
    staff: StaffMember,
    data: AppraisalInput,
    appraisal: Appraisal | None = None,
    *,
    expected_version: int | None = None,
    today: date | None = None,
) -> Appraisal:
    """Create (appraisal=None) or update a year's appraisal; signed-off ones never change."""
    today = today or date.today()
    if appraisal is not None:
        _check_editable(appraisal, expected_version)
    problems: list[Problem] = []

    def problem(column: str, message: str) -> None:
        problems.append(Problem("invalid", message, None, column))

    year = appraisal.year if appraisal is not None else data.year.strip()
    try:
        spec = parse_period(year)
        if spec.kind != "year":
            raise BadPeriod(year)
    except BadPeriod:
        problem("year", "Enter a financial year such as 2025/26")
        spec = None
    if appraisal is None and spec is not None:
        exists = db.session.scalar(
            select(Appraisal.id).where(Appraisal.staff_id == staff.id, Appraisal.year == year)
        )
        if exists:
            problem("year", f"{staff.name} already has an appraisal for {year}")
    appraiser = find_colleague(data.appraiser_number, staff.service_line.parent_id or 0)
    if appraiser is None:
        problem(
            "appraiser_number", f"No staff member {data.appraiser_number.strip()} in this trust"
        )
    elif appraiser.id == staff.id:
        problem("appraiser_number", "The appraiser cannot be the person being appraised")
    if data.status not in EDITABLE_STATUSES:
        problem("status", "Choose not started, scheduled or completed (sign-off comes after)")
    if spec is not None:
        for column, message in rules.appraisal_date_problems(
            today=today,
            year_start=spec.start,
            year_end=spec.end,
            staff_start=staff.start_date,
            due=data.due_date,
            meeting=data.meeting_date,
            status=data.status,
        ):
            problem(column, message)
    if problems:
        raise ValidationFailed("The appraisal was not saved", problems)
    before = None if appraisal is None else _snapshot(appraisal)
    old_summary = None if appraisal is None else appraisal.summary
    if appraisal is None:
        appraisal = Appraisal(staff=staff, year=year)
        db.session.add(appraisal)
    appraisal.appraiser = appraiser  # type: ignore[assignment]
    appraisal.due_date, appraisal.meeting_date = data.due_date, data.meeting_date
    appraisal.status, appraisal.summary = data.status, data.summary.strip() or None
    if before is not None and (before != _snapshot(appraisal) or old_summary != appraisal.summary):
        _clear_signatures(appraisal)
    db.session.flush()
    audit.record(
        actor,
        "appraisal.create" if before is None else "appraisal.update",
        "appraisal",
        appraisal.id,
        before=before,
        after=_snapshot(appraisal),
    )
    return appraisal


def add_objective(
    actor: Any, appraisal: Appraisal, text: str, indicator_id: int | None, target: Decimal | None
) -> Objective:
    """An objective, optionally tied to an indicator of a framework for the same year."""
    _check_editable(appraisal, None)
    text = text.strip()
    if not text:
        raise _fail("text", "Describe the objective", "required")
    indicator = None
    if indicator_id is not None:
        indicator = db.session.get(Indicator, indicator_id)
        if indicator is None or indicator.framework.status == "draft":
            raise _fail("indicator_id", "Choose an indicator of a published framework")
        framework: Framework = indicator.framework
        if framework.year != appraisal.year:
            raise _fail(
                "indicator_id",
                f"{indicator.code} belongs to {framework.title} for {framework.year}; "
                f"this appraisal is for {appraisal.year}",
                "wrong_year",
            )
    if target is not None and indicator is None:
        raise _fail("target", "A target needs an indicator to measure it against")
    objective = Objective(appraisal=appraisal, text=text, indicator=indicator, target=target)
    db.session.add(objective)
    _clear_signatures(appraisal)
    db.session.flush()
    audit.record(
        actor, "appraisal.objective_add", "appraisal", appraisal.id, detail=f"#{objective.id}"
    )
    return objective


def remove_objective(actor: Any, objective: Objective) -> None:
    appraisal = objective.appraisal
    _check_editable(appraisal, None)
    db.session.delete(objective)
    _clear_signatures(appraisal)
    db.session.flush()
    audit.record(
        actor, "appraisal.objective_remove", "appraisal", appraisal.id, detail=f"#{objective.id}"
    )


def add_pdp_item(
    actor: Any, appraisal: Appraisal, learning_need: str, activity: str, due: date | None
) -> PdpItem:
    _check_editable(appraisal, None)
    if not learning_need.strip():
        raise _fail("learning_need", "Describe the learning need", "required")
    if not activity.strip():
        raise _fail("activity", "Describe the activity that meets it", "required")
    date_problems = rules.pdp_date_problems(parse_period(appraisal.year).start, due)
    if date_problems:
        raise _fail(*date_problems[0], "bad_date")
    item = PdpItem(
        appraisal=appraisal, learning_need=learning_need.strip(), activity=activity.strip(), due=due
    )
    db.session.add(item)
    _clear_signatures(appraisal)
    db.session.flush()
    audit.record(actor, "appraisal.pdp_add", "appraisal", appraisal.id, detail=f"#{item.id}")
    return item


def set_pdp_done(actor: Any, item: PdpItem, done: bool) -> PdpItem:
    """Ticking an activity off is progress, not a change of the agreed plan: no re-signing."""
    before = item.done
    item.done = done
    db.session.flush()
    audit.record(
        actor,
        "appraisal.pdp_done",
        "appraisal",
        item.appraisal_id,
        before={"done": before},
        after={"done": done},
        detail=f"#{item.id}",
    )
    return item


def remove_pdp_item(actor: Any, item: PdpItem) -> None:
    appraisal = item.appraisal
    _check_editable(appraisal, None)
    db.session.delete(item)
    _clear_signatures(appraisal)
    db.session.flush()
    audit.record(actor, "appraisal.pdp_remove", "appraisal", appraisal.id, detail=f"#{item.id}")


def sign_appraisal(actor: Any, appraisal: Appraisal, party: str) -> Appraisal:
    """Sign as appraisee or appraiser; with both signatures the appraisal is signed off.

    The appraisee signs through their linked account; a manager records a paper signature
    only for someone without one. The appraiser signs through their account or a manager.
    """
    if appraisal.status != "completed":
        raise Conflict("Only a completed appraisal can be signed")
    staff = appraisal.staff
    own = staff.user_id is not None and staff.user_id == actor.id
    if party == "appraisee":
        if appraisal.appraisee_signed_at is not None:
            raise Conflict("The appraisee has already signed")
        if not own and (staff.user_id is not None or not is_manager(actor)):
            raise Forbidden("Only the appraisee can sign as the appraisee")
        appraisal.appraisee_signed_at, appraisal.appraisee_signed_by_id = utcnow(), actor.id
    elif party == "appraiser":
        if appraisal.appraiser_signed_at is not None:
            raise Conflict("The appraiser has already signed")
        is_appraiser = appraisal.appraiser.user_id == actor.id
        if own or not (is_appraiser or is_manager(actor)):
            raise Forbidden("Only the appraiser or a manager can sign as the appraiser")
        appraisal.appraiser_signed_at, appraisal.appraiser_signed_by_id = utcnow(), actor.id
    else:
        raise _fail("party", "Sign as the appraisee or the appraiser")
    if appraisal.appraisee_signed_at and appraisal.appraiser_signed_at:
        appraisal.status = "signed_off"
    db.session.flush()
    audit.record(
        actor,
        "appraisal.sign",
        "appraisal",
        appraisal.id,
        after={"party": party, "status": appraisal.status},
    )
    return appraisal


def record_view(actor: Any, appraisal: Appraisal) -> None:
    """Every view of appraisal content leaves an audit trail (who read whose appraisal)."""
    audit.record(
        actor, "appraisal.view", "appraisal", appraisal.id, detail=f"staff #{appraisal.staff_id}"
    )


def indicator_progress(indicator_id: int, org_id: int) -> Any:
    """The indicator's latest result for the organisation, for an objective's progress.

    Hook for the measurements feature: returns None until a measurements table exists.
    """
    return None


def _check_editable(appraisal: Appraisal, expected_version: int | None) -> None:
    if appraisal.is_signed_off:
        raise Immutable("This appraisal has been signed off by both parties and cannot change")
    if expected_version is not None and expected_version != appraisal.version:
        raise Conflict("Someone else changed this appraisal; reload it and try again")


def _clear_signatures(appraisal: Appraisal) -> None:
    # A signature vouches for the content signed; changed content needs signing again.
    appraisal.appraisee_signed_at = appraisal.appraisee_signed_by_id = None
    appraisal.appraiser_signed_at = appraisal.appraiser_signed_by_id = None


def _snapshot(appraisal: Appraisal) -> dict[str, Any]:
    """Audited fields; the summary's text is personal, so only whether it changed is kept."""
    return {
        "year": appraisal.year,
        "appraiser_id": appraisal.appraiser.id if appraisal.appraiser else None,
        "due_date": appraisal.due_date,
        "meeting_date": appraisal.meeting_date,
        "status": appraisal.status,
        "summary_length": len(appraisal.summary or ""),
    }
