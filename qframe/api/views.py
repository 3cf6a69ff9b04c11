"""GET /api/v1/openapi.json — the machine-readable description of the API."""

from __future__ import annotations

from flask import Blueprint, jsonify

from qframe.api.spec import build_spec

bp = Blueprint("api", __name__, url_prefix="/api/v1")


@bp.get("/openapi.json")
def openapi():
    return jsonify(build_spec())
