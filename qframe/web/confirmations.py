"""What each irreversible step's confirmation page says (qframe.web.confirm renders them)."""

from __future__ import annotations

from typing import Any

from flask import url_for
from sqlalchemy import func, select

from qframe.extensions import db
from qframe.web.confirm import Confirmation
from qframe.web.templating import money


def _owner(framework: Any) -> str:
    return framework.owner.name if framework.owner is not None else "every commissioner"


def _payment(framework: Any) -> list[str]:
    pay = framework.payment or {}
    if pay.get("pound_per_point"):
        return [f"Pays £{pay['pound_per_point']} per point earned ({framework.payment_model})."]
    return [f"Payment model: {framework.payment_model}."] if framework.payment_model else []


def publish_framework(framework: Any) -> Confirmation:
    from qframe.frameworks.models import Framework

    current = db.session.scalar(
        select(Framework.version).where(
            Framework.code == framework.code,
            Framework.status == "published",
            Framework.id != framework.id,
        )
    )
    happens = [
        f"{framework.code} v{framework.version} “{framework.title}” ({framework.year}) is "
        f"published with its {len(framework.indicators)} indicators.",
        "Providers can then send data for it, and it can be scored.",
    ]
    if current is not None:
        happens.append(
            f"It becomes the current version of {framework.code}: uploads and forms default to "
            f"it instead of v{current}."
        )
    return Confirmation(
        title=f"Publish {framework.code} v{framework.version}?",
        action=url_for("frameworks_manage.publish", framework_id=framework.id),
        happens=happens,
        cannot_undo="A published version can never be edited or deleted; a change needs a new "
        "version.",
        affected=[f"Every {framework.setting.replace('_', ' ')} provider of {_owner(framework)}."],
        money=_payment(framework),
        submit=f"Publish {framework.code} v{framework.version}",
        back=url_for("frameworks.show", framework_id=framework.id),
    )


def close_framework(framework: Any) -> Confirmation:
    return Confirmation(
        title=f"Close {framework.code} v{framework.version}?",
        action=url_for("frameworks_manage.close", framework_id=framework.id),
        happens=[
            f"{framework.code} v{framework.version} is closed: its results become final.",
            "No more data can be sent for it and it can no longer be re-scored.",
        ],
        cannot_undo="A closed framework cannot be reopened.",
        affected=[f"Every {framework.setting.replace('_', ' ')} provider of {_owner(framework)}."],
        money=_payment(framework),
        submit=f"Close {framework.code} v{framework.version}",
        back=url_for("frameworks.show", framework_id=framework.id),
        warning=True,
    )


def finalise_scores(run: Any) -> Confirmation:
    from qframe.scoring.models import ProviderScore

    providers = db.session.scalar(
        select(func.count()).select_from(ProviderScore).where(ProviderScore.run_id == run.id)
    )
    label = f"{run.framework.code} v{run.framework.version} {run.period.label}"
    entitlement = run.entitlement_pence
    return Confirmation(
        title=f"Finalise version {run.version} of {label}?",
        action=url_for("scoring_manage.finalise", run_id=run.id),
        happens=[
            f"Version {run.version} of the scores for {label} becomes final.",
            "Reward allocations and published results are worked out from the final version.",
        ],
        cannot_undo="A final version never changes; a correction is a new scoring run.",
        affected=[f"{providers or 0:,} providers scored in this version."],
        money=[f"Entitlement in this version: {money(entitlement)}."]
        if entitlement is not None
        else [],
        submit=f"Finalise version {run.version}",
        back=url_for("scoring_manage.overview", run_id=run.id),
    )


def approve_run(run: Any, previous: Any) -> Confirmation:
    happens = [
        f"Run {run.id} ({run.framework.code} v{run.framework.version}, {run.period.label}) "
        "becomes the approved payment schedule.",
    ]
    if previous is not None:
        happens.append(f"It replaces approved run {previous.id}, which becomes superseded.")
    if run.by_service_line:
        happens.append("Each service line's quality reinvestment budget is credited.")
    proposer = run.created_by.email if run.created_by is not None else "nobody named"
    return Confirmation(
        title=f"Approve allocation run {run.id}?",
        action=url_for("rewards.approve", run_id=run.id),
        happens=happens,
        cannot_undo="An approved run never changes; a correction is a new run that a second "
        "finance user approves.",
        affected=[
            f"{run.recipient_count:,} providers receive the amounts in the schedule.",
            f"Proposed by {proposer}; you approve as the second finance user.",
        ],
        money=[
            f"Pot: {money(run.pot_pence)}.",
            f"To pay: {money(run.total_pence)}.",
        ]
        + ([f"Replaces run {previous.id}: {money(previous.total_pence)}."] if previous else []),
        submit=f"Approve run {run.id}",
        back=url_for("rewards.show", run_id=run.id),
    )


def publish_results(framework: Any, period: str, audience: str, named: bool) -> Confirmation:
    from qframe.publication.models import AUDIENCE_LABELS

    who = AUDIENCE_LABELS.get(audience, audience)
    return Confirmation(
        title=f"Publish {framework.code} v{framework.version} {period} results?",
        action=url_for("publication.publish"),
        happens=[
            f"The final results of {framework.code} v{framework.version} for {period} are "
            f"published for: {who}.",
            "Providers are named."
            if named or audience == "board"
            else "Providers are not named to readers outside their own organisation.",
        ],
        cannot_undo="A publication is a record: it cannot be withdrawn or edited once readers "
        "can see it.",
        affected=[f"Every provider scored in {period}, and every reader in the audience."],
        submit="Publish these results",
        back=url_for("publication.index"),
    )


def apply_virement(holder: Any, source: Any, target: Any, pence: int, year: str) -> Confirmation:
    within = pence <= holder.delegated_limit_pence
    happens = [
        f"{money(pence)} moves from {source.label} to {target.label} in the {year} budget of "
        f"{holder.organisation.name}."
    ]
    if within:
        happens.append("It is within your delegated limit, so it applies at once.")
    else:
        happens.append(
            f"It is above your delegated limit of {money(holder.delegated_limit_pence)}, so it "
            "waits for a finance user to approve it."
        )
    return Confirmation(
        title=f"Move {money(pence)}?",
        action=url_for("budgets.new_virement", holder_id=holder.id, year=year),
        happens=happens,
        cannot_undo="An applied virement stays in the ledger; to reverse it, make another "
        "virement the other way.",
        affected=[f"{holder.organisation.name} (cost centre {holder.cost_centre})."],
        money=[
            f"{source.label}: {money(pence)} less.",
            f"{target.label}: {money(pence)} more.",
        ],
        submit=f"Move {money(pence)}",
        back=url_for("budgets.show", holder_id=holder.id, year=year),
    )
