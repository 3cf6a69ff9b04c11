"""The Provider results CSV (formats.md): one row per provider, domain scores and the TPS."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select, true

from qframe.auth.permissions import in_scope_clause
from qframe.extensions import db
from qframe.frameworks.models import Indicator
from qframe.money import pence_to_pounds
from qframe.orgs.models import Organisation
from qframe.scoring.export import has_vbp, number
from qframe.scoring.models import ProviderScore, Score, ScoreRun

HEADER = (
    "org_code",
    "period",
    "points",
    "max_points",
    "total_performance_score",
    "entitlement",
    "status",
)
HUNDRED = Decimal(100)


def provider_header(run: ScoreRun) -> tuple[str, ...]:
    """The fixed columns, then one `domain:<CODE>` column per domain of the framework."""
    return HEADER + tuple(f"domain:{d.code}" for d in _domains(run))


def _domains(run: ScoreRun) -> list[Any]:
    return sorted(run.framework.domains, key=lambda d: d.position)


def _threshold_domains(run: ScoreRun, scope: Any) -> dict[int, dict[str, str]]:
    """Points earned / possible × 100 per provider and domain (threshold frameworks)."""
    codes = {d.id: d.code for d in run.framework.domains}
    found: dict[int, dict[str, str]] = {}
    rows = db.session.execute(
        select(
            Score.organisation_id,
            Indicator.domain_id,
            func.sum(Score.points),
            func.sum(Score.max_points),
        )
        .join(Indicator, Indicator.id == Score.indicator_id)
        .join(
            ProviderScore,
            (ProviderScore.run_id == Score.run_id)
            & (ProviderScore.organisation_id == Score.organisation_id),
        )  # fmt: skip
        .where(Score.run_id == run.id, scope)
        .group_by(Score.organisation_id, Indicator.domain_id)
    )
    for org, domain, earned, possible in rows:
        if possible:
            found.setdefault(org, {})[codes[domain]] = number(earned / possible * 100)
    return found


def provider_rows(run: ScoreRun, user: Any = None) -> Iterator[list[Any]]:
    """Rows of the Provider results CSV for a run, limited to the user's scope."""
    scope = true() if user is None else in_scope_clause(ProviderScore.organisation_id, user)
    vbp = has_vbp(run)
    codes = [d.code for d in _domains(run)]
    by_domain = {} if vbp else _threshold_domains(run, scope)
    stmt = (
        select(Organisation.code, ProviderScore)
        .join(Organisation, Organisation.id == ProviderScore.organisation_id)
        .where(ProviderScore.run_id == run.id, scope)
        .order_by(Organisation.code)
    )
    for code, score in db.session.execute(stmt):
        tps = score.total_performance_score
        if vbp:
            stored = (score.domain_scores or {}).items()
            domains = {k: format(Decimal(v).normalize(), "f") for k, v in stored if v is not None}
            status = score.vbp_status or "scored"
        else:
            domains = by_domain.get(score.organisation_id, {})
            status = "scored"
        entitlement = score.entitlement_pence
        yield [
            code,
            run.period.label,
            number(score.points),
            number(score.max_points),
            "" if tps is None else format(tps.normalize(), "f"),
            "" if entitlement is None else f"{pence_to_pounds(entitlement):.2f}",
            status,
            *(domains.get(c, "") for c in codes),
        ]
