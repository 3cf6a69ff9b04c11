"""The open-data rows: one per provider and indicator of each public publication.

Only what is published for the public, at the public's level of identification: a named
publication gives the provider's code and name; an anonymised one gives only its label
("Provider A") and the code is null.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from qframe.publication.models import Publication
from qframe.publication.services import public_publications, shown_providers

FIELDS = (
    "framework",
    "framework_version",
    "framework_title",
    "period",
    "identifiable",
    "organisation_code",
    "organisation",
    "indicator",
    "indicator_title",
    "domain",
    "measure",
    "polarity",
    "achievement",
    "points",
    "max_points",
    "status",
    "minimum_standard_breached",
    "variation",
    "support_level",
    "published_at",
)


@dataclass(frozen=True)
class Filters:
    """Exact matches; None matches everything. `organisation` is a code or a 'Provider A' label."""

    framework: str | None = None
    period: str | None = None
    indicator: str | None = None
    organisation: str | None = None


def publications(filters: Filters) -> list[Publication]:
    """The newest public publication of each framework period that the filters allow."""
    return [
        p
        for p in public_publications()
        if (filters.framework is None or p.framework_code == filters.framework)
        and (filters.period is None or p.period.label == filters.period)
    ]


def result_rows(filters: Filters) -> Iterator[dict[str, Any]]:
    """Every published result matching the filters, in a stable order."""
    chosen = sorted(
        publications(filters), key=lambda p: (p.framework_code, p.period.start_date, p.id)
    )
    for publication in chosen:
        yield from _rows(publication, filters)


def _rows(publication: Publication, filters: Filters) -> Iterator[dict[str, Any]]:
    snap = publication.snapshot
    framework = snap["framework"]
    indicators = [i for i in snap["indicators"] if filters.indicator in (None, i["code"])]
    for shown in shown_providers(publication, set()):
        code = shown.data.get("code") if publication.identifiable else None
        if filters.organisation is not None and filters.organisation not in (code, shown.title):
            continue
        for indicator in indicators:
            result = shown.data["results"].get(indicator["code"])
            if result is None:
                continue
            yield {
                "framework": framework["code"],
                "framework_version": framework["version"],
                "framework_title": framework["title"],
                "period": snap["period"]["label"],
                "identifiable": publication.identifiable,
                "organisation_code": code,
                "organisation": shown.title,
                "indicator": indicator["code"],
                "indicator_title": indicator["title"],
                "domain": indicator["domain"],
                "measure": indicator["measure"],
                "polarity": indicator["polarity"],
                "achievement": result.get("achievement"),
                "points": result.get("points"),
                "max_points": result.get("max_points"),
                "status": result.get("status"),
                "minimum_standard_breached": bool(result.get("breach")),
                "variation": result.get("flag"),
                "support_level": shown.data.get("support"),
                "published_at": publication.published_at.isoformat(),
            }


def publication_summary(publication: Publication) -> dict[str, Any]:
    """One published data set: what it is and how identifiable."""
    snap = publication.snapshot
    return {
        "framework": publication.framework_code,
        "framework_version": snap["framework"]["version"],
        "framework_title": snap["framework"]["title"],
        "year": snap["framework"]["year"],
        "period": publication.period.label,
        "identifiable": publication.identifiable,
        "providers": len(snap["providers"]),
        "indicators": len(snap["indicators"]),
        "published_at": publication.published_at.isoformat(),
    }
