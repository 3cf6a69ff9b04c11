"""The recipients of a national run as columns: the same terms as `build_terms`, without a
Facts, Terms or Recipient object per provider (100,000 of each cost more than the solve).

Exactness: every weight, gate and floor is the Decimal or int `build_terms` makes, by the same
expressions; the contract cap is `int(contract × cap% / 100)`, done in integers where the
Decimal product is exact (tests/rewards/test_columns.py compares both on random inputs).
"""

from __future__ import annotations

import operator
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from itertools import batched, compress, count, repeat
from operator import itemgetter
from typing import Any, NamedTuple, cast

from qframe.rawsql import stream_batches
from qframe.rewards.explain import basis_codes, explain_terms
from qframe.rewards.inputs import HUNDRED, Facts, cap_terms, facts_statement, weight_of
from qframe.rewards.policy import Policy

ONE, ZERO = Decimal(1), Decimal(0)
DECIMAL_DIGITS = 28  # the default context's precision
BATCH = 10_000


class Columns(NamedTuple):
    """One entry per provider, by code (the order of the query)."""

    org_ids: list[int]
    keys: list[str]
    breaches: list[int]
    weights: list[Decimal]
    notes: list[str | None]  # why a weight is zero, when it is
    caps: list[int]
    bases: list[str]  # what set the cap, in words
    floors: list[int]
    gates: list[Decimal]


Fields = tuple[str, ...]
# what each weight needs to know about a provider (the fewer columns, the faster the read:
# 0.10 s against 0.15 s for all of Facts at 100,000 providers on SQLite)
POINTS_FIELDS: Fields = (
    "org_id", "code", "contract_pence", "points", "entitlement_pence", "breaches",
)  # fmt: skip
NEEDED: dict[str, Fields] = {
    "points": POINTS_FIELDS,
    "entitlement": (*POINTS_FIELDS, "entitlement_note"),
}


def fields_for(policy: Policy) -> Fields:
    """The Facts fields the policy's weight, cap, floor and gate need (all for tps)."""
    return NEEDED.get(policy.weight, Facts._fields)


def provider_batches(
    score_run_id: int, commissioner_id: int | None, fields: Fields = Facts._fields
) -> Iterator[Sequence[tuple[Any, ...]]]:
    """The rows `provider_facts` reads (only `fields`, in that order), as lists of the
    driver's tuples, a batch at a time."""
    return stream_batches(facts_statement(score_run_id, commissioner_id, fields), BATCH)


class _At:
    """Where each field sits in a row of the given fields."""

    def __init__(self, fields: Fields) -> None:
        self.full = fields == Facts._fields
        at = {field: i for i, field in enumerate(fields)}
        self.org_id, self.code, self.contract = at["org_id"], at["code"], at["contract_pence"]
        self.points, self.breaches = at["points"], at["breaches"]
        self.entitlement = at["entitlement_pence"]
        self.note = at.get("entitlement_note", -1)


def _weights(
    rows: Sequence[tuple[Any, ...]], policy: Policy, at: _At
) -> tuple[list[Decimal], list[str | None]]:
    if policy.weight == "points":
        # weight_of's _decimal: repr is the shortest text that reads back as the same float
        points = map(float, map(itemgetter(at.points), rows))
        return list(map(Decimal, map(repr, points))), [None] * len(rows)
    if policy.weight == "entitlement":
        e, n = at.entitlement, at.note
        weights = [ZERO if row[e] is None else Decimal(row[e]) / HUNDRED for row in rows]
        notes = [
            None if row[e] is not None else f"no entitlement ({row[n] or 'not calculated'})"
            for row in rows
        ]
        return weights, notes
    if not at.full:
        raise ValueError(f"a {policy.weight} weight needs every Facts field")
    pairs = [weight_of(Facts._make(row), policy) for row in rows]
    return [w for w, _ in pairs], [n for _, n in pairs]


