"""Governance visits: commissioners (their own local health system) only."""

from datetime import date

from route import Route

from qframe.visits.services import schedule_visit

ROLES = ("admin", "commissioner")


def _id(t):  # type: ignore[no-untyped-def]
    """A visit to the tree's ICB, planned for a future date."""
    if not hasattr(t, "visit_id"):
        t.visit_id = schedule_visit(None, t.icb, date(2099, 1, 1), date.today()).id
    return t.visit_id


ROUTES = {
    "visits.index": Route(lambda t: "/visits/", allowed=ROLES),
    "visits.export": Route(lambda t: "/visits/visits.csv", allowed=ROLES),
    "visits.schedule": Route(lambda t: "/visits/", method="POST", allowed=ROLES),
    "visits.show": Route(lambda t: f"/visits/{_id(t)}", allowed=ROLES),
    "visits.record": Route(lambda t: f"/visits/{_id(t)}/record", method="POST", allowed=ROLES),
    "visits.add_recommendation": Route(
        lambda t: f"/visits/{_id(t)}/recommendations", method="POST", allowed=ROLES
    ),
    "visits_api.index": Route(lambda t: "/api/v1/visits", allowed=ROLES),
}
