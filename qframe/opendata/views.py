"""The open-data guide: what is published, how to ask for it, and what each field means."""

from __future__ import annotations

from flask import Blueprint, render_template

from qframe.opendata.api import MAX_PER_PAGE, PER_PAGE
from qframe.opendata.rows import Filters, publication_summary, publications

bp = Blueprint("opendata", __name__, url_prefix="/open-data")

FIELD_NOTES = (
    ("framework", "Framework code (e.g. AQF)"),
    ("framework_version", "Framework version the results were scored against"),
    ("period", "Period label: 2025/26, 2025/26 Q1 or 2025-04"),
    ("identifiable", "true when the publication names providers"),
    ("organisation_code", "The provider's code; null in an anonymised publication"),
    ("organisation", "The provider's name, or its label (Provider A) when anonymised"),
    ("indicator", "Indicator code"),
    ("achievement", "The result: a percentage, a rate, or a value, at full precision"),
    ("points / max_points", "Points earned and available"),
    ("status", "scored, no_eligible (denominator 0), small_numbers or missing"),
    ("minimum_standard_breached", "true when the result is below the minimum standard"),
    (
        "variation",
        "Funnel plot against peers: within, alert (95% limits), alarm (99.8%), "
        "small_numbers or no_data",
    ),
    ("support_level", "The provider's support level in words"),
)


@bp.get("/")
def guide():
    sets = [publication_summary(p) for p in publications(Filters())]
    sets.sort(key=lambda s: (s["framework"], s["period"]))
    return render_template(
        "opendata/guide.html",
        sets=sets,
        fields=FIELD_NOTES,
        per_page=PER_PAGE,
        max_per_page=MAX_PER_PAGE,
    )
