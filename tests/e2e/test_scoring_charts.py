"""Scoring charts in a real browser: the funnel plot and a ward's SPC chart, with screenshots."""

from __future__ import annotations

import json
import random

import pytest

from qframe.auth.services import create_user
from qframe.extensions import db
from qframe.frameworks.services import import_framework, parse_framework, publish_framework
from qframe.measurements.models import Measurement
from qframe.orgs.models import Organisation
from qframe.periods.models import get_or_create_period
from qframe.scoring.runs import score_period

pytestmark = pytest.mark.e2e
PASSWORD = "e2e scoring password"


def _indicator(code, title, level, measure, scoring, **extra):  # type: ignore[no-untyped-def]
    return {
        "code": code, "domain": "SAF", "title": title, "measure": measure,
        "polarity": scoring.pop("polarity", "higher_is_better"), "level": level,
        "scoring": {"method": "threshold", **scoring}, **extra,
    }  # fmt: skip


FRAMEWORK = {
    "code": "E2E-SC", "title": "Acute quality (browser test)", "year": "2025/26",
    "setting": "acute", "payment": {"model": "contract_share", "stake_percent": "1.25"},
    "domains": [{"code": "SAF", "title": "Safety"}],
    "indicators": [
        _indicator("VTE", "VTE risk assessment", "provider", "proportion",
                   {"max_points": "10", "lower": "80", "upper": "95"}, min_denominator=50),
        _indicator("FALLS", "Inpatient falls per 1,000 bed days", "ward", "rate",
                   {"max_points": "10", "lower": "8", "upper": "4", "polarity": "lower_is_better"},
                   multiplier="1000", minimum_standard="9", unit="falls per 1,000 bed days"),
    ],
}  # fmt: skip


@pytest.fixture(scope="module")
def scored(live_app):  # type: ignore[no-untyped-def]
    """Twenty trusts (one struggling, one tiny), a ward with a year of monthly falls, scored."""
    rng = random.Random(5)  # noqa: S311 - test data
    with live_app.app_context():
        icb = Organisation(code="E2ESC-ICB", name="Browser Test ICB", kind="commissioner")
        db.session.add(icb)
        trusts = []
        for k in range(20):
            name = {0: "Struggling Hospitals", 1: "Tiny Cottage Hospital"}.get(k, f"Trust {k:02d}")
            value = rng.randint(100, 600) * 1_000_000_00
            trust = Organisation(
                code=f"E2ESC-T{k:02d}", name=name, kind="acute", parent=icb,
                contract_value_pence=value,
            )  # fmt: skip
            trusts.append(trust)
        line = Organisation(code="E2ESC-SL", name="Medicine", kind="service_line", parent=trusts[2])
        ward = Organisation(code="E2ESC-W1", name="Kingfisher ward", kind="ward", parent=line)
        db.session.add_all([*trusts, line, ward])
        db.session.flush()
        framework = publish_framework(
            None, import_framework(None, parse_framework(json.dumps(FRAMEWORK)), icb)
        )
        vte, falls = (
            next(i for i in framework.indicators if i.code == c) for c in ("VTE", "FALLS")
        )
        year = get_or_create_period("2025/26")

        def add(org, indicator, period, numerator, denominator):  # type: ignore[no-untyped-def]
            db.session.add(Measurement(
                framework_id=framework.id, organisation_id=org.id, indicator_id=indicator.id,
                period_id=period.id, numerator=numerator, denominator=denominator, source="form",
            ))  # fmt: skip

        for k, trust in enumerate(trusts):
            n = 30 if k == 1 else rng.randint(400, 3000)
            rate = 0.78 if k == 0 else 0.5 if k == 1 else rng.uniform(0.9, 0.96)
            add(trust, vte, year, round(n * rate), n)
        months = [f"2025-{m:02d}" for m in range(4, 13)] + ["2026-01", "2026-02", "2026-03"]
        for month, count in zip(months, [7, 8, 6, 7, 9, 8, 7, 4, 3, 3, 4, 3], strict=True):
            add(ward, falls, get_or_create_period(month), count, 1000)
        db.session.flush()
        run = score_period(None, framework, year)
        for email, role, org in (
            ("e2e.scoring.commissioner@example.test", "commissioner", icb),
            ("e2e.scoring.nurse@example.test", "nurse_manager", ward),
        ):
            create_user(None, email=email, role=role, password=PASSWORD, org_codes=[org.code])
        db.session.commit()
        return {"run": run.id, "vte": vte.id, "ward": ward.id, "trust": trusts[2].id}


def sign_in(page, live_server: str, email: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{live_server}/auth/login")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server}/home")


def test_the_funnel_plot_shows_limits_points_and_the_struggling_trust(
    page, live_server, scored, artifacts
):
    sign_in(page, live_server, "e2e.scoring.commissioner@example.test")
    page.goto(f"{live_server}/scoring/manage/runs/{scored['run']}/indicators/{scored['vte']}")
    svg = page.get_by_test_id("funnel-plot")
    assert svg.is_visible()
    assert svg.locator("[data-testid=limit95]").count() == 2
    assert svg.locator("[data-testid=limit998]").count() == 2
    assert svg.locator("[data-testid=target-line]").count() == 1
    # Issue 13: each kind of point is one path (so 7,000 points stay small); data-count says
    # how many points each path draws.
    paths = svg.locator("[data-testid=points] [data-kind]").all()
    counts = {p.get_attribute("data-kind"): int(p.get_attribute("data-count")) for p in paths}
    assert sum(counts.values()) == 20
    assert counts.get("alarm", 0) >= 1
    assert counts.get("small_numbers") == 1
    assert page.get_by_test_id("worse").get_by_text("Struggling Hospitals").is_visible()
    page.screenshot(path=str(artifacts / "scoring-funnel.png"), full_page=True)
    page.goto(f"{live_server}/scoring/manage/runs/{scored['run']}")
    assert page.get_by_test_id("heat-map").is_visible()
    page.screenshot(path=str(artifacts / "scoring-overview.png"), full_page=True)
    page.goto(f"{live_server}/scoring/runs/{scored['run']}/orgs/{scored['trust']}")
    assert page.get_by_test_id("domain-bars").is_visible()
    page.screenshot(path=str(artifacts / "scoring-scorecard.png"), full_page=True)


def test_the_ward_spc_chart_shows_limits_and_making_data_count_icons(
    page, live_server, scored, artifacts
):
    sign_in(page, live_server, "e2e.scoring.nurse@example.test")
    page.goto(f"{live_server}/scoring/wards/{scored['ward']}")
    svg = page.get_by_test_id("spc-chart")
    assert svg.is_visible()
    for line in ("mean", "ucl", "lcl", "target-line"):
        assert svg.locator(f"[data-testid={line}]").count() == 1
    assert svg.locator("[data-testid=points] [data-kind]").count() == 12
    assert (
        page.get_by_test_id("variation-icon").get_by_text("Special cause: improving").is_visible()
    )
    assert page.get_by_test_id("assurance-icon").is_visible()
    page.screenshot(path=str(artifacts / "scoring-ward-spc.png"), full_page=True)
