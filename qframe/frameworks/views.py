"""Reading frameworks: the list, a framework page, downloads and diffs, signed in or public."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, render_template, request
from flask_login import current_user

from qframe.errors import NotFound
from qframe.extensions import db
from qframe.frameworks import display
from qframe.frameworks.current import current_version
from qframe.frameworks.models import Framework
from qframe.frameworks.queries import diff_page, framework_page
from qframe.frameworks.services import (
    can_manage,
    diff_versions,
    framework_json,
    get_framework_or_404,
    get_public_framework_or_404,
    indicator_counts,
    public_frameworks,
    public_versions,
    versions_visible,
    visible_frameworks,
)
from qframe.web.access import login_required
from qframe.web.files import csv_download

bp = Blueprint("frameworks", __name__, url_prefix="/frameworks")

INDICATOR_COLUMNS = [
    "code",
    "domain",
    "title",
    "measure",
    "polarity",
    "level",
    "method",
    "max_points",
    "lower",
    "upper",
    "minimum_standard",
    "weight",
    "min_denominator",
    "group",
]


def _list(frameworks: list[Framework], public: bool) -> str:
    return render_template(
        "frameworks/index.html",
        frameworks=frameworks,
        counts=indicator_counts(frameworks),
        public=public,
        setting_words=display.SETTING_WORDS,
    )


@bp.get("/")
@login_required
def index():
    return _list(list(db.session.scalars(visible_frameworks(current_user))), public=False)


@bp.get("/public/")
def public_index():
    return _list(list(db.session.scalars(public_frameworks())), public=True)


def _page(framework: Framework, versions: list[Framework], public: bool, **extra: Any) -> str:
    shown = framework_page(framework, versions, current_version(framework.code))
    return render_template(
        "frameworks/show.html",
        framework=framework,
        shown=shown,
        domains=shown.domains,
        versions=versions,
        public=public,
        manage=not public and can_manage(current_user, framework),
        **extra,
    )


def render_framework(framework: Framework, **extra: Any) -> str:
    """The signed-in framework page (also used to show a failed publish's problems)."""
    return _page(framework, versions_visible(framework, current_user), public=False, **extra)


@bp.get("/<int:framework_id>")
@login_required
def show(framework_id: int):
    return render_framework(get_framework_or_404(framework_id, current_user))


@bp.get("/public/<int:framework_id>")
def public_show(framework_id: int):
    framework = get_public_framework_or_404(framework_id)
    return _page(framework, public_versions(framework), public=True)


def _json_download(framework: Framework) -> Response:
    name = f"{framework.code}-v{framework.version}.json"
    return Response(
        framework_json(framework),
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="{_safe(name)}"'},
    )


def _safe(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-._" else "_" for c in name)


@bp.get("/<int:framework_id>/framework.json")
@login_required
def download(framework_id: int):
    return _json_download(get_framework_or_404(framework_id, current_user))


@bp.get("/public/<int:framework_id>/framework.json")
def public_download(framework_id: int):
    return _json_download(get_public_framework_or_404(framework_id))


@bp.get("/<int:framework_id>/indicators.csv")
@login_required
def indicators_csv(framework_id: int):
    framework = get_framework_or_404(framework_id, current_user)
    rows = (
        [
            i.code,
            i.domain.code,
            i.title,
            i.measure,
            i.polarity,
            i.level,
            i.method,
            *(display.plain(v) if v is not None else "" for v in _numbers(i)),
            i.group or "",
        ]
        for i in framework.indicators
    )
    name = f"{_safe(framework.code)}-v{framework.version}-indicators.csv"
    return csv_download(name, INDICATOR_COLUMNS, rows)


def _numbers(indicator: Any) -> tuple[Any, ...]:
    return (
        indicator.max_points,
        indicator.lower,
        indicator.upper,
        indicator.minimum_standard,
        indicator.weight,
        indicator.min_denominator,
    )


def _diff(framework: Framework, versions: list[Framework], public: bool) -> str:
    """Compare `framework` with ?against=<id> (default: the version it was copied from)."""
    by_id = {v.id: v for v in versions}
    against_id = request.args.get("against", type=int)
    if against_id is None:
        older = [v for v in versions if v.version < framework.version]
        against_id = framework.previous_id if framework.previous_id in by_id else None
        against_id = against_id or (older[0].id if older else None)
    if against_id is not None and against_id not in by_id:
        raise NotFound("No such version to compare with")
    old = by_id.get(against_id) if against_id is not None else None
    rows = None
    if old is not None:
        rows = diff_page(
            old, framework, display.diff_rows(old, framework, diff_versions(old, framework))
        )
    return render_template(
        "frameworks/diff.html",
        framework=framework,
        old=old,
        rows=rows,
        versions=versions,
        public=public,
    )


@bp.get("/<int:framework_id>/diff")
@login_required
def diff(framework_id: int):
    framework = get_framework_or_404(framework_id, current_user)
    return _diff(framework, versions_visible(framework, current_user), public=False)


@bp.get("/public/<int:framework_id>/diff")
def public_diff(framework_id: int):
    framework = get_public_framework_or_404(framework_id)
    return _diff(framework, public_versions(framework), public=True)
