"""Finance's pages and a provider's award page: scope, maker-checker, chart, CSV, compare."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal

from sqlalchemy import func, select

from qframe.rewards.models import AllocationLine, AllocationRun
from qframe.rewards.policy import parse_policy
from qframe.rewards.services import approve_run, propose_run


def count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def form(framework, **changes):
    data = {
        "framework": str(framework.id), "period": "2025/26", "pot": "1,000,000",
        "recipients": "provider", "weight": "entitlement", "cap_percent_of_contract": "2.5",
        "floor": "0", "breach_gate": "0",
    }  # fmt: skip
    return data | changes


def sign_out(client):
    client.post("/auth/logout")


def test_a_finance_user_proposes_a_run_from_the_form(client, db, tree, framework, scores, login_as):
    login_as("finance", [tree.icb])
    page = client.get("/rewards/new")
    assert page.status_code == 200
    assert "RQF v1" in page.get_data(as_text=True)
    response = client.post("/rewards/new", data=form(framework))
    assert response.status_code == 302
    run = db.session.scalars(select(AllocationRun)).one()
    assert response.headers["Location"].endswith(f"/rewards/{run.id}")
    assert (run.pot_pence, run.status) == (1_000_000_00, "proposed")


def test_bad_form_input_is_refused_with_the_reason_and_nothing_is_written(
    client, db, tree, framework, scores, login_as, build
):
    login_as("finance", [tree.icb])
    for changes, status, words in [
        ({"pot": "-5"}, 422, "cannot be negative"),
        ({"pot": "a lot"}, 422, "amount in pounds"),
        ({"breach_gate": "2"}, 422, "between 0 and 1"),
        ({"floor": "2000000"}, 422, "above its cap"),
        ({"period": "2025/26 Q2"}, 404, "No data"),
    ]:
        response = client.post("/rewards/new", data=form(framework, **changes))
        assert response.status_code == status, changes
        assert words in response.get_data(as_text=True)
    build.make_scores(framework, [(tree.trust_a, {"entitlement_pence": 5})], final=False,
                      period="2025/26 Q3")  # fmt: skip
    response = client.post("/rewards/new", data=form(framework, period="2025/26 Q3"))
    assert response.status_code == 409
    assert "not final" in response.get_data(as_text=True)
    assert count(db, AllocationRun) == 0


def test_the_run_page_shows_totals_rate_chart_and_reasons_without_inline_script_or_style(
    client, db, tree, framework, scores, period, login_as
):
    user = login_as("finance", [tree.icb])
    run = propose_run(user, framework, period, 1_000_000_00, parse_policy({})).run
    html = client.get(f"/rewards/{run.id}").get_data(as_text=True)
    assert "£1,000,000.00" in html
    # plain words, not "per unit of weight" (issue 14): the default policy shares by entitlement
    assert "£0.8 for each £1 of entitlement" in html
    assert "Reduced for minimum-standard breaches" in html  # trust B, in words
    assert "Trust A" in html
    start = html.index('<svg class="chart"')
    svg = html[start : html.index("</svg>", start)]
    assert svg.count('stroke="#d5281b"') == 2  # one cap marker per recipient
    assert "style=" not in html
    assert "<script" not in html
    assert "Approve run" not in html  # the proposer gets no approval button
    assert "another finance colleague must approve" in html


def test_a_second_finance_user_approves_from_the_run_page_and_the_proposer_cannot(
    client, db, tree, framework, scores, period, login_as
):
    maker = login_as("finance", [tree.icb])
    run = propose_run(maker, framework, period, 1_000_000_00, parse_policy({})).run
    db.session.commit()
    assert client.post(f"/rewards/{run.id}/approve").status_code == 403
    assert db.session.get(AllocationRun, run.id).status == "proposed"
    sign_out(client)
    login_as("finance", [tree.icb])
    assert "Approve run" in client.get(f"/rewards/{run.id}").get_data(as_text=True)
    response = client.post(f"/rewards/{run.id}/approve")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(AllocationRun, run.id).status == "approved"
    again = client.post(f"/rewards/{run.id}/approve")
    assert again.status_code == 409


def test_finance_users_see_only_their_commissioners_runs(
    client, db, tree, framework, scores, period, login_as, build
):
    mine = propose_run(None, framework, period, 1_000_000_00, parse_policy({})).run
    other = build.make_framework(tree.other_icb, code="OQF")
    build.make_scores(other, [(tree.other_trust, {"entitlement_pence": 100_00})])
    theirs = propose_run(None, other, period, 50_00, parse_policy({})).run
    login_as("finance", [tree.icb])
    listing = client.get("/rewards/").get_data(as_text=True)
    assert f"Run {mine.id}" in listing
    assert f"Run {theirs.id}" not in listing
    assert client.get(f"/rewards/{theirs.id}").status_code == 404
    assert client.get(f"/rewards/{theirs.id}/schedule.csv").status_code == 404
    compare = f"/rewards/compare?first={mine.id}&second={theirs.id}"
    assert client.get(compare).status_code == 404


def test_the_payment_schedule_adds_up_exactly_to_the_amount_allocated(
    client, db, tree, framework, period, login_as, make_org, build
):
    trusts = [make_org("acute", tree.icb, contract_value_pence=7_777_777_77) for _ in range(7)]
    build.make_scores(framework, [(t, {"entitlement_pence": 33_333_33 * (n + 1)})
                                  for n, t in enumerate(trusts)])  # fmt: skip
    run = propose_run(None, framework, period, 1_000_000_00, parse_policy({})).run
    login_as("finance", [tree.icb])
    response = client.get(f"/rewards/{run.id}/schedule.csv")
    assert response.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    # formats.md's columns come first; issue 14 adds names and the run's stamp after them
    assert list(rows[0])[:7] == ["org_code", "weight", "cap", "floor", "gate", "amount", "reason"]
    assert all(re.fullmatch(r"[0-9]+\.[0-9]{2}", r["amount"]) for r in rows)
    assert sum(Decimal(r["amount"]) for r in rows) == Decimal(run.total_pence) / 100
    assert {r["org_code"] for r in rows} == {t.code for t in trusts}


def test_a_service_line_schedule_lists_service_lines_with_their_provider(
    client, db, tree, framework, scores, period, login_as
):
    policy = parse_policy({"recipients": "service_line"})
    run = propose_run(None, framework, period, 1_000_000_00, policy).run
    login_as("finance", [tree.icb])
    text = client.get(f"/rewards/{run.id}/schedule.csv").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(text)))
    by_code = {r["org_code"]: r for r in rows}
    assert by_code[tree.line_a.code]["amount"] == "750000.00"
    assert by_code[tree.line_a.code]["provider_code"] == tree.trust_a.code
    assert sum(Decimal(r["amount"]) for r in rows) == Decimal("1000000.00")
    page = client.get(f"/rewards/{run.id}").get_data(as_text=True)
    assert "Medicine A: £750,000.00 (7.5 points)" in page
    assert "Surgery A: £250,000.00 (2.5 points)" in page


def test_comparing_two_runs_shows_who_gains_and_loses(
    client, db, tree, framework, scores, period, login_as
):
    first = propose_run(None, framework, period, 1_000_000_00, parse_policy({})).run
    second = propose_run(None, framework, period, 1_000_000_00,
                         parse_policy({"breach_gate": "1"})).run  # fmt: skip
    login_as("finance", [tree.icb])
    html = client.get(f"/rewards/compare?first={first.id}&second={second.id}").get_data(
        as_text=True
    )
    assert "▲ Gains" in html
    assert "▼ Loses" in html
    lines = {
        line.organisation_id: line.amount_pence
        for line in db.session.scalars(
            select(AllocationLine).where(AllocationLine.run_id == second.id)
        )
    }
    gained = lines[tree.trust_b.id]  # trust B was withheld in the first run
    assert f"£{gained / 100:,.2f}" in html
    csv_text = client.get(
        f"/rewards/compare?first={first.id}&second={second.id}&format=csv"
    ).get_data(as_text=True)
    loss = Decimal(lines[tree.trust_a.id] - 1_000_000_00) / 100
    assert loss < 0
    row = f"{tree.trust_a.code},Trust A,1000000.00,{lines[tree.trust_a.id] / 100:.2f},{loss}"
    assert row in csv_text  # a number, not text guarded with a leading quote


def test_a_provider_sees_its_own_approved_award_and_what_full_standards_would_pay(
    client, db, tree, framework, scores, period, make_user, login_as
):
    maker, checker = make_user("finance", [tree.icb]), make_user("finance", [tree.icb])
    run = propose_run(maker, framework, period, 1_000_000_00, parse_policy({})).run
    lines = {
        line.organisation_id: line
        for line in db.session.scalars(
            select(AllocationLine).where(AllocationLine.run_id == run.id)
        )
    }
    login_as("provider_lead", [tree.trust_b])
    assert "No approved awards yet" in client.get("/rewards/award/").get_data(as_text=True)
    assert client.get(f"/rewards/award/{lines[tree.trust_b.id].id}").status_code == 404
    approve_run(checker, run)
    db.session.commit()
    listing = client.get("/rewards/award/").get_data(as_text=True)
    assert "Trust B" in listing
    assert "Trust A" not in listing
    assert client.get(f"/rewards/award/{lines[tree.trust_a.id].id}").status_code == 404
    html = client.get(f"/rewards/award/{lines[tree.trust_b.id].id}").get_data(as_text=True)
    assert "1 minimum-standard breach" in html
    assert "withheld" in html
    # at full standards B shares £1m with A by entitlement: 300 / 1,550 of it
    assert "£193,548.39" in html


def test_a_failed_run_page_says_why_and_offers_no_schedule_or_approval(
    app, client, db, tree, framework, scores, period, login_as, monkeypatch
):
    monkeypatch.setitem(app.config, "REWARDS_SOLVER_TIME_LIMIT", 1e-9)
    run = propose_run(None, framework, period, 1_000_000_00, parse_policy({})).run
    login_as("finance", [tree.icb])
    html = client.get(f"/rewards/{run.id}").get_data(as_text=True)
    assert "time limit" in html
    assert "No money was allocated" in html
    assert "schedule.csv" not in html
    assert "Approve run" not in html
    assert client.get(f"/rewards/{run.id}/schedule.csv").status_code == 409
    assert client.post(f"/rewards/{run.id}/approve").status_code == 409


def test_a_draft_schedule_download_is_named_draft_and_the_approved_one_is_not(
    client, db, tree, framework, scores, period, make_user, login_as
):
    maker, checker = make_user("finance", [tree.icb]), make_user("finance", [tree.icb])
    run = propose_run(maker, framework, period, 1_000_000_00, parse_policy({})).run
    db.session.commit()
    login_as("finance", [tree.icb])
    draft = client.get(f"/rewards/{run.id}/schedule.csv")
    assert f'filename="allocation-run-{run.id}-DRAFT.csv"' in draft.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(draft.get_data(as_text=True))))
    assert {r["status"] for r in rows} == {"DRAFT"}
    approve_run(checker, run)
    db.session.commit()
    final = client.get(f"/rewards/{run.id}/schedule.csv")
    assert f'filename="allocation-run-{run.id}.csv"' in final.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(final.get_data(as_text=True))))
    assert {(r["status"], r["version"]) for r in rows} == {("APPROVED", str(framework.version))}


def test_approving_shows_a_confirmation_with_the_money_before_anything_changes(
    client, db, tree, framework, scores, period, make_user, login_as
):
    maker = make_user("finance", [tree.icb])
    run = propose_run(maker, framework, period, 1_000_000_00, parse_policy({})).run
    db.session.commit()
    login_as("finance", [tree.icb])
    page = client.post(f"/rewards/{run.id}/approve", data={"review": "1"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "This cannot be undone." in html
    assert "Pot: £1,000,000.00." in html
    assert maker.email in html
    assert 'name="review"' not in html  # the confirm button posts the action itself
    db.session.expire_all()
    assert db.session.get(AllocationRun, run.id).status == "proposed"
    assert client.post(f"/rewards/{run.id}/approve").status_code == 302
    db.session.expire_all()
    assert db.session.get(AllocationRun, run.id).status == "approved"


def test_comparing_from_the_newer_runs_page_still_signs_changes_from_old_to_new(
    client, db, tree, framework, scores, period, login_as
):
    older = propose_run(None, framework, period, 1_000_000_00, parse_policy({})).run
    newer = propose_run(None, framework, period, 1_000_000_00,
                        parse_policy({"breach_gate": "1"})).run  # fmt: skip
    login_as("finance", [tree.icb])
    text = client.get(f"/rewards/compare?first={newer.id}&second={older.id}&format=csv").get_data(
        as_text=True
    )
    rows = {r["org_code"]: r for r in csv.DictReader(io.StringIO(text))}
    # trust B was withheld in the older run (gate 0) and paid in the newer (gate 1): a gain
    assert Decimal(rows[tree.trust_b.code]["difference"]) > 0
    assert list(rows[tree.trust_b.code])[2:4] == [f"run_{older.id}", f"run_{newer.id}"]
