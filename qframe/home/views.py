"""Landing page (public) and the signed-in home page, drawn from the navigation registry."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user

from qframe.web.access import login_required

bp = Blueprint("home", __name__)


@bp.get("/")
def landing():  # type: ignore[no-untyped-def]
    if current_user.is_authenticated:
        return redirect(url_for("home.home"))
    return render_template("home/landing.html")


@bp.get("/home")
@login_required
def home():  # type: ignore[no-untyped-def]
    return render_template("home/home.html")


@bp.get("/healthz")
def healthz():  # type: ignore[no-untyped-def]
    return {"status": "ok"}
