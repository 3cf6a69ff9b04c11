"""Bad Framework JSON through the CLI, the API and the web upload: every problem named with its
JSON path, exit 1 / 422, and nothing written."""

import io
import json

import pytest


def mutated(small, change) -> str:
    raw = small()
    change(raw)
    return json.dumps(raw)


def _set(path: str, value):
    def change(raw):
        *parents, last = path.split(".")
        target = raw
        for key in parents:
            target = target[int(key)] if key.isdigit() else target[key]
        target[last] = value

    return change


def _unknown(raw):
    raw["colour"] = "red"
    raw["indicators"][0]["points"] = "9"


def _reversed(raw):
    raw["indicators"][0]["scoring"].update(lower="96", upper="95")


CASES = {
    "not JSON": (None, {(None, "invalid_json")}),
    "unknown fields": (
        _unknown,
        {("colour", "unknown_field"), ("indicators[0].points", "unknown_field")},
    ),
    "duplicate indicator codes": (
        _set("indicators.1.code", "VTE01"),
        {("indicators[1].code", "duplicate_code")},
    ),
    "lower above upper, higher is better": (
        _reversed,
        {("indicators[0].scoring.lower", "thresholds_reversed")},
    ),
    "negative points": (
        _set("indicators.0.scoring.max_points", "-1"),
        {("indicators[0].scoring.max_points", "negative")},
    ),
    "payment model without its parameters": (
        _set("payment", {"model": "contract_share"}),
        {("payment.stake_percent", "missing_parameter")},
    ),
    "unknown setting": (_set("setting", "hospice"), {("setting", "invalid_choice")}),
    "unknown measure": (
        _set("indicators.0.measure", "odds_ratio"),
        {("indicators[0].measure", "invalid_choice")},
    ),
    "unknown polarity": (
        _set("indicators.0.polarity", "up"),
        {("indicators[0].polarity", "invalid_choice")},
    ),
    "unknown level": (
        _set("indicators.0.level", "bed"),
        {("indicators[0].level", "invalid_choice")},
    ),
    "year not YYYY/YY": (_set("year", "2025-26"), {("year", "invalid_year")}),
    "year not consecutive": (_set("year", "2025/27"), {("year", "invalid_year")}),
}


def text_for(case: str, small) -> str:
    change = CASES[case][0]
    return "{not json" if change is None else mutated(small, change)


@pytest.mark.parametrize("case", CASES)
def test_the_cli_refuses_bad_json_with_a_one_line_error_and_the_report(
    case, small, runner, tmp_path, counts
):
    path = tmp_path / "bad.json"
    path.write_text(text_for(case, small))
    before = counts()
    result = runner.invoke(args=["frameworks", "import", str(path)])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0].startswith("Error: The framework JSON was not accepted")
    assert lines[1] == "row,column,code,message"
    reported = {(line.split(",")[1] or None, line.split(",")[2]) for line in lines[2:]}
    assert CASES[case][1] <= reported
    assert counts() == before


@pytest.mark.parametrize("case", CASES)
def test_the_api_refuses_bad_json_naming_each_problem(case, small, client, login_as, tree, counts):
    login_as("commissioner", [tree.icb])
    before = counts()
    response = client.post(
        "/api/v1/frameworks", data=text_for(case, small), content_type="application/json"
    )
    assert response.status_code == 422
    problems = {(p["column"], p["code"]) for p in response.get_json()["problems"]}
    assert CASES[case][1] <= problems
    assert counts() == before


@pytest.mark.parametrize("case", CASES)
def test_the_web_upload_refuses_bad_json_with_a_problem_table(
    case, small, client, login_as, tree, counts
):
    login_as("commissioner", [tree.icb])
    before = counts()
    upload = (io.BytesIO(text_for(case, small).encode()), "framework.json")
    response = client.post("/frameworks/import", data={"file": upload, "owner": str(tree.icb.id)})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    for column, code in CASES[case][1]:
        assert f"<code>{code}</code>" in page
        assert column is None or column in page
    assert counts() == before


def test_unknown_fields_are_named_in_the_message(small, client, login_as, tree):
    login_as("commissioner", [tree.icb])
    response = client.post(
        "/api/v1/frameworks", data=mutated(small, _unknown), content_type="application/json"
    )
    columns = [p["column"] for p in response.get_json()["problems"] if p["code"] == "unknown_field"]
    assert sorted(columns) == ["colour", "indicators[0].points"]


def test_the_api_wants_a_json_content_type(small_json, client, login_as, tree, counts):
    login_as("commissioner", [tree.icb])
    before = counts()
    response = client.post("/api/v1/frameworks", data=small_json(), content_type="text/plain")
    assert response.status_code == 422
    assert counts() == before


def test_a_renamed_binary_is_refused_by_the_upload(client, login_as, tree, counts):
    login_as("commissioner", [tree.icb])
    before = counts()
    upload = (io.BytesIO(b"\x89PNG\r\n\x1a\n\x00\x00binary"), "framework.json")
    response = client.post("/frameworks/import", data={"file": upload, "owner": str(tree.icb.id)})
    assert response.status_code == 422
    assert "invalid_encoding" in response.get_data(as_text=True)
    assert counts() == before


def test_an_upload_that_is_not_a_json_file_name_is_refused(small_json, client, login_as, tree):
    login_as("commissioner", [tree.icb])
    upload = (io.BytesIO(small_json().encode()), "framework.csv")
    response = client.post("/frameworks/import", data={"file": upload, "owner": str(tree.icb.id)})
    assert response.status_code == 422
    assert "Only .json files" in response.get_data(as_text=True)


def test_mass_assignment_of_status_or_owner_in_the_body_is_refused(
    small, client, login_as, tree, counts
):
    login_as("commissioner", [tree.icb])
    before = counts()
    body = json.dumps({**small(), "status": "published", "owner_id": tree.other_icb.id})
    response = client.post("/api/v1/frameworks", data=body, content_type="application/json")
    assert response.status_code == 422
    columns = {p["column"] for p in response.get_json()["problems"]}
    assert {"status", "owner_id"} <= columns
    assert counts() == before
