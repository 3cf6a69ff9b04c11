"""Demo good practice: top performers on indicators where another demo provider struggles."""

from __future__ import annotations

from typing import TYPE_CHECKING

from qframe.errors import ValidationFailed
from qframe.extensions import db
from qframe.frameworks.models import Indicator

from .services import record_practice, struggling

if TYPE_CHECKING:
    from qframe.demo import DemoContext

STORIES = (
    ("Ward-level daily review", "A consultant and the nurse in charge review every patient on "
     "this measure at the 9am board round; gaps are fixed the same day.", "Quality lead"),
    ("Named champion per ward", "Each ward has a trained champion who audits ten records a week "
     "and feeds back at the monthly governance meeting.", "Head of nursing"),
    ("Real-time dashboard", "Ward dashboards refreshed hourly from the EPR show who is due; "
     "matrons escalate anything overdue before the end of the shift.", "Chief clinical "
     "information officer"),
)  # fmt: skip


def load(ctx: DemoContext) -> None:
    user = ctx.shared.get("users", {}).get("commissioner@demo.qframe.test")
    providers = list(ctx.shared.get("acute", [])) + list(ctx.shared.get("community", []))
    if user is None or len(providers) < 2:
        return
    weak = {p.id: struggling(p.id) for p in providers}
    made = 0
    for indicator_id in sorted(set().union(*weak.values())):
        indicator = db.session.get(Indicator, indicator_id)
        for provider in providers:
            if made >= len(STORIES) or indicator is None or indicator_id in weak[provider.id]:
                continue
            title, did, who = STORIES[made]
            fields = {"title": title, "what_they_did": did,
                      "contact": f"{who}, {provider.name}"}  # fmt: skip
            try:
                record_practice(user, provider, indicator, fields)
            except ValidationFailed:
                continue
            made += 1
            break
    ctx.report.append(f"Good practice: {made} entries; /learning/")
