"""Devolved budgets: holders' pages (budgets) and finance's pages (budgets_manage).

Who: clinical directors and nurse managers read their holders and request virements; provider
leads and finance read holders in scope (read-only for provider leads); finance manages funding,
limits, approvals and the ledger. Commissioners have no budget pages: the overspend signal
reaches the escalation ladder through `overspend_signals`, not through these pages.
"""

from route import Route

from qframe.budgets.calc import phase_evenly
from qframe.budgets.models import Virement
from qframe.budgets.services import ensure_line, open_holder
from qframe.extensions import db

READERS = ("admin", "finance", "clinical_director", "nurse_manager", "provider_lead")
MOVERS = ("admin", "clinical_director", "nurse_manager")
FINANCE = ("admin", "finance")
YEAR = "2025/26"


def _budget(t):  # type: ignore[no-untyped-def]
    """A budget for ward_a (in every role's scope) with two lines and a pending virement."""
    if not hasattr(t, "budget"):
        holder = open_holder(None, t.ward_a)
        nursing = ensure_line(holder, YEAR, "pay_nursing")
        nursing.phases = phase_evenly(2_400_000_00)
        drugs = ensure_line(holder, YEAR, "nonpay_drugs")
        drugs.phases = phase_evenly(120_000_00)
        virement = Virement(
            holder=holder,
            year=YEAR,
            from_line=nursing,
            to_line=drugs,
            amount_pence=50_000_00,
            reason="access test",
            status="pending",
        )
        db.session.add(virement)
        db.session.flush()
        t.budget = (holder.id, nursing.id, virement.id)
    return t.budget


def _holder(t) -> int:  # type: ignore[no-untyped-def]
    return _budget(t)[0]


ROUTES = {
    "budgets.index": Route(lambda t: "/budgets/", allowed=READERS),
    "budgets.show": Route(lambda t: f"/budgets/{_holder(t)}", allowed=READERS),
    "budgets.export": Route(lambda t: f"/budgets/{_holder(t)}/budget.csv", allowed=READERS),
    "budgets.line": Route(
        lambda t: f"/budgets/{_holder(t)}/lines/{_budget(t)[1]}", allowed=READERS
    ),
    "budgets.new_virement": Route(lambda t: f"/budgets/{_holder(t)}/virements/new", allowed=MOVERS),
    "budgets_manage.index": Route(lambda t: "/budgets/manage/", allowed=FINANCE),
    "budgets_manage.export": Route(lambda t: "/budgets/manage/holders.csv", allowed=FINANCE),
    "budgets_manage.holder": Route(
        lambda t: f"/budgets/manage/holders/{_holder(t)}", allowed=FINANCE
    ),
    "budgets_manage.funding": Route(
        lambda t: f"/budgets/manage/holders/{_holder(t)}/funding", method="POST", allowed=FINANCE
    ),
    "budgets_manage.limit": Route(
        lambda t: f"/budgets/manage/holders/{_holder(t)}/limit", method="POST", allowed=FINANCE
    ),
    "budgets_manage.open_budget": Route(
        lambda t: f"/budgets/manage/orgs/{t.ward_a2.id}/open", method="POST", allowed=FINANCE
    ),
    "budgets_manage.virement": Route(
        lambda t: f"/budgets/manage/virements/{_budget(t)[2]}", allowed=FINANCE
    ),
    "budgets_manage.ledger": Route(lambda t: "/budgets/manage/ledger", allowed=FINANCE),
}
