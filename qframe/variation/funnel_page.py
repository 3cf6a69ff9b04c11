"""What the funnel page shows: one indicator at one level, its plot, outliers and table.

Every point and every table row come from the same stored Score (value and funnel flag), so
the plot and the table cannot disagree; the filter only narrows the table. The plot, the
outlier lists and the rows are kept (qframe/scoring/final_cache.py) under run, indicator, level
and the viewer's scope: a final run's as they are, a provisional run's under a fingerprint of
its scores read on every view. The table's filter and page are applied per request and only the
rows on the page are written out (funnel_table.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import func, select

from qframe.auth.permissions import in_scope_clause
from qframe.engine.funnel_families import FunnelFamily, funnel_family
from qframe.engine.measure_types import measure_type
from qframe.extensions import db
from qframe.frameworks.models import Indicator
from qframe.gcpause import collector_paused
from qframe.orgs.models import PROVIDER_KINDS, Organisation
from qframe.rawsql import cached_rows
from qframe.scoring.final_cache import FinalRunCache, scope_key
from qframe.scoring.models import Score, ScoreRun
from qframe.variation.funnel_chart import Columns, Funnel, funnel_columns, kind_positions
from qframe.variation.funnel_table import (
    PAGE_ROWS,
    SHOW,
    Detail,
    FunnelRow,
    details_of,
    first_page,
    named_row,
    named_text,
    table_page,
)
from qframe.variation.present import BASIS_WORDS

LEVEL_KINDS = {"provider": PROVIDER_KINDS, "service_line": ("service_line",), "ward": ("ward",)}
GROUPS = ("alarm", "alert", "better_alarm", "better_alert", "small_numbers")
OUTLIER_FLAGS = GROUPS[:4]  # those the plot may label
LISTED = 10  # outliers of each kind named in the lists above the table (most extreme first)
SMALL_LISTED = 50
CACHE_SIZE = 16  # a national indicator's rows are about 2.4 MB (at most about 40 MB kept)


@dataclass(frozen=True)
class FunnelWhole:
    """Everything the page shows that does not depend on the table's filter or page."""

    rows: list[tuple[Any, ...]]  # (score id, achievement, flag, size), in the organisations'
    # code order: names, codes and counts are read only for the rows named or listed (details)
    details: dict[int, Detail]  # by score id: those labelled or listed, those on the table's
    # first page, and those shown so far (the table adds the rows it shows)
    chart: Funnel | None
    flagged: dict[str, list[FunnelRow]]  # the first LISTED (SMALL_LISTED) of each group
    counts: dict[str, int]  # rows in each group
    no_data: int


_cache: FinalRunCache[FunnelWhole] = FinalRunCache(CACHE_SIZE)


def funnel_context(
    run: ScoreRun, indicator: Indicator, level: str, args: Any, user: Any
) -> dict[str, Any]:
    """Template context for the funnel page (chart, outliers by side, filtered table)."""
    stat = (run.stats or {}).get(str(indicator.id), {}).get(level, {})
    kind = measure_type(indicator.measure)
    family = None if kind.funnel_family is None else funnel_family(kind.funnel_family)
    multiplier = float(indicator.multiplier) if indicator.multiplier is not None else 1.0
    whole = _cache.fetch(
        run,
        (indicator.id, indicator.polarity, level, scope_key(user), repr(sorted(stat.items()))),
        lambda: _whole(run, indicator, level, user, stat, family, multiplier),
        lambda: _fingerprint(run, indicator, level, user),
    )
    shown_as_percent = kind.shown_as == "percent"
    table = table_page(whole.rows, whole.details, indicator, args, percent=shown_as_percent)
    count_word = "of" if kind.within_denominator else "in"
    named = {
        flag: [
            named_text(
                r, shown_as_percent=shown_as_percent, ratio=kind.expected, count_word=count_word
            )
            for r in whole.flagged[flag]
        ]
        for flag in OUTLIER_FLAGS
    }
    return {
        "rows": whole.rows,
        "chart": whole.chart,
        "stat": stat,
        "flagged": whole.flagged,
        "named": named,  # the outliers listed, written out (as the table's rows are)
        "flag_counts": whole.counts,
        "listed": LISTED,
        "small_listed": SMALL_LISTED,
        "table": table,
        "show_options": SHOW,
        "rows_per_page": PAGE_ROWS,
        "basis_words": BASIS_WORDS.get(int(stat.get("basis") or 0), BASIS_WORDS[0]),
        "centre": _centre(family, stat, multiplier),
        "plottable": family is not None,
        "method_words": "" if family is None else family.method_words,
        "percent": kind.shown_as == "percent",
        "ratio": kind.expected,  # observed and expected counts, a ratio to 2 places
        "count_word": count_word,
        "no_data": whole.no_data,
    }


def _scores(run: ScoreRun, indicator: Indicator, level: str, user: Any, *columns: Any) -> Any:
    return (
        select(*columns)
        .select_from(Organisation)
        .join(Score, Score.organisation_id == Organisation.id)
        .where(
            Score.run_id == run.id,
            Score.indicator_id == indicator.id,
            Organisation.kind.in_(LEVEL_KINDS[level]),
            in_scope_clause(Organisation.id, user),
        )
    )


