"""Signed-in publication pages: publish, read publications, the live annual quality report."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from qframe.auth.permissions import can, get_org_or_404, requires
from qframe.commitments.services import providers_in_scope
from qframe.errors import NotFound, ValidationFailed
from qframe.extensions import db
from qframe.frameworks.current import published_choices
from qframe.frameworks.models import Framework
from qframe.periods.labels import BadPeriod, parse_period
from qframe.scoring.pickers import final_periods, offer_final_periods
from qframe.web import confirmations
from qframe.web.access import login_required
from qframe.web.confirm import confirmation_page, wants_review
from qframe.web.files import csv_download
from qframe.web.forms import attach_problems
from qframe.web.transaction import discard_changes

from .forms import PublishForm
from .pdf import html_to_pdf
from .report import build_report, live_snapshots
from .services import (
    check_framework,
    get_publication_or_404,
    manageable_frameworks,
    own_providers,
    publications_for,
    publish_results,
    shown_providers,
)
from .summary import percent_codes

bp = Blueprint("publication", __name__, url_prefix="/publication")


def year_of(slug: str) -> str:
    """'2025-26' (as in URLs) → '2025/26'; anything else is not found."""
    try:
        spec = parse_period(slug.replace("-", "/", 1))
    except BadPeriod as error:
        raise NotFound("No such year") from error
    if spec.kind != "year":
        raise NotFound("No such year")
    return spec.label


def year_slug(year: str) -> str:
    return year.replace("/", "-")


def _publish_form() -> PublishForm:
    form = PublishForm()
    manageable = manageable_frameworks(current_user)
    finals = final_periods(f.id for f in manageable)
    frameworks = [f for f in manageable if finals[f.id]]
    choices, current = published_choices(frameworks)
    form.framework.choices = [SelectChoice(str(c.value), c.label) for c in choices]
    if not form.is_submitted():
        first = choices[0].value if choices else ""
        form.framework.data = str(current if current is not None else first)
    offer_final_periods(form.period, frameworks, form.framework.data, submitted=form.is_submitted())
    return form


def _index(form: PublishForm | None, status: int = 200):
    manager = can(current_user, "publish_reports")
    return render_template(
        "publication/index.html",
        publications=publications_for(current_user),
        form=form or (_publish_form() if manager else None),
        year_slug=year_slug,
    ), status


@bp.get("/")
@login_required
def index():
    return _index(None)


@bp.post("/")
@requires("publish_reports")
def publish():
    form = _publish_form()
    if form.validate_on_submit():
        try:
            framework = check_framework(current_user, form.framework.data)
            if wants_review():
                return confirmation_page(
                    confirmations.publish_results(
                        framework,
                        (form.period.data or "").strip(),
                        form.audience.data,
                        bool(form.identifiable.data),
                    )
                )
            publication = publish_results(
                current_user,
                framework,
                form.period.data or "",
                form.audience.data,
                bool(form.identifiable.data),
            )
        except ValidationFailed as error:
            discard_changes()
            attach_problems(form, error.problems, "period")
        else:
            flash(f"Published for {publication.audience_label.lower()}.", "success")
            return redirect(url_for("publication.show", publication_id=publication.id))
    return _index(form, 422)


@bp.get("/<int:publication_id>")
@login_required
def show(publication_id: int):
    publication = get_publication_or_404(publication_id, current_user)
    shown = shown_providers(publication, own_providers(current_user))
    return render_template(
        "publication/show.html",
        publication=publication,
        shown=shown,
        snapshot=publication.snapshot,
        percent_codes=percent_codes(publication.snapshot),
    )


@bp.get("/<int:publication_id>/results.csv")
@login_required
def export(publication_id: int):
    publication = get_publication_or_404(publication_id, current_user)
    return results_csv(publication, shown_providers(publication, own_providers(current_user)))


def results_csv(publication: Any, shown: list[Any]) -> Response:
    snap = publication.snapshot
    header = [
        "provider",
        "indicator",
        "title",
        "achievement",
        "points",
        "max_points",
        "minimum_standard_breached",
        "variation",
        "support_level",
    ]
    rows = [
        [
            s.title,
            i["code"],
            i["title"],
            r.get("achievement"),
            r.get("points"),
            r.get("max_points"),
            "yes" if r.get("breach") else "no",
            r.get("flag") or "",
            s.data.get("support") or "",
        ]
        for s in shown
        for i in snap["indicators"]
        if (r := s.data["results"].get(i["code"])) is not None
    ]
    name = f"{snap['framework']['code']}-{snap['period']['label']}".replace("/", "-")
    return csv_download(f"results-{name.replace(' ', '-')}.csv", header, rows)


def _report(org_id: int, year: str) -> Any:
    org = get_org_or_404(org_id, current_user)
    if not org.is_provider:
        raise NotFound("No such provider")
    report = build_report(live_snapshots(year), org.id, year)
    if report is None:
        raise NotFound(f"No scored results for {org.name} in {year}")
    return report


@bp.get("/reports/<int:org_id>/<year>")
@requires("read_quality_reports")
def report(org_id: int, year: str):
    found = _report(org_id, year_of(year))
    pdf = url_for("publication.report_pdf", org_id=org_id, year=year)
    return render_template("publication/report.html", report=found, pdf_url=pdf, live=True)


@bp.get("/reports/<int:org_id>/<year>/report.pdf")
@requires("read_quality_reports")
def report_pdf(org_id: int, year: str):
    found = _report(org_id, year_of(year))
    return pdf_response(found, live=True)


def pdf_response(report: Any, live: bool) -> Response:
    html = render_template("publication/report_pdf.html", report=report, live=live)
    name = f"quality-report-{report.code}-{year_slug(report.year)}.pdf"
    return Response(
        html_to_pdf(html),
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def report_years() -> list[str]:
    """Years with published frameworks, newest first."""
    years = db.session.scalars(
        select(Framework.year).where(Framework.status.in_(("published", "closed"))).distinct()
    )
    return sorted(set(years), reverse=True)


@bp.get("/reports")
@requires("read_quality_reports")
def reports():
    """Links to each provider's annual report in the user's scope."""
    return render_template(
        "publication/reports.html",
        providers=providers_in_scope(current_user),
        years=report_years(),
        year_slug=year_slug,
    )
