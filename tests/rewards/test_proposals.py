"""Proposing a run: the policy on final scores, exact pence, the stored snapshot, bad input."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from qframe.audit.models import AuditEvent
from qframe.errors import Conflict, Forbidden, ValidationFailed
from qframe.optimiser import Recipient, closed_form_allocation
from qframe.rewards.models import AllocationLine, AllocationRun
from qframe.rewards.policy import parse_policy
from qframe.rewards.services import propose_run


def count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def lines_by_org(db, run) -> dict[int, AllocationLine]:
    found = db.session.scalars(select(AllocationLine).where(AllocationLine.run_id == run.id))
    return {line.organisation_id: line for line in found}


def test_the_pot_goes_to_the_provider_meeting_its_standards_and_the_breach_is_withheld(
    db, tree, framework, scores, period, maker
):
    run = propose_run(maker, framework, period, 1_000_000_00, parse_policy({})).run
    lines = lines_by_org(db, run)
    a, b = lines[tree.trust_a.id], lines[tree.trust_b.id]
    assert (a.amount_pence, a.reason) == (1_000_000_00, "share")
    assert (b.amount_pence, b.reason, b.gate, b.breaches) == (0, "gated", Decimal(0), 1)
    assert run.total_pence == 1_000_000_00
    # entitlement weight in pounds: £1m for £1.25m of entitlement is 0.8 per pound
    assert run.exchange_rate == pytest.approx(0.8)
    assert "breach" in b.explanation
    assert "withheld" in b.explanation


def test_the_cap_is_the_lesser_of_the_contract_share_and_the_entitlement(
    db, tree, framework, scores, period, maker
):
    policy = parse_policy({"breach_gate": "1"})
    run = propose_run(maker, framework, period, 5_000_000_00, policy).run
    lines = lines_by_org(db, run)
    # trust A: 2.5% of £100m is £2.5m but its entitlement is £1.25m; trust B likewise £300k
    assert lines[tree.trust_a.id].cap_pence == 1_250_000_00
    assert lines[tree.trust_b.id].cap_pence == 300_000_00
    assert {line.reason for line in lines.values()} == {"capped"}
    assert run.total_pence == 1_550_000_00  # everyone capped: the rest of the pot is not spent
    smaller = propose_run(maker, framework, period, 5_000_000_00, parse_policy(
        {"breach_gate": "1", "cap_percent_of_contract": "0.5"})).run  # fmt: skip
    assert lines_by_org(db, smaller)[tree.trust_a.id].cap_pence == 500_000_00
    assert "contract value" in lines_by_org(db, smaller)[tree.trust_a.id].explanation


def test_the_floor_goes_only_to_providers_without_breaches(
    db, tree, framework, scores, period, maker
):
    policy = parse_policy({"floor": "100000", "breach_gate": "0.5"})
    run = propose_run(maker, framework, period, 400_000_00, policy).run
    lines = lines_by_org(db, run)
    assert lines[tree.trust_a.id].floor_pence == 100_000_00
    assert lines[tree.trust_b.id].floor_pence == 0
    assert lines[tree.trust_b.id].gate == Decimal("0.5")
    assert sum(line.amount_pence for line in lines.values()) == 400_000_00
    # £300k above the floor shared by 1,250,000 and 0.5 x 300,000 of weight
    rate = Decimal(300_000) / Decimal(1_400_000)
    assert lines[tree.trust_b.id].amount_pence == pytest.approx(
        float(Decimal(150_000) * rate * 100), abs=1
    )


def test_the_run_records_its_inputs_solver_and_who_proposed_it(
    db, framework, scores, period, maker
):
    policy = parse_policy({"cap_percent_of_contract": 2.50, "floor": "0.00"})
    run = propose_run(maker, framework, period, 1_000_000_00, policy).run
    assert run.status == "proposed"
    assert (run.score_run_id, run.score_version) == (scores.id, 1)
    assert run.policy == {
        "recipients": "provider", "weight": "entitlement", "cap_percent_of_contract": "2.5",
        "floor": "0.00", "breach_gate": "0",
    }  # fmt: skip
    assert run.pot_pence == 1_000_000_00
    assert "HiGHS" in run.solver
    assert run.solve_seconds is not None
    assert run.objective_pence == pytest.approx(1_000_000_00)
    assert run.created_by_id == maker.id
    assert run.recipient_count == 2
    events = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.object_id == str(run.id))
    )
    assert "rewards.propose" in list(events)


def test_the_same_inputs_give_the_same_run_and_new_inputs_a_new_one(
    db, framework, scores, period, maker, checker
):
    first = propose_run(maker, framework, period, 1_000_000_00, parse_policy({}))
    again = propose_run(checker, framework, period, 1_000_000_00, parse_policy({"floor": "0"}))
    assert first.created
    assert not again.created
    assert again.run.id == first.run.id
    other = propose_run(maker, framework, period, 1_000_000_01, parse_policy({}))
    assert other.created
    assert other.run.id != first.run.id
    assert count(db, AllocationRun) == 2


def test_scores_that_are_not_final_are_refused_and_nothing_is_written(
    db, tree, framework, maker, build
):
    provisional = build.make_scores(framework, [(tree.trust_a, {"entitlement_pence": 100})],
                                    final=False)  # fmt: skip
    with pytest.raises(Conflict, match="not final"):
        propose_run(maker, framework, provisional.period, 100_00, parse_policy({}))
    assert count(db, AllocationRun) == 0
    assert count(db, AllocationLine) == 0


def test_a_floor_above_a_cap_is_refused_naming_the_provider_and_nothing_is_written(
    db, tree, framework, scores, period, maker
):
    with pytest.raises(ValidationFailed) as caught:
        propose_run(maker, framework, period, 5_000_000_00, parse_policy({"floor": "1300000"}))
    assert tree.trust_a.code in caught.value.message
    assert "above its cap" in caught.value.message
    assert tree.trust_b.code not in caught.value.message  # B has a breach, so no floor
    assert count(db, AllocationRun) == 0
    # a floor under every cap is fine
    assert propose_run(maker, framework, period, 5_000_000_00, parse_policy({"floor": "300000"}))


def test_floors_beyond_the_pot_are_refused_before_solving(db, framework, scores, period, maker):
    with pytest.raises(ValidationFailed, match="short"):
        propose_run(maker, framework, period, 50_000_00, parse_policy({"floor": "60000"}))
    assert count(db, AllocationRun) == 0


def test_a_solver_that_runs_out_of_time_leaves_a_failed_run_without_money(
    app, db, framework, scores, period, maker, monkeypatch
):
    monkeypatch.setitem(app.config, "REWARDS_SOLVER_TIME_LIMIT", 1e-9)
    proposal = propose_run(maker, framework, period, 1_000_000_00, parse_policy({}))
    run = proposal.run
    assert (run.status, run.total_pence, run.live_hash) == ("failed", None, None)
    assert "time limit" in run.message
    assert count(db, AllocationLine) == 0
    monkeypatch.setitem(app.config, "REWARDS_SOLVER_TIME_LIMIT", 60)
    retry = propose_run(maker, framework, period, 1_000_000_00, parse_policy({}))
    assert retry.created
    assert retry.run.status == "proposed"


def test_only_finance_users_propose(db, tree, framework, scores, period, make_user):
    lead = make_user("provider_lead", [tree.trust_a])
    with pytest.raises(Forbidden):
        propose_run(lead, framework, period, 100_00, parse_policy({}))
    assert count(db, AllocationRun) == 0


def test_providers_of_another_commissioner_are_not_recipients(
    db, tree, framework, period, maker, build
):
    build.make_scores(framework, [(tree.trust_a, {"entitlement_pence": 500_00}),
                                  (tree.other_trust, {"entitlement_pence": 500_00})])  # fmt: skip
    run = propose_run(maker, framework, period, 100_00, parse_policy({})).run
    assert set(lines_by_org(db, run)) == {tree.trust_a.id}


def test_amounts_match_the_closed_form_to_the_penny_on_random_regions(
    db, tree, framework, maker, make_org, build
):
    rng = random.Random(6)
    worst_lp = worst_paid = 0.0
    for round_ in range(8):
        facts = []
        for _ in range(rng.randint(3, 12)):
            contract = rng.randint(1_000_000, 90_000_000_00)
            org = make_org("acute", tree.icb, contract_value_pence=contract)
            entitlement = rng.choice([None, rng.randint(0, contract // 20)])
            facts.append((org, {"entitlement_pence": entitlement,
                                "breaches": rng.choice([0, 0, 0, 1])}))  # fmt: skip
        score = build.make_scores(framework, facts, period=f"2025/26 Q{round_ % 4 + 1}")
        gate = rng.choice(["0", "0.25", "1"])
        pot = rng.randint(1, 5_000_000_00)
        policy = parse_policy({"breach_gate": gate})
        proposal = propose_run(maker, framework, score.period, pot, policy)
        expected = []
        for org, f in facts:
            ent = f["entitlement_pence"]
            cap = min([org.contract_value_pence * 25 // 1000, *([ent] if ent is not None else [])])
            weight = Decimal(ent) / 100 if ent is not None else Decimal(0)
            expected.append(Recipient(org.code, weight, cap, 0,
                                      Decimal(gate) if f["breaches"] else Decimal(1)))  # fmt: skip
        _rate, exact = closed_form_allocation(expected, pot)
        lines = lines_by_org(db, proposal.run)
        paid = [lines[org.id].amount_pence for org, _ in facts]
        worst_paid = max(worst_paid, *(abs(p - x) for p, x in zip(paid, exact, strict=True)))
        lp = dict(zip([line.key for line in proposal.allocation.lines],
                      proposal.allocation.lp_amounts_pence, strict=True))  # fmt: skip
        worst_lp = max(worst_lp, *(abs(lp[r.key] - x) for r, x in zip(expected, exact,
                                                                       strict=True)))  # fmt: skip
        assert sum(paid) == proposal.run.total_pence
        assert abs(proposal.run.total_pence - sum(exact)) < 1
    print(
        f"\nlargest |LP - closed form| {worst_lp:.2e}p; "
        f"largest |paid - closed form| {worst_paid:.3f}p"
    )
    assert worst_paid < 1
    assert worst_lp < 1e-4
