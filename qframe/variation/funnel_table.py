"""The funnel page's table: filtered (kind of result, name or code) and a page at a time.

A national indicator has 7,000 results, so the table opens on the outliers when there are
more results than fit one page, says how many rows it hides, and writes out only the page's
rows (their 95% intervals included), here rather than in a Jinja loop.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from markupsafe import Markup, escape
from sqlalchemy import bindparam, select

from qframe.frameworks.models import Indicator
from qframe.orgs.models import Organisation
from qframe.rawsql import cached_rows
from qframe.scoring.models import Score
from qframe.scoring.queries import FLAG_WORDS
from qframe.variation.present import result_interval
from qframe.web.templating import number, percent

SHOW = {
    "all": "All results",
    "outliers": "Outliers on either side",
    "worse": "Worse than expected (alerts and alarms)",
    "better": "Better than expected",
    "small_numbers": "Small numbers",
}
SHOWN_FLAGS = {
    "outliers": {"alarm", "alert", "better_alarm", "better_alert"},
    "worse": {"alarm", "alert"},
    "better": {"better_alarm", "better_alert"},
    "small_numbers": {"small_numbers"},
}
PAGE_ROWS = 100
Detail = tuple[int, str, str, Any, Any, Any]  # (org id, name, code, numerator, denominator,
# expected), by score id
CHUNK = 500  # ids to a query (well under SQLite's limit on bound parameters)


class FunnelRow(NamedTuple):
    """One organisation's result as the funnel page shows it."""

    id: int
    name: str
    code: str
    numerator: int | None
    denominator: int | None
    achievement: float | None
    funnel_flag: str | None
    expected: float | None = None  # a ratio's expected count (its size on the funnel)


@dataclass(frozen=True)
class Table:
    """One page of the filtered table, written out, with the counts the page states."""

    html: Markup
    show: str
    query: str
    total: int  # rows matching the filter
    everything: int  # rows before filtering
    first: int  # 1-based position of the first row on this page
    last: int
    page: int
    pages: int

    @property
    def hidden(self) -> int:
        """Rows the filter leaves out, plus those on other pages."""
        return self.everything - (self.last - self.first + 1 if self.total else 0)


def details_of(score_ids: Iterable[int]) -> dict[int, Detail]:
    """By score id: the organisation (id, name, code) and counts of these scores (the rows
    read for the plot carry only the score's id, value, flag and size; read here by the
    scores' primary key)."""
    wanted = sorted(set(score_ids))
    details: dict[int, Detail] = {}
    for at in range(0, len(wanted), CHUNK):
        chosen = wanted[at : at + CHUNK]
        details.update((r[0], r[1:]) for r in cached_rows(_DETAILS, {"ids": chosen}))
    return details


# one statement for every request, the ids bound when it runs (not built and keyed anew)
_DETAILS = (
    select(Score.id, Organisation.id, Organisation.name, Organisation.code)
    .add_columns(Score.numerator, Score.denominator, Score.expected)
    .join(Score, Score.organisation_id == Organisation.id)
    .where(Score.id.in_(bindparam("ids", expanding=True)))
)


def named_row(row: tuple[Any, ...], details: Mapping[int, Detail]) -> FunnelRow:
    """A row read as (score id, achievement, flag, size), named and counted."""
    org, name, code, numerator, denominator, expected = details[row[0]]
    return FunnelRow(org, name, code, numerator, denominator, row[1], row[2], expected)


