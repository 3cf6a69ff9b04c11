"""JSON API for the good-practice library (read only)."""

from __future__ import annotations

from flask import Blueprint, jsonify

from qframe.web.access import roles_required

from .services import library
from .views import READERS

bp = Blueprint("learning_api", __name__, url_prefix="/api/v1/good-practice")


@bp.get("")
@roles_required(*READERS)
def index():  # type: ignore[no-untyped-def]
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
