"""Admin page to browse and filter the audit log."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from qframe.audit.services import query_events
from qframe.auth.permissions import requires
from qframe.extensions import db
from qframe.web.files import csv_download

bp = Blueprint("audit", __name__, url_prefix="/audit")
PAGE = 100


def _filters() -> dict[str, str | None]:
    return {
        k: (request.args.get(k) or "").strip() or None for k in ("action", "object_type", "actor")
    }


@bp.get("/")
@requires("read_audit")
def index():
    filters = _filters()
    page = int(request.args["page"]) if request.args.get("page", "").isdigit() else 1
    events = db.session.scalars(
        query_events(**filters).limit(PAGE + 1).offset((max(page, 1) - 1) * PAGE)
    ).all()
    return render_template(
        "audit/index.html",
        events=events[:PAGE],
        more=len(events) > PAGE,
        page=page,
        filters=filters,
    )


@bp.get("/audit.csv")
@requires("read_audit")
def export():
    events = db.session.scalars(query_events(**_filters()).limit(100_000))
    rows = (
        [
            e.id,
            e.at.isoformat(),
            e.actor_label,
            e.action,
            e.object_type,
            e.object_id,
            e.before,
            e.after,
            e.detail,
        ]
        for e in events
    )
    return csv_download(
        "audit.csv",
        ["id", "at", "actor", "action", "object_type", "object_id", "before", "after", "detail"],
        rows,
    )