def table_page(
    rows: Sequence[tuple[Any, ...]],
    details: dict[int, Detail],
    indicator: Indicator,
    args: Any,
    *,
    percent: bool,
) -> Table:
    """The page of the table the request asks for (show, q, page). Rows are (score id,
    achievement, flag, size) in the organisations' code order; `details` has some of their
    names and counts (the rest are read for the rows on the page, or to filter by name for all
    matching, and kept in it: the same for every request, so shared by requests as the rows
    are)."""
    show, query, page = table_request(args, len(rows))
    matching = rows
    if show != "all":
        wanted = SHOWN_FLAGS[show]
        matching = [r for r in matching if r[2] in wanted]  # (rows are plain tuples)
    if query:
        needle = query.lower()
        details.update(details_of(r[0] for r in matching if r[0] not in details))
        matching = [
            r
            for r in matching
            if needle in details[r[0]][1].lower() or needle in details[r[0]][2].lower()
        ]
    pages = max(1, -(-len(matching) // PAGE_ROWS))
    page = min(page, pages)
    start = (page - 1) * PAGE_ROWS
    shown = matching[start : start + PAGE_ROWS]
    missing = [r[0] for r in shown if r[0] not in details]
    if missing:
        details.update(details_of(missing))
    html = Markup("".join(_row(named_row(r, details), indicator, percent) for r in shown))  # noqa: S704 (escaped in _row)
    return Table(
        html, show, query, len(matching), len(rows), start + 1, start + len(shown), page, pages
    )


def table_request(args: Any, rows: int) -> tuple[str, str, int]:
    """(show, q, page) as the request asks, the page at least 1: the table opens on the
    outliers when there are more rows than fit a page."""
    show = args.get("show") or ("all" if rows <= PAGE_ROWS else "outliers")
    show = show if show in SHOW else "all"
    return show, (args.get("q") or "").strip()[:80], max(_int(args.get("page")), 1)


def first_page(rows: Sequence[tuple[Any, ...]]) -> list[int]:
    """The score ids on the table's first page as it opens (no filter asked for): read with
    the names the plot and the lists need, in the same query."""
    show, _query, _page = table_request({}, len(rows))
    wanted = SHOWN_FLAGS.get(show)
    shown = (r[0] for r in rows if wanted is None or r[2] in wanted)
    return [score for score, _ in zip(shown, range(PAGE_ROWS), strict=False)]


def _int(value: Any) -> int:
    text = str(value or "")
    return int(text) if text.isdigit() and len(text) < 7 else 1


def value_text(achievement: float | None, *, shown_as_percent: bool) -> str:
    if achievement is None:
        return "—"
    return percent(achievement) if shown_as_percent else number(achievement, 2)


def named_text(r: FunnelRow, *, shown_as_percent: bool, ratio: bool, count_word: str) -> Markup:
    """A row as the lists above the table name it: name (code): value (counts)."""
    value = value_text(r.achievement, shown_as_percent=shown_as_percent)
    if ratio:
        counts = f"{number(r.numerator)} observed, {number(r.expected, 1)} expected"
    else:
        counts = f"{number(r.numerator)} {count_word} {number(r.denominator)}"
    return Markup(  # noqa: S704 (every piece escaped)
        f"<strong>{escape(r.name)}</strong> ({escape(r.code)}): {escape(value)} ({escape(counts)})"
    )


def _row(r: FunnelRow, indicator: Indicator, shown_as_percent: bool) -> str:
    ci = result_interval(
        indicator.measure, r.numerator, r.denominator, indicator.multiplier, r.expected
    )
    places = 1 if r.expected is None else 2  # a ratio to 2 places
    interval = "—" if ci is None else f"{number(ci.low, places)}–{number(ci.high, places)}"
    base = r.denominator if r.expected is None else r.expected
    base_text = "—" if base is None else number(base, 0 if r.expected is None else 1)
    name = escape(r.name)
    known = r.funnel_flag or ""
    flag, words = _FLAG_CELLS.get(known) or _flag_cells(known)
    return (
        f'<tr data-flag="{flag}" data-name="{name}"><td>{name} '
        f'<span class="muted">{escape(r.code)}</span></td>'
        f'<td class="num">{number(r.numerator) if r.numerator is not None else "—"}</td>'
        f'<td class="num">{base_text}</td>'
        f'<td class="num">{value_text(r.achievement, shown_as_percent=shown_as_percent)}</td>'
        f'<td class="num">{interval}</td>'
        f"<td>{words}</td></tr>"
    )


def _flag_cells(flag: str) -> tuple[str, str]:
    """A flag as the row's attribute and its words, escaped."""
    return str(escape(flag)), str(escape(FLAG_WORDS.get(flag, "Not plotted")))


_FLAG_CELLS = {flag: _flag_cells(flag) for flag in (*FLAG_WORDS, "")}  # escaped once
