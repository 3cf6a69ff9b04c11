"""Demo budgets: 2025/26 for every service line and ward of the small region.

Actuals run to month 9 (December), the point at which finance reviews the forecast outturn, so
the forecasts and virements have months left to act on. A few wards overspend on nursing pay
through agency spend that grows over the year.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from sqlalchemy import select

from qframe.budgets.calc import phase_evenly
from qframe.budgets.ledger import import_ledger
from qframe.budgets.models import HOLDER_KINDS, BudgetLine
from qframe.budgets.services import open_holder
from qframe.budgets.virements import request_virement
from qframe.extensions import db
from qframe.money import split_pence
from qframe.orgs.models import Organisation

if TYPE_CHECKING:
    import random

    from qframe.budgets.models import BudgetHolder
    from qframe.demo import DemoContext

YEAR = "2025/26"
CLOSED_MONTHS = 9
# Annual budget ranges in £ thousands.
WARD = {
    "pay_nursing": (2000, 4000),
    "pay_other": (150, 400),
    "nonpay_drugs": (100, 400),
    "nonpay_clinical_supplies": (80, 250),
    "nonpay_other": (30, 80),
}
SERVICE_LINE = {
    "pay_medical": (3000, 9000),
    "pay_nursing": (300, 800),
    "pay_other": (600, 1500),
    "nonpay_drugs": (500, 3000),
    "nonpay_clinical_supplies": (300, 1500),
    "nonpay_other": (200, 600),
    "income": (400, 2000),
}
WINTER = [100, 100, 100, 100, 100, 100, 105, 110, 115, 115, 110, 105]
OVERSPENDING_WARDS = 6


def load(ctx: DemoContext) -> None:
    if ctx.scale == "national":
        return
    rng = ctx.rng
    orgs = db.session.scalars(
        select(Organisation).where(Organisation.kind.in_(HOLDER_KINDS)).order_by(Organisation.code)
    ).all()
    holders = [open_holder(None, org) for org in orgs]
    wards = [h for h in holders if h.organisation.kind == "ward"]
    demo_ward = _demo_ward(ctx)
    agency = {*rng.sample([h.id for h in wards if h.cost_centre != demo_ward], OVERSPENDING_WARDS)}
    agency |= {h.id for h in wards if h.cost_centre == demo_ward}
    ledger = io.StringIO()
    ledger.write("cost_centre,month,category,amount\n")
    count = 0
    for holder in holders:
        for line in _budget_lines(holder, rng):
            count += 1
            for month in range(CLOSED_MONTHS):
                amount = _actual(line, month, holder.id in agency, rng)
                ledger.write(f"{holder.cost_centre},{_label(month)},{line.category},{amount}\n")
    result = import_ledger(
        None, ledger.getvalue().encode(), year=YEAR, filename="demo-ledger-2025-26.csv"
    )
    _virements(ctx, holders)
    over = sorted(h.cost_centre for h in holders if h.id in agency)
    ctx.report.append(
        f"Budgets {YEAR}: {len(holders)} holders, {count} budget lines, {result.rows:,} ledger "
        f"rows (April–December); agency overspend on nursing pay at {', '.join(over)}"
    )


def _demo_ward(ctx: DemoContext) -> str | None:
    user = ctx.shared.get("users", {}).get("nurse.manager@demo.qframe.test")
    return user.scope_orgs[0].code if user and user.scope_orgs else None


def _label(month: int) -> str:
    calendar = month + 4
    return f"{2025 + (calendar > 12)}-{(calendar - 1) % 12 + 1:02d}"


def _budget_lines(holder: BudgetHolder, rng: random.Random) -> list[BudgetLine]:
    ranges = WARD if holder.organisation.kind == "ward" else SERVICE_LINE
    seasonal = holder.cost_centre.endswith(("-EC", "-ELD"))
    lines = []
    for category, (low, high) in ranges.items():
        annual = rng.randint(low, high) * 1000_00
        line = BudgetLine(holder=holder, year=YEAR, category=category)
        # Emergency and older people's care staff up for winter: their pay is phased, not 1/12.
        winter = seasonal and category.startswith("pay_")
        line.phases = split_pence(annual, WINTER) if winter else phase_evenly(annual)
        db.session.add(line)
        lines.append(line)
    return lines


def _actual(line: BudgetLine, month: int, agency: bool, rng: random.Random) -> str:
    """Budget ± a few per cent; agency wards' nursing pay climbs to ~15% over by December."""
    factor = rng.gauss(1.0, 0.025)
    if line.category == "income":
        factor = rng.gauss(0.98, 0.05)
    if agency and line.category == "pay_nursing":
        factor += 0.04 + 0.012 * month
    pence = round(line.phases[month] * factor)
    return f"{pence / 100:.2f}"


def _virements(ctx: DemoContext, holders: list[BudgetHolder]) -> None:
    """One virement within the limit (applied) and one above it (waiting for finance)."""
    users = ctx.shared.get("users", {})
    director = users.get("clinical.director@demo.qframe.test")
    if director is None or not director.scope_orgs:
        return
    code = director.scope_orgs[0].code
    holder = next(h for h in holders if h.cost_centre == code)
    lines = {line.category: line for line in holder.lines if line.year == YEAR}
    for source, target, pounds, reason in (
        ("nonpay_other", "nonpay_clinical_supplies", 18_000, "Theatre consumables price rise"),
        ("pay_other", "pay_medical", 140_000, "Locum cover for two consultant vacancies"),
    ):
        request_virement(
            director,
            holder,
            YEAR,
            from_line_id=lines[source].id,
            to_line_id=lines[target].id,
            amount_pence=pounds * 100,
            reason=reason,
        )
