"""Editing drafts through the services and the forms: valid edits save, bad ones say why inline."""

import json
import re

import pytest
from sqlalchemy import select

from qframe.errors import Conflict, ValidationFailed
from qframe.frameworks import services
from qframe.frameworks.models import Framework, Indicator


def indicator_json(framework, index=0) -> dict:
    return json.loads(services.framework_json(framework))["indicators"][index]


def form_data(item: dict, **changes) -> dict:
    """An indicator as the indicator form posts it."""
    scoring = item["scoring"]
    data = {
        "code": item["code"],
        "domain": item["domain"],
        "title": item["title"],
        "description": item.get("description") or "",
        "measure": item["measure"],
        "multiplier": item.get("multiplier") or "",
        "unit": item.get("unit") or "",
        "polarity": item["polarity"],
        "level": item["level"],
        "method": scoring["method"],
        "max_points": scoring.get("max_points") or "",
        "lower": scoring.get("lower") or "",
        "upper": scoring.get("upper") or "",
        "weight": item.get("weight") or "",
        "minimum_standard": item.get("minimum_standard") or "",
        "min_denominator": str(item.get("min_denominator") or ""),
        "data_source": "submitted",
    }
    return {**data, **changes}


def field_error(page: str, field: str) -> str:
    match = re.search(
        rf'id="{field}-error"><span class="visually-hidden">Error:</span> ([^<]*)', page
    )
    return match[1] if match else ""


def test_updating_an_indicator_changes_only_that_indicator(make_draft):
    framework = make_draft()
    other_before = indicator_json(framework, 1)
    item = indicator_json(framework)
    item["scoring"]["upper"] = "97"
    services.update_indicator(None, framework.indicators[0], item)
    assert indicator_json(framework)["scoring"]["upper"] == "97"
    assert indicator_json(framework, 1) == other_before


def test_renaming_an_indicator_keeps_its_identity(make_draft):
    framework = make_draft()
    indicator = framework.indicators[0]
    services.update_indicator(None, indicator, {**indicator_json(framework), "code": "VTE02"})
    assert indicator.code == "VTE02"
    assert [i.code for i in framework.indicators] == ["VTE02", "FALL01"]


def test_a_bad_indicator_edit_reports_paths_inside_the_indicator_and_saves_nothing(db, make_draft):
    framework = make_draft()
    db.session.commit()
    before = services.framework_json(framework)
    item = indicator_json(framework)
    item["scoring"].update(lower="99", max_points="-2")
    with pytest.raises(ValidationFailed) as caught:
        services.update_indicator(None, framework.indicators[0], item)
    assert {(p.column, p.code) for p in caught.value.problems} == {
        ("scoring.lower", "thresholds_reversed"),
        ("scoring.max_points", "negative"),
    }
    db.session.rollback()
    db.session.expire_all()
    assert services.framework_json(framework) == before


def test_a_duplicate_code_is_refused_when_adding_an_indicator(make_draft):
    framework = make_draft()
    with pytest.raises(ValidationFailed) as caught:
        services.create_indicator(None, framework, indicator_json(framework, 1))
    assert caught.value.problems[0].code == "duplicate_code"


def test_a_stale_indicator_form_gets_a_conflict(make_draft):
    framework = make_draft()
    indicator = framework.indicators[0]
    with pytest.raises(Conflict):
        services.update_indicator(
            None, indicator, indicator_json(framework), indicator.row_version + 1
        )


def test_a_domain_still_in_use_cannot_be_removed(make_draft):
    framework = make_draft()
    with pytest.raises(ValidationFailed) as caught:
        services.update_framework(None, framework, {"domains": [{"code": "EXP", "title": "X"}]})
    assert caught.value.problems[0].code == "domain_in_use"
    assert "VTE01, FALL01" in caught.value.problems[0].message


def test_switching_to_the_points_model_is_refused_while_indicators_carry_shares(make_draft):
    framework = make_draft()
    payment = {"model": "points", "pound_per_point": "213.43"}
    with pytest.raises(ValidationFailed) as caught:
        services.update_framework(None, framework, {"payment": payment})
    assert {p.column for p in caught.value.problems} == {
        "indicators[0].weight",
        "indicators[1].weight",
    }


def test_a_commissioner_creates_a_draft_with_the_form(db, client, login_as, tree):
    login_as("commissioner", [tree.icb])
    response = client.post(
        "/frameworks/new",
        data={
            "code": "NEWQ",
            "owner": str(tree.icb.id),
            "title": "New quality framework",
            "year": "2026/27",
            "setting": "acute",
            "payment_model": "contract_share",
            "stake_percent": "1.25",
            "domains": "SAF: Safety\nEXP: Experience",
        },
    )
    assert response.status_code == 302
    framework = db.session.scalar(select(Framework).where(Framework.code == "NEWQ"))
    assert (framework.status, framework.owner_id) == ("draft", tree.icb.id)
    assert [d.title for d in framework.domains] == ["Safety", "Experience"]


