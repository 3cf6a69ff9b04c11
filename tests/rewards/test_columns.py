"""The bulk path (columns, compact stored explanations) gives what the per-provider path gave:
the same terms, the same pence, the same reasons and the same words, on random inputs.

The reference is the per-provider code the bulk path replaced and still ships: `build_terms`
(one Recipient per provider), `allocate_rewards` (Recipient objects in and out), `reason_for`
and `explain`. Any difference in a weight, cap, floor, gate, amount, reason or sentence fails.
"""

from __future__ import annotations

import random
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from qframe.errors import ValidationFailed
from qframe.optimiser import InfeasibleAllocation, Recipient, allocate_rewards
from qframe.optimiser.reasons import reason_for, reasons
from qframe.optimiser.recipients import check_allocation_columns, check_allocation_inputs
from qframe.rewards.columns import build_columns, columns_of_batches, fields_for
from qframe.rewards.explain import explain
from qframe.rewards.inputs import Facts, build_terms, provider_facts
from qframe.rewards.models import AllocationLine
from qframe.rewards.policy import parse_policy
from qframe.rewards.services import propose_run

POLICIES = st.fixed_dictionaries(
    {
        "weight": st.sampled_from(["points", "entitlement", "tps"]),
        "cap_percent_of_contract": st.one_of(
            st.none(),
            st.sampled_from(["2.5", "2.50", "100", "0", "0.333333333333", "12.000000000001"]),
            st.decimals(0, 100, places=12).map(lambda d: format(d, "f")),
        ),
        "floor": st.sampled_from(["0", "1000", "0.01"]),
        "breach_gate": st.sampled_from(["0", "0.5", "0.25", "1", "0.333"]),
    }
)
ROWS = st.lists(
    st.tuples(
        st.one_of(st.none(), st.integers(0, 10**30)),  # contract pence, past 28 digits too
        st.floats(0, 1000, allow_nan=False),  # points
        st.sampled_from([0.0, 20.0, 1000.0]),  # max points
        st.one_of(st.none(), st.integers(0, 10**16)),  # entitlement pence
        st.integers(0, 3),  # breaches
    ),
    min_size=1,
    max_size=20,
)


# every contract recorded and the entitlements all there or all missing: the caps are then
# worked out a whole column at a time, which this checks against build_terms as well
WHOLE_COLUMNS = st.integers(1, 20).flatmap(
    lambda n: st.tuples(
        st.lists(st.integers(0, 10**30), min_size=n, max_size=n),
        st.lists(st.floats(0, 1000, allow_nan=False), min_size=n, max_size=n),
        st.one_of(st.just([None] * n), st.lists(st.integers(0, 10**16), min_size=n, max_size=n)),
        st.lists(st.integers(0, 3), min_size=n, max_size=n),
    ).map(lambda c: [(k, p, 1000.0, e, b) for k, p, e, b in zip(*c, strict=True)])
)


@settings(max_examples=300, deadline=None, database=None)
@given(st.one_of(ROWS, WHOLE_COLUMNS), POLICIES, st.integers(1, 10**14))
def test_columns_hold_the_terms_build_terms_makes(rows, policy_data, pot):
    policy = parse_policy(policy_data)
    raw = [
        (i, f"P{i:03d}", contract, points, top, entitlement, None, breaches, None, None)
        for i, (contract, points, top, entitlement, breaches) in enumerate(rows)
    ]
    terms = build_terms([Facts._make(row) for row in raw], policy, pot)
    columns = build_columns(raw, policy, pot)
    assert columns.keys == [t.recipient.key for t in terms]
    assert columns.weights == [t.recipient.weight for t in terms]
    # the stored text of a weight, not only its value (2.50 and 2.5 are stored differently)
    assert [str(w) for w in columns.weights] == [str(t.recipient.weight) for t in terms]
    assert columns.caps == [t.recipient.cap_pence for t in terms]
    assert columns.bases == [t.cap_basis for t in terms]
    assert columns.notes == [t.weight_note for t in terms]
    assert columns.floors == [t.recipient.floor_pence for t in terms]
    assert [str(g) for g in columns.gates] == [str(t.recipient.gate) for t in terms]
    # a run reads only the fields its weight needs: the same columns from those rows
    fields = fields_for(policy)
    narrow = [tuple(row[Facts._fields.index(f)] for f in fields) for row in raw]
    assert columns_of_batches([narrow], policy, pot, fields) == columns


RECIPIENTS = st.lists(
    st.tuples(
        st.decimals(0, 10**6, places=3),
        st.integers(0, 10**9),
        st.integers(0, 10**9),
        st.sampled_from([Decimal(0), Decimal("0.5"), Decimal(1)]),
        st.integers(0, 10**9),
    ),
    min_size=1,
    max_size=30,
)


