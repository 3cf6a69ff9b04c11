"""Session rules: rotation on sign-in, per-user session version, idle and absolute timeouts."""

from __future__ import annotations

import secrets
import time

from flask import Flask, current_app, request, session
from flask_login import login_user, logout_user

from qframe.auth.models import User
from qframe.extensions import db, login_manager


def start_session(user: User) -> None:
    """Replace whatever session the browser had with a fresh one for this user."""
    session.clear()
    login_user(user, remember=False, fresh=True)
    now = int(time.time())
    session.update(
        {"sv": user.session_version, "iat": now, "seen": now, "sid": secrets.token_hex(16)}
    )
    session.permanent = False


def end_session() -> None:
    logout_user()
    session.clear()


def _session_valid(user: User) -> bool:
    now = int(time.time())
    idle = int(current_app.config["SESSION_IDLE_MINUTES"]) * 60
    absolute = int(current_app.config["SESSION_ABSOLUTE_MINUTES"]) * 60
    return (
        user.active
        and session.get("sv") == user.session_version
        and now - int(session.get("iat", 0)) <= absolute
        and now - int(session.get("seen", 0)) <= idle
    )


def init_sessions(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in to see that page."
    login_manager.session_protection = None  # our own checks below are stricter

    @login_manager.user_loader
    def _load(user_id: str) -> User | None:
        if "Authorization" in request.headers:
            # A request that carries credentials in a header is authenticated by them alone:
            # its cookies are ignored, which is what makes exempting it from CSRF safe.
            return _user_from_header()
        if not user_id.isdigit():
            return None
        user = db.session.get(User, int(user_id))
        if user is None or not _session_valid(user):
            session.clear()
            return None
        session["seen"] = int(time.time())
        return user

    @login_manager.request_loader
    def _load_from_token(req: object) -> User | None:
        return _user_from_header()


def _user_from_header() -> User | None:
    """The user behind `Authorization: Bearer <token>`; any other scheme signs nobody in."""
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        return None
    from qframe.auth.services import user_for_token

    return user_for_token(header.removeprefix("Bearer ").strip())
