"""The allocation form's period is a pick-list of periods with final scores (issue 14, item 4)."""

from __future__ import annotations

import re


def options_by_group(html: str, select_id: str) -> dict[str, list[tuple[str, bool]]]:
    """{optgroup label: [(option value, selected?)]} of one <select>, read from the HTML."""
    start = html.index(f'id="{select_id}"')
    body = html[start : html.index("</select>", start)]
    groups: dict[str, list[tuple[str, bool]]] = {}
    for label, inner in re.findall(r'<optgroup label="([^"]*)">(.*?)</optgroup>', body, re.S):
        groups[label] = [
            (value, "selected" in attrs)
            for attrs, value in re.findall(r'<option([^>]*)value="([^"]*)"', inner)
        ]
    return groups


def test_the_allocation_form_offers_only_final_periods_newest_first_defaulting_to_the_latest(
    client, db, tree, framework, scores, login_as, build
):
    # scores: RQF v1 final for 2025/26 (the fixture). Add a final Q1 and Q3, a provisional Q2.
    trust = [(tree.trust_a, {"entitlement_pence": 5})]
    build.make_scores(framework, trust, period="2025/26 Q1")
    build.make_scores(framework, trust, period="2025/26 Q2", final=False)
    build.make_scores(framework, trust, period="2025/26 Q3")
    other = build.make_framework(tree.icb, code="OQF")
    build.make_scores(other, trust, period="2024/25")
    build.make_framework(tree.icb, code="NQF")  # published, never scored: nothing to pay on
    db.session.commit()
    login_as("finance", [tree.icb])
    html = client.get("/rewards/new").get_data(as_text=True)
    groups = options_by_group(html, "period")
    # newest first by end date: the year ends 31 March 2026, Q3 on 31 December, Q1 on 30 June;
    # Q2 is only provisional, so it cannot be paid on and is not offered
    assert groups["RQF v1"] == [("2025/26", False), ("2025/26 Q3", False), ("2025/26 Q1", False)]
    # the framework list defaults to the first current version by code (OQF), and the period
    # to that framework's newest final period
    assert re.search(r'<option selected value="\d+">OQF v1 \(current version\)', html)
    assert groups["OQF v1"] == [("2024/25", True)]
    assert set(groups) == {"RQF v1", "OQF v1"}
    assert "NQF v1" not in html[html.index('id="framework"') : html.index('id="period"')]
    # after a refused proposal the chosen period stays chosen, under its own framework only
    data = {
        "framework": str(framework.id), "period": "2025/26 Q1", "pot": "a lot",
        "recipients": "provider", "weight": "entitlement", "cap_percent_of_contract": "",
        "floor": "0", "breach_gate": "0",
    }  # fmt: skip
    response = client.post("/rewards/new", data=data)
    assert response.status_code == 422
    groups = options_by_group(response.get_data(as_text=True), "period")
    assert groups["RQF v1"] == [("2025/26", False), ("2025/26 Q3", False), ("2025/26 Q1", True)]
    assert groups["OQF v1"] == [("2024/25", False)]


def test_a_period_outside_the_list_is_still_refused_in_words_and_nothing_is_proposed(
    client, db, tree, framework, scores, login_as, build
):
    login_as("finance", [tree.icb])
    data = {
        "framework": str(framework.id), "period": "2023/24", "pot": "1,000",
        "recipients": "provider", "weight": "entitlement", "cap_percent_of_contract": "",
        "floor": "0", "breach_gate": "0",
    }  # fmt: skip
    response = client.post("/rewards/new", data=data)
    assert response.status_code == 404
    assert "No data has been recorded for 2023/24" in response.get_data(as_text=True)
    response = client.post("/rewards/new", data=data | {"period": ""})
    assert response.status_code == 422
    assert "Choose the period" in response.get_data(as_text=True)
