"""Password checks bounded by a semaphore, so a sign-in storm cannot take every CPU.

Each web process runs at most PASSWORD_HASH_CONCURRENCY scrypt checks at once; a sign-in that
waits longer than PASSWORD_HASH_WAIT_SECONDS for a slot gets a 503 ("try again shortly")
rather than piling up. Callers must hold no database transaction while this runs.
"""

from __future__ import annotations

import threading

from flask import Flask, current_app

from qframe.auth.passwords import dummy_verify, verify_password
from qframe.errors import Unavailable

_KEY = "qframe_hash_slots"


def _slots(app: Flask) -> threading.BoundedSemaphore:
    slots = app.extensions.get(_KEY)
    if slots is None:
        slots = app.extensions.setdefault(
            _KEY, threading.BoundedSemaphore(int(app.config["PASSWORD_HASH_CONCURRENCY"]))
        )
    return slots


def check_password(stored: str | None, password: str) -> bool:
    """Verify against the stored hash (None: spend the same time, then fail)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    slots = _slots(app)
    if not slots.acquire(timeout=float(app.config["PASSWORD_HASH_WAIT_SECONDS"])):
        raise Unavailable("Many people are signing in at once. Please try again in a minute.")
    try:
        if stored is None:
            dummy_verify(int(app.config["PASSWORD_SCRYPT_N"]))
            return False
        return verify_password(password, stored)
    finally:
        slots.release()
