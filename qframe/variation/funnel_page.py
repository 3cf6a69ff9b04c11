"""What the funnel page shows: one indicator at one level, its plot, outliers and table.

Every point and every table row come from the same stored Score (value and funnel flag), so
the plot and the table cannot disagree; the filter only narrows the table and the labels.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from sqlalchemy import select

from qframe.auth.permissions import in_scope_clause
from qframe.engine.funnel_families import FunnelFamily, funnel_family
from qframe.engine.measure_types import measure_type
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


class FunnelOrg(NamedTuple):
    """What the funnel page shows of an organisation."""

    id: int
    name: str
    code: str


class FunnelCell(NamedTuple):
    """What the funnel page shows of a score."""

    numerator: int | None
    denominator: int | None
    achievement: float | None
    funnel_flag: str | None
    expected: float | None = None  # a ratio's expected count (its size on the funnel)

    @property
    def size(self) -> float | None:
        """Where the point sits on the funnel's x axis: the denominator, or expected count."""
        return self.denominator if self.expected is None else self.expected


def funnel_context(
    run: ScoreRun, indicator: Indicator, level: str, args: Any, user: Any
) -> dict[str, Any]:
    """Template context for the funnel page (chart, outliers by side, filtered table)."""
    # plain columns, not entities: a national indicator has 7,000 rows
    rows = [
        (FunnelOrg(oid, name, code), FunnelCell(x, n, achievement, flag, e))
        for oid, name, code, x, n, achievement, flag, e in db.session.execute(
            select(
                Organisation.id,
                Organisation.name,
                Organisation.code,
                Score.numerator,
                Score.denominator,
                Score.achievement,
                Score.funnel_flag,
                Score.expected,
            )  # fmt: skip
            .join(Score, Score.organisation_id == Organisation.id)
            .where(
                Score.run_id == run.id,
                Score.indicator_id == indicator.id,
                Organisation.kind.in_(LEVEL_KINDS[level]),
                in_scope_clause(Organisation.id, user),
            )
            .order_by(Organisation.code)
        )
    ]
    stat = (run.stats or {}).get(str(indicator.id), {}).get(level, {})
    plotted = [(o, s) for o, s in rows if s.size and s.achievement is not None]
    multiplier = float(indicator.multiplier) if indicator.multiplier is not None else 1.0
    chart = None
    kind = measure_type(indicator.measure)
    family = None if kind.funnel_family is None else funnel_family(kind.funnel_family)
    if family is not None and plotted and stat.get("target"):
        chart = funnel_plot(
            [FunnelPoint(o.name, float(s.size or 0), float(s.achievement or 0.0),
                         s.funnel_flag or "within") for o, s in plotted],
            indicator.measure, stat["target"], stat.get("tau2") or 0.0,
            family.x_title, family.y_title(float(indicator.multiplier or 1)), multiplier,
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
    matching = [
        (o, s)
        for o, s in rows
        if (show == "all" or s.funnel_flag in SHOWN_FLAGS[show])
        and (not query or query.lower() in o.name.lower() or query.lower() in o.code.lower())
    ]
    table = [  # intervals for the rows listed only
        (
            o,
            s,
            result_interval(
                indicator.measure, s.numerator, s.denominator, indicator.multiplier, s.expected
            ),
        )
        for o, s in matching[:MAX_ROWS]  # fmt: skip
    ]
    return {
        "rows": rows,
        "chart": chart,
        "stat": stat,
        "flagged": flagged,
        "table": table,
        "table_total": len(matching),
        "show": show,
        "show_options": SHOW,
        "query": query,
        "basis_words": BASIS_WORDS.get(int(stat.get("basis") or 0), BASIS_WORDS[0]),
        "centre": _centre(family, stat, multiplier),
        "plottable": family is not None,
        "method_words": "" if family is None else family.method_words,
        "percent": kind.shown_as == "percent",
        "count_word": "of" if kind.within_denominator else "in",
        "ratio": kind.expected,  # observed and expected counts, a ratio to 2 places
        "places": 2 if kind.expected else 1,
        "no_data": [o for o, s in rows if not s.size or s.achievement is None],
    }


def _centre(family: FunnelFamily | None, stat: dict[str, Any], multiplier: float) -> float | None:
    target = stat.get("target")
    if target is None:
        return None
    share = float(target)
    return share * multiplier if family is None else family.centre(share, multiplier)
