"""Good-practice library: every signed-in role reads it (it exists to be shared across
providers); commissioners and provider leads record entries for providers in their scope."""

import sys
from pathlib import Path

from route import Route

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "escalation"))
import ladder_builders  # noqa: E402

from qframe.learning.services import record_practice  # noqa: E402

READERS = ("admin", "commissioner", "finance", "clinical_director", "nurse_manager",
           "provider_lead")  # fmt: skip
WRITERS = ("admin", "commissioner", "provider_lead")


def _id(t):  # type: ignore[no-untyped-def]
    """Trust A's entry on S1 (its final Q1 score, 96, is beyond the upper threshold of 90)."""
    if not hasattr(t, "practice_id"):
        framework, _run = ladder_builders.scored(t)
        s1 = next(i for i in framework.indicators if i.code == "S1")
        fields = {"title": "Huddle", "what_they_did": "Checks", "contact": "lead@example"}
        t.practice_id = record_practice(None, t.trust_a, s1, fields).id
    return t.practice_id


ROUTES = {
    "learning.index": Route(lambda t: "/learning/", allowed=READERS),
    "learning.record": Route(lambda t: "/learning/", method="POST", allowed=WRITERS),
    "learning.show": Route(lambda t: f"/learning/{_id(t)}", allowed=READERS),
    "learning.export": Route(lambda t: "/learning/good-practice.csv", allowed=READERS),
    "learning_api.index": Route(lambda t: "/api/v1/good-practice", allowed=READERS),
}
