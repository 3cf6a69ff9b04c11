"""Escalation ladder routes: commissioners manage; provider leads read their own history.

URLs needing a framework, score runs or a support plan create them through the test's own
session (rolled back with the test), using tests/escalation/ladder_builders.py.
"""

import sys
from pathlib import Path

from route import Route

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "escalation"))
import ladder_builders  # noqa: E402

from qframe.escalation.models import SupportRecord  # noqa: E402
from qframe.extensions import db  # noqa: E402

MANAGERS = ("admin", "commissioner")
READERS = ("admin", "commissioner", "provider_lead")


def fid(t) -> int:  # type: ignore[no-untyped-def]
    return ladder_builders.scored(t)[0].id


def _support(t) -> int:  # type: ignore[no-untyped-def]
    framework, run = ladder_builders.scored(t)
    record = SupportRecord(
        framework_id=framework.id,
        period_id=run.period_id,
        budget_pence=0,
        buddy_limit=1,
        assignments=[],
        accountability="test",
    )
    db.session.add(record)
    db.session.flush()
    return record.id


def _levels(t) -> str:  # type: ignore[no-untyped-def]
    from qframe.escalation.services import evaluate_escalation

    framework, _run = ladder_builders.scored(t)
    evaluate_escalation(None, framework)
    return f"/api/v1/escalation/{framework.id}/levels"


ROUTES = {
    "escalation.index": Route(lambda t: "/escalation/", allowed=MANAGERS),
    "escalation.show": Route(lambda t: f"/escalation/{fid(t)}", allowed=MANAGERS),
    "escalation.export": Route(lambda t: f"/escalation/{fid(t)}/ladder.csv", allowed=MANAGERS),
    "escalation.evaluate": Route(
        lambda t: f"/escalation/{fid(t)}/evaluate", method="POST", allowed=MANAGERS
    ),
    "escalation.settings": Route(lambda t: f"/escalation/{fid(t)}/settings", allowed=MANAGERS),
    "escalation_api.levels": Route(_levels, allowed=MANAGERS),
    "escalation.calibration": Route(
        lambda t: f"/escalation/{fid(t)}/calibration?years=2", allowed=MANAGERS
    ),
    "escalation.provider": Route(
        lambda t: f"/escalation/{fid(t)}/providers/{t.trust_a.id}", allowed=READERS
    ),
    "escalation.add_provider_note": Route(
        lambda t: f"/escalation/{fid(t)}/providers/{t.trust_a.id}/notes",
        method="POST",
        allowed=MANAGERS,
    ),
    "escalation.support": Route(lambda t: f"/escalation/{fid(t)}/support", allowed=MANAGERS),
    "escalation.propose": Route(
        lambda t: f"/escalation/{fid(t)}/support/propose", method="POST", allowed=MANAGERS
    ),
    "escalation.edit": Route(
        lambda t: f"/escalation/{fid(t)}/support/{_support(t)}", method="POST", allowed=MANAGERS
    ),
    "escalation.accept": Route(
        lambda t: f"/escalation/{fid(t)}/support/{_support(t)}/accept",
        method="POST",
        allowed=MANAGERS,
    ),
}


def _review(t) -> int:  # type: ignore[no-untyped-def]
    from qframe.escalation.board import BoardReview

    framework, run = ladder_builders.scored(t)
    review = BoardReview(
        framework_id=framework.id, organisation_id=t.trust_a.id, period_id=run.period_id, level=2
    )
    db.session.add(review)
    db.session.flush()
    return review.id


ROUTES.update(
    {
        "escalation.board": Route(
            lambda t: f"/escalation/{fid(t)}/providers/{t.trust_a.id}/board", allowed=READERS
        ),
        "escalation.acknowledge_review": Route(
            lambda t: f"/escalation/{fid(t)}/providers/{t.trust_a.id}/board/{_review(t)}",
            method="POST",
            allowed=("admin", "provider_lead"),
        ),
        "escalation.board_outstanding": Route(
            lambda t: f"/escalation/{fid(t)}/board", allowed=MANAGERS
        ),
    }
)
