"""Scoring pages: scorecards, overview heat-map, funnel, ward SPC, scoring and finalising."""

from __future__ import annotations

import csv
import io
import re

import pytest
from sqlalchemy import event, select

from qframe.extensions import db as _db
from qframe.periods.models import get_or_create_period
from qframe.scoring.models import ScoreRun
from qframe.scoring.runs import score_period


@pytest.fixture
def run(tqf, tree, measure):  # type: ignore[no-untyped-def]
    measure(tqf, tree.trust_a, "P1", numerator=75, denominator=100)
    measure(tqf, tree.trust_b, "P1", numerator=11, denominator=20)
    measure(tqf, tree.line_a, "S1", numerator=30, denominator=50)
    measure(tqf, tree.ward_a, "W1", numerator=3, denominator=1000)
    measure(tqf, tree.trust_a, "Y1", value="1")
    measure(tqf, tree.other_trust, "P1", numerator=60, denominator=100)
    return score_period(None, tqf, get_or_create_period("2025/26"))


def page(client, url: str, status: int = 200) -> str:  # type: ignore[no-untyped-def]
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)[:400]
    return response.get_data(as_text=True)


def test_a_provider_lead_sees_points_entitlement_and_peers_on_the_scorecard(
    client, login_as, tree, run
):
    login_as("provider_lead", [tree.trust_a])
    html = page(client, f"/scoring/runs/{run.id}/orgs/{tree.trust_a.id}")
    assert "Trust A" in html
    assert 'data-testid="domain-bars"' in html
    assert "P1" in html
    assert "Peer median" in html
    assert "Provisional" in html
    assert "£" in html  # entitlement, from contract value


def test_scorecards_outside_the_users_scope_or_of_wards_are_not_found(client, login_as, tree, run):
    login_as("provider_lead", [tree.trust_a])
    page(client, f"/scoring/runs/{run.id}/orgs/{tree.trust_b.id}", 404)
    page(client, f"/scoring/runs/{run.id}/orgs/{tree.other_trust.id}", 404)
    page(client, f"/scoring/runs/{run.id}/orgs/{tree.ward_a.id}", 404)


def test_a_clinical_director_sees_their_service_line_with_its_wards_rolled_up(
    client, login_as, tree, run
):
    login_as("clinical_director", [tree.line_a])
    html = page(client, f"/scoring/runs/{run.id}/orgs/{tree.line_a.id}")
    assert "S1" in html
    assert "W1" in html
    assert "sum of its wards" in html
    page(client, f"/scoring/runs/{run.id}/orgs/{tree.trust_a.id}", 404)


def test_the_scorecard_csv_holds_only_that_organisations_rows_in_the_scores_format(
    client, login_as, tree, run
):
    login_as("provider_lead", [tree.trust_a])
    text = page(client, f"/scoring/runs/{run.id}/orgs/{tree.trust_a.id}/scores.csv")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == [
        "org_code", "indicator_code", "period", "numerator", "denominator", "achievement",
        "points", "max_points", "status", "ci_low", "ci_high",
    ]  # fmt: skip
    assert {r["org_code"] for r in rows} == {tree.trust_a.code}
    p1 = next(r for r in rows if r["indicator_code"] == "P1")
    assert (p1["achievement"], p1["points"], p1["max_points"], p1["status"]) == (
        "75", "6.25", "10", "scored",
    )  # fmt: skip


def test_the_overview_shows_only_providers_in_the_commissioners_scope_with_words(
    client, login_as, tree, run
):
    login_as("commissioner", [tree.icb])
    html = page(client, f"/scoring/manage/runs/{run.id}")
    assert "Trust A" in html
    assert "Trust B" in html
    assert "Other Trust" not in html
    assert "Part" in html
    assert "Full" in html
    community = page(client, f"/scoring/manage/runs/{run.id}?setting=community")
    assert "Trust B" in community
    assert "Trust A" not in community


def count_queries(app, client, url):  # type: ignore[no-untyped-def]
    statements = []

    def listen(*_args, **_kwargs):  # type: ignore[no-untyped-def]
        statements.append(1)

    engine = _db.engine
    event.listen(engine, "before_cursor_execute", listen)
    try:
        page(client, url)
    finally:
        event.remove(engine, "before_cursor_execute", listen)
    return len(statements)


