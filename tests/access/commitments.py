"""Commitment routes: provider leads record them; commissioners and leads read them in scope."""

import sys
from pathlib import Path

from route import Route

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "escalation"))
import ladder_builders  # noqa: E402

from qframe.commitments.models import Commitment
from qframe.extensions import db
from qframe.periods.models import get_or_create_period

READERS = ("admin", "commissioner", "provider_lead")


def _commitment(t) -> int:  # type: ignore[no-untyped-def]
    """A commitment of trust A (in scope for the commissioner and the provider lead)."""
    if not hasattr(t, "commitment"):
        framework, _run = ladder_builders.scored(t)
        row = Commitment(
            organisation_id=t.trust_a.id,
            indicator_id=framework.indicators[0].id,
            baseline=90,
            target=95,
            baseline_period_id=get_or_create_period("2025/26 Q1").id,
            due_period_id=get_or_create_period("2025/26 Q4").id,
            milestones=[],
            why="Access",
        )
        db.session.add(row)
        db.session.flush()
        t.commitment = row.id
    return t.commitment


ROUTES = {
    "commitments.index": Route(lambda t: "/commitments/", allowed=READERS),
    "commitments.export": Route(lambda t: "/commitments/commitments.csv", allowed=READERS),
    "commitments.show": Route(lambda t: f"/commitments/{_commitment(t)}", allowed=READERS),
    "commitments.new": Route(
        lambda t: f"/commitments/providers/{t.trust_a.id}/new", allowed=("admin", "provider_lead")
    ),
}
