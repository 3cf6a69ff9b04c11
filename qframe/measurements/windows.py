"""Collection windows: set them, reopen them for one organisation, and answer "is entry open?"."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from sqlalchemy import select

from qframe.audit import services as audit
from qframe.auth.models import User
from qframe.auth.permissions import can
from qframe.errors import DomainError, Immutable, Problem, ValidationFailed
from qframe.extensions import db
from qframe.frameworks.models import Framework
from qframe.measurements.locks import DeclarationState, Lock, WindowDates, entry_lock, say_date
from qframe.measurements.models import CollectionWindow, Declaration, WindowReopening
from qframe.measurements.rows import OrgRef
from qframe.orgs.models import Organisation
from qframe.periods.labels import BadPeriod, PeriodSpec, parse_period
from qframe.periods.models import Period, get_or_create_period

MAX_GRACE_DAYS = 90


def may_amend_declared(actor: User | None) -> bool:
    """The provider lead who declares (and admin, and the system) may still change declared data."""
    return actor is None or can(actor, "amend_declared")


def lock_book(
    framework: Framework, *, today: date, amend_declared: bool
) -> Callable[[OrgRef, PeriodSpec], Lock | None]:
    """A `lock_for(org, period)` answering from three queries made once, whatever the row count."""
    windows: dict[str, tuple[int, WindowDates]] = {}
    for window, label in db.session.execute(
        select(CollectionWindow, Period.label)
        .join(Period, Period.id == CollectionWindow.period_id)
        .where(CollectionWindow.framework_id == framework.id)
    ):
        windows[label] = (window.id, window_dates(window))
    reopened: dict[tuple[int | None, int], date] = {}
    for window_id, org_id, until in db.session.execute(
        select(WindowReopening.window_id, WindowReopening.organisation_id, WindowReopening.until)
        .join(CollectionWindow)
        .where(CollectionWindow.framework_id == framework.id)
    ):
        key = (window_id, org_id)
        reopened[key] = max(until, reopened.get(key, until))
    declared: dict[tuple[int, str], DeclarationState] = {}
    for decl, label in db.session.execute(
        select(Declaration, Period.label)
        .join(Period, Period.id == Declaration.period_id)
        .where(Declaration.framework_id == framework.id)
    ):
        declared[(decl.organisation_id, label)] = declaration_state(decl)
    lineage = org_lineage()
    cache: dict[tuple[int, str], Lock | None] = {}

    def lock_for(org: OrgRef, period: PeriodSpec) -> Lock | None:
        key = (org.id, period.label)
        if key not in cache:
            window_id, dates = windows.get(period.label, (None, None))
            # A reopening for the organisation or anything above it (its provider, its line).
            untils = [reopened.get((window_id, i)) for i in lineage(org.id)]
            until = max((d for d in untils if d is not None), default=None)
            provider = org.provider_id
            cache[key] = entry_lock(
                today=today,
                framework_status=framework.status,
                window=dates,
                declaration=declared.get((provider, period.label)) if provider else None,
                reopened_until=until,
                may_amend_declared=amend_declared,
            )
        return cache[key]

    return lock_for


def org_lineage() -> Callable[[int], list[int]]:
    """org id → the org and its ancestors, from one query of (id, parent_id)."""
    parents = dict(db.session.execute(select(Organisation.id, Organisation.parent_id)).all())

    def lineage(org_id: int) -> list[int]:
        chain: list[int] = []
        current: int | None = org_id
        while current is not None and current not in chain:
            chain.append(current)
            current = parents.get(current)
        return chain

    return lineage


def window_dates(window: CollectionWindow) -> WindowDates:
    return WindowDates(
        window.opens_on, window.closes_on, window.grace_days, closed=window.closed_at is not None
    )


def declaration_state(decl: Declaration) -> DeclarationState:
    when = decl.decided_at if decl.status == "approved" else decl.declared_at
    return DeclarationState(decl.status, when.date() if when else None)


def set_window(
    actor: User | None,
    framework: Framework,
    period_label: str,
    *,
    opens_on: date,
    closes_on: date,
    grace_days: int = 0,
) -> CollectionWindow:
    """Create or move the collection window of one period; a closed window never changes."""
    if framework.status != "published":
        raise Immutable(f"{framework.code} is {framework.status}: windows are set while published")
    problems = []
    try:
        spec = parse_period(period_label)
    except BadPeriod as err:
        raise ValidationFailed(
            "The window was not saved", [Problem("bad_period", str(err), column="period")]
        ) from err
    if spec.year != framework.year:
        problems.append(
            Problem(
                "period_outside_year", f"{spec.label} is not in {framework.year}", column="period"
            )
        )
    if closes_on < opens_on:
        problems.append(
            Problem(
                "closes_before_opening",
                "The window must close on or after the day it opens",
                column="closes_on",
            )
        )
    if not 0 <= grace_days <= MAX_GRACE_DAYS:
        problems.append(
            Problem("bad_grace", f"Grace is 0 to {MAX_GRACE_DAYS} days", column="grace_days")
        )
    if problems:
        raise ValidationFailed("The window was not saved", problems)
    period = get_or_create_period(spec.label)
    window = db.session.scalar(
        select(CollectionWindow).where(
            CollectionWindow.framework_id == framework.id, CollectionWindow.period_id == period.id
        )
    )
    before = None
    if window is None:
        window = CollectionWindow(framework=framework, period=period)
        db.session.add(window)
    else:
        if window.closed_at is not None:
            raise Immutable(
                f"{spec.label} closed on {say_date(window_dates(window).deadline)}: closed periods "
                "never change. Reopen it for an organisation instead."
            )
        before = _snapshot(window)
    window.opens_on, window.closes_on, window.grace_days = opens_on, closes_on, grace_days
    db.session.flush()
    audit.record(
        actor,
        "measurements.window_set",
        "collection_window",
        window.id,
        before=before,
        after=_snapshot(window),
    )
    return window


def reopen_window(
    actor: User | None,
    window: CollectionWindow,
    org: Organisation,
    *,
    reason: str,
    until: date,
    today: date,
) -> WindowReopening:
    """Reopen a window for one organisation with a reason; its declaration goes back to awaiting."""
    reason = reason.strip()
    problems = []
    if len(reason) < 5:
        problems.append(
            Problem("reason_required", "Say why the window is reopened", column="reason")
        )
    if until < today:
        problems.append(
            Problem("until_in_past", "Reopen until today or a later day", column="until")
        )
    if problems:
        raise ValidationFailed("The window was not reopened", problems)
    if window.framework.status != "published":
        raise DomainError(
            f"{window.framework.code} is {window.framework.status}: it cannot be reopened"
        )
    reopening = WindowReopening(
        window=window,
        organisation=org,
        reason=reason,
        until=until,
        by_id=actor.id if actor else None,
    )
    db.session.add(reopening)
    db.session.flush()
    audit.record(
        actor,
        "measurements.window_reopen",
        "collection_window",
        window.id,
        after={
            "organisation": org.code,
            "period": window.period.label,
            "until": until,
            "reason": reason,
        },
    )
    from qframe.measurements.declarations import reset_declarations

    provider = provider_of(org)
    if provider is not None:
        reset_declarations(
            actor,
            window.framework_id,
            {(provider.id, window.period_id)},
            f"window reopened: {reason}",
        )
    return reopening


def provider_of(org: Organisation) -> Organisation | None:
    current: Organisation | None = org
    while current is not None and not current.is_provider:
        current = current.parent
    return current


def _snapshot(window: CollectionWindow) -> dict[str, object]:
    return {
        "framework": window.framework.code if window.framework else window.framework_id,
        "period": window.period.label if window.period else window.period_id,
        "opens_on": window.opens_on,
        "closes_on": window.closes_on,
        "grace_days": window.grace_days,
    }


def close_windows(now: datetime) -> list[CollectionWindow]:
    """Mark every window past its deadline (closes_on + grace) as closed; returns them."""
    today = now.date()
    due = [
        w
        for w in db.session.scalars(
            select(CollectionWindow).where(CollectionWindow.closed_at.is_(None))
        )
        if window_dates(w).deadline < today
    ]
    for window in due:
        window.closed_at = now
    db.session.flush()
    for window in due:
        audit.record(
            None,
            "measurements.window_closed",
            "collection_window",
            window.id,
            after={"framework": window.framework.code, "period": window.period.label},
        )
    return due
