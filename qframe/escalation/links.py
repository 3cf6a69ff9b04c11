"""Links from ladder evidence to the scoring feature's pages, when those pages exist.

The scoring pages are another feature's: each link is built only when its endpoint is registered
and its rule's arguments are known here, so a missing or renamed page gives no link, not an
error.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, url_for
from werkzeug.routing import BuildError

SCORECARD_ENDPOINTS = ("scoring.scorecard_page",)
INDICATOR_ENDPOINTS = ("scoring_manage.funnel",)


def _build(endpoints: tuple[str, ...], known: dict[str, Any]) -> str | None:
    for endpoint in endpoints:
        if endpoint not in current_app.view_functions:
            continue
        for rule in current_app.url_map.iter_rules(endpoint):
            if set(rule.arguments) <= known.keys():
                try:
                    return url_for(endpoint, **{k: known[k] for k in rule.arguments})
                except BuildError:
                    continue
    return None


def _known(framework: Any, run_id: int | None, period: Any, **extra: Any) -> dict[str, Any]:
    return {
        "framework_id": framework.id,
        "code": framework.code,
        "run_id": run_id,
        "period": period.label,
        "period_id": period.id,
        **extra,
    }


def scorecard_url(framework: Any, org_id: int, run_id: int | None, period: Any) -> str | None:
    """The provider's scorecard for the run, if the scoring feature has that page."""
    known = _known(
        framework, run_id, period, org_id=org_id, organisation_id=org_id, provider_id=org_id
    )
    return _build(SCORECARD_ENDPOINTS, known)


def indicator_url(framework: Any, indicator_id: int, run_id: int | None, period: Any) -> str | None:
    """The indicator's funnel plot for the run, or the framework page as a fallback."""
    known = _known(framework, run_id, period, indicator_id=indicator_id)
    found = _build(INDICATOR_ENDPOINTS, known)
    if found is None and "frameworks.show" in current_app.view_functions:
        found = url_for("frameworks.show", framework_id=framework.id)
    return found


def evidence_links(framework: Any, decision: Any) -> list[dict[str, Any]]:
    """Each flagged indicator with what it showed and where to look."""
    evidence = decision.evidence or {}
    run_id = (evidence.get("run") or {}).get("id")
    what: dict[str, list[str]] = {}
    for key, word in (
        ("alarms", "alarm (99.8%)"),
        ("alerts", "alert (95%)"),
        ("breaches", "minimum standard not met"),
    ):
        for code in evidence.get(key, []):
            what.setdefault(code, []).append(word)
    links = []
    for code, words in sorted(what.items()):
        indicator_id = evidence.get("indicators", {}).get(code)
        url = (
            indicator_url(framework, indicator_id, run_id, decision.period)
            if indicator_id
            else None
        )
        links.append({"code": code, "what": ", ".join(words), "url": url})
    return links