def test_overview_and_scorecard_queries_do_not_grow_with_providers(
    app, client, login_as, tree, tqf, measure, make_org
):
    login_as("commissioner", [tree.icb])
    period = get_or_create_period("2025/26")
    measure(tqf, tree.trust_a, "P1", numerator=75, denominator=100)
    few = score_period(None, tqf, period)
    small = count_queries(app, client, f"/scoring/manage/runs/{few.id}")
    card = count_queries(app, client, f"/scoring/runs/{few.id}/orgs/{tree.trust_a.id}")
    for _ in range(15):
        provider = make_org("acute", tree.icb, contract_value_pence=10_000_000_00)
        measure(tqf, provider, "P1", numerator=80, denominator=100)
        measure(tqf, provider, "Y1", value="1")
    many = score_period(None, tqf, period)
    assert count_queries(app, client, f"/scoring/manage/runs/{many.id}") == small
    assert count_queries(app, client, f"/scoring/runs/{many.id}/orgs/{tree.trust_a.id}") == card


def test_the_funnel_page_draws_limits_and_lists_alarms_in_words(
    client, login_as, tree, tqf, measure, make_org
):
    for k in range(12):
        measure(
            tqf,
            make_org("acute", tree.icb, name=f"Steady {k}"),
            "P1",
            numerator=150,
            denominator=200,
        )
    measure(
        tqf,
        make_org("acute", tree.icb, name="Struggling trust"),
        "P1",
        numerator=100,
        denominator=200,
    )
    measure(tqf, make_org("acute", tree.icb, name="Tiny unit"), "P1", numerator=1, denominator=5)
    run = score_period(None, tqf, get_or_create_period("2025/26"))
    login_as("commissioner", [tree.icb])
    p1 = next(i for i in tqf.indicators if i.code == "P1")
    html = page(client, f"/scoring/manage/runs/{run.id}/indicators/{p1.id}")
    assert 'data-testid="funnel-plot"' in html
    assert html.count('data-testid="limit95"') == 2
    assert html.count('data-testid="limit998"') == 2
    assert "Struggling trust</strong>" in html
    assert "99.8% limit" in html
    assert "Tiny unit (1/5)" in html  # small numbers: shown, not tested


def test_the_ward_page_draws_an_spc_chart_with_making_data_count_icons_and_words(
    client, login_as, tree, tqf, measure
):
    months = [f"2025-{m:02d}" for m in range(4, 13)] + ["2026-01", "2026-02", "2026-03"]
    falls = [4, 5, 4, 6, 5, 4, 5, 1, 1, 1, 1, 1]
    for month, count in zip(months, falls, strict=True):
        measure(tqf, tree.ward_a, "W1", period=month, numerator=count, denominator=1000)
    login_as("nurse_manager", [tree.ward_a])
    html = page(client, f"/scoring/wards/{tree.ward_a.id}")
    assert 'data-testid="spc-chart"' in html
    assert 'data-testid="ucl"' in html
    assert 'data-testid="variation-icon"' in html
    assert 'data-testid="assurance-icon"' in html
    assert "Special cause: improving" in html  # falls dropped and stayed down
    page(client, f"/scoring/wards/{tree.ward_b.id}", 404)


def test_a_commissioner_scores_rescores_and_finalises_from_the_web(
    client, login_as, tree, tqf, measure
):
    measure(tqf, tree.trust_a, "P1", numerator=75, denominator=100)
    period = get_or_create_period("2025/26")
    login_as("commissioner", [tree.icb])
    assert "Score 2025/26" in page(client, "/scoring/manage/")
    form = {"framework_id": tqf.id, "period_id": period.id}
    assert client.post("/scoring/manage/score", data=form).status_code == 302
    assert client.post("/scoring/manage/score", data=form).status_code == 302
    first, second = _db.session.scalars(
        select(ScoreRun).where(ScoreRun.framework_id == tqf.id).order_by(ScoreRun.version)
    ).all()
    assert client.post(f"/scoring/manage/runs/{first.id}/finalise").status_code == 409
    assert client.post(f"/scoring/manage/runs/{second.id}/finalise").status_code == 302
    _db.session.refresh(second)
    assert second.status == "final"
    assert "Finalise version" not in page(client, f"/scoring/manage/runs/{second.id}")


