"""From a final score run and a policy to the optimiser's recipients: weight, cap, floor, gate.

qframe rules where domain.md §6 is silent:
- recipients are the providers in the score run whose parent is the run's commissioner (all
  providers in the score run when there is none);
- cap = cap% × contract value (rounded down to the penny), and never more than the entitlement
  when one exists; with no contract value the entitlement alone caps; with neither, the cap is
  £0 (nothing can be paid) unless the policy sets no contract cap, when the pot is the cap;
- the floor applies only to providers with no minimum-standard breach (domain: "for recipients
  meeting every minimum standard"); the gate is 1 without breaches, `breach_gate` with any;
- weights: entitlement in pounds; points; or tps = 100 × points / maximum × contract (£);
  for a VBP run, tps = its Total Performance Score × contract (£) (CMS's linear exchange).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.sql import Executable

from qframe.optimiser import Recipient
from qframe.orgs.models import Organisation
from qframe.rawsql import raw_rows
from qframe.rewards.policy import Policy
from qframe.scoring.models import ProviderScore

HUNDRED = Decimal(100)
# what set a cap, in words (the explanation of every capped or shared amount names it)
CAP_BELOW_ENTITLEMENT = "its entitlement, which is below the contract cap"
CAP_NO_CONTRACT = "its entitlement, as no contract value is recorded"
CAP_POT = "the pot, as the policy sets no cap and there is no entitlement"
CAP_NOTHING = "£0: no contract value and no entitlement to cap it by"


def contract_words(cap_percent: Decimal | str | None) -> str:
    """The words for a cap set by the contract value."""
    return f"{cap_percent}% of its contract value"


class Facts(NamedTuple):
    """What the policy needs to know about one provider in the final score run."""

    org_id: int
    code: str
    contract_pence: int | None
    points: float
    max_points: float
    entitlement_pence: int | None
    entitlement_note: str | None
    breaches: int
    # VBP runs: the Total Performance Score, and why there is none (None: not a VBP run).
    tps: Decimal | str | None = None
    vbp_status: str | None = None


class Terms(NamedTuple):
    """A provider's recipient terms with the words that explain them."""

    facts: Facts
    recipient: Recipient
    cap_basis: str
    weight_note: str | None


FACT_COLUMNS = {
    "org_id": ProviderScore.organisation_id,
    "code": Organisation.code,
    "contract_pence": Organisation.contract_value_pence,
    "points": ProviderScore.points,
    "max_points": ProviderScore.max_points,
    "entitlement_pence": ProviderScore.entitlement_pence,
    "entitlement_note": ProviderScore.entitlement_note,
    "breaches": ProviderScore.breaches,
    "tps": ProviderScore.total_performance_score,
    "vbp_status": ProviderScore.vbp_status,
}


def facts_statement(
    score_run_id: int, commissioner_id: int | None, fields: Sequence[str] = Facts._fields
) -> Executable:
    """The query for every provider of the score run (under the commissioner), by code: the
    Facts columns, or only the `fields` named (in that order)."""
    stmt = (
        select(*(FACT_COLUMNS[field] for field in fields))
        .join(Organisation, Organisation.id == ProviderScore.organisation_id)
        .where(ProviderScore.run_id == score_run_id)
        .order_by(Organisation.code)
    )
    if commissioner_id is not None:
        stmt = stmt.where(Organisation.parent_id == commissioner_id)
    return stmt


def provider_facts(score_run_id: int, commissioner_id: int | None) -> list[Facts]:
    """Every provider of the score run (under the commissioner), in one query, by code."""
    # named tuples, not dataclasses, from the driver's rows (no Row objects): the plain ints,
    # floats and text need no type processing
    return [Facts._make(row) for row in raw_rows(facts_statement(score_run_id, commissioner_id))]


def _decimal(number: float) -> Decimal:
    # repr is the shortest text that reads back as the same float: the stored value exactly
    return Decimal(repr(float(number)))


def weight_of(facts: Facts, policy: Policy) -> tuple[Decimal, str | None]:
    """The recipient's weight under the policy, and why it is zero when it is."""
    if policy.weight == "entitlement":
        if facts.entitlement_pence is None:
            return Decimal(0), f"no entitlement ({facts.entitlement_note or 'not calculated'})"
        return Decimal(facts.entitlement_pence) / HUNDRED, None
    if policy.weight == "points":
        return _decimal(facts.points), None
    if facts.vbp_status is not None:  # CMS's linear exchange: TPS × base payment
        if facts.tps is None or facts.contract_pence is None:
            return Decimal(0), "no Total Performance Score or no contract value, so no TPS weight"
        # the driver's text for the exact stored decimal (raw rows carry no type processing)
        return Decimal(facts.tps) * Decimal(facts.contract_pence) / HUNDRED, None
    if facts.contract_pence is None or facts.max_points <= 0:
        return Decimal(0), "no contract value or no points available, so no TPS weight"
    tps = HUNDRED * _decimal(facts.points) / _decimal(facts.max_points)
    return tps * Decimal(facts.contract_pence) / HUNDRED, None


def cap_of(facts: Facts, policy: Policy, pot_pence: int) -> tuple[int, str]:
    """The cap in pence and what set it, in words."""
    return cap_terms(facts.contract_pence, facts.entitlement_pence, policy, pot_pence)


def cap_terms(
    contract: int | None, entitlement: int | None, policy: Policy, pot_pence: int
) -> tuple[int, str]:
    """The cap in pence and what set it, in words, from the contract value and entitlement."""
    contract_cap = None
    if policy.cap_percent is not None and contract is not None:
        contract_cap = int(Decimal(contract) * policy.cap_percent / HUNDRED)
    if contract_cap is not None and entitlement is not None:
        if entitlement < contract_cap:
            return entitlement, CAP_BELOW_ENTITLEMENT
        return contract_cap, contract_words(policy.cap_percent)
    if contract_cap is not None:
        return contract_cap, contract_words(policy.cap_percent)
    if entitlement is not None:
        return entitlement, CAP_NO_CONTRACT
    if policy.cap_percent is None:
        return pot_pence, CAP_POT
    return 0, CAP_NOTHING


def build_terms(facts: Sequence[Facts], policy: Policy, pot_pence: int) -> list[Terms]:
    """One recipient per provider with the policy's weight, cap, floor and gate."""
    terms = []
    for f in facts:
        weight, note = weight_of(f, policy)
        cap, basis = cap_of(f, policy, pot_pence)
        clean = f.breaches == 0
        recipient = Recipient(
            key=f.code,
            weight=weight,
            cap_pence=cap,
            floor_pence=policy.floor_pence if clean else 0,
            gate=Decimal(1) if clean else policy.breach_gate,
        )
        terms.append(Terms(f, recipient, basis, note))
    return terms
