"""`qframe escalation assess` and `qframe escalation export` (formats.md)."""

import csv
import io

from qframe.extensions import db

Q1, Q2 = "2025/26 Q1", "2025/26 Q2"


def test_assess_counts_levels_and_export_writes_the_support_levels_csv(
    runner, tree, framework, build
):
    # Trust A: an alarm in Q1 and again in Q2 on S1 (level 2 by the ladder's own rules);
    # Trust B: clean both quarters (level 0).
    build.score(framework, Q1, {tree.trust_a: {"S1": {"flag": "alarm"}}, tree.trust_b: {}})
    build.score(framework, Q2, {tree.trust_a: {"S1": {"flag": "alarm"}}, tree.trust_b: {}})
    db.session.commit()
    assessed = runner.invoke(args=["escalation", "assess", "--framework", "LQF", "--period", Q2])
    assert assessed.exit_code == 0, assessed.output
    assert "2 providers" in assessed.output
    assert "level 0 (routine" in assessed.output
    exported = runner.invoke(args=["escalation", "export", "--framework", "LQF", "--period", Q2])
    assert exported.exit_code == 0, exported.output
    rows = list(csv.DictReader(io.StringIO(exported.output)))
    assert list(rows[0]) == ["org_code", "period", "level", "previous_level", "reasons"]
    by_code = {r["org_code"]: r for r in rows}
    assert by_code[tree.trust_b.code]["level"] == "0"
    assert by_code[tree.trust_a.code]["level"] == "2"
    # Q1's alarm alone was a pocket of poor care (issue 13): level 1.
    assert by_code[tree.trust_a.code]["previous_level"] == "1"
    assert "99.8%" in by_code[tree.trust_a.code]["reasons"]


def test_assess_without_scores_says_so(runner, framework):
    db.session.commit()
    result = runner.invoke(args=["escalation", "assess", "--framework", "LQF", "--period", Q1])
    assert result.exit_code == 1
    assert "Error:" in result.output


def test_the_json_api_gives_each_providers_level(client, login_as, tree, framework, build):
    from qframe.escalation.services import evaluate_escalation

    alarms = {"S1": {"flag": "alarm"}, "E2": {"flag": "alarm"}}  # two domains: breadth
    build.score(framework, Q1, {tree.trust_a: alarms, tree.trust_b: {}})
    evaluate_escalation(None, framework)
    db.session.commit()
    login_as("commissioner", [tree.icb])
    body = client.get(f"/api/v1/escalation/{framework.id}/levels").get_json()
    levels = {p["org_code"]: p["level"] for p in body["providers"]}
    assert body["period"] == Q1
    assert levels == {tree.trust_a.code: 2, tree.trust_b.code: 0}
