"""Sign in and sign out."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from qframe.auth.forms import LoginForm
from qframe.auth.services import LoginRefused, authenticate, end_sessions
from qframe.auth.sessions import end_session, start_session
from qframe.web.transaction import keep_even_if_refused

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


@bp.route("/login", methods=["GET", "POST"])
def login():  # type: ignore[no-untyped-def]
    if current_user.is_authenticated and request.method == "GET":
        return redirect(url_for("home.home"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        try:
            user = authenticate(
                form.email.data or "", form.password.data or "", request.remote_addr or "?"
            )
        except LoginRefused as refused:
            keep_even_if_refused()  # the failed attempt feeds the rate limit
            form.password.errors = [str(refused)]
            status = 401
        else:
            start_session(user)
            return redirect(_safe_next(request.args.get("next")))
    elif request.method == "POST":
        status = 400
    return render_template("auth/login.html", form=form), status


@bp.post("/logout")
def logout():  # type: ignore[no-untyped-def]
    if current_user.is_authenticated:
        end_sessions(current_user, current_user, "logout")
    end_session()
    flash("You have signed out.", "info")
    return redirect(url_for("home.landing"))
