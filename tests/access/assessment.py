"""Baseline assessments: commissioners request and review their providers'; provider leads
rate and submit their own."""

from datetime import date

from route import Route

from qframe.assessment.services import start_assessment
from qframe.auth.services import create_user

READERS = ("admin", "commissioner", "provider_lead")


def _id(t):  # type: ignore[no-untyped-def]
    """An assessment of trust A, requested by a commissioner of the tree's ICB."""
    if not hasattr(t, "assessment_id"):
        user = create_user(
            None,
            email="baseline.requester@test.qframe",
            role="commissioner",
            password="correct horse battery staple",
            org_codes=[t.icb.code],
        )
        found = start_assessment(user, t.trust_a, "2026/27", date(2099, 6, 30), date.today())
        t.assessment_id = found.id
    return t.assessment_id


ROUTES = {
    "assessment.index": Route(lambda t: "/assessment/", allowed=READERS),
    "assessment.export": Route(lambda t: "/assessment/assessments.csv", allowed=READERS),
    "assessment.start": Route(
        lambda t: "/assessment/start", method="POST", allowed=("admin", "commissioner")
    ),
    "assessment.show": Route(lambda t: f"/assessment/{_id(t)}", allowed=READERS),
    "assessment.save": Route(
        lambda t: f"/assessment/{_id(t)}", method="POST", allowed=("admin", "provider_lead")
    ),
    "assessment.review": Route(
        lambda t: f"/assessment/{_id(t)}/review", method="POST", allowed=("admin", "commissioner")
    ),
    "assessment_api.index": Route(lambda t: "/api/v1/assessments", allowed=READERS),
    "assessment_api.one": Route(lambda t: f"/api/v1/assessments/{_id(t)}", allowed=READERS),
}