def _fingerprint(run: ScoreRun, indicator: Indicator, level: str, user: Any) -> tuple[Any, ...]:
    """Per flag: how many scores, their sums and the newest score's id. A provisional run is
    kept under it, so a change to the scores drawn would be a new key (in the database: a
    few milliseconds, where reading the 7,000 rows into Python is most of the page)."""
    columns = (
        Score.funnel_flag,
        func.count(),
        func.sum(Score.numerator),
        func.sum(Score.denominator),
        func.sum(Score.achievement),
        func.sum(Score.expected),
        func.max(Score.id),
    )
    stmt = _scores(run, indicator, level, user, *columns).group_by(Score.funnel_flag)
    return tuple(cached_rows(stmt))


def _read(run: ScoreRun, indicator: Indicator, level: str, user: Any) -> list[tuple[Any, ...]]:
    # plain driver tuples, not entities or Row objects: a national indicator has 7,000 rows,
    # so only what the plot, the counts and the table's order and filter need (the size is
    # a ratio's expected count, otherwise the denominator), in code order; names, codes and
    # counts are read afterwards for the few rows named or shown (see details_of). Codes are
    # ordered by their characters, as Python orders them, on every database.
    size = func.coalesce(Score.expected, Score.denominator)
    postgres = db.session.get_bind().dialect.name == "postgresql"
    # (SQLite compares the bytes already)
    code = Organisation.code.collate("C") if postgres else Organisation.code.expression
    stmt = _scores(
        run, indicator, level, user, Score.id, Score.achievement, Score.funnel_flag, size
    )
    return cached_rows(stmt.order_by(code))


# 7,000 rows read as tuples and written out as strings, none of them cyclic: the collector
# is paused meanwhile (see collector_paused)
@collector_paused()
def _whole(
    run: ScoreRun,
    indicator: Indicator,
    level: str,
    user: Any,
    stat: dict[str, Any],
    family: FunnelFamily | None,
    multiplier: float,
) -> FunnelWhole:
    rows = _read(run, indicator, level, user)
    # score id, achievement, flag, size: plotted with a size and a value, as arrays
    ids, values, flags, sizes = _columns(rows)
    at = np.flatnonzero(~np.isnan(values) & ~np.isnan(sizes) & (sizes != 0))
    ids, values, flags, sizes = ids[at], values[at], flags[at], sizes[at]
    worse_first = indicator.polarity == "lower_is_better"
    kinds = kind_positions(flags)
    groups = {flag: kinds[flag] for flag in GROUPS}
    listed: dict[str, np.ndarray] = {}
    for flag, found in groups.items():
        # most extreme first, ties in code order (a stable sort)
        reverse = worse_first if not flag.startswith("better") else not worse_first
        order = np.argsort(-values[found] if reverse else values[found], kind="stable")
        listed[flag] = found[order[: SMALL_LISTED if flag == "small_numbers" else LISTED]]
    # names and counts for the rows listed, for those on the table's first page and for the
    # outliers the plot may label (asked for by position among those plotted): not every
    # outlier's (thousands, nationally). Read together, in one query, when there is a plot.
    wanted = [*ids[np.concatenate(list(listed.values()))].tolist(), *first_page(rows)]
    details: dict[int, Detail] = {}
    chart = None
    if family is not None and at.size and stat.get("target"):

        def name_of(chosen: list[int]) -> dict[int, str]:
            details.update(details_of([*wanted, *ids[chosen].tolist()]))
            return {i: details[int(ids[i])][1] for i in chosen}

        plotted = Columns((), sizes, values, flags, name_of, kinds)
        chart = funnel_columns(
            plotted, indicator.measure, stat["target"], stat.get("tau2") or 0.0,
            family.x_title, family.y_title(float(indicator.multiplier or 1)), multiplier,
        )  # fmt: skip
    if not details:  # no plot (or no outlier to label): the rows listed only
        details.update(details_of(wanted))
    flagged = {
        flag: [named_row(rows[i], details) for i in at[found].tolist()]
        for flag, found in listed.items()
    }
    counts = {flag: int(found.size) for flag, found in groups.items()}
    return FunnelWhole(rows, details, chart, flagged, counts, len(rows) - int(at.size))


def _columns(rows: list[tuple[Any, ...]]) -> tuple[np.ndarray, ...]:
    """The rows' score ids, values, flags and sizes as arrays (a missing value or size as
    NaN, every flag as it is)."""
    count = len(rows)
    if not rows:
        empty = np.empty(0)
        return empty.astype(np.int64), empty, empty.astype(object), empty
    ids, values, flags, sizes = zip(*rows, strict=True)
    kept = np.empty(count, dtype=object)
    kept[:] = flags
    return np.fromiter(ids, np.int64, count), _floats(values), kept, _floats(sizes)


def _floats(column: tuple[Any, ...]) -> np.ndarray:
    # read one by one into the array (a None as NaN, as np.array(column, float) reads it),
    # without the list np.array makes of the column first
    return np.fromiter(column, float, len(column))


def _centre(family: FunnelFamily | None, stat: dict[str, Any], multiplier: float) -> float | None:
    target = stat.get("target")
    if target is None:
        return None
    share = float(target)
    return share * multiplier if family is None else family.centre(share, multiplier)
