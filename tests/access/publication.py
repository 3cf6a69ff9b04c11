"""Publication routes: commissioners publish; readers see what their audience may; the public
pages (blueprint `published`) need no sign-in. URLs create a scored framework and a public,
named publication of it through the test's session."""

import sys
from pathlib import Path

from route import EVERY_ROLE, Route

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "escalation"))
import ladder_builders  # noqa: E402

from qframe.publication.services import publish_results

MANAGERS = ("admin", "commissioner")
REPORT_READERS = ("admin", "commissioner", "finance", "provider_lead")
Q1 = "2025/26 Q1"


def _publication(t) -> int:  # type: ignore[no-untyped-def]
    if not hasattr(t, "publication"):
        framework, _run = ladder_builders.scored(t)
        t.publication = publish_results(None, framework, Q1, "public", True).id
    return t.publication


def _public(t, tail: str = "") -> str:  # type: ignore[no-untyped-def]
    _publication(t)
    return f"/published/LQF/{Q1}{tail}"


def _report(t, tail: str = "") -> str:  # type: ignore[no-untyped-def]
    _publication(t)
    return f"/publication/reports/{t.trust_a.id}/2025-26{tail}"


def _public_report(t, tail: str = "") -> str:  # type: ignore[no-untyped-def]
    _publication(t)
    return f"/published/reports/{t.trust_a.code}/2025-26{tail}"


ROUTES = {
    "publication.index": Route(lambda t: "/publication/", allowed=EVERY_ROLE),
    "publication.publish": Route(lambda t: "/publication/", method="POST", allowed=MANAGERS),
    "publication.show": Route(lambda t: f"/publication/{_publication(t)}", allowed=EVERY_ROLE),
    "publication.export": Route(
        lambda t: f"/publication/{_publication(t)}/results.csv", allowed=EVERY_ROLE
    ),
    "publication.reports": Route(lambda t: "/publication/reports", allowed=REPORT_READERS),
    "publication.report": Route(lambda t: _report(t), allowed=REPORT_READERS),
    "publication.report_pdf": Route(lambda t: _report(t, "/report.pdf"), allowed=REPORT_READERS),
    "published.index": Route(lambda t: "/published/", allowed=EVERY_ROLE, public=True),
    "published.show": Route(lambda t: _public(t), allowed=EVERY_ROLE, public=True),
    "published.export": Route(
        lambda t: _public(t, "/results.csv"), allowed=EVERY_ROLE, public=True
    ),
    "published.report": Route(lambda t: _public_report(t), allowed=EVERY_ROLE, public=True),
    "published.report_pdf": Route(
        lambda t: _public_report(t, "/report.pdf"), allowed=EVERY_ROLE, public=True
    ),
}
