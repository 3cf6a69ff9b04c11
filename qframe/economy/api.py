"""JSON API for the local health economy view (read only)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from flask import Blueprint, jsonify

from qframe.auth.permissions import requires

from .services import economy
from .views import icb_or_404

bp = Blueprint("economy_api", __name__, url_prefix="/api/v1/economy")


@bp.get("/<int:icb_id>")
@requires("read_health_economy")
def show(icb_id: int):
    e = economy(icb_or_404(icb_id))
    codes = {o.id: o.code for o in e.providers}
    out: dict[str, Any] = {
        "icb": e.icb.code,
        "system_level": e.system.level,
        "evidence": list(e.system.evidence),
        "providers": [
            {"code": s.provider.code, "kind": s.provider.kind, "level": s.level,
             "framework": s.framework, "period": s.period,
             "financial_signal": s.financial_signal}
            for s in e.standings
        ],
        "shared_indicators": [
            {"framework": r.framework, "period": r.period, "indicator": r.indicator,
             "cells": {codes[o]: asdict(c) for o, c in r.cells.items()}}
            for r in e.shared
        ],
        "deterioration_tests": [
            {**asdict(t), "correlated": t.correlated} for t in e.tests
        ],
        "correlated_quarters": e.correlated,
    }  # fmt: skip
    return jsonify(out)


OPENAPI_PATHS = {
    "/api/v1/economy/{icb_id}": {
        "get": {
            "summary": "One ICB's local health economy: shared indicators, levels, system level",
            "parameters": [
                {"name": "icb_id", "in": "path", "required": True, "schema": {"type": "integer"}}
            ],
            "responses": {"200": {"description": "OK"}, "404": {"description": "Not in scope"}},
        }
    }
}