def test_a_commissioner_cannot_score_another_commissioners_framework(
    client, login_as, tree, make_framework, measure
):
    theirs = make_framework(owner=tree.other_icb, code="THEIRS")
    measure(theirs, tree.other_trust, "P1", numerator=1, denominator=2)
    login_as("commissioner", [tree.icb])
    period = get_or_create_period("2025/26")
    response = client.post(
        "/scoring/manage/score", data={"framework_id": theirs.id, "period_id": period.id}
    )
    assert response.status_code == 404


def test_the_scores_csv_streams_only_the_commissioners_providers(client, login_as, tree, run):
    login_as("commissioner", [tree.icb])
    response = client.get(f"/scoring/manage/runs/{run.id}/scores.csv")
    assert response.status_code == 200
    assert response.is_streamed  # written a batch at a time, not built in memory
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    codes = {r["org_code"] for r in rows}
    # the run scored trust_a, trust_b, line_a, ward_a (in the ICB) and other_trust (outside)
    assert {tree.trust_a.code, tree.trust_b.code} <= codes
    assert tree.other_trust.code not in codes
    p1 = next(r for r in rows if r["org_code"] == tree.trust_b.code and r["indicator_code"] == "P1")
    assert (p1["numerator"], p1["denominator"], p1["achievement"]) == ("11", "20", "55")


def test_the_heat_map_pages_says_how_many_providers_it_hides_and_filters_by_icb(
    client, login_as, tree, tqf, measure, make_org
):
    # 30 providers in the ICB (trust_a plus 29 new ones) and one in another ICB: 25 to a page
    measure(tqf, tree.trust_a, "P1", numerator=75, denominator=100)
    for _ in range(29):
        provider = make_org("acute", tree.icb)
        measure(tqf, provider, "P1", numerator=80, denominator=100)
    measure(tqf, tree.other_trust, "P1", numerator=60, denominator=100)
    run = score_period(None, tqf, get_or_create_period("2025/26"))
    login_as("admin", [])
    first = page(client, f"/scoring/manage/runs/{run.id}")
    assert "Showing providers 1–25 of 31: 6 not shown on this page" in first
    second = page(client, f"/scoring/manage/runs/{run.id}?page=2")
    assert "Showing providers 26–31 of 31: 25 not shown on this page" in second
    only = page(client, f"/scoring/manage/runs/{run.id}?icb={tree.other_icb.id}")
    assert "Showing providers 1–1 of 1." in only
    assert tree.other_trust.name in only
    assert tree.trust_a.name not in only


def test_a_final_runs_heat_map_is_served_from_the_cache_unchanged(client, login_as, tree, run):
    from qframe.scoring.heatmap import _cache
    from qframe.scoring.runs import finalise_run

    login_as("commissioner", [tree.icb])
    finalise_run(None, run)
    _cache.clear()
    built = page(client, f"/scoring/manage/runs/{run.id}")
    assert len(_cache) == 1
    again = page(client, f"/scoring/manage/runs/{run.id}")
    # identical apart from the sign-out form's CSRF token, which carries a timestamp
    csrf = re.compile(r'name="csrf_token"[^>]*')
    assert csrf.sub("", again) == csrf.sub("", built)
    assert "Other Trust" not in built  # the key holds the viewer's scope


def test_finalising_asks_for_confirmation_naming_the_version_and_the_providers(
    client, login_as, tree, tqf, measure
):
    measure(tqf, tree.trust_a, "P1", numerator=75, denominator=100)
    period = get_or_create_period("2025/26")
    login_as("commissioner", [tree.icb])
    form = {"framework_id": tqf.id, "period_id": period.id}
    assert client.post("/scoring/manage/score", data=form).status_code == 302
    run = _db.session.scalars(select(ScoreRun).where(ScoreRun.framework_id == tqf.id)).one()
    review = client.post(f"/scoring/manage/runs/{run.id}/finalise", data={"review": "1"})
    html = review.get_data(as_text=True)
    assert review.status_code == 200
    assert f"Finalise version {run.version} of" in html
    assert "1 providers scored in this version." in html  # one provider has data: trust A
    _db.session.refresh(run)
    assert run.status == "provisional"