def test_the_new_framework_form_shows_each_problem_next_to_its_field(db, client, login_as, tree):
    login_as("commissioner", [tree.icb])
    response = client.post(
        "/frameworks/new",
        data={
            "code": "BAD CODE",
            "owner": str(tree.icb.id),
            "title": "",
            "year": "2026-27",
            "setting": "acute",
            "payment_model": "contract_share",
            "domains": "SAF Safety",
        },
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "letters, digits" in field_error(page, "code")
    assert "financial year" in field_error(page, "year")
    assert "CODE: Title" in field_error(page, "domains")
    assert db.session.scalar(select(Framework).where(Framework.code == "BAD CODE")) is None


def test_a_commissioner_cannot_create_a_draft_for_another_icb(db, client, login_as, tree):
    login_as("commissioner", [tree.icb])
    response = client.post(
        "/frameworks/new",
        data={
            "code": "SNEAK",
            "owner": str(tree.other_icb.id),
            "title": "T",
            "year": "2026/27",
            "setting": "acute",
            "payment_model": "contract_share",
            "stake_percent": "1",
            "domains": "SAF: Safety",
        },
    )
    assert response.status_code == 422
    assert db.session.scalar(select(Framework).where(Framework.code == "SNEAK")) is None


def test_the_indicator_form_saves_an_edit(db, client, login_as, tree, make_draft):
    framework = make_draft()
    login_as("commissioner", [tree.icb])
    indicator = framework.indicators[0]
    url = f"/frameworks/{framework.id}/indicators/{indicator.id}/edit"
    page = client.get(url).get_data(as_text=True)
    assert 'value="95"' in page
    data = form_data(indicator_json(framework), upper="97", version=str(indicator.row_version))
    assert client.post(url, data=data).status_code == 302
    db.session.expire_all()
    assert str(db.session.get(Indicator, indicator.id).upper) == "97"


def test_the_indicator_form_shows_threshold_errors_inline_and_saves_nothing(
    db, client, login_as, tree, make_draft
):
    framework = make_draft()
    db.session.commit()
    login_as("commissioner", [tree.icb])
    before = services.framework_json(framework)
    indicator = framework.indicators[0]
    url = f"/frameworks/{framework.id}/indicators/{indicator.id}/edit"
    data = form_data(indicator_json(framework), lower="99", max_points="-1", multiplier="5")
    response = client.post(url, data=data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "wrong way" in field_error(page, "lower")
    assert "negative" in field_error(page, "max_points")
    assert "leave it out" in field_error(page, "multiplier")
    db.session.expire_all()
    assert services.framework_json(framework) == before


def test_a_new_indicator_is_added_through_the_form(db, client, login_as, tree, make_draft):
    framework = make_draft()
    login_as("commissioner", [tree.icb])
    item = {**indicator_json(framework), "code": "SEP01", "title": "Sepsis antibiotics"}
    response = client.post(f"/frameworks/{framework.id}/indicators/new", data=form_data(item))
    assert response.status_code == 302
    db.session.expire_all()
    assert [i.code for i in db.session.get(Framework, framework.id).indicators][-1] == "SEP01"


def test_an_indicator_is_deleted_from_a_draft(db, client, login_as, tree, make_draft):
    framework = make_draft()
    login_as("commissioner", [tree.icb])
    indicator_id = framework.indicators[1].id
    url = f"/frameworks/{framework.id}/indicators/{indicator_id}/delete"
    assert client.post(url).status_code == 302
    assert db.session.get(Indicator, indicator_id) is None


def test_publishing_from_the_page_lists_the_problems_when_it_fails(
    db, client, login_as, tree, small, make_draft
):
    raw = small()
    raw["indicators"][0]["scoring"].update(lower=None, upper=None)
    framework = make_draft(raw)
    login_as("commissioner", [tree.icb])
    response = client.post(f"/frameworks/{framework.id}/publish")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "cannot be published yet: 2 problems" in page
    assert "indicators[0].scoring.lower" in page
    db.session.expire_all()
    assert db.session.get(Framework, framework.id).status == "draft"


def test_publishing_from_the_page_freezes_the_framework(db, client, login_as, tree, make_draft):
    framework = make_draft()
    login_as("commissioner", [tree.icb])
    assert client.post(f"/frameworks/{framework.id}/publish").status_code == 302
    db.session.expire_all()
    assert db.session.get(Framework, framework.id).status == "published"


def test_a_new_version_needs_a_reason_on_the_form(db, client, login_as, tree, make_published):
    framework = make_published()
    login_as("commissioner", [tree.icb])
    url = f"/frameworks/{framework.id}/new-version"
    response = client.post(url, data={"reason": "  "})
    assert response.status_code == 422
    assert "Say why" in field_error(response.get_data(as_text=True), "reason")
    response = client.post(url, data={"reason": "Thresholds recalibrated"})
    assert response.status_code == 302
    newest = services.latest_version(framework.code)
    assert (newest.version, newest.change_reason) == (2, "Thresholds recalibrated")


def test_closing_from_the_page(db, client, login_as, tree, make_published):
    framework = make_published()
    login_as("commissioner", [tree.icb])
    assert client.post(f"/frameworks/{framework.id}/close").status_code == 302
    db.session.expire_all()
    assert db.session.get(Framework, framework.id).status == "closed"


def test_publishing_asks_for_confirmation_first_and_changes_nothing_until_confirmed(
    db, client, login_as, tree, make_draft
):
    framework = make_draft()
    login_as("commissioner", [tree.icb])
    review = client.post(f"/frameworks/{framework.id}/publish", data={"review": "1"})
    html = review.get_data(as_text=True)
    assert review.status_code == 200
    assert f"Publish {framework.code} v{framework.version}?" in html
    assert "can never be edited or deleted" in html
    assert f"with its {len(framework.indicators)} indicators" in html
    db.session.expire_all()
    assert db.session.get(Framework, framework.id).status == "draft"


def test_a_draft_framework_page_links_to_its_threshold_calibration(
    db, client, login_as, tree, make_draft
):
    framework = make_draft()
    login_as("commissioner", [tree.icb])
    html = client.get(f"/frameworks/{framework.id}").get_data(as_text=True)
    assert f'href="/scoring/manage/calibrate/{framework.id}"' in html
