"""Sign in and sign out."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from qframe.auth.forms import LoginForm
from qframe.auth.hashing import check_password
from qframe.auth.limits import LoginRefused, reserve_attempt
from qframe.auth.models import User
from qframe.auth.services import (
    complete_sign_in,
    end_sessions,
    forget_attempt,
    normalise_email,
)
from qframe.auth.sessions import end_session, start_session
from qframe.errors import Unavailable
from qframe.web.transaction import commit_step, discard_changes

bp = Blueprint("auth", __name__, url_prefix="/auth")


def _safe_next(target: str | None) -> str:
    # Only same-site relative paths: never an open redirect.
    if (
        target
        and target.startswith("/")
        and not target.startswith("//")
        and not urlsplit(target).netloc
    ):
        return target
    return url_for("home.home")


def _sign_in(email: str, password: str) -> User:
    """Three short steps: reserve the guess (commit), check the password with no transaction
    open (scrypt is slow; a transaction held across it would block other requests), record."""
    try:
        attempt = reserve_attempt(normalise_email(email), request.remote_addr or "?")
    except LoginRefused:
        discard_changes()
        raise
    commit_step()  # the reserved guess counts as a failure until proved right
    try:
        ok = check_password(attempt.password_hash, password)
    except Unavailable:
        forget_attempt(attempt)
        commit_step()
        raise
    if not ok:
        raise LoginRefused
    return complete_sign_in(attempt)  # the request boundary commits the success


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated and request.method == "GET":
        return redirect(url_for("home.home"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        try:
            user = _sign_in(form.email.data or "", form.password.data or "")
        except LoginRefused as refused:
            form.password.errors = [str(refused)]
            status = 401
        else:
            start_session(user)
            return redirect(_safe_next(request.args.get("next")))
    elif request.method == "POST":
        status = 400
    return render_template("auth/login.html", form=form), status


@bp.post("/logout")
def logout():
    if current_user.is_authenticated:
        end_sessions(current_user, current_user, "logout")
    end_session()
    flash("You have signed out.", "info")
    return redirect(url_for("home.landing"))
