"""Who is told when something happens: runs proposed, declarations, virements, level changes.

Each function is called by the service that records the event, inside its transaction: it adds
notifications (and queues e-mails when SMTP is configured) and flushes; it never commits.
Recipients are active users whose role holds the capability named (qframe.auth.permissions)
and whose scope covers the organisation concerned.
"""

from __future__ import annotations

from typing import Any

from flask import current_app
from sqlalchemy import select

from qframe.auth.models import User
from qframe.auth.permissions import org_in_scope, roles_with
from qframe.extensions import db
from qframe.notifications.services import email_enabled, notify
from qframe.web.templating import money


def recipients(capability: str, org_id: int, exclude: int | None = None) -> list[int]:
    """Active users holding the capability with the organisation in scope, less `exclude`."""
    roles = roles_with(capability)
    users = db.session.scalars(
        select(User).where(User.role.in_(roles), User.active.is_(True)).order_by(User.id)
    )
    return [u.id for u in users if u.id != exclude and org_in_scope(u, org_id)]


def _link(endpoint: str, **values: Any) -> str:
    return str(current_app.url_map.bind("localhost").build(endpoint, values))


def _send(user_ids: list[int], title: str, body: str, link: str | None) -> None:
    if user_ids:
        notify(user_ids, title, body, link, email=email_enabled(current_app.config))


def run_proposed(run: Any, proposer_id: int | None) -> None:
    """Other finance users of the commissioner: a run awaits their approval."""
    framework, period = run.framework, run.period
    _send(
        recipients("approve_rewards", run.commissioner_id, exclude=proposer_id),
        f"Allocation run {run.id} awaits your approval",
        f"{framework.code} v{framework.version} {period.label}: {money(run.total_pence)} "
        "proposed. A finance user other than the proposer must approve it before it is paid.",
        _link("rewards.show", run_id=run.id),
    )


def declaration_submitted(declaration: Any, framework: Any, provider: Any, period: Any) -> None:
    """Commissioners over the provider: a declaration to approve or return."""
    _send(
        recipients("receive_declarations", provider.id),
        f"{provider.name} declared {framework.code} {period.label} complete",
        "Approve the declaration or return it with a comment.",
        _link("measurements_manage.dashboard", framework_id=framework.id, period=period.label),
    )


def virement_pending(virement: Any, organisation: Any) -> None:
    """Finance users over the budget holder: a virement above the delegated limit waits."""
    _send(
        recipients("receive_virement_requests", organisation.id, exclude=virement.requested_by_id),
        f"Virement of {money(virement.amount_pence)} for {organisation.name} awaits approval",
        virement.reason,
        _link("budgets_manage.virement", virement_id=virement.id),
    )


def escalation_changed(provider_id: int, framework: Any, period: Any, old: str, new: str) -> None:
    """The provider's own leads: their support level moved."""
    _send(
        recipients("receive_escalation_changes", provider_id),
        f"Your support level is now {new}",
        f"{framework.code} {period.label}: your organisation moved from {old} to {new}. "
        "Your commissioner will explain what this means for you.",
        None,
    )
