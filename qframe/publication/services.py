"""Publish a framework period's results for an audience; find what each reader may see."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from qframe.audit import services as audit
from qframe.auth.permissions import can, org_in_scope
from qframe.errors import NotFound, Problem, ValidationFailed
from qframe.extensions import db
from qframe.frameworks.models import Framework
from qframe.frameworks.services import can_manage
from qframe.orgs.models import Organisation
from qframe.periods.labels import BadPeriod, parse_period
from qframe.periods.models import Period

from .models import AUDIENCES, Publication
from .snapshot import anonymise, build_snapshot, latest_run_of


def publish_results(
    actor: Any, framework: Framework, period_label: str, audience: str, identifiable: bool
) -> Publication:
    """Freeze the latest final run's results for the audience; an unscored period is refused."""
    problems = []
    if audience not in AUDIENCES:
        problems.append(
            Problem("bad_audience", "Choose board, providers or public", column="audience")
        )
    period = None
    try:
        label = parse_period(period_label).label
        period = db.session.scalar(select(Period).where(Period.label == label))
        if period is None:
            problems.append(
                Problem(
                    "unscored",
                    f"{label} has not been scored for "
                    f"{framework.code}: there is nothing to publish",
                    column="period",
                )
            )
    except BadPeriod as error:
        problems.append(Problem("bad_period", str(error), column="period"))
    if problems:
        raise ValidationFailed("Nothing was published", problems)
    assert period is not None  # noqa: S101 - a missing period is a problem above
    run = latest_run_of(framework, period, final_only=True)
    if run is None:
        raise ValidationFailed(
            "Nothing was published",
            [
                Problem(
                    "unscored",
                    f"{framework.code} has no final score run for {period.label}: score the "
                    "period and finalise the run before publishing",
                    column="period",
                )
            ],
        )
    # Board papers name providers; providers see peers anonymised; the public gets the choice.
    identifiable = {"board": True, "providers": False}.get(audience, bool(identifiable))
    snapshot = build_snapshot(framework, period, run)
    if audience == "public" and not identifiable:
        snapshot = anonymise(snapshot)
    publication = Publication(
        framework_id=framework.id,
        framework_code=framework.code,
        period_id=period.id,
        run_id=run.id,
        audience=audience,
        identifiable=identifiable,
        snapshot=snapshot,
        published_by_id=getattr(actor, "id", None),
    )
    db.session.add(publication)
    db.session.flush()
    audit.record(
        actor,
        "publication.publish",
        "publication",
        publication.id,
        after={
            "framework": framework.code,
            "period": period.label,
            "audience": audience,
            "identifiable": identifiable,
            "run_version": run.version,
            "providers": len(snapshot["providers"]),
        },
    )
    return publication


def own_providers(user: Any) -> set[int]:
    """The providers a provider-side user acts for (their own, or that of their line or ward)."""
    owned = set()
    for org in user.scope_orgs:
        walk: Organisation | None = org
        while walk is not None and not walk.is_provider and walk.kind != "commissioner":
            walk = walk.parent
        if walk is not None and walk.is_provider:
            owned.add(walk.id)
    return owned


def _board_reader(user: Any, publication: Publication) -> bool:
    owner = publication.framework.owner_id
    return can(user, "all_organisations") or (
        can(user, "read_board_reports") and org_in_scope(user, owner)
    )


def may_read(user: Any, publication: Publication) -> bool:
    if publication.audience == "public" or _board_reader(user, publication):
        return True
    if publication.audience == "providers":
        ids = {p.get("org_id") for p in publication.snapshot["providers"]}
        return bool(own_providers(user) & ids)
    return False


def get_publication_or_404(publication_id: int, user: Any) -> Publication:
    publication = db.session.get(Publication, publication_id)
    if publication is None or not may_read(user, publication):
        raise NotFound("No such publication")
    return publication


def publications_for(user: Any) -> list[Publication]:
    """Every publication the user may read, newest first."""
    stmt = (
        select(Publication)
        .options(selectinload(Publication.framework), selectinload(Publication.period))
        .order_by(Publication.id.desc())
    )
    return [p for p in db.session.scalars(stmt) if may_read(user, p)]


def public_publications() -> list[Publication]:
    """The newest public publication of each framework code and period."""
    stmt = (
        select(Publication)
        .where(Publication.audience == "public")
        .options(selectinload(Publication.period))
        .order_by(Publication.id.desc())
    )
    seen, out = set(), []
    for p in db.session.scalars(stmt):
        if (p.framework_code, p.period_id) not in seen:
            seen.add((p.framework_code, p.period_id))
            out.append(p)
    return out


def get_public_publication_or_404(code: str, period_label: str) -> Publication:
    """The newest public publication of a framework period; an unpublished period is 404."""
    found = db.session.scalar(
        select(Publication)
        .join(Period, Period.id == Publication.period_id)
        .where(
            Publication.audience == "public",
            Publication.framework_code == code,
            Period.label == period_label.strip(),
        )
        .order_by(Publication.id.desc())
        .limit(1)
    )
    if found is None:
        raise NotFound(f"No published results for {code} {period_label}")
    return found


@dataclass(frozen=True)
class Shown:
    """One provider as a reader sees it: named, or by its anonymous label."""

    title: str
    named: bool
    own: bool
    data: dict[str, Any]


def shown_providers(publication: Publication, own: set[int]) -> list[Shown]:
    """Named where the publication names them (or it is the reader's own), else 'Provider A'."""
    out = []
    for p in publication.snapshot["providers"]:
        mine = p.get("org_id") in own
        named = publication.identifiable or mine
        if named:
            title = p["name"] + (" (you)" if mine and not publication.identifiable else "")
        else:
            title = p["label"]
        out.append(Shown(title, named, mine, p))
    out.sort(key=lambda s: (not s.own, not s.named, s.title))
    return out


def manageable_frameworks(user: Any) -> list[Framework]:
    stmt = select(Framework).where(Framework.status.in_(("published", "closed")))
    return [f for f in db.session.scalars(stmt.order_by(Framework.code)) if can_manage(user, f)]


def scored_periods(framework: Framework) -> list[Period]:
    from qframe.scoring.models import ScoreRun

    stmt = (
        select(Period)
        .where(
            Period.id.in_(select(ScoreRun.period_id).where(ScoreRun.framework_id == framework.id))
        )
        .order_by(Period.start_date)
    )
    return list(db.session.scalars(stmt))


def check_framework(user: Any, framework_id: Any) -> Framework:
    framework = next(
        (f for f in manageable_frameworks(user) if str(f.id) == str(framework_id)), None
    )
    if framework is None:
        raise ValidationFailed(
            "Nothing was published",
            [
                Problem(
                    "bad_framework", "Choose a published framework you manage", column="framework"
                )
            ],
        )
    return framework