def _caps(
    rows: Sequence[tuple[Any, ...]], policy: Policy, pot_pence: int, at: _At
) -> tuple[list[int], list[str]]:
    caps: list[int] = []
    bases: list[str] = []
    percent = policy.cap_percent
    if percent is None:
        for row in rows:
            cap, basis = cap_terms(row[at.contract], row[at.entitlement], policy, pot_pence)
            caps.append(cap)
            bases.append(basis)
        return caps, bases
    numerator, denominator = percent.as_integer_ratio()
    denominator *= 100
    # below this a contract times the percentage has at most 28 digits: the Decimal product
    # and the division by 100 are exact, and int() of a non-negative exact value is the floor
    exact_below = 10 ** (DECIMAL_DIGITS - len(percent.as_tuple().digits))
    by_contract = f"{percent}% of its contract value"
    below = "its entitlement, which is below the contract cap"
    contracts = list(map(itemgetter(at.contract), rows))
    entitlements = list(map(itemgetter(at.entitlement), rows))
    missing = entitlements.count(None)
    if (
        contracts
        and contracts.count(None) == 0
        and 0 <= min(contracts)
        and max(contracts) < exact_below
        and missing in (0, len(rows))
    ):
        # every contract in the exact range and the entitlements all there or all missing:
        # the same integers as the loop below, a whole column at a time (map: C speed)
        ratio = map(operator.mul, contracts, repeat(numerator))
        contract_caps = list(map(operator.floordiv, ratio, repeat(denominator)))
        if missing:
            return contract_caps, [by_contract] * len(rows)
        lower = list(map(operator.lt, entitlements, contract_caps))
        caps = list(map(min, entitlements, contract_caps))
        return caps, list(map({True: below, False: by_contract}.__getitem__, lower))
    for contract, entitlement in zip(contracts, entitlements, strict=True):
        if contract is not None and 0 <= contract < exact_below:
            contract_cap = contract * numerator // denominator
            if entitlement is not None and entitlement < contract_cap:
                caps.append(entitlement)
                bases.append(below)
            else:
                caps.append(contract_cap)
                bases.append(by_contract)
        else:
            cap, basis = cap_terms(contract, entitlement, policy, pot_pence)
            caps.append(cap)
            bases.append(basis)
    return caps, bases


def build_columns(rows: Iterable[tuple[Any, ...]], policy: Policy, pot_pence: int) -> Columns:
    """`build_terms` as columns: the policy's weight, cap, floor and gate for every provider."""
    return columns_of_batches(batched(rows, BATCH), policy, pot_pence)


def columns_of_batches(
    batches: Iterable[Sequence[tuple[Any, ...]]],
    policy: Policy,
    pot_pence: int,
    fields: Fields = Facts._fields,
) -> Columns:
    """`build_columns` from rows of `fields` that come a batch at a time (a streamed read
    never holds them all at once)."""
    columns = Columns([], [], [], [], [], [], [], [], [])
    floor, gate = policy.floor_pence, policy.breach_gate
    at = _At(fields)
    for batch in batches:
        weights, notes = _weights(batch, policy, at)
        caps, bases = _caps(batch, policy, pot_pence, at)
        breaches = list(map(itemgetter(at.breaches), batch))
        parts: tuple[list[Any], ...] = (
            list(map(itemgetter(at.org_id), batch)), list(map(itemgetter(at.code), batch)),
            breaches, weights, notes, caps,
            bases, [floor if b == 0 else 0 for b in breaches],
            [ONE if b == 0 else gate for b in breaches],
        )  # fmt: skip
        for column, part in zip(columns, parts, strict=True):
            cast(list[Any], column).extend(part)
    return columns


def explained(
    columns: Columns,
    amounts: Sequence[int],
    reasons: Sequence[str],
    rate_pounds: float,
    policy: Policy,
) -> list[str]:
    """Each line's stored explanation, in order: a code for what set the cap (the words are
    made from the line's numbers when shown), or the words themselves where the numbers cannot
    say it (no weight, or a cap set otherwise). The codes are looked up for the whole column
    at C speed (shared strings, so the list holds references only); only the lines that need
    words pass through Python one by one."""
    c = columns
    stored: list[str | None] = list(map(basis_codes(policy).get, c.bases))
    for i in list(compress(count(), map("ineligible".__eq__, reasons))):
        stored[i] = None
    for i in list(compress(count(), map(operator.not_, stored))):
        stored[i] = explain_terms(
            amounts[i], reasons[i], c.weights[i], c.caps[i], c.floors[i], c.gates[i],
            c.breaches[i], c.bases[i], c.notes[i], rate_pounds,
        )  # fmt: skip
    return cast(list[str], stored)
