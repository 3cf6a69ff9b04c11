"""Access decorators: sign-in and role checks (scope is decided in qframe.auth.scope)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort, redirect, request, url_for
from flask_login import current_user

from qframe.auth.permissions import holds_any_role


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def login_required[F: Callable[..., Any]](view: F) -> F:
    """Signed-in users only; browsers are sent to the sign-in page, API clients get 401."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            if wants_json():
                abort(401)
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        return view(*args, **kwargs)

    return wrapped  # type: ignore[return-value]


def roles_required[F: Callable[..., Any]](*roles: str) -> Callable[[F], F]:
    """Signed-in users with one of the roles (admin always passes); others get 403.

    Kept so that older code still runs; new code uses `qframe.auth.permissions.requires`
    with a capability (tests/test_permissions.py fails on any use of this outside auth).
    """

    def decorator(view: F) -> F:
        @wraps(view)
        @login_required
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not holds_any_role(current_user, roles):
                abort(403)
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator
