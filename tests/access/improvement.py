"""Health improvement plans: commissioners and finance (their own ICB) plan and approve;
provider leads see their own organisations' projects in approved plans."""

import sys
from pathlib import Path

from route import Route

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "improvement"))
import improvement_builders  # noqa: E402

MANAGERS = ("admin", "commissioner", "finance")


def _ids(t):  # type: ignore[no-untyped-def]
    """A plan of the tree's ICB with one proposed run."""
    if not hasattr(t, "improvement_ids"):
        plan, run = improvement_builders.make_run(t)
        t.improvement_ids = (plan.id, run.id)
    return t.improvement_ids


def _plan(t):  # type: ignore[no-untyped-def]
    return f"/improvement/{_ids(t)[0]}"


def _run(t):  # type: ignore[no-untyped-def]
    return f"/improvement/{_ids(t)[0]}/runs/{_ids(t)[1]}"


def _api(t):  # type: ignore[no-untyped-def]
    return f"/api/v1/improvement/plans/{_ids(t)[0]}"


ROUTES = {
    "improvement.index": Route(lambda t: "/improvement/", allowed=MANAGERS),
    "improvement.new": Route(lambda t: "/improvement/new", allowed=MANAGERS),
    "improvement.show": Route(_plan, allowed=MANAGERS),
    "improvement.propose": Route(lambda t: f"{_plan(t)}/runs", method="POST", allowed=MANAGERS),
    "improvement.run": Route(_run, allowed=MANAGERS),
    "improvement.approve": Route(lambda t: f"{_run(t)}/approve", method="POST", allowed=MANAGERS),
    "improvement.export": Route(lambda t: f"{_run(t)}.csv", allowed=MANAGERS),
    "improvement.funded": Route(
        lambda t: "/improvement/funded", allowed=("admin", "provider_lead")
    ),
    "improvement_api.plans": Route(lambda t: "/api/v1/improvement/plans", allowed=MANAGERS),
    "improvement_api.plan": Route(_api, allowed=MANAGERS),
    "improvement_api.run": Route(lambda t: f"{_api(t)}/runs/{_ids(t)[1]}", allowed=MANAGERS),
    "improvement_api.propose": Route(lambda t: f"{_api(t)}/runs", method="POST", allowed=MANAGERS),
    "improvement_api.approve": Route(
        lambda t: f"{_api(t)}/runs/{_ids(t)[1]}/approve", method="POST", allowed=MANAGERS
    ),
}
