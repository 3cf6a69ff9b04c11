"""A published (or closed) framework never changes, whichever path tries: service, ORM, form,
API or CLI. Each attempt is refused with a clear message and leaves the framework as it was."""

import json

import pytest

from qframe.errors import Immutable
from qframe.frameworks import services


@pytest.fixture(params=["published", "closed"])
def frozen(request, db, make_published):
    framework = make_published()
    if request.param == "closed":
        services.close_framework(None, framework)
    db.session.commit()
    return framework


def unchanged(db, framework, before: str) -> bool:
    db.session.rollback()
    db.session.expire_all()
    return services.framework_json(framework) == before


def indicator_fields(framework) -> dict:
    item = json.loads(services.framework_json(framework))["indicators"][0]
    item["scoring"]["lower"] = "1"
    return item


SERVICE_CALLS = {
    "update_framework": lambda f: services.update_framework(None, f, {"title": "Changed"}),
    "create_indicator": lambda f: services.create_indicator(
        None, f, {**indicator_fields(f), "code": "NEW01"}
    ),
    "update_indicator": lambda f: services.update_indicator(
        None, f.indicators[0], indicator_fields(f)
    ),
    "delete_indicator": lambda f: services.delete_indicator(None, f.indicators[0]),
    "replace_draft": lambda f: services.replace_draft(
        None, f, services.parse_framework(services.framework_json(f))
    ),
    "delete_draft": lambda f: services.delete_draft(None, f),
}


@pytest.mark.parametrize("call", SERVICE_CALLS.values(), ids=SERVICE_CALLS.keys())
def test_every_editing_service_refuses_a_frozen_framework(call, frozen, db):
    before = services.framework_json(frozen)
    with pytest.raises(Immutable, match="can no longer change|cannot be deleted"):
        call(frozen)
    assert unchanged(db, frozen, before)


@pytest.mark.parametrize(
    "change",
    [
        lambda f: setattr(f.indicators[0], "lower", 1),
        lambda f: setattr(f, "title", "Changed"),
        lambda f: setattr(f.domains[0], "title", "Changed"),
        lambda f: f.indicators.pop(),
    ],
    ids=["indicator threshold", "framework title", "domain title", "remove indicator"],
)
def test_the_database_layer_refuses_a_change_made_around_the_services(change, frozen, db):
    before = services.framework_json(frozen)
    change(frozen)
    with pytest.raises(Immutable):
        db.session.flush()
    assert unchanged(db, frozen, before)


@pytest.mark.parametrize(
    ("method", "tail"),
    [
        ("get", "/edit"),
        ("post", "/edit"),
        ("get", "/indicators/new"),
        ("post", "/indicators/new"),
        ("get", "/indicators/{ind}/edit"),
        ("post", "/indicators/{ind}/edit"),
        ("post", "/indicators/{ind}/delete"),
        ("post", "/delete"),
    ],
)
def test_every_editing_form_answers_409_for_a_frozen_framework(
    method, tail, frozen, db, client, login_as, tree
):
    login_as("commissioner", [tree.icb])
    before = services.framework_json(frozen)
    url = f"/frameworks/{frozen.id}" + tail.format(ind=frozen.indicators[0].id)
    data = {"title": "Changed", "code": "X", "lower": "1", "year": "2025/26"}
    response = getattr(client, method)(url, data=data)
    assert response.status_code == 409
    assert "can no longer change" in response.get_data(as_text=True) or (
        "cannot be deleted" in response.get_data(as_text=True)
    )
    assert unchanged(db, frozen, before)


def test_the_api_refuses_to_replace_a_frozen_framework(frozen, db, client, login_as, tree):
    login_as("commissioner", [tree.icb])
    before = services.framework_json(frozen)
    body = before.replace("VTE risk assessment", "Changed")
    response = client.put(
        f"/api/v1/frameworks/{frozen.id}", data=body, content_type="application/json"
    )
    assert response.status_code == 409
    assert "can no longer change" in response.get_json()["message"]
    assert unchanged(db, frozen, before)


def test_the_cli_refuses_to_update_a_frozen_framework(frozen, db, runner, tmp_path):
    before = services.framework_json(frozen)
    path = tmp_path / "changed.json"
    path.write_text(before.replace("VTE risk assessment", "Changed"))
    result = runner.invoke(args=["frameworks", "update", frozen.code, str(path)])
    assert result.exit_code == 1
    assert "can no longer change" in result.output
    assert unchanged(db, frozen, before)


def test_a_frozen_framework_cannot_be_set_back_to_draft_even_after_a_commit(frozen, db):
    before = services.framework_json(frozen)
    db.session.expire_all()  # the state after a commit: the old status is not in memory
    frozen.status = "draft"
    with pytest.raises(Immutable):
        db.session.flush()
    assert unchanged(db, frozen, before)
    assert frozen.status != "draft"
