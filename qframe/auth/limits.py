"""Sign-in limits per account-and-address, per address and per account, with back-off.

A guess is reserved (recorded as a failure) in a short write transaction *before* the password
is checked, and the check runs after that transaction has committed. Parallel guesses therefore
cannot all pass the count: SQLite serialises the reservations with BEGIN IMMEDIATE and
PostgreSQL with transaction-scoped advisory locks on the account and the address.
Failures from one address count against that address and that account-from-that-address; the
account-wide limit is four times larger, so one address can never lock anyone else out.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import func, select, text

from qframe.audit.models import utcnow
from qframe.auth.models import LoginAttempt, User
from qframe.extensions import db

BACKOFF_FREE_FAILURES = 2  # failures from one address before each retry must wait


class LoginRefused(Exception):
    """Sign-in failed; the message is deliberately the same whatever the cause."""

    GENERIC = "Those details did not match an active account, or too many attempts were made."

    def __init__(self) -> None:
        super().__init__(self.GENERIC)


@dataclass(frozen=True)
class Attempt:
    """A reserved guess: what the password check needs, read before the transaction ended."""

    attempt_id: int
    email: str
    address: str
    user_id: int | None
    password_hash: str | None


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _lock(*keys: str) -> None:
    # PostgreSQL's READ COMMITTED would let two transactions count the same failures; an
    # advisory lock per key (taken in sorted order: no deadlock) makes count-and-insert atomic.
    if db.session.get_bind().dialect.name != "postgresql":
        return
    for key in sorted(set(keys)):
        digest = int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big", signed=True)
        db.session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": digest})


def _count(*conditions: object) -> int:
    query = select(func.count()).select_from(LoginAttempt).where(*conditions)  # type: ignore[arg-type]
    return db.session.scalar(query) or 0


def backoff_seconds(failures: int, base: int) -> int:
    """Wait required after the n-th failure from one address on one account (0, 0, 1, 2, 4 …)."""
    if failures <= BACKOFF_FREE_FAILURES or base <= 0:
        return 0
    return int(base * 2 ** min(failures - BACKOFF_FREE_FAILURES - 1, 10))


def reserve_attempt(email: str, address: str) -> Attempt:
    """Count the recent failures and record this guess as one, or raise LoginRefused."""
    _lock(f"login-account:{email}", f"login-address:{address}")
    # Take the lock first (SQLite: the first statement), then read the clock: a guess that
    # queued behind others must not see their later timestamps as "in the future".
    db.session.execute(select(LoginAttempt.id).where(LoginAttempt.id == 0))
    now = utcnow()
    window = now - timedelta(minutes=int(current_app.config["LOGIN_WINDOW_MINUTES"]))
    limit = int(current_app.config["LOGIN_MAX_FAILURES"])
    recent = LoginAttempt.at >= window
    pair = db.session.scalars(
        select(LoginAttempt.at)
        .where(recent, LoginAttempt.email == email, LoginAttempt.address == address)
        .order_by(LoginAttempt.at.desc())
    ).all()
    waited = not pair or now >= _aware(pair[0]) + timedelta(
        seconds=backoff_seconds(len(pair), int(current_app.config["LOGIN_BACKOFF_SECONDS"]))
    )
    if (
        len(pair) >= limit
        or not waited
        or _count(recent, LoginAttempt.address == address) >= limit * 4
        or _count(recent, LoginAttempt.email == email) >= limit * 4
    ):
        raise LoginRefused
    row = LoginAttempt(email=email, address=address, at=now)
    db.session.add(row)
    user = db.session.scalar(select(User).where(User.email == email))
    db.session.flush()
    usable = user is not None and user.active
    return Attempt(
        row.id,
        email,
        address,
        user.id if user is not None else None,
        user.password_hash if usable and user is not None else None,
    )


def clear_failures(attempt: Attempt) -> None:
    """A correct password: forget this guess and this address's failures on the account."""
    db.session.execute(
        LoginAttempt.__table__.delete().where(
            (LoginAttempt.id == attempt.attempt_id)
            | ((LoginAttempt.email == attempt.email) & (LoginAttempt.address == attempt.address))
        )
    )
