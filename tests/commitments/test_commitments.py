"""Recording commitments, their status from score runs, the chart, and who sees them."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from qframe.audit.models import AuditEvent
from qframe.commitments.models import Commitment
from qframe.commitments.services import progress_of, record_commitment
from qframe.errors import ValidationFailed


def _indicator(framework, code):
    return next(i for i in framework.indicators if i.code == code)


def _falls(framework, **changes):
    data = {
        "indicator": str(_indicator(framework, "S2").id), "baseline": "6.0",
        "baseline_period": "2025/26 Q1", "target": "4.0", "due_period": "2025/26 Q4",
        "milestones": "2025/26 Q2: 5.5", "why": "Fewer falls, fewer broken hips.",
    }  # fmt: skip
    data.update(changes)
    return data


def test_a_target_on_the_wrong_side_of_the_baseline_is_refused_and_nothing_saved(
    client, db, tree, framework, login_as
):
    login_as("provider_lead", [tree.trust_a])
    response = client.post(
        f"/commitments/providers/{tree.trust_a.id}/new", data=_falls(framework, target="6.5")
    )
    assert response.status_code == 422
    assert "lower is better for this indicator, so the target must be below the baseline" in (
        response.get_data(as_text=True)
    )
    assert db.session.scalar(select(func.count()).select_from(Commitment)) == 0


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"baseline": "six"}, "Baseline: enter a number"),
        ({"due_period": "2025/26 Q1"}, "must end after the baseline period"),
        ({"due_period": "Q9"}, "is not a period"),
        ({"milestones": "2027/28 Q1: 5"}, "not between the baseline and due periods"),
        ({"why": ""}, "why it matters"),
        ({"indicator": "999999"}, "Choose an indicator"),
    ],
)
def test_bad_commitments_are_refused_in_words(db, tree, framework, changes, words):
    with pytest.raises(ValidationFailed) as error:
        record_commitment(None, tree.trust_a, _falls(framework, **changes))
    assert words in " ".join(p.message for p in error.value.problems)


def test_status_comes_from_the_scored_results(db, tree, framework, build):
    commitment = record_commitment(None, tree.trust_a, _falls(framework))
    (progress,) = progress_of([commitment])
    assert progress.status == "awaiting data"
    build.score(framework, "2025/26 Q2", {tree.trust_a: {"S2": {"achievement": 5.9}}})
    assert progress_of([commitment])[0].status == "at risk"  # the line is at 5.33 by Q2
    build.score(framework, "2025/26 Q3", {tree.trust_a: {"S2": {"achievement": 4.5}}})
    assert progress_of([commitment])[0].status == "on track"
    build.score(framework, "2025/26 Q4", {tree.trust_a: {"S2": {"achievement": 4.1}}})
    assert progress_of([commitment])[0].status == "missed"
    # A corrected (newer) run of the due period replaces the old result.
    build.score(framework, "2025/26 Q4", {tree.trust_a: {"S2": {"achievement": 3.9}}})
    assert progress_of([commitment])[0].status == "met"


def test_a_provider_lead_records_a_commitment_and_sees_its_chart(
    client, db, tree, framework, build, login_as
):
    build.score(framework, "2025/26 Q2", {tree.trust_a: {"S2": {"achievement": 5.0}}})
    login_as("provider_lead", [tree.trust_a])
    response = client.post(f"/commitments/providers/{tree.trust_a.id}/new", data=_falls(framework))
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "<svg" in page
    assert "On track" in page
    assert "Fewer falls, fewer broken hips." in page
    assert (
        db.session.scalar(
            select(AuditEvent).where(AuditEvent.action == "commitments.create")
        ).after["target"]
        == "4.0"
    )


def test_commissioners_see_every_providers_commitments_and_leads_only_their_own(
    client, db, tree, framework, login_as
):
    a = record_commitment(None, tree.trust_a, _falls(framework))
    b = record_commitment(None, tree.trust_b, _falls(framework, why="Trust B's promise."))
    login_as("commissioner", [tree.icb])
    page = client.get("/commitments/").get_data(as_text=True)
    assert tree.trust_a.name in page
    assert tree.trust_b.name in page
    client.post("/auth/logout")
    login_as("provider_lead", [tree.trust_a])
    page = client.get("/commitments/").get_data(as_text=True)
    assert tree.trust_a.name in page
    assert tree.trust_b.name not in page
    assert client.get(f"/commitments/{a.id}").status_code == 200
    assert client.get(f"/commitments/{b.id}").status_code == 404
    assert client.get(f"/commitments/providers/{tree.trust_b.id}/new").status_code == 404
    csv = client.get("/commitments/commitments.csv").get_data(as_text=True)
    assert "Trust B's promise." not in csv
    assert tree.trust_a.code in csv
