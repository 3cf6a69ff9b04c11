"""JSON API for the good-practice library (read only)."""

from __future__ import annotations

from flask import Blueprint, jsonify

from qframe.auth.permissions import requires

from .services import library

bp = Blueprint("learning_api", __name__, url_prefix="/api/v1/good-practice")


@bp.get("")
@requires("read_good_practice")
def index():
    return jsonify(
        [
            {"id": e.id, "provider": e.organisation.code, "framework": e.indicator.framework.code,
             "indicator": e.indicator.code, "achievement": e.achievement,
             "benchmark": e.benchmark, "period": e.run.period.label, "title": e.title,
             "what_they_did": e.what_they_did, "contact": e.contact}
            for e in library()
        ]
    )  # fmt: skip


OPENAPI_PATHS = {
    "/api/v1/good-practice": {
        "get": {
            "summary": "The good-practice library",
            "responses": {"200": {"description": "OK"}},
        }
    }
}
