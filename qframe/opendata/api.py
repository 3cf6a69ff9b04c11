"""The public, read-only open-data API: paged JSON with filters, ETags and CSV alternates."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from flask import Blueprint, Response, request, url_for

from qframe.csvio import write_csv
from qframe.errors import Problem, ValidationFailed
from qframe.opendata.rows import FIELDS, Filters, publication_summary, publications, result_rows

bp = Blueprint("opendata_api", __name__, url_prefix="/api/v1/open")
PER_PAGE = 100
MAX_PER_PAGE = 1000
FILTERS = ("framework", "period", "indicator", "organisation")


def _filters() -> Filters:
    values = {}
    for name in FILTERS:
        value = request.args.get(name, "").strip()
        if len(value) > 200:
            raise ValidationFailed(
                "The request was not accepted",
                [Problem("too_long", "At most 200 characters", column=name)],
            )
        values[name] = value or None
    return Filters(**values)


def _positive(name: str, default: int, most: int) -> int:
    text = request.args.get(name, "").strip()
    if not text:
        return default
    if not text.isascii() or not text.isdigit() or not 1 <= int(text) <= most:
        raise ValidationFailed(
            "The request was not accepted",
            [Problem("bad_number", f"{name} is a whole number from 1 to {most}", column=name)],
        )
    return int(text)


def _query(**extra: Any) -> dict[str, Any]:
    args = {k: request.args[k] for k in (*FILTERS, "per_page") if request.args.get(k)}
    return {**args, **extra}


def _cached(body: bytes, mimetype: str, headers: dict[str, str] | None = None) -> Response:
    """The body with a strong ETag; 304 with no body when the client already has it."""
    tag = hashlib.sha256(body).hexdigest()[:32]
    if request.if_none_match.contains(tag) or request.if_none_match.star_tag:
        response = Response(status=304)
    else:
        response = Response(body, mimetype=mimetype)
    response.set_etag(tag)
    response.headers["Cache-Control"] = "public, no-cache"
    response.headers["Access-Control-Allow-Origin"] = "*"
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def _json(data: Any, headers: dict[str, str] | None = None) -> Response:
    body = json.dumps(data, ensure_ascii=False, sort_keys=True).encode()
    return _cached(body, "application/json", headers)


@bp.get("/publications")
def list_publications():
    found = publications(_filters())
    items = []
    for p in sorted(found, key=lambda p: (p.framework_code, p.period.start_date)):
        item = publication_summary(p)
        item["results"] = url_for(
            "opendata_api.results", framework=p.framework_code, period=p.period.label
        )
        items.append(item)
    return _json({"data": items})


@bp.get("/results")
def results():
    filters = _filters()
    page = _positive("page", 1, 10**6)
    per_page = _positive("per_page", PER_PAGE, MAX_PER_PAGE)
    start = (page - 1) * per_page
    data: list[dict[str, Any]] = []
    total = 0
    for total, row in enumerate(result_rows(filters), start=1):
        if start < total <= start + per_page:
            data.append(row)
    links = {
        "self": url_for("opendata_api.results", **_query(page=page)),
        "csv": url_for(
            "opendata_api.results_csv", **{k: v for k, v in _query().items() if k != "per_page"}
        ),
        "next": url_for("opendata_api.results", **_query(page=page + 1))
        if start + per_page < total
        else None,
        "prev": url_for("opendata_api.results", **_query(page=page - 1)) if page > 1 else None,
    }
    body = {"data": data, "page": page, "per_page": per_page, "total": total, "links": links}
    alternate = f'<{links["csv"]}>; rel="alternate"; type="text/csv"'
    return _json(body, {"Link": alternate})


@bp.get("/results.csv")
def results_csv():
    rows = ([row[name] for name in FIELDS] for row in result_rows(_filters()))
    return _cached(
        write_csv(FIELDS, rows).encode(),
        "text/csv",
        {"Content-Disposition": 'attachment; filename="qframe-open-results.csv"'},
    )


def _param(name: str, description: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema or {"type": "string"},
    }


_FILTER_PARAMS = [
    _param("framework", "Framework code, e.g. AQF"),
    _param("period", "Period label, e.g. 2025/26 Q1"),
    _param("indicator", "Indicator code"),
    _param("organisation", "Provider code (named results) or label such as Provider A"),
]
_ETAG_PARAM = {
    "name": "If-None-Match",
    "in": "header",
    "required": False,
    "description": "The ETag of a copy you hold: 304 Not Modified when it is still current",
    "schema": {"type": "string"},
}
_ROW = {"type": "object", "properties": {name: {} for name in FIELDS}}
_PUBLIC = {"security": [], "tags": ["open data"]}
_ETAG = {"ETag": {"schema": {"type": "string"}, "description": "Strong validator"}}
_304 = {"description": "Not modified since the ETag you sent", "headers": _ETAG}
_422 = {
    "description": "Bad paging parameter",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
}

OPENAPI_PATHS: dict[str, dict[str, Any]] = {
    "/api/v1/open/publications": {
        "get": {
            **_PUBLIC,
            "summary": "Published data sets (public, no sign-in)",
            "parameters": [*_FILTER_PARAMS[:2], _ETAG_PARAM],
            "responses": {
                "200": {
                    "description": "One entry per published framework period",
                    "headers": _ETAG,
                    "content": {"application/json": {"schema": {"type": "object"}}},
                },
                "304": _304,
            },
        }
    },
    "/api/v1/open/results": {
        "get": {
            **_PUBLIC,
            "summary": "Published results, one row per provider and indicator, paged",
            "parameters": [
                *_FILTER_PARAMS,
                _param("page", "Page number from 1", {"type": "integer", "minimum": 1}),
                _param(
                    "per_page",
                    f"Rows per page (default {PER_PAGE}, at most {MAX_PER_PAGE})",
                    {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
                ),
                _ETAG_PARAM,
            ],
            "responses": {
                "200": {
                    "description": "A page of results; `links.csv` is the same rows as CSV",
                    "headers": {
                        **_ETAG,
                        "Link": {"schema": {"type": "string"}, "description": "CSV alternate"},
                    },
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "properties": {
                                    "data": {"type": "array", "items": _ROW},
                                    "page": {"type": "integer"},
                                    "per_page": {"type": "integer"},
                                    "total": {"type": "integer"},
                                    "links": {"type": "object"},
                                },
                            }
                        }
                    },
                },
                "304": _304,
                "422": _422,
            },
        }
    },
    "/api/v1/open/results.csv": {
        "get": {
            **_PUBLIC,
            "summary": "Every published result matching the filters, as CSV",
            "parameters": [*_FILTER_PARAMS, _ETAG_PARAM],
            "responses": {
                "200": {
                    "description": "CSV with the columns of a results row",
                    "headers": _ETAG,
                    "content": {"text/csv": {"schema": {"type": "string"}}},
                },
                "304": _304,
            },
        }
    },
}
