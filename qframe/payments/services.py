"""Post a year's cash flow for every provider of a framework's final scores (domain.md §6).

QOF (points model): aspiration payments from the previous year's final points at this year's
£ per point and list-size adjustment, then the achievement payment net of them. CQUIN
(contract_share): the stake on account, then the reconciliation. Posting again after the
final scores changed adds an adjustment line; nothing is ever edited. Flushes, never commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select

from qframe.audit import services as audit
from qframe.auth.models import User
from qframe.engine.cashflow import CashLine, adjustment, cquin_on_account, qof_aspiration, settle
from qframe.errors import Conflict
from qframe.extensions import db
from qframe.frameworks.models import Framework
from qframe.orgs.models import Organisation
from qframe.payments.models import PaymentLine
from qframe.periods.labels import parse_period
from qframe.periods.models import Period
from qframe.scoring.models import ProviderScore, ScoreRun
from qframe.scoring.payment_models import payment_model
from qframe.scoring.runs import current_final_run


@dataclass
class Posted:
    """What a posting did, by provider count."""

    new: int = 0
    adjusted: int = 0
    unchanged: int = 0
    no_entitlement: int = 0


def _final_run(framework: Framework) -> ScoreRun:
    period = db.session.scalar(select(Period).where(Period.label == framework.year))
    run = None if period is None else current_final_run(framework, period)
    if run is None:
        raise Conflict(
            f"{framework.code} has no final scores for {framework.year}: finalise them first"
        )
    return run


def previous_points(framework: Framework) -> dict[int, float]:
    """Each provider's points in the final scores of the same framework code's previous year."""
    start = parse_period(framework.year).start
    before = parse_period(f"{start.year - 1}/{str(start.year)[2:]}").label
    earlier = db.session.scalar(
        select(Framework)
        .where(Framework.code == framework.code, Framework.year == before)
        .where(Framework.status.in_(("published", "closed")))
        .order_by(Framework.version.desc())
        .limit(1)
    )
    period = db.session.scalar(select(Period).where(Period.label == before))
    run = None if earlier is None or period is None else current_final_run(earlier, period)
    if run is None:
        return {}
    rows = db.session.execute(
        select(ProviderScore.organisation_id, ProviderScore.points).where(
            ProviderScore.run_id == run.id
        )
    )
    return dict(rows.all())


def aspiration_value_pence(framework: Framework, points: float, org: Organisation) -> int:
    """Last year's points at this year's £ per point and list-size adjustment, in pence."""
    payment = framework.payment or {}
    value = Decimal(repr(points)) * Decimal(str(payment.get("pound_per_point") or 0)) * 100
    national = payment.get("national_list_size")
    if national is not None and org.list_size is not None and Decimal(str(national)) > 0:
        value = value * Decimal(org.list_size) / Decimal(str(national))
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _opening(
    framework: Framework, org: Organisation, last_year: dict[int, float]
) -> list[CashLine]:
    if payment_model(framework.payment_model).per_point:
        points = last_year.get(org.id)
        return (
            [] if points is None else qof_aspiration(aspiration_value_pence(framework, points, org))
        )
    percent = Decimal(str((framework.payment or {}).get("stake_percent") or 0))
    contract = Decimal(org.contract_value_pence or 0)
    stake = int((contract * percent / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return cquin_on_account(stake)


def post_year(actor: User | None, framework: Framework) -> Posted:
    """Post the year's lines for every provider in the framework's final scores for its year."""
    run = _final_run(framework)
    posted = Posted()
    existing: dict[int, int] = {}
    for org_id, pence in db.session.execute(
        select(PaymentLine.organisation_id, PaymentLine.pence).where(
            PaymentLine.framework_id == framework.id, PaymentLine.year == framework.year
        )
    ):
        existing[org_id] = existing.get(org_id, 0) + pence
    model = payment_model(framework.payment_model)
    last_year = previous_points(framework) if model.per_point else {}
    year_end = model.year_end
    rows = db.session.execute(
        select(Organisation, ProviderScore.entitlement_pence)
        .join(ProviderScore, ProviderScore.organisation_id == Organisation.id)
        .where(ProviderScore.run_id == run.id)
        .order_by(Organisation.code)
    ).all()
    for org, earned in rows:
        if earned is None:
            posted.no_entitlement += 1
            continue
        if org.id not in existing:
            lines = _opening(framework, org, last_year)
            lines.append(settle(year_end, earned, lines))
            posted.new += 1
        else:
            change = adjustment(existing[org.id], earned, f"final scores version {run.version}")
            lines = [] if change is None else [change]
            posted.adjusted += change is not None
            posted.unchanged += change is None
        for line in lines:
            db.session.add(
                PaymentLine(
                    framework_id=framework.id,
                    organisation_id=org.id,
                    year=framework.year,
                    month=line.month,
                    kind=line.kind,
                    pence=line.pence,
                    why=line.why,
                    score_run_id=run.id,
                    created_by_id=actor.id if actor else None,
                )  # fmt: skip
            )
    db.session.flush()
    audit.record(
        actor, "payments.post", "framework", framework.id,
        after={"year": framework.year, "run": run.version, **posted.__dict__},
    )  # fmt: skip
    return posted


def month_label(year: str, month: int | None) -> str:
    """'2025-04' for month 1 of 2025/26; 'year end' for None."""
    if month is None:
        return "year end"
    start = parse_period(year).start
    first = start.replace(day=1)
    for _ in range(month - 1):
        first = (first + timedelta(days=32)).replace(day=1)
    return first.strftime("%Y-%m")


def statement(org: Organisation) -> list[tuple[PaymentLine, Framework]]:
    """Every payment line of a provider, by framework, year and order of posting."""
    rows = db.session.execute(
        select(PaymentLine, Framework)
        .join(Framework, Framework.id == PaymentLine.framework_id)
        .where(PaymentLine.organisation_id == org.id)
        .order_by(Framework.code, PaymentLine.year, PaymentLine.id)
    )
    return [(line, framework) for line, framework in rows]
