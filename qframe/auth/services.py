"""Use cases for users: sign-in with rate limiting, create, update, disable, API tokens."""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Sequence

from flask import current_app
from sqlalchemy import delete, select

from qframe.audit import services as audit
from qframe.audit.models import utcnow
from qframe.auth.limits import Attempt, LoginRefused, clear_failures
from qframe.auth.models import ROLES, ApiToken, LoginAttempt, User, UserScope
from qframe.auth.passwords import hash_password
from qframe.errors import Conflict, Problem, ValidationFailed
from qframe.extensions import db
from qframe.orgs.models import Organisation

EMAIL_RE = re.compile(r"^[^@\s]{1,64}@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
MIN_PASSWORD = 12
# Which organisation kinds each role may be scoped to.
ROLE_SCOPE_KINDS: dict[str, tuple[str, ...]] = {
    "admin": (),
    "commissioner": ("commissioner",),
    "finance": ("commissioner",),
    "clinical_director": ("service_line",),
    "nurse_manager": ("ward",),
    "provider_lead": ("acute", "community", "mental_health", "primary_care"),
}


def _scrypt_n() -> int:
    return int(current_app.config["PASSWORD_SCRYPT_N"])


def normalise_email(email: str) -> str:
    return email.strip().lower()


def complete_sign_in(attempt: Attempt) -> User:
    """After a correct password: clear this address's failures, stamp and audit the sign-in."""
    user = db.session.get(User, attempt.user_id) if attempt.user_id is not None else None
    if user is None or not user.active:
        raise LoginRefused
    clear_failures(attempt)
    user.last_login_at = utcnow()
    audit.record(user, "auth.login", "user", user.id, detail=f"from {attempt.address}")
    return user


def forget_attempt(attempt: Attempt) -> None:
    """A guess that was never checked (the server was too busy) is not a failure."""
    db.session.execute(delete(LoginAttempt).where(LoginAttempt.id == attempt.attempt_id))


def end_sessions(user: User, actor: User | None, reason: str) -> None:
    """Invalidate every existing session of the user (logout everywhere)."""
    user.session_version += 1
    audit.record(actor, f"auth.{reason}", "user", user.id)


def _resolve_scope(
    role: str, org_codes: Sequence[str], problems: list[Problem]
) -> list[Organisation]:
    kinds = ROLE_SCOPE_KINDS.get(role, ())
    orgs: list[Organisation] = []
    for code in org_codes:
        org = db.session.scalar(select(Organisation).where(Organisation.code == code.strip()))
        if org is None:
            problems.append(
                Problem("unknown_org", f"No organisation has code {code!r}", column="org")
            )
        elif kinds and org.kind not in kinds:
            allowed = ", ".join(kinds)
            problems.append(
                Problem(
                    "wrong_scope_kind",
                    f"A {role} is scoped to {allowed}, not {org.kind} {org.code}",
                    column="org",
                )
            )
        else:
            orgs.append(org)
    if role == "admin" and org_codes:
        problems.append(
            Problem("admin_scope", "An admin sees everything; give no organisations", column="org")
        )
    if role != "admin" and not org_codes:
        problems.append(
            Problem("scope_required", f"A {role} needs at least one organisation", column="org")
        )
    return orgs


def _check_user_fields(
    email: str, role: str, password: str | None, problems: list[Problem]
) -> None:
    if not EMAIL_RE.match(email):
        problems.append(Problem("bad_email", f"{email!r} is not an e-mail address", column="email"))
    if role not in ROLES:
        problems.append(
            Problem(
                "unknown_role",
                f"Unknown role {role!r}; roles are {', '.join(ROLES)}",
                column="role",
            )
        )
    if password is not None and len(password) < MIN_PASSWORD:
        problems.append(
            Problem(
                "weak_password",
                f"Passwords need at least {MIN_PASSWORD} characters",
                column="password",
            )
        )


def create_user(
    actor: User | None,
    *,
    email: str,
    role: str,
    password: str,
    name: str = "",
    org_codes: Sequence[str] = (),
) -> User:
    """Create a user with a role and organisation scope; all problems reported at once."""
    email = normalise_email(email)
    problems: list[Problem] = []
    _check_user_fields(email, role, password, problems)
    if db.session.scalar(select(User.id).where(User.email == email)) is not None:
        problems.append(
            Problem("duplicate_user", f"A user with e-mail {email} already exists", column="email")
        )
    orgs = _resolve_scope(role, org_codes, problems) if role in ROLES else []
    if problems:
        raise ValidationFailed("The user was not created", problems)
    user = User(
        email=email,
        role=role,
        name=name.strip(),
        password_hash=hash_password(password, _scrypt_n()),
    )
    user.scopes = [UserScope(organisation=o) for o in orgs]
    db.session.add(user)
    db.session.flush()
    audit.record(actor, "user.create", "user", user.id, after=_snapshot(user))
    return user


def update_user(
    actor: User,
    user: User,
    *,
    role: str,
    name: str,
    active: bool,
    org_codes: Sequence[str],
    expected_version: int,
) -> User:
    """Change a user's role, name, scope or active flag; a stale form gets Conflict."""
    if user.version != expected_version:
        raise Conflict("Someone else changed this user since you opened it; reload and try again")
    problems: list[Problem] = []
    _check_user_fields(user.email, role, None, problems)
    orgs = _resolve_scope(role, org_codes, problems) if role in ROLES else []
    if actor.id == user.id and (not active or role != "admin"):
        problems.append(
            Problem("self_lockout", "You cannot disable yourself or drop your own admin role")
        )
    if problems:
        raise ValidationFailed("The user was not changed", problems)
    before = _snapshot(user)
    rescoped = role != user.role or {o.id for o in orgs} != {s.organisation_id for s in user.scopes}
    user.role, user.name, user.active = role, name.strip(), active
    if rescoped:
        user.scopes = [UserScope(organisation=o) for o in orgs]
    if rescoped or not active:
        user.session_version += 1  # new rights take effect at the next sign-in
    db.session.flush()
    audit.record(actor, "user.update", "user", user.id, before=before, after=_snapshot(user))
    return user


def _snapshot(user: User) -> dict[str, object]:
    return {
        "email": user.email,
        "name": user.name,
        "role": user.role,
        "active": user.active,
        "scope": sorted(s.organisation.code for s in user.scopes),
    }


def issue_api_token(actor: User, user: User, name: str) -> str:
    """Create a bearer token for a machine client; the secret is shown once and stored hashed."""
    secret = "qf_" + secrets.token_urlsafe(32)
    token = ApiToken(user=user, name=name.strip()[:100] or "token", token_hash=token_digest(secret))
    db.session.add(token)
    db.session.flush()
    audit.record(
        actor, "token.issue", "api_token", token.id, after={"user": user.email, "name": token.name}
    )
    return secret


def token_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def user_for_token(secret: str) -> User | None:
    """The active user behind an unrevoked token, or None."""
    token = db.session.scalar(
        select(ApiToken).where(
            ApiToken.token_hash == token_digest(secret), ApiToken.revoked_at.is_(None)
        )
    )
    if token is None or not token.user.active:
        return None
    token.last_used_at = utcnow()
    return token.user
