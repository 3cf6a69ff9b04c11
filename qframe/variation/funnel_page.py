"""What the funnel page shows: one indicator at one level, its plot, outliers and table.

Every point and every table row come from the same stored Score (value and funnel flag), so
the plot and the table cannot disagree; the filter only narrows the table and the labels.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from qframe.auth.permissions import in_scope_clause
from qframe.extensions import db
from qframe.frameworks.models import Indicator
from qframe.orgs.models import PROVIDER_KINDS, Organisation
from qframe.scoring.models import Score, ScoreRun
from qframe.variation.funnel_chart import FunnelPoint, funnel_plot
from qframe.variation.present import BASIS_WORDS, result_interval

LEVEL_KINDS = {"provider": PROVIDER_KINDS, "service_line": ("service_line",), "ward": ("ward",)}
SHOW = {
    "all": "All results",
    "outliers": "Outliers on either side",
    "worse": "Worse than expected (alerts and alarms)",
    "better": "Better than expected",
    "small_numbers": "Small numbers",
}
MAX_ROWS = 500
GROUPS = {
    "alarm": ("alarm",), "alert": ("alert",), "better_alarm": ("better_alarm",),
    "better_alert": ("better_alert",), "small_numbers": ("small_numbers",),
}  # fmt: skip
SHOWN_FLAGS = {
    "outliers": {"alarm", "alert", "better_alarm", "better_alert"},
    "worse": {"alarm", "alert"},
    "better": {"better_alarm", "better_alert"},
    "small_numbers": {"small_numbers"},
}


def funnel_context(
    run: ScoreRun, indicator: Indicator, level: str, args: Any, user: Any
) -> dict[str, Any]:
    """Template context for the funnel page (chart, outliers by side, filtered table)."""
    rows = db.session.execute(
        select(Organisation, Score)
        .join(Score, Score.organisation_id == Organisation.id)
        .where(
            Score.run_id == run.id,
            Score.indicator_id == indicator.id,
            Organisation.kind.in_(LEVEL_KINDS[level]),
            in_scope_clause(Organisation.id, user),
        )
        .order_by(Organisation.code)
    ).all()
    stat = (run.stats or {}).get(str(indicator.id), {}).get(level, {})
    plotted = [(o, s) for o, s in rows if s.denominator and s.achievement is not None]
    multiplier = float(indicator.multiplier) if indicator.multiplier is not None else 1.0
    chart = None
    plottable = indicator.measure in ("proportion", "rate")
    if plottable and plotted and stat.get("target"):
        chart = funnel_plot(
            [FunnelPoint(o.name, float(s.denominator or 0), float(s.achievement or 0.0),
                         s.funnel_flag or "within") for o, s in plotted],
            indicator.measure, stat["target"], stat.get("tau2") or 0.0,
            _x_title(indicator), _y_title(indicator), multiplier,
        )  # fmt: skip
    worse_first = indicator.polarity == "lower_is_better"
    flagged = {
        flag: sorted(
            [(o, s) for o, s in plotted if s.funnel_flag == flag],
            key=lambda item: item[1].achievement or 0.0,
            reverse=worse_first if not flag.startswith("better") else not worse_first,
        )
        for flag in GROUPS
    }
    show = args.get("show", "all")
    show = show if show in SHOW else "all"
    query = (args.get("q") or "").strip()[:80]
    table = [
        (o, s, result_interval(indicator.measure, s.numerator, s.denominator, indicator.multiplier))
        for o, s in rows
        if (show == "all" or s.funnel_flag in SHOWN_FLAGS[show])
        and (not query or query.lower() in o.name.lower() or query.lower() in o.code.lower())
    ]
    return {
        "rows": rows,
        "chart": chart,
        "stat": stat,
        "flagged": flagged,
        "table": table[:MAX_ROWS],
        "table_total": len(table),
        "show": show,
        "show_options": SHOW,
        "query": query,
        "basis_words": BASIS_WORDS.get(int(stat.get("basis") or 0), BASIS_WORDS[0]),
        "centre": _centre(indicator, stat, multiplier),
        "no_data": [o for o, s in rows if not s.denominator or s.achievement is None],
    }


def _centre(indicator: Indicator, stat: dict[str, Any], multiplier: float) -> float | None:
    target = stat.get("target")
    if target is None:
        return None
    share = float(target)
    return 100 * share if indicator.measure == "proportion" else share * multiplier


def _x_title(indicator: Indicator) -> str:
    if indicator.measure == "rate":
        return "Exposure (the rate's denominator, e.g. occupied bed days)"
    return "Denominator (eligible patients or events)"


def _y_title(indicator: Indicator) -> str:
    if indicator.measure == "rate":
        return f"Rate per {float(indicator.multiplier or 1):,.0f}"
    return "Achievement (%)"
