"""The providers × indicators heat-map: one page of providers, filtered by ICB, setting and
domain, with the number of providers and indicators the page does not show.

Cells are read as plain columns by the page's providers (the (run, organisation) index: the
(run, indicator) one would walk every provider of each indicator) and turned into the words
and classes the template prints, so the template does no per-cell logic. A final run never
changes, so its pages are kept (qframe/scoring/final_cache.py) under everything that shapes
them (run, the viewer's scope, filters, page).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

from markupsafe import Markup
from sqlalchemy import func, select

from qframe.auth.permissions import in_scope_clause
from qframe.engine.measure_types import measure_type
from qframe.extensions import db
from qframe.frameworks.models import Indicator
from qframe.orgs.models import PROVIDER_KINDS, Organisation
from qframe.rawsql import cached_rows
from qframe.scoring.final_cache import FinalRunCache, clear_final_caches, scope_key
from qframe.scoring.models import ProviderScore, Score, ScoreRun
from qframe.scoring.queries import band
from qframe.web.templating import number, percent

PAGE = 25
BAND_WORDS = {"full": "Full", "part": "Part", "none": "None", "missing": "Missing"}
FLAG_SHORT = {"alarm": "!! Alarm", "alert": "! Alert", "small_numbers": "SN"}
CACHE_SIZE = 64


class Row(NamedTuple):
    org_id: int
    name: str
    code: str
    points: float
    max_points: float
    cells: Markup  # the row's <td> cells, built here: 3,750 cells are most of the page


@dataclass(frozen=True)
class HeatPage:
    rows: list[Row]
    total: int  # providers matching the filters
    first: int  # 1-based position of the first row shown
    more: bool


_cache: FinalRunCache[HeatPage] = FinalRunCache(CACHE_SIZE)


class _Score(NamedTuple):
    achievement: float | None
    points: float
    max_points: float
    status: str
    funnel_flag: str | None
    breach: bool


def _text(score: _Score | None, as_percent: bool) -> str:
    if score is None:
        return "—"
    if score.achievement is None:
        return "no eligible" if score.status == "no_eligible" else "—"
    if as_percent:
        return percent(score.achievement)
    return number(score.achievement, 1)


def _cell(score: _Score | None, as_percent: bool) -> str:
    """One <td>: the value, the band in words beside its colour, and any flags."""
    b = band(score)  # type: ignore[arg-type]
    flag = ""
    if score is not None:
        flag = FLAG_SHORT.get(score.funnel_flag or "", "") + (" MS" if score.breach else "")
        flag = flag.strip()
    marks = f' <span class="flag">{flag}</span>' if flag else ""
    # _text gives digits, "." "," "%" "−", "—" or "no eligible": nothing to escape
    text = _text(score, as_percent)
    return f'<td class="cell-{b}">{text} <span class="band">{BAND_WORDS[b]}</span>{marks}</td>'


def _providers(run: ScoreRun, user: Any, setting: str | None, icb: int | None) -> Any:
    stmt = (
        select(
            Organisation.id,
            Organisation.name,
            Organisation.code,
            ProviderScore.points,
            ProviderScore.max_points,
        )
        .join(ProviderScore, ProviderScore.organisation_id == Organisation.id)
        .where(ProviderScore.run_id == run.id, in_scope_clause(Organisation.id, user))
    )
    if setting in PROVIDER_KINDS:
        stmt = stmt.where(Organisation.kind == setting)
    if icb is not None:
        stmt = stmt.where(Organisation.parent_id == icb)
    return stmt


def heat_page(
    run: ScoreRun,
    user: Any,
    columns: list[Indicator],
    *,
    setting: str | None,
    icb: int | None,
    page: int,
) -> HeatPage:
    """One page of the heat-map (kept for final runs)."""
    key = (scope_key(user), setting, icb, tuple(i.id for i in columns), page)
    return _cache.fetch(
        run, key, lambda: _build(run, user, columns, setting=setting, icb=icb, page=page)
    )


def _build(
    run: ScoreRun,
    user: Any,
    columns: list[Indicator],
    *,
    setting: str | None,
    icb: int | None,
    page: int,
) -> HeatPage:
    stmt = _providers(run, user, setting, icb)
    if setting in PROVIDER_KINDS or icb is not None:  # the join only when a filter needs it
        counted = select(func.count()).select_from(stmt.subquery())
    else:
        counted = select(func.count()).where(
            ProviderScore.run_id == run.id, in_scope_clause(ProviderScore.organisation_id, user)
        )
    total = db.session.scalar(counted) or 0
    offset = (page - 1) * PAGE
    found = db.session.execute(
        stmt.order_by(Organisation.code).limit(PAGE + 1).offset(offset)
    ).all()
    providers = found[:PAGE]
    scores: dict[tuple[int, int], _Score] = {}
    if providers and columns:
        # the driver's tuples (floats, text and a 0/1 or boolean breach): no Row objects
        for org, indicator, *rest in cached_rows(
            select(
                Score.organisation_id,
                Score.indicator_id,
                Score.achievement,
                Score.points,
                Score.max_points,
                Score.status,
                Score.funnel_flag,
                Score.breach,
            ).where(Score.run_id == run.id, Score.organisation_id.in_([p[0] for p in providers]))
        ):
            scores[(org, indicator)] = _Score(*rest)
    shown = [(i.id, measure_type(i.measure).shown_as == "percent") for i in columns]
    rows = [
        Row(
            org_id,
            name,
            code,
            points,
            top,
            # the cells hold only _cell's own words and numbers (the rest is fixed markup)
            Markup("".join(_cell(scores.get((org_id, i)), as_pc) for i, as_pc in shown)),  # noqa: S704
        )
        for org_id, name, code, points, top in providers
    ]
    return HeatPage(rows, total, offset + 1, len(found) > PAGE)


def clear_cache() -> None:
    """Forget every page kept from final runs, the heat-map's and the others' (tests)."""
    clear_final_caches()
