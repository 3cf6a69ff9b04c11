"""The permission table: roles, the capabilities each holds, and the checks that read it.

Adding a role is one entry in `CAPABILITIES` (plus its label in `auth.models` and tests).
Views use `@requires(capability)`; services and templates ask `can(user, capability)`; the
navigation and the access-matrix tests read the same table. Nothing outside `qframe/auth`
compares role names. Scope-aware loaders and filters are re-exported here, so a feature imports
its access rules from one module.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, Protocol

from flask import abort
from flask_login import current_user

from qframe.auth.scope import (
    get_org_by_code_or_404,
    get_org_or_404,
    get_owned_or_404,
    get_provider_or_404,
    in_scope_clause,
    org_in_scope,
    scope_org_ids,
    sees_everything,
)

__all__ = [
    "CAPABILITIES",
    "can",
    "can_role",
    "get_org_by_code_or_404",
    "get_org_or_404",
    "get_owned_or_404",
    "get_provider_or_404",
    "in_scope_clause",
    "org_in_scope",
    "requires",
    "roles_with",
    "scope_org_ids",
    "sees_everything",
]

_PROVIDER_STAFF = frozenset(
    {"browse", "submit_measurements", "read_budgets", "see_ward_cards", "read_ward_scores"}
)

# role -> what it may do. Scope (which organisations) is separate: see qframe/auth/scope.py.
CAPABILITIES: dict[str, frozenset[str]] = {
    "admin": frozenset(
        {
            "browse",
            "all_organisations",  # unscoped: sees and acts on every organisation
            "manage_national_frameworks",
            "manage_users",
            "manage_organisations",
            "link_staff_accounts",
            "read_audit",
            "run_jobs",
            "manage_frameworks",
            "manage_collection",
            "manage_scoring",
            "read_score_exports",
            "manage_escalation",
            "read_escalation",
            "publish_reports",
            "read_board_reports",
            "read_quality_reports",
            "read_commitments",
            "make_commitments",
            "submit_measurements",
            "declare_measurements",
            "amend_declared",
            "manage_budgets",
            "read_budgets",
            "move_budget",
            "manage_rewards",
            "read_own_awards",
            "read_scorecards",
            "read_ward_scores",
            "manage_staff",
        }
    ),
    "commissioner": frozenset(
        {
            "browse",
            "approve_improvement_plans",  # never the proposer: see improvement.runs
            "manage_frameworks",
            "manage_collection",
            "manage_scoring",
            "read_score_exports",
            "manage_escalation",
            "read_escalation",
            "publish_reports",
            "read_board_reports",
            "read_quality_reports",
            "read_commitments",
            "read_scorecards",
            "read_ward_scores",
            "receive_declarations",  # told when a provider declares a period complete
        }
    ),
    "finance": frozenset(
        {
            "browse",
            "read_score_exports",
            "read_board_reports",
            "read_quality_reports",
            "manage_budgets",
            "read_budgets",
            "manage_rewards",
            "approve_rewards",  # never the proposer: see rewards.services.may_approve
            "receive_virement_requests",  # told when a virement above the limit waits
            "approve_improvement_plans",  # never the proposer: see improvement.runs
        }
    ),
    "provider_lead": _PROVIDER_STAFF
    | {
        "read_escalation",
        "read_quality_reports",
        "read_commitments",
        "make_commitments",
        "declare_measurements",
        "amend_declared",
        "read_own_awards",
        "read_scorecards",
        "see_provider_cards",
        "receive_escalation_changes",  # told when their support level moves
    },
    "clinical_director": _PROVIDER_STAFF
    | {
        "move_budget",
        "manage_staff",
        "receive_appraisal_reminders",
        "read_scorecards",
        "see_provider_cards",
    },
    "nurse_manager": _PROVIDER_STAFF
    | {"move_budget", "manage_staff", "receive_appraisal_reminders"},
}


# Governance, payments and inbox capabilities; admin holds each too (admin passes every check).
_FEATURE_CAPABILITIES: dict[str, tuple[str, ...]] = {
    "read_assessments": ("commissioner", "provider_lead"),
    "review_assessments": ("commissioner",),
    "complete_assessments": ("provider_lead",),
    "read_development_plans": ("commissioner", "provider_lead"),
    "write_development_plans": ("provider_lead",),
    "read_health_economy": ("commissioner",),
    "manage_improvement_plans": ("commissioner", "finance"),
    "read_funded_projects": ("provider_lead",),
    "read_good_practice": (
        "commissioner",
        "finance",
        "clinical_director",
        "nurse_manager",
        "provider_lead",
    ),
    "record_good_practice": ("commissioner", "provider_lead"),
    "read_payment_statements": ("commissioner", "finance", "provider_lead"),
    "manage_visits": ("commissioner",),
    "approve_declarations": ("commissioner",),
    "see_windows_closing": ("provider_lead", "clinical_director", "nurse_manager"),
    "acknowledge_escalation": ("provider_lead",),
}
for _capability, _roles in _FEATURE_CAPABILITIES.items():
    for _role in ("admin", *_roles):
        CAPABILITIES[_role] = CAPABILITIES[_role] | {_capability}


class HasRole(Protocol):
    role: str


def can(user: HasRole | None, capability: str) -> bool:
    """True when the user's role holds the capability (an anonymous user holds none)."""
    role = getattr(user, "role", None)
    return role is not None and can_role(role, capability)


def can_role(role: str, capability: str) -> bool:
    """True when the role holds the capability (the navigation asks by role)."""
    return capability in CAPABILITIES.get(role, frozenset())


def holds_any_role(user: HasRole, roles: tuple[str, ...]) -> bool:
    """The old role-list check (admin always passes); prefer `can` with a capability."""
    return user.role == "admin" or user.role in roles


def roles_with(capability: str) -> tuple[str, ...]:
    """Every role holding the capability, in table order (for tests, forms and the CLI)."""
    return tuple(role for role, held in CAPABILITIES.items() if capability in held)


def requires[F: Callable[..., Any]](capability: str) -> Callable[[F], F]:
    """Signed-in users whose role holds the capability; others get 403."""
    from qframe.web.access import login_required

    if not roles_with(capability):
        raise KeyError(f"No role holds the capability {capability!r}")

    def decorator(view: F) -> F:
        @wraps(view)
        @login_required
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not can(current_user, capability):
                abort(403)
            return view(*args, **kwargs)

        wrapped.capability = capability  # type: ignore[attr-defined]
        return wrapped  # type: ignore[return-value]

    return decorator
