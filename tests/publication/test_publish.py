"""Publishing: only final results, frozen copies, each audience sees only what it should."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from qframe.errors import Immutable, ValidationFailed
from qframe.publication.models import Publication
from qframe.publication.services import publish_results

Q1, Q2 = "2025/26 Q1", "2025/26 Q2"


@pytest.fixture
def region(tree, make_org, framework, build):
    trust_c = make_org("acute", tree.icb, name="Trust C")
    build.score(framework, Q1, {tree.trust_a: {"E2": {"achievement": 61.0}}, tree.trust_b: {},
                                trust_c: {}})  # fmt: skip
    return trust_c


def _count(db):
    return db.session.scalar(select(func.count()).select_from(Publication))


def test_a_period_without_a_final_score_run_cannot_be_published(db, framework, region, build, tree):
    build.score(framework, Q2, {tree.trust_a: {}}, status="provisional")
    for label, words in ((Q2, "no final score run"), ("2025/26 Q3", "has not been scored"),
                         ("Q5", "is not a period")):  # fmt: skip
        with pytest.raises(ValidationFailed) as error:
            publish_results(None, framework, label, "public", True)
        assert words in error.value.problems[0].message
    assert _count(db) == 0


def test_the_publish_form_explains_an_unscored_period(client, db, tree, framework, login_as):
    login_as("commissioner", [tree.icb])
    response = client.post(
        "/publication/", data={"framework": str(framework.id), "period": Q1, "audience": "board"}
    )
    assert response.status_code == 422
    assert "has not been scored" in response.get_data(as_text=True)
    assert _count(db) == 0


def test_published_numbers_do_not_change_when_the_period_is_rescored(
    client, db, tree, framework, region, build
):
    publication = publish_results(None, framework, Q1, "public", True)
    build.score(framework, Q1, {tree.trust_a: {"E2": {"achievement": 99.0}}, tree.trust_b: {}})
    page = client.get(f"/published/LQF/{Q1}").get_data(as_text=True)
    assert "61.0" in page
    assert "99.0" not in page
    publication.snapshot = {}
    with pytest.raises(Immutable):
        db.session.flush()


def test_providers_see_themselves_named_and_peers_as_stable_letters(
    client, db, tree, framework, region, login_as
):
    publication = publish_results(None, framework, Q1, "providers", True)
    assert publication.identifiable is False  # providers never see peers named
    login_as("provider_lead", [tree.trust_a])
    first = client.get(f"/publication/{publication.id}").get_data(as_text=True)
    assert f"{tree.trust_a.name} (you)" in first
    assert tree.trust_b.name not in first
    assert region.name not in first
    labels = {p["org_id"]: p["label"] for p in publication.snapshot["providers"]}
    assert sorted(labels.values()) == ["Provider A", "Provider B", "Provider C"]
    assert labels[tree.trust_b.id] in first
    again = client.get(f"/publication/{publication.id}").get_data(as_text=True)
    # The same page twice, apart from the sign-out form's CSRF token (it carries a timestamp).
    assert _without_csrf(again) == _without_csrf(first)


def _without_csrf(page: str) -> str:
    return re.sub(r'name="csrf_token"[^>]*', "", page)


def test_an_anonymised_public_publication_holds_no_names_at_all(
    client, db, tree, framework, region
):
    publication = publish_results(None, framework, Q1, "public", False)
    text = str(publication.snapshot)
    for org in (tree.trust_a, tree.trust_b, region):
        assert org.name not in text
        assert org.code not in text
    page = client.get(f"/published/LQF/{Q1}").get_data(as_text=True)
    assert "Provider A" in page
    assert tree.trust_a.name not in page


def test_public_pages_need_no_sign_in_and_show_only_what_was_published(
    client, db, tree, framework, region, build
):
    build.score(framework, Q2, {tree.trust_a: {}})
    publish_results(None, framework, Q1, "public", True)
    publish_results(None, framework, Q2, "board", True)
    db.session.commit()  # a 404 rolls the request's session back
    assert client.get(f"/published/LQF/{Q1}").status_code == 200
    assert client.get(f"/published/LQF/{Q1}/results.csv").status_code == 200
    assert client.get(f"/published/LQF/{Q2}").status_code == 404  # board only
    assert client.get("/published/LQF/2025/26 Q3").status_code == 404
    assert client.get("/published/NOPE/2025/26 Q1").status_code == 404
    index = client.get("/published/").get_data(as_text=True)
    assert Q1 in index
    assert Q2 not in index


def test_board_papers_are_for_the_commissioner_side_only(
    client, db, tree, framework, region, login_as
):
    publication = publish_results(None, framework, Q1, "board", False)
    assert publication.identifiable is True  # board papers always name providers
    db.session.commit()  # a 404 rolls the request's session back
    login_as("provider_lead", [tree.trust_a])
    assert client.get(f"/publication/{publication.id}").status_code == 404
    client.post("/auth/logout")
    login_as("finance", [tree.icb])
    page = client.get(f"/publication/{publication.id}").get_data(as_text=True)
    assert tree.trust_b.name in page
    client.post("/auth/logout")
    login_as("finance", [tree.other_icb])
    assert client.get(f"/publication/{publication.id}").status_code == 404


def test_the_commissioner_publishes_from_the_form(client, db, tree, framework, region, login_as):
    login_as("commissioner", [tree.icb])
    response = client.post(
        "/publication/",
        data={
            "framework": str(framework.id),
            "period": Q1,
            "audience": "public",
            "identifiable": "y",
        },
    )
    assert response.status_code == 302
    publication = db.session.scalar(select(Publication))
    assert (publication.audience, publication.identifiable) == ("public", True)


def test_the_publish_form_offers_only_final_periods_and_frameworks_that_have_them(
    client, db, tree, framework, region, build, login_as
):
    # region: LQF final for Q1. Q2 is scored but provisional; an unscored framework is not offered.
    build.score(framework, Q2, {tree.trust_a: {}}, status="provisional")
    build.score(framework, "2025/26 Q3", {tree.trust_a: {}})
    build.make_framework(tree.icb, code="UQF")
    login_as("commissioner", [tree.icb])
    html = client.get("/publication/").get_data(as_text=True)
    start = html.index('id="period"')
    period_select = html[start : html.index("</select>", start)]
    # newest first (Q3 ends 31 December, Q1 30 June), the newest chosen; Q2 is not final
    assert re.findall(r'<option([^>]*)value="([^"]*)"', period_select) == [
        (" selected ", "2025/26 Q3"),
        (" ", "2025/26 Q1"),
    ]
    framework_select = html[html.index('id="framework"') : start]
    assert "LQF v1 (current version)" in framework_select
    assert "UQF" not in framework_select
