"""One framework year from its periods' snapshots: the annual report covers the whole year.

Pure (plain dicts in, a dict out). A snapshot of the year period itself is used as it is
(scoring summed its quarters). Otherwise the year is built the way `qframe score --period
2025/26` builds it from stored quarters (qframe/scoring/rollup.py): the coarsest kind of
sub-period found (quarters before months, never both), proportions and rates sum their
numerators and denominators, a value is the mean of the periods, yes/no is met only if every
period met it, and a register is its latest size. A proportion or rate whose periods carry no
counts (an achievement only) is the mean of its periods and has no interval.

The year's benchmark is the mean of the periods' benchmarks (each the funnel target the period
was judged against); a period without one makes the year fall back on the providers' middle.
"""

from __future__ import annotations

from math import fsum
from statistics import fmean, median
from typing import Any

from qframe.engine.intervals import measure_interval
from qframe.engine.measure_types import measure_type
from qframe.engine.points import is_breach
from qframe.periods.labels import periods_in_year

KIND_RANK = {"quarter": 0, "month": 1}
KIND_WORDS = {"quarter": ("quarter", "quarters"), "month": ("month", "months")}


def cover_words(year: str, used: list[str], missing: list[str], kind: str) -> str:
    """'2025/26, from 4 quarters' or '2025/26, from 2 of 4 quarters (2025/26 Q3, Q4 missing)'."""
    one, many = KIND_WORDS.get(kind, ("period", "periods"))
    total = len(used) + len(missing)
    if not missing:
        return f"{year}, from {total} {one if total == 1 else many}"
    return (
        f"{year}, from {len(used)} of {total} {many} "
        f"({', '.join(missing)} {'is' if len(missing) == 1 else 'are'} missing)"
    )


def _sub_period_labels(year: str, kind: str) -> list[str]:
    return [spec.label for spec in periods_in_year(year, kind)]


def _key(provider: dict[str, Any]) -> Any:
    return provider.get("org_id") or provider.get("code") or provider["label"]


def year_snapshot(year: str, snaps: list[dict[str, Any]]) -> dict[str, Any] | None:
    """One framework's year from the snapshots of its periods (any kinds); None if none."""
    whole = [s for s in snaps if s["period"]["kind"] == "year"]
    if whole:
        snap = whole[-1]
        used = snap.get("sub_periods") or []
        kind = "quarter" if any(" Q" in u for u in used) else "month"
        missing = [p for p in _sub_period_labels(year, kind) if used and p not in used]
        words = cover_words(year, used, missing, kind) if used else year
        return {**snap, "cover": {"words": words, "used": used, "missing": missing}}
    inside = [s for s in snaps if s["period"]["kind"] in KIND_RANK]
    if not inside:
        return None
    kind = min((s["period"]["kind"] for s in inside), key=KIND_RANK.__getitem__)
    by_label = {s["period"]["label"]: s for s in inside if s["period"]["kind"] == kind}
    labels = [p for p in _sub_period_labels(year, kind) if p in by_label]
    chosen = [by_label[p] for p in labels]
    missing = [p for p in _sub_period_labels(year, kind) if p not in by_label]
    last = chosen[-1]
    indicators = last["indicators"]
    providers = _providers(chosen, indicators)
    medians = {}
    for ind in indicators:
        known = [
            r["achievement"]
            for p in providers
            if (r := p["results"].get(ind["code"])) and r["achievement"] is not None
        ]
        medians[ind["code"]] = median(known) if known else None
    benchmarks = {}
    for ind in indicators:
        found = [(s.get("benchmarks") or {}).get(ind["code"]) for s in chosen]
        benchmarks[ind["code"]] = None if None in found else fmean(found)  # type: ignore[arg-type]
    return {
        **last,
        "period": {"id": None, "label": year, "kind": "year"},
        "earlier_period": None,
        "periods": labels,
        "cover": {"words": cover_words(year, labels, missing, kind), "used": labels,
                  "missing": missing},
        "run": {**last["run"], "status": _status(chosen)},
        "providers": providers,
        "medians": medians,
        "benchmarks": benchmarks,
    }  # fmt: skip


def _status(chosen: list[dict[str, Any]]) -> str:
    return "final" if all(s["run"]["status"] == "final" for s in chosen) else "provisional"


def _providers(chosen: list[dict[str, Any]], indicators: list[dict[str, Any]]) -> list[Any]:
    """Each provider's year results; its level and commitments from the latest period."""
    latest: dict[Any, dict[str, Any]] = {}
    series: dict[Any, dict[str, list[tuple[str, dict[str, Any]]]]] = {}
    for snap in chosen:
        for p in snap["providers"]:
            latest[_key(p)] = p
            for code, result in p["results"].items():
                series.setdefault(_key(p), {}).setdefault(code, []).append(
                    (snap["period"]["label"], result)
                )
    out = []
    for key, provider in latest.items():
        results = {}
        for ind in indicators:
            found = series.get(key, {}).get(ind["code"])
            if found:
                results[ind["code"]] = combine_year(ind, found)
        out.append({**provider, "results": results})
    return out


def combine_year(ind: dict[str, Any], found: list[tuple[str, dict[str, Any]]]) -> dict[str, Any]:
    """One provider's year result on one indicator from its periods' results (in time order)."""
    measure, multiplier = ind["measure"], ind.get("multiplier")
    scored = [(label, r) for label, r in found if r["achievement"] is not None]
    numerator = denominator = None
    expected: float | None = None
    achievement: float | None = None
    if measure in ("proportion", "rate") and scored:
        counted = [r for _, r in scored if r.get("numerator") is not None and r.get("denominator")]
        if len(counted) == len(scored):
            numerator = sum(r["numerator"] for r in counted)
            denominator = sum(r["denominator"] for r in counted)
            scale = 100.0 if measure == "proportion" else float(multiplier or 1)
            achievement = numerator / denominator * scale
        else:
            achievement = fmean(r["achievement"] for _, r in scored)
    elif scored and measure_type(measure).expected:
        # A ratio over the year: observed deaths over expected deaths, summed (not a mean).
        pairs = [(r.get("numerator"), r.get("expected")) for _, r in scored]
        known = [(int(x), float(e)) for x, e in pairs if x is not None and e]
        if len(known) == len(pairs):
            numerator, expected = sum(x for x, _ in known), fsum(e for _, e in known)
            achievement = numerator / expected
        else:
            achievement = fmean(r["achievement"] for _, r in scored)
    elif scored:
        values = [r["achievement"] for _, r in scored]
        if measure == "yes_no":
            achievement = min(values)
        elif measure == "register":
            achievement = values[-1]
        else:
            achievement = fmean(values)
    interval = measure_interval(
        measure, numerator, denominator, None if multiplier is None else float(multiplier),
        expected,
    )  # fmt: skip
    standard = ind.get("minimum_standard")
    breach = (
        achievement is not None
        and standard is not None
        and is_breach(achievement, float(standard), ind["polarity"])
    )
    return {
        "achievement": achievement,
        "numerator": numerator,
        "denominator": denominator,
        "expected": expected,
        "ci_low": None if interval is None else interval.low,
        "ci_high": None if interval is None else interval.high,
        "breach": breach,
        "flag": None,
        "flags": [(label, r.get("flag")) for label, r in found],
        "first": (scored[0][0], scored[0][1]["achievement"]) if len(scored) > 1 else None,
        "last": (scored[-1][0], scored[-1][1]["achievement"]) if len(scored) > 1 else None,
        "earlier": None,
        "periods": len(scored),
    }
