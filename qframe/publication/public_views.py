"""Public pages (no sign-in): published results and annual quality reports, nothing else."""

from __future__ import annotations

from flask import Blueprint, render_template, url_for

from qframe.errors import NotFound

from .report import build_report, public_snapshots
from .services import get_public_publication_or_404, public_publications, shown_providers
from .views import pdf_response, results_csv, year_of, year_slug

bp = Blueprint("published", __name__, url_prefix="/published")


@bp.get("/")
def index():
    publications = public_publications()
    reports = sorted(
        {
            (p["code"], p["name"], pub.snapshot["framework"]["year"])
            for pub in publications
            if pub.identifiable
            for p in pub.snapshot["providers"]
        },
        key=lambda r: (r[2], r[1]),
    )
    return render_template(
        "publication/public_index.html",
        publications=publications,
        reports=reports,
        year_slug=year_slug,
    )


@bp.get("/<code>/<path:period>")
def show(code: str, period: str):
    publication = get_public_publication_or_404(code, period)
    return render_template(
        "publication/show.html",
        publication=publication,
        shown=shown_providers(publication, set()),
        snapshot=publication.snapshot,
        public=True,
    )


@bp.get("/<code>/<path:period>/results.csv")
def export(code: str, period: str):
    publication = get_public_publication_or_404(code, period)
    return results_csv(publication, shown_providers(publication, set()))


def _report(code: str, year: str):
    report = build_report(public_snapshots(year), code, year)
    if report is None:
        raise NotFound(f"No published annual report for {code} in {year}")
    return report


@bp.get("/reports/<code>/<year>")
def report(code: str, year: str):
    found = _report(code, year_of(year))
    pdf = url_for("published.report_pdf", code=code, year=year)
    return render_template("publication/report.html", report=found, pdf_url=pdf, live=False)


@bp.get("/reports/<code>/<year>/report.pdf")
def report_pdf(code: str, year: str):
    return pdf_response(_report(code, year_of(year)), live=False)
