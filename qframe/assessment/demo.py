"""Demo baseline assessments: one accepted, one awaiting review, one in draft and due soon."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from .models import Assessment
from .services import review_assessment, save_items, start_assessment, submit_assessment

if TYPE_CHECKING:
    from qframe.demo import DemoContext

YEAR = "2025/26"  # the demo frameworks' year, so their domains are assessed
WEAK = {
    "clinical_audit": ("problematic", "Only 40% of audits completed the cycle", "Ward 7 falls"),
    "it_information": ("needs development", "Paper observations on 6 wards", "Surgical wards"),
}


def _rows(a: Assessment, rng: Any) -> dict[str, dict[str, str]]:
    rows = {}
    for item in a.items:
        rating, evidence, named = WEAK.get(
            item.area,
            (rng.choice(["strong", "adequate"]), "Board quality report and audit results", ""),
        )
        rows[item.area] = {"rating": rating, "evidence": evidence, "named": named}
    return rows


def load(ctx: DemoContext) -> None:
    users = ctx.shared.get("users", {})
    commissioner = users.get("commissioner@demo.qframe.test")
    if commissioner is None or not ctx.shared.get("acute"):
        return
    today = date.today()
    acute, community = ctx.shared["acute"][0], ctx.shared["community"][0]
    practice = ctx.shared["practices"][0]
    done = start_assessment(commissioner, acute, YEAR, today + timedelta(days=30), today)
    lead = users["provider.lead@demo.qframe.test"]
    save_items(lead, done, _rows(done, ctx.rng))
    submit_assessment(lead, done)
    review_assessment(commissioner, done, accept=True, note="Thank you: an honest picture.")
    waiting = start_assessment(commissioner, community, YEAR, today + timedelta(days=20), today)
    community_lead = users["community.lead@demo.qframe.test"]
    save_items(community_lead, waiting, _rows(waiting, ctx.rng))
    submit_assessment(community_lead, waiting)
    start_assessment(commissioner, practice, YEAR, today + timedelta(days=10), today)
    ctx.report.append(
        f"Baseline assessments {YEAR}: {acute.name} accepted, {community.name} awaiting review, "
        f"{practice.name} in draft (due in 10 days); /assessment/"
    )
