"""The annual quality report of one provider and year, built from result snapshots."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from qframe.engine.intervals import Interval
from qframe.extensions import db
from qframe.frameworks.models import Framework
from qframe.periods.models import Period
from qframe.scoring.models import ScoreRun
from qframe.variation.present import comparison

from .models import Publication
from .snapshot import build_snapshot, latest_run_of
from .summary import (
    FLAG_WORDS,
    benchmark_phrase,
    change_sentence,
    commitments_sentence,
    fmt,
    standard_sentence,
    support_sentence,
)

KIND_ORDER = {"year": 0, "quarter": 1, "month": 2}
MAX_CHANGES = 4


@dataclass(frozen=True)
class Line:
    code: str
    title: str
    domain: str
    result: str
    earlier: str | None
    standard: str | None
    standard_met: bool | None
    peers: str
    comparison: str
    variation: str
    flag: str | None
    interval: str | None = None


@dataclass
class Section:
    code: str
    title: str
    period: str
    earlier_period: str | None
    run: str
    level: int | None
    support: str | None
    lines: list[Line] = field(default_factory=list)


@dataclass
class AnnualReport:
    name: str
    code: str
    year: str
    summary: list[str]
    sections: list[Section]
    level: int | None
    commitments: list[dict[str, Any]]


def _met(result: dict[str, Any], standard: str | None) -> bool | None:
    """Whether the minimum standard was met, as scoring judged it (its breach flag)."""
    if standard is None or result["achievement"] is None:
        return None
    return not result["breach"]


def build_report(snapshots: list[dict[str, Any]], match: Any, year: str) -> AnnualReport | None:
    """The report of the provider whose org id or code is `match`; None if it has no results."""
    sections, changes, met, short, commitments, levels = [], [], 0, [], {}, []
    name = code = None
    for snap in snapshots:
        mine = next(
            (p for p in snap["providers"] if match in (p.get("org_id"), p.get("code"))), None
        )
        if mine is None:
            continue
        name, code, kind = mine["name"], mine["code"], mine["kind"]
        if mine.get("level") is not None:
            levels.append(mine["level"])
        section = Section(
            snap["framework"]["code"],
            snap["framework"]["title"],
            snap["period"]["label"],
            snap.get("earlier_period"),
            f"scores v{snap['run']['version']} ({snap['run']['status']})",
            mine.get("level"),
            mine.get("support"),
        )
        for ind in snap["indicators"]:
            result = mine["results"].get(ind["code"])
            if result is None:
                continue
            now, measure = result["achievement"], ind["measure"]
            interval, benchmark, compared = _compared(result, ind, snap)
            phrase = (
                benchmark_phrase(compared, fmt(benchmark, measure)) if benchmark is not None else ""
            )
            ok = _met(result, ind["minimum_standard"])
            if ok is True:
                met += 1
            elif ok is False:
                short.append(ind["title"])
            sentence = change_sentence(
                ind["title"], measure, ind["unit"], result["earlier"], now, None, kind, phrase
            )
            moved = result["earlier"] is not None and now is not None
            if sentence and moved and fmt(result["earlier"], measure) != fmt(now, measure):
                size = abs(now - result["earlier"]) / max(abs(result["earlier"]), 1e-9)
                changes.append((size, sentence))
            median = snap["medians"].get(ind["code"])
            section.lines.append(
                Line(
                    ind["code"],
                    ind["title"],
                    ind["domain"],
                    fmt(now, measure),
                    fmt(result["earlier"], measure) if result["earlier"] is not None else None,
                    fmt(float(Decimal(ind["minimum_standard"])), measure)
                    if ind["minimum_standard"]
                    else None,
                    ok,
                    fmt(median, measure) if median is not None else "—",
                    phrase or "not compared (no interval for this result)",
                    FLAG_WORDS.get(result["flag"] or "", "not assessed for this kind of measure"),
                    result["flag"],
                    None
                    if interval is None
                    else f"{fmt(interval.low, measure)} to {fmt(interval.high, measure)}",
                )
            )
        for c in mine.get("commitments", []):
            commitments[(c["indicator"], c["due"], c["target"])] = c
        sections.append(section)
    if name is None or code is None:
        return None
    level = max(levels) if levels else None
    count = sum(len(s.lines) for s in sections)
    frameworks = " and ".join(s.title for s in sections)
    summary = [
        f"This report describes the quality of care at {name} in {year}, measured "
        f"against {count} indicators in the {frameworks}."
    ]
    changes.sort(key=lambda c: -c[0])
    summary += [s for _size, s in changes[:MAX_CHANGES]]
    extra = (
        standard_sentence(name, met, short),
        support_sentence(name, level),
        commitments_sentence(name, [c["status"] for c in commitments.values()]),
    )
    summary += [s for s in extra if s]
    return AnnualReport(name, code, year, summary, sections, level, list(commitments.values()))


def _compared(
    result: dict[str, Any], ind: dict[str, Any], snap: dict[str, Any]
) -> tuple[Interval | None, float | None, str]:
    """The result's 95% interval, the benchmark (the run's target, else the regional middle)
    and the Fingertips comparison between them; never a rank."""
    interval = None
    if result.get("ci_low") is not None and result.get("ci_high") is not None:
        interval = Interval(result["achievement"], result["ci_low"], result["ci_high"])
    benchmark = (snap.get("benchmarks") or {}).get(ind["code"])
    if benchmark is None:
        benchmark = snap["medians"].get(ind["code"])
    return interval, benchmark, comparison(interval, benchmark, ind["polarity"])


def report_run(framework: Framework) -> tuple[Period, Any] | None:
    """The period an annual report describes: the year if scored, else the latest quarter/month."""
    periods = db.session.scalars(
        select(Period).where(
            Period.id.in_(select(ScoreRun.period_id).where(ScoreRun.framework_id == framework.id))
        )
    ).all()
    if not periods:
        return None
    best = min(periods, key=lambda p: (KIND_ORDER.get(p.kind, 9), -p.start_date.toordinal()))
    run = latest_run_of(framework, best, final_only=True) or latest_run_of(framework, best)
    return best, run


def live_snapshots(year: str) -> list[dict[str, Any]]:
    """Snapshots of every published framework of the year, from its current scores."""
    frameworks = db.session.scalars(
        select(Framework)
        .where(Framework.year == year, Framework.status.in_(("published", "closed")))
        .order_by(Framework.code, Framework.version.desc())
    ).all()
    seen, out = set(), []
    for framework in frameworks:
        if framework.code in seen:
            continue
        found = report_run(framework)
        if found is not None:
            seen.add(framework.code)
            out.append(build_snapshot(framework, *found))
    return out


def public_snapshots(year: str) -> list[dict[str, Any]]:
    """Per framework code, the identifiable public publication of the year's latest period."""
    rows = db.session.scalars(
        select(Publication)
        .where(Publication.audience == "public", Publication.identifiable.is_(True))
        .options(selectinload(Publication.period))
    )
    best: dict[str, Publication] = {}
    for p in rows:
        if p.snapshot["framework"]["year"] != year:
            continue
        held = best.get(p.framework_code)
        if held is None or (p.period.end_date, p.id) > (held.period.end_date, held.id):
            best[p.framework_code] = p
    return [best[code].snapshot for code in sorted(best)]
