"""FHIR routes: Measure and MeasureReport bundles out (signed in, scoped) and in (by role)."""

from route import EVERY_ROLE, Route

SUBMITTERS = ("admin", "provider_lead", "clinical_director", "nurse_manager")
MANAGERS = ("admin", "commissioner")


def _framework(t):  # type: ignore[no-untyped-def]
    if getattr(t, "fhir_aqf", None) is None:
        from qframe.frameworks.library import load_library_framework
        from qframe.frameworks.services import import_framework, publish_framework

        draft = import_framework(None, load_library_framework("acute-quality-2025-26"), t.icb)
        t.fhir_aqf = publish_framework(None, draft)
    return t.fhir_aqf


def _reports(t) -> str:  # type: ignore[no-untyped-def]
    from qframe.periods.models import get_or_create_period

    get_or_create_period("2025-04")
    return f"/api/v1/fhir/frameworks/{_framework(t).id}/MeasureReport?period=2025-04"


ROUTES = {
    "fhir_api.measures": Route(
        lambda t: f"/api/v1/fhir/frameworks/{_framework(t).id}/Measure", allowed=EVERY_ROLE
    ),
    "fhir_api.reports": Route(_reports, allowed=EVERY_ROLE),
    "fhir_api.import_reports": Route(
        lambda t: f"/api/v1/fhir/frameworks/{_framework(t).id}/MeasureReport",
        method="POST",
        allowed=SUBMITTERS,
    ),
    "fhir_api.import_measures": Route(
        lambda t: "/api/v1/fhir/frameworks", method="POST", allowed=MANAGERS
    ),
}
