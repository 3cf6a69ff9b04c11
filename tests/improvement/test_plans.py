"""Health improvement plans end to end: import all or nothing, optimise, approve, export."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from improvement_builders import YEARS, make_plan, make_run, projects_csv, proposer
from sqlalchemy import func, select

from qframe.audit.models import AuditEvent
from qframe.errors import Conflict, Forbidden, Immutable, ValidationFailed
from qframe.extensions import db
from qframe.improvement.importer import import_plan
from qframe.improvement.models import ImprovementPlan
from qframe.improvement.runs import approve_run, propose_run


def test_a_sound_plan_is_imported_with_its_years_and_projects(tree) -> None:
    plan = make_plan(tree)
    assert [plan.year_label(y.index) for y in plan.years] == ["2026/27", "2027/28", "2028/29"]
    assert [y.budget_pence for y in plan.years] == [10_000_000, 10_000_000, 6_000_000]
    assert [p.code for p in plan.projects] == list("ABCDEFG")
    by_code = {p.code: p for p in plan.projects}
    assert by_code["B"].prerequisites == ["A"]
    assert by_code["A"].cost_pence == 6_000_000
    assert by_code["A"].organisation_id == tree.trust_a.id
    assert (
        db.session.scalar(select(func.count()).where(AuditEvent.action == "improvement.import"))
        == 1
    )


def test_bad_rows_are_refused_whole_with_their_row_and_column(tree) -> None:
    years = YEARS.replace(b"2027/28,100000", b"2027/28,abc")
    projects = projects_csv(tree.trust_a.code, tree.trust_b.code)
    projects = projects.replace(b"A,Audit training", b"A,Audit training")
    lines = projects.decode().splitlines()
    lines[1] = lines[1].replace(",,", ",A,", 1)  # A needs A
    lines[3] = lines[3].replace(tree.trust_b.code, tree.other_trust.code)  # not this ICB's
    with pytest.raises(ValidationFailed) as caught:
        import_plan(proposer(tree), tree.icb, "Bad", years, ("\n".join(lines) + "\n").encode())
    found = {(p.row, p.column) for p in caught.value.problems}
    assert (3, "budget") in found  # the header is row 1
    assert (4, "provider") in found
    assert db.session.scalar(select(func.count()).select_from(ImprovementPlan)) == 0


def test_a_project_that_is_its_own_prerequisite_is_reported_on_its_row(tree) -> None:
    lines = projects_csv(tree.trust_a.code, tree.trust_b.code).decode().splitlines()
    lines[1] = lines[1].replace(",,", ",A,", 1)
    with pytest.raises(ValidationFailed) as caught:
        import_plan(proposer(tree), tree.icb, "Bad", YEARS, ("\n".join(lines) + "\n").encode())
    [problem] = caught.value.problems
    assert (problem.row, problem.column) == (2, "prerequisites")
    assert "its own prerequisite" in problem.message


def test_the_proposed_run_is_the_hand_checked_plan_with_reasons(tree) -> None:
    # the worked example in tests/optimiser/test_portfolio.py: A, C in 2026/27-2027/28, B in
    # 2028/29; D and E short of budget, F of staff time, G waits on unfunded D
    plan, run = make_run(tree)
    funded = {line.project.code: (line.start, line.end) for line in run.lines if line.funded}
    assert funded == {"A": (0, 1), "C": (0, 1), "B": (2, 2)}
    why = {line.project.code: line.reason for line in run.lines if not line.funded}
    assert why == {"D": "budget", "E": "budget", "F": "capacity", "G": "prerequisite"}
    detail = {line.project.code: line.detail for line in run.lines}
    assert "2028/29 has 70 left" in detail["F"]  # 100 days less B's 30, in the plan's 3rd year
    assert run.total_gain == Decimal(15)
    assert (run.gain_low, run.gain_high) == (Decimal(9), Decimal(20))
    assert run.spend_pence == [10_000_000, 10_000_000, 5_000_000]
    half = next(p for p in run.curve if p["scale"] == "0.5")
    assert half["gain"] == pytest.approx(6)  # C then F, by hand in the worked example


def test_the_proposer_cannot_approve_and_a_second_person_fixes_the_plan(tree, make_user) -> None:
    plan, run = make_run(tree)
    with pytest.raises(Forbidden):
        approve_run(proposer(tree), run)
    checker = make_user("finance", [tree.icb])
    approve_run(checker, run)
    assert run.status == "approved"
    with pytest.raises(Conflict):
        approve_run(checker, run)
    run.total_gain = Decimal(99)
    with pytest.raises(Immutable):
        db.session.flush()
    db.session.rollback()


def test_approving_a_later_run_supersedes_the_earlier_one(tree, make_user) -> None:
    plan, first = make_run(tree)
    checker = make_user("commissioner", [tree.icb])
    approve_run(checker, first)
    second = propose_run(proposer(tree), plan, Decimal(0), 1)
    approve_run(checker, second)
    assert (first.status, second.status) == ("superseded", "approved")


def test_a_minimum_per_provider_that_cannot_be_met_is_explained(tree) -> None:
    plan = make_plan(tree)
    with pytest.raises(ValidationFailed) as caught:
        propose_run(proposer(tree), plan, Decimal(0), 5)
    assert "fewer than the minimum of 5" in caught.value.problems[0].message


def test_the_run_page_shows_timeline_curve_and_reasons(tree, client, login_as) -> None:
    plan, run = make_run(tree)
    login_as("commissioner", [tree.icb])
    page = client.get(f"/improvement/{plan.id}/runs/{run.id}").get_data(as_text=True)
    assert page.count('<svg class="chart"') == 2
    bars = {code for code in "ABCDEFG" if f"<title>{code} ({code_of(tree, code)})</title>" in page}
    assert bars == {"A", "B", "C"}  # one timeline bar per funded project
    assert "not funded: staff capacity" in page
    assert "not funded: prerequisite" in page


def test_another_icbs_commissioner_gets_404(tree, client, login_as) -> None:
    plan, run = make_run(tree)
    login_as("commissioner", [tree.other_icb])
    assert client.get(f"/improvement/{plan.id}").status_code == 404
    assert client.get(f"/api/v1/improvement/plans/{plan.id}/runs/{run.id}").status_code == 404


def test_the_csv_export_lists_every_project_with_its_decision(tree, client, login_as) -> None:
    plan, run = make_run(tree)
    login_as("finance", [tree.icb])
    body = client.get(f"/improvement/{plan.id}/runs/{run.id}.csv").get_data(as_text=True)
    rows = {r["project"]: r for r in csv.DictReader(io.StringIO(body))}
    assert set(rows) == set("ABCDEFG")
    assert (rows["B"]["funded"], rows["B"]["start"]) == ("yes", "2028/29")
    assert (rows["F"]["funded"], rows["F"]["reason"]) == ("no", "staff capacity")
    assert rows["A"]["cost_per_year"] == "60000.00"


def test_a_provider_lead_sees_only_its_own_projects_once_approved(
    tree, client, login_as, make_user
) -> None:
    plan, run = make_run(tree)
    login_as("provider_lead", [tree.trust_a])
    assert "Audit training" not in client.get("/improvement/funded").get_data(as_text=True)
    approve_run(make_user("finance", [tree.icb]), run)
    page = client.get("/improvement/funded").get_data(as_text=True)
    assert "Audit training" in page  # A, trust A's
    assert "Falls programme" not in page  # C, trust B's


def test_the_api_refuses_a_non_number_minimum_with_its_path(tree, client, login_as) -> None:
    plan = make_plan(tree)
    login_as("commissioner", [tree.icb])
    response = client.post(
        f"/api/v1/improvement/plans/{plan.id}/runs", json={"min_gain_per_million": "abc"}
    )
    assert response.status_code == 422
    assert response.get_json()["problems"][0]["column"] == "min_gain_per_million"
    ok = client.post(f"/api/v1/improvement/plans/{plan.id}/runs", json={})
    assert ok.status_code == 201
    assert Decimal(ok.get_json()["total_gain"]) == 15


def test_the_import_page_lists_problems_and_stores_nothing(tree, client, login_as) -> None:
    login_as("commissioner", [tree.icb])
    response = client.post(
        "/improvement/new",
        data={
            "commissioner": str(tree.icb.id),
            "title": "Bad plan",
            "years": (io.BytesIO(YEARS.replace(b"60000", b"abc")), "years.csv"),
            "projects": (io.BytesIO(projects_csv(tree.trust_a.code, tree.trust_b.code)), "p.csv"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "&#39;abc&#39; is not an amount in pounds" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(ImprovementPlan)) == 0


def code_of(tree, project: str) -> str:  # type: ignore[no-untyped-def]
    return tree.trust_a.code if project in "AB" else tree.trust_b.code
