"""Landing page (public) and the signed-in home page, drawn from the navigation registry."""

from __future__ import annotations

import contextlib

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from qframe.database import discard_changes
from qframe.extensions import db
from qframe.web.access import login_required

bp = Blueprint("home", __name__)


@bp.get("/")
def landing():
    if current_user.is_authenticated:
        return redirect(url_for("home.home"))
    return render_template("home/landing.html")


@bp.get("/home")
@login_required
def home():
    return render_template("home/home.html")


@bp.get("/healthz")
def healthz():
    """Readiness: 200 only when the database answers, so a load balancer stops sending traffic."""
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        with contextlib.suppress(SQLAlchemyError):
            discard_changes()
        return {"status": "unavailable", "database": "unreachable"}, 503
    return {"status": "ok", "database": "ok"}


@bp.get("/livez")
def livez():
    """Liveness: the process is up and answering (the database is not consulted)."""
    return {"status": "alive"}
