"""Finding frameworks, periods and runs by what users type or click; scope-aware loaders."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from qframe.auth.models import UserScope
from qframe.auth.permissions import can, get_org_or_404, org_in_scope
from qframe.errors import DomainError, NotFound
from qframe.extensions import db
from qframe.frameworks.models import Framework
from qframe.orgs.models import Organisation
from qframe.periods.labels import BadPeriod, parse_period
from qframe.periods.models import Period, get_or_create_period
from qframe.scoring.models import ScoreRun

SCORED_STATUSES = ("published", "closed")


def scorable_framework(code: str, version: int | None = None) -> Framework:
    """The given version of a framework code, or its latest published (or closed) version."""
    stmt = select(Framework).where(Framework.code == code)
    if version is not None:
        stmt = stmt.where(Framework.version == version)
    else:
        stmt = stmt.where(Framework.status.in_(SCORED_STATUSES))
    framework = db.session.scalar(stmt.order_by(Framework.version.desc()).limit(1))
    if framework is None:
        which = f"{code} v{version}" if version is not None else f"published framework {code}"
        raise NotFound(f"No {which}")
    return framework


def find_period(label: str, *, calendar: bool = False) -> Period:
    """The stored period for a label; a malformed or unknown label is refused in words.

    With `calendar` (scoring), periods are calendar facts (domain.md §2): a year exists
    whether or not anyone submitted a yearly figure, so a well-formed label is stored now.
    """
    try:
        spec = parse_period(label)
    except BadPeriod as error:
        raise DomainError(str(error)) from error
    period = db.session.scalar(select(Period).where(Period.label == spec.label))
    if period is None and calendar:
        return get_or_create_period(spec.label)
    if period is None:
        raise NotFound(f"No data has been recorded for {spec.label}")
    return period


def run_for(framework: Framework, period: Period, version: int | None = None) -> ScoreRun:
    """A run of the framework and period: the given version, or the latest."""
    stmt = select(ScoreRun).where(
        ScoreRun.framework_id == framework.id, ScoreRun.period_id == period.id
    )
    if version is not None:
        stmt = stmt.where(ScoreRun.version == version)
    run = db.session.scalar(stmt.order_by(ScoreRun.version.desc()).limit(1))
    if run is None:
        raise NotFound(f"{framework.code} has not been scored for {period.label}")
    return run


def framework_visible(user: Any, framework: Framework) -> bool:
    """National frameworks are everyone's; an ICB's own framework is visible only to users whose
    scope lies in that ICB's region (the ICB itself, or one of its providers or units)."""
    if framework.owner_id is None or can(user, "all_organisations"):
        return True
    if org_in_scope(user, framework.owner_id):
        return True
    roots = db.session.scalars(
        select(Organisation).join(UserScope, UserScope.organisation_id == Organisation.id)
        .where(UserScope.user_id == user.id)
    )  # fmt: skip
    for org in roots:
        node: Organisation | None = org
        while node is not None:
            if node.id == framework.owner_id:
                return True
            node = node.parent
    return False


def get_run_or_404(run_id: int, user: Any) -> ScoreRun:
    """A run of a framework the user may see (national, or their own ICB's; another ICB's run
    is not found, so its existence does not leak).

    What it shows is further limited to the user's scope by the queries that read its rows.
    """
    run = db.session.get(ScoreRun, run_id)
    if run is None or user is None or not framework_visible(user, run.framework):
        raise NotFound("No such score run")
    return run


def get_scored_org_or_404(org_id: int, user: Any, kinds: tuple[str, ...]) -> Organisation:
    """An organisation in the user's scope whose kind is one of `kinds`; otherwise not found."""
    org = get_org_or_404(org_id, user)
    if org.kind not in kinds:
        raise NotFound("No scorecard for this organisation")
    return org