@settings(max_examples=300, deadline=None, database=None)
@given(RECIPIENTS, st.sampled_from([0.0, 1e-9, 0.37, 5.0]))
def test_reasons_over_columns_are_reason_for_line_by_line(rows, rate):
    weights = [w for w, *_ in rows]
    caps = [max(a, b) for _, a, b, _, _ in rows]
    floors = [min(a, b) for _, a, b, _, _ in rows]
    gates = [g for *_, g, _ in rows]
    # amounts at the cap, at the floor and in between, as a real allocation gives
    offsets = [r[4] for r in rows]
    paid = [(c, f, min(c, f + p))[p % 3] for c, f, p in zip(caps, floors, offsets, strict=True)]
    expected = [
        reason_for(Recipient(f"K{i}", w, c, f, g), a, rate)
        for i, (w, c, f, g, a) in enumerate(zip(weights, caps, floors, gates, paid, strict=True))
    ]
    assert reasons(weights, gates, caps, floors, paid, rate) == expected


BAD = st.lists(
    st.tuples(
        st.sampled_from(["A", "B", "C", "D"]),
        st.sampled_from([Decimal(1), Decimal(-1), Decimal("NaN"), Decimal("Infinity"), 2.5]),
        st.sampled_from([100, -5, 0, 1.5]),
        st.sampled_from([0, 50, 200, -1]),
        st.sampled_from([Decimal(1), Decimal("1.5"), Decimal(-1), Decimal(0)]),
    ),
    min_size=1,
    max_size=6,
)


@settings(max_examples=300, deadline=None, database=None)
@given(BAD, st.sampled_from([0, 100, 10**6, -1, 2.5]))
def test_column_checks_refuse_what_the_recipient_checks_refuse_in_the_same_words(rows, pot):
    recipients = [Recipient(*row) for row in rows]
    columns = [list(column) for column in zip(*rows, strict=True)]
    try:
        check_allocation_inputs(recipients, pot)
        words = None
    except InfeasibleAllocation as error:
        words = error.reasons
    if words is None:
        check_allocation_columns(*columns, pot)
    else:
        with pytest.raises(InfeasibleAllocation) as raised:
            check_allocation_columns(*columns, pot)
        assert raised.value.reasons == words


def _reference(db, score, commissioner_id, policy, pot):  # type: ignore[no-untyped-def]
    """The per-provider path: Terms, Recipient objects, allocate_rewards, explain."""
    terms = build_terms(provider_facts(score.id, commissioner_id), policy, pot)
    allocation = allocate_rewards([t.recipient for t in terms], pot)
    rate = allocation.exchange_rate
    return {
        t.facts.org_id: (line.amount_pence, line.reason, line.weight, line.cap_pence,
                         line.floor_pence, line.gate, explain(t, line, rate))
        for t, line in zip(terms, allocation.lines, strict=True)
    }  # fmt: skip


def test_stored_runs_pay_and_explain_every_line_as_the_per_provider_path_did(
    db, tree, framework, maker, make_org, build
):
    rng = random.Random(16)
    compact = 0
    for round_ in range(12):
        facts = []
        for _ in range(rng.randint(2, 9)):
            contract = rng.choice([None, rng.randint(1_000_000, 90_000_000_00)])
            org = make_org("acute", tree.icb, contract_value_pence=contract)
            entitlement = rng.choice([None, rng.randint(0, 5_000_000_00)])
            facts.append((org, {"entitlement_pence": entitlement, "note": rng.choice([None, "n"]),
                                "points": rng.choice([0.0, rng.uniform(0, 20), 7.25]),
                                "breaches": rng.choice([0, 0, 1, 2])}))  # fmt: skip
        score = build.make_scores(framework, facts, period=f"2025/26 Q{round_ % 4 + 1}")
        policy = parse_policy({
            "weight": rng.choice(["points", "entitlement", "tps"]),
            "cap_percent_of_contract": rng.choice([None, "2.5", "2.50", "10"]),
            "floor": rng.choice(["0", "0", "10"]),
            "breach_gate": rng.choice(["0", "0.5", "1"]),
        })  # fmt: skip
        pot = rng.randint(1, 50_000_000_00)
        try:
            expected = _reference(db, score, tree.icb.id, policy, pot)
        except InfeasibleAllocation as error:
            with pytest.raises(ValidationFailed, match=error.reasons[0].replace("£", ".")):
                propose_run(maker, framework, score.period, pot, policy)
            continue
        run = propose_run(maker, framework, score.period, pot, policy).run
        db.session.expire_all()  # read back what was stored, not what the session holds
        stored = db.session.scalars(select(AllocationLine).where(AllocationLine.run_id == run.id))
        got = {
            line.organisation_id: (line.amount_pence, line.reason, line.weight, line.cap_pence,
                                   line.floor_pence, line.gate, line.explanation)
            for line in stored
        }  # fmt: skip
        assert got == expected
        compact += (
            db.session.scalar(
                select(AllocationLine.id)
                .where(
                    AllocationLine.run_id == run.id, AllocationLine.stored_explanation.like("=%")
                )
                .limit(1)
            )
            is not None
        )
    assert compact  # the words were made from stored numbers in at least one run
