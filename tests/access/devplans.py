"""Development plans: provider leads import and sign off their own; commissioners read their
providers'."""

import sys
from datetime import date
from pathlib import Path

from route import Route

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "escalation"))
import ladder_builders  # noqa: E402

from qframe.devplans.services import import_plan  # noqa: E402

READERS = ("admin", "commissioner", "provider_lead")
CSV = b"action,owner,milestone,due_on\nAudit,Head of nursing,Train ward sisters,2026-03-31\n"


def _ids(t):  # type: ignore[no-untyped-def]
    """A development plan of trust A with one sign-off milestone."""
    if not hasattr(t, "devplan_ids"):
        ladder_builders.scored(t)
        plan = import_plan(None, t.trust_a, "Plan", date(2025, 4, 1), date(2026, 3, 31), CSV)
        t.devplan_ids = (plan.id, plan.actions[0].milestones[0].id)
    return t.devplan_ids


ROUTES = {
    "devplans.index": Route(lambda t: "/devplans/", allowed=READERS),
    "devplans.export": Route(lambda t: "/devplans/milestones.csv", allowed=READERS),
    "devplans.create": Route(
        lambda t: "/devplans/", method="POST", allowed=("admin", "provider_lead")
    ),
    "devplans.show": Route(lambda t: f"/devplans/{_ids(t)[0]}", allowed=READERS),
    "devplans.sign": Route(
        lambda t: f"/devplans/{_ids(t)[0]}/milestones/{_ids(t)[1]}/sign-off",
        method="POST",
        allowed=("admin", "provider_lead"),
    ),
    "devplans_api.index": Route(lambda t: "/api/v1/development-plans", allowed=READERS),
    "devplans_api.one": Route(lambda t: f"/api/v1/development-plans/{_ids(t)[0]}", allowed=READERS),
}
