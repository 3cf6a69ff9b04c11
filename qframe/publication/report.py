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
from .year import year_snapshot

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


def year_variation(flags: list[tuple[str, str | None]]) -> tuple[str, str | None]:
    """The year's variation in words from each period's funnel flag, naming the periods of
    any outlier (a year is judged period by period, as the ladder judges it)."""
    judged = [(label, flag) for label, flag in flags if flag not in (None, "no_data")]
    if not judged:
        return FLAG_WORDS["no_data"] + " for this kind of measure", None
    notable = [(label, flag) for label, flag in judged if flag != "within"]
    if not notable:
        many = "every period" if len(judged) > 1 else judged[0][0]
        return f"within the range expected in {many}", "within"
    grouped: dict[str, list[str]] = {}
    for label, flag in notable:
        grouped.setdefault(flag or "", []).append(label)
    parts = [f"{FLAG_WORDS.get(flag, flag)} in {_join(labels)}" for flag, labels in grouped.items()]
    rest = len(judged) - len(notable)
    if rest:
        parts.append(f"within the range expected in the other {rest}")
    worst = next((f for f in ("alarm", "alert") if f in grouped), None)
    return "; ".join(parts), worst or notable[0][1]


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _by_framework(snapshots: list[dict[str, Any]], year: str) -> list[dict[str, Any]]:
    """Each framework's year, built from the snapshots of its periods (year.py)."""
    grouped: dict[str, list[dict[str, Any]]] = {}
    for snap in snapshots:
        grouped.setdefault(snap["framework"]["code"], []).append(snap)
    built = (year_snapshot(year, snaps) for _code, snaps in sorted(grouped.items()))
    return [b for b in built if b is not None]


def build_report(snapshots: list[dict[str, Any]], match: Any, year: str) -> AnnualReport | None:
    """The report of the provider whose org id or code is `match`; None if it has no results.

    `snapshots` are the year's period snapshots of every framework; each framework's results
    are the whole year's (year.py), never one quarter's."""
    sections, changes, met, short, commitments, levels = [], [], 0, [], {}, []
    name = code = None
    for snap in _by_framework(snapshots, year):
        mine = next(
            (p for p in snap["providers"] if match in (p.get("org_id"), p.get("code"))), None
        )
        if mine is None:
            continue
        name, code = mine["name"], mine["code"]
        if mine.get("level") is not None:
            levels.append(mine["level"])
        section = Section(
            snap["framework"]["code"],
            snap["framework"]["title"],
            snap["cover"]["words"],
            None,
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
            first, last = result.get("first"), result.get("last")
            if first and last and fmt(first[1], measure) != fmt(last[1], measure):
                moved = change_sentence(
                    ind["title"], measure, ind["unit"], first[1], last[1], "",
                    f"between {first[0]} and {last[0]}",
                )  # fmt: skip
                whole = f"over the year it was {fmt(now, measure)}"
                sentence = f"{(moved or '')[:-1]}; {whole}{', ' + phrase if phrase else ''}."
                size = abs(last[1] - first[1]) / max(abs(first[1]), 1e-9)
                changes.append((size, sentence))
            flags = result.get("flags") or [(snap["period"]["label"], result["flag"])]
            variation, worst = year_variation(flags)
            median = snap["medians"].get(ind["code"])
            section.lines.append(
                Line(
                    ind["code"],
                    ind["title"],
                    ind["domain"],
                    fmt(now, measure),
                    None,
                    fmt(float(Decimal(ind["minimum_standard"])), measure)
                    if ind["minimum_standard"]
                    else None,
                    ok,
                    fmt(median, measure) if median is not None else "—",
                    phrase or "not compared (no interval for this result)",
                    variation,
                    worst,
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
    covers = "; ".join(s.period.removeprefix(f"{year}, ") for s in sections)
    summary = [
        f"This report describes the quality of care at {name} over the whole of {year}, "
        f"measured against {count} indicators in the {frameworks}, built {covers}."
    ]
    changes.sort(key=lambda c: -c[0])
    summary += [s for _size, s in changes[:MAX_CHANGES]]
    extra = (
        standard_sentence(name, met, short),
        support_sentence(name, level),
        commitments_sentence(name, [c["status"] for c in commitments.values()]),
    )
    summary += [s for s in extra if s]
    return AnnualReport(
        name, code or "", year, summary, sections, level, list(commitments.values())
    )


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


def report_runs(framework: Framework) -> list[tuple[Period, Any]]:
    """The runs an annual report is built from: the year's own run if the year was scored
    (scoring summed its quarters), else the latest run of every scored quarter and month."""
    periods = db.session.scalars(
        select(Period).where(
            Period.id.in_(select(ScoreRun.period_id).where(ScoreRun.framework_id == framework.id))
        )
    ).all()
    years = [p for p in periods if p.kind == "year"]
    chosen = years[:1] if years else sorted(periods, key=lambda p: p.start_date)
    out = []
    for period in chosen:
        run = latest_run_of(framework, period, final_only=True) or latest_run_of(framework, period)
        out.append((period, run))
    return out


def live_snapshots(year: str) -> list[dict[str, Any]]:
    """Snapshots of the year's periods of every published framework, from its current scores."""
    frameworks = db.session.scalars(
        select(Framework)
        .where(Framework.year == year, Framework.status.in_(("published", "closed")))
        .order_by(Framework.code, Framework.version.desc())
    ).all()
    seen: set[str] = set()
    out: list[dict[str, Any]] = []
    for framework in frameworks:
        if framework.code in seen:
            continue
        found = report_runs(framework)
        if found:
            seen.add(framework.code)
            out.extend(build_snapshot(framework, period, run) for period, run in found)
    return out


def public_snapshots(year: str) -> list[dict[str, Any]]:
    """Per framework code and period, the latest identifiable public publication of the year
    (the report adds the periods up to the whole year)."""
    rows = db.session.scalars(
        select(Publication)
        .where(Publication.audience == "public", Publication.identifiable.is_(True))
        .options(selectinload(Publication.period))
    )
    best: dict[tuple[str, str], Publication] = {}
    for p in rows:
        if p.snapshot["framework"]["year"] != year:
            continue
        key = (p.framework_code, p.period.label)
        held = best.get(key)
        if held is None or p.id > held.id:
            best[key] = p
    return [best[key].snapshot for key in sorted(best)]
