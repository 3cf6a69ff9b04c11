"""Reward allocations: finance's run pages (rewards) and a provider's own award (rewards_award).

Who: finance users (scoped to their commissioner) list, propose, approve, compare and export
runs; provider leads see their own organisations' awards in approved runs. Nobody else.
"""

import sys
from pathlib import Path

from route import Route

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "rewards"))
import rewards_builders  # noqa: E402

from qframe.audit.models import utcnow  # noqa: E402
from qframe.extensions import db  # noqa: E402
from qframe.rewards.models import AllocationLine  # noqa: E402

FINANCE = ("admin", "finance")
PROVIDERS = ("admin", "provider_lead")


def _runs(t):  # type: ignore[no-untyped-def]
    """Two runs on RQF's final scores for the tree's ICB; the first approved."""
    if not hasattr(t, "reward_runs"):
        first = rewards_builders.make_run(t, pot="1000000")
        second = rewards_builders.make_run(t, pot="900000")
        first.status, first.approved_at = "approved", utcnow()
        db.session.flush()
        line = (
            db.session.query(AllocationLine)
            .filter_by(run_id=first.id, organisation_id=t.trust_a.id)
            .one()
        )
        t.reward_runs = (first.id, second.id, line.id)
    return t.reward_runs


ROUTES = {
    "rewards.index": Route(lambda t: "/rewards/", allowed=FINANCE),
    "rewards.new": Route(lambda t: "/rewards/new", allowed=FINANCE),
    "rewards.show": Route(lambda t: f"/rewards/{_runs(t)[0]}", allowed=FINANCE),
    "rewards.approve": Route(
        lambda t: f"/rewards/{_runs(t)[1]}/approve", method="POST", allowed=FINANCE
    ),
    "rewards.export": Route(lambda t: f"/rewards/{_runs(t)[0]}/schedule.csv", allowed=FINANCE),
    "rewards.compare": Route(
        lambda t: f"/rewards/compare?first={_runs(t)[0]}&second={_runs(t)[1]}", allowed=FINANCE
    ),
    "rewards_award.index": Route(lambda t: "/rewards/award/", allowed=PROVIDERS),
    "rewards_award.show": Route(lambda t: f"/rewards/award/{_runs(t)[2]}", allowed=PROVIDERS),
}
