"""Demo measurements: a year of monthly ward and service-line data and quarterly provider data.

Small scale: windows for every period (all closed except the latest month, left open and only
partly submitted), plausible numbers with realistic small counts, past periods declared and
approved, and a few deliberately struggling organisations: one ward whose falls rise month on
month, one trust below the VTE minimum standard (95%), one service line with slipping RTT.
National scale: one annual value for every practice × indicator of the national framework,
through the same bulk write path. Appraisal-rate indicators are computed, not typed.
"""

from __future__ import annotations

import hashlib
import math
import random
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from qframe.engine.measure_types import measure_type
from qframe.extensions import db
from qframe.frameworks.models import Framework, Indicator
from qframe.measurements.demo_benchmark import ratio_benchmark
from qframe.measurements.models import CollectionWindow, Declaration
from qframe.measurements.rows import (
    LEVEL_KINDS,
    IndicatorRef,
    OrgRef,
    ValidRow,
    collection_kind,
)
from qframe.measurements.services import org_refs, write_rows
from qframe.measurements.windows import close_windows
from qframe.orgs.models import Organisation
from qframe.periods.labels import PeriodSpec, periods_in_year
from qframe.periods.models import get_or_create_period

if TYPE_CHECKING:
    from qframe.demo import DemoContext

# Typical denominators per period (admissions, bed days, responses…) for plausible small numbers.
TYPICAL = {
    "AQF-S01": 4200,
    "AQF-S02": 110,
    "AQF-S03": 820,
    "AQF-S04": 820,
    "AQF-S05": 95_000,
    "AQF-E01": 30_000,
    "AQF-E02": 140,
    "AQF-E03": 1800,
    "AQF-E04": 9000,
    "AQF-X01": 40,
    "AQF-X03": 55,
    "CQF-S01": 24,
    "CQF-S02": 610,
    "CQF-S03": 9000,
    "CQF-S04": 110,
    "CQF-E01": 150,
    "CQF-E02": 70,
    "CQF-E03": 1500,
    "CQF-E05": 85,
    "CQF-X01": 180,
    "CQF-X03": 140,
}
BY_LEVEL = {"ward": 35, "service_line": 150, "provider": 1500}
RETURN_COMMENT = "Bed days for two wards look a month out of date: please check and resubmit."


def load(ctx: DemoContext) -> None:
    frameworks: dict[str, Framework] = ctx.shared.get("frameworks") or {}
    published = [f for f in frameworks.values() if f.status == "published"]
    if not published:
        ctx.report.append("Measurements: skipped (the frameworks step published no frameworks)")
        return
    today = date.today()
    if ctx.scale == "national":
        _national(ctx, published, today)
        return
    maker = _Maker(ctx.rng, today)
    for framework in published:
        maker.framework(framework)
    closed = len(close_windows(datetime.now(UTC)))
    ctx.report.append(
        f"Measurements: {maker.rows:,} values in {len(published)} frameworks "
        f"({maker.computed:,} computed appraisal rates{maker.skipped}); {closed} collection "
        f"windows closed, the latest month left open; {maker.declarations} declarations"
    )
    ctx.report.extend(f"  struggling: {line}" for line in maker.struggling)


class _Maker:
    def __init__(self, rng: random.Random, today: date) -> None:
        self.rng, self.today = rng, today
        self.rows = self.computed = self.declarations = 0
        self.skipped = ""
        self.struggling: list[str] = []

    def framework(self, fw: Framework) -> None:
        orgs = _applicable(fw)
        refs = org_refs(None)
        kinds = {collection_kind(fw.setting, i.level) for i in fw.indicators}
        periods = {k: [p for p in periods_in_year(fw.year, k) if p.end < self.today] for k in kinds}
        latest = periods.get("month", [])[-1:]
        open_month = latest[0] if latest else None
        for specs in periods.values():
            for spec in specs:
                self._window(fw, spec, spec == open_month)
        skill = {o.id: self.rng.gauss(0, 1) for o in orgs}
        # The open month: about a third of organisations have not submitted anything yet.
        late = {o.id for o in orgs if self.rng.random() < 0.35}
        bad_trust, bad_ward, bad_line = self._pick_strugglers(fw, orgs)
        rows: list[ValidRow] = []
        computed: list[ValidRow] = []
        for ind in fw.indicators:
            kind = collection_kind(fw.setting, ind.level)
            members = [o for o in orgs if o.kind in LEVEL_KINDS[ind.level]]
            iref = IndicatorRef(ind.id, ind.code, ind.measure, ind.level, ind.data_source)
            if ind.data_source != "submitted":
                computed += self._computed(iref, members, refs, periods[kind])
                continue
            if measure_type(ind.measure).expected and fw.setting == "acute" and bad_trust:
                units = ratio_benchmark(fw, ind, periods[kind]) // max(1, len(periods[kind]))
                self.struggling.append(
                    f"{fw.code}: {bad_trust.name}, {ind.code} about 1.30 (reference: a "
                    f"synthetic England benchmark of {units} trusts a quarter)"
                )
            for org in members:
                for i, spec in enumerate(periods[kind]):
                    if spec == open_month and org.id in late:
                        continue
                    trend = i if (org in (bad_ward, bad_line)) else None
                    below = org is bad_trust and (
                        ind.minimum_standard is not None or measure_type(ind.measure).expected
                    )
                    values = self._values(ind, skill[org.id], trend, below)
                    rows.append(_row(refs[org.code], iref, spec, values))
        tag = hashlib.sha256(f"demo {fw.code} {fw.version}".encode()).hexdigest()
        write_rows(None, fw, rows, source="file", sha256=tag, filename="demo")
        if computed:
            write_rows(None, fw, computed, source="computed", sha256=tag, filename="appraisal")
        self.rows += len(rows) + len(computed)
        self.computed += len(computed)
        self._declare(fw, orgs, periods, open_month)

    def _window(self, fw: Framework, spec: PeriodSpec, open_now: bool) -> None:
        closes = spec.end + timedelta(days=20 if spec.kind == "month" else 30)
        if open_now:
            closes = max(closes, self.today + timedelta(days=21))
        db.session.add(
            CollectionWindow(
                framework_id=fw.id,
                period_id=get_or_create_period(spec.label).id,
                opens_on=spec.end + timedelta(days=1),
                closes_on=closes,
                grace_days=5 if spec.kind == "month" else 0,
            )
        )

    def _pick_strugglers(self, fw: Framework, orgs: list[Organisation]) -> tuple[Any, Any, Any]:
        providers = [o for o in orgs if o.kind == fw.setting]
        wards = [o for o in orgs if o.kind == "ward"]
        lines = [o for o in orgs if o.kind == "service_line"]
        has = {i.level for i in fw.indicators}
        trust = providers[1] if len(providers) > 1 and fw.setting == "acute" else None
        ward = wards[len(wards) // 3] if wards and "ward" in has else None
        line = lines[-1] if lines and "service_line" in has and fw.setting == "acute" else None
        if trust is not None and any(i.minimum_standard for i in fw.indicators):
            self.struggling.append(f"{fw.code}: {trust.name} is below its minimum standards")
        if ward is not None:
            self.struggling.append(f"{fw.code}: {ward.name} ({ward.code}), falls rising monthly")
        if line is not None:
            self.struggling.append(f"{fw.code}: {line.code} {line.name}, slipping month on month")
        return trust, ward, line

    def _values(
        self, ind: Indicator, skill: float, trend: int | None, below: bool
    ) -> dict[str, Any]:
        rng = self.rng
        worse = 1 if ind.polarity == "lower_is_better" else -1
        lower = float(ind.lower if ind.lower is not None else 60)
        upper = float(ind.upper if ind.upper is not None else 90)
        span = upper - lower
        # Where in the band this organisation sits: most in the middle, a few outside it.
        place = 0.55 + 0.22 * skill + rng.gauss(0, 0.08)
        if trend is not None:
            # Steady for five months, then deteriorating month on month, steeply enough that
            # its SPC chart shows special cause (a shift above the mean).
            place -= 0.4 * max(0, trend - 4)
        level = lower + span * place
        if below and ind.minimum_standard is not None:
            level = float(ind.minimum_standard) + worse * 2.5 + rng.gauss(0, 0.4)
        kind = measure_type(ind.measure)
        if kind.expected:
            return _ratio(rng, skill, below)
        if not kind.counted:
            return {"value": round(max(level, 0.01), 2)}
        typical = TYPICAL.get(ind.code, BY_LEVEL.get(ind.level, 100))
        den = max(1, round(rng.gauss(typical, typical * 0.12)))
        if kind.needs_multiplier:
            lam = max(level, 0.05) * den / float(ind.multiplier or 1000)
            if trend is not None:
                # The struggling ward's story must be true of its data: little noise on the rise.
                return {"numerator": max(0, round(lam + rng.gauss(0, 0.5))), "denominator": den}
            return {"numerator": _poisson(rng, lam), "denominator": den}
        p = min(max(level / 100, 0.005), 0.999)
        sd = math.sqrt(den * p * (1 - p))
        num = min(den, max(0, round(rng.gauss(den * p, sd))))
        return {"numerator": num, "denominator": den}

    def _computed(
        self,
        iref: IndicatorRef,
        members: list[Organisation],
        refs: dict[str, OrgRef],
        specs: list[PeriodSpec],
    ) -> list[ValidRow]:
        try:
            from qframe.appraisal.rates import appraisal_rates_for_period
        except ImportError:
            self.skipped = "; appraisal indicators skipped (no appraisal feature)"
            return []
        out = []
        ids = [o.id for o in members]
        for spec in specs:
            rates = appraisal_rates_for_period(ids, spec.end)
            for org in members:
                num, den = rates.get(org.id, (0, 0))
                out.append(_row(refs[org.code], iref, spec, {"numerator": num, "denominator": den}))
        return out

    def _declare(
        self,
        fw: Framework,
        orgs: list[Organisation],
        periods: dict[str, list[PeriodSpec]],
        open_month: PeriodSpec | None,
    ) -> None:
        providers = [o for o in orgs if o.kind == fw.setting]
        for specs in periods.values():
            for n, spec in enumerate(specs):
                if spec == open_month:
                    continue
                recent = n == len(specs) - 2 if open_month in specs else n == len(specs) - 1
                period_id = get_or_create_period(spec.label).id
                for i, org in enumerate(providers):
                    status = "approved"
                    if recent and i % 3 == 1:
                        status = "declared"
                    elif recent and i % 3 == 2:
                        status = "returned"
                    declared = datetime.combine(
                        spec.end + timedelta(days=12), datetime.min.time(), UTC
                    )
                    db.session.add(
                        Declaration(
                            framework_id=fw.id,
                            period_id=period_id,
                            organisation_id=org.id,
                            status=status,
                            declared_at=declared,
                            decided_at=None
                            if status == "declared"
                            else declared + timedelta(days=5),
                            comment=RETURN_COMMENT if status == "returned" else None,
                        )
                    )
                    self.declarations += 1
        db.session.flush()


def _applicable(fw: Framework) -> list[Organisation]:
    """Providers of the framework's setting under its owner, with their service lines and wards."""
    orgs = db.session.scalars(select(Organisation).order_by(Organisation.code)).all()
    by_id = {o.id: o for o in orgs}
    out = []
    for org in orgs:
        top = by_id.get(org.id)
        while top is not None and not top.is_provider:
            top = by_id.get(top.parent_id) if top.parent_id else None
        if top is None or (fw.setting != "mixed" and top.kind != fw.setting):
            continue
        if fw.owner_id is not None and top.parent_id != fw.owner_id:
            continue
        out.append(org)
    return out


def _row(org: OrgRef, ind: IndicatorRef, spec: PeriodSpec, values: dict[str, Any]) -> ValidRow:
    value, expected = values.get("value"), values.get("expected")
    return ValidRow(
        0,
        org,
        ind,
        spec,
        values.get("numerator"),
        values.get("denominator"),
        None,
        None if value is None else Decimal(str(value)),
        None,
        None,
        expected=None if expected is None else Decimal(str(expected)),
    )


def _ratio(rng: random.Random, skill: float, struggling: bool) -> dict[str, Any]:
    """A quarter of SHMI: expected deaths (1,000 to 2,500 a year) and observed deaths. Most
    trusts' true ratio is 0.88 to 1.12; the struggling trust's is 1.30, far past the upper
    99.8% limit (a quarter's expected 400: limits about 0.86 to 1.16)."""
    expected = rng.uniform(250, 625)
    true_ratio = 1.30 if struggling else min(1.12, max(0.88, 1.0 - 0.05 * skill))
    observed = _poisson(rng, expected * true_ratio)
    return {"numerator": observed, "expected": round(expected, 1)}


def _poisson(rng: random.Random, lam: float) -> int:
    if lam > 30:
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def _national(ctx: DemoContext, published: list[Framework], today: date) -> None:
    """One annual value per practice × indicator, for the scoring benchmark (bulk path)."""
    rng = ctx.rng
    for fw in published:
        spec = periods_in_year(fw.year, "year")[0]
        refs = [r for r in org_refs(None).values() if r.kind == "primary_care"]
        sizes = dict(
            db.session.execute(
                select(Organisation.id, Organisation.list_size).where(
                    Organisation.kind == "primary_care"
                )
            ).all()
        )
        rows = []
        for ind in fw.indicators:
            iref = IndicatorRef(ind.id, ind.code, ind.measure, ind.level, ind.data_source)
            lower = float(ind.lower or 50)
            span = float(ind.upper or 90) - lower
            prevalence = rng.uniform(0.01, 0.12)
            for ref in refs:
                den = max(
                    0, round((sizes.get(ref.id) or 6000) * prevalence * rng.uniform(0.8, 1.1))
                )
                p = min(max((lower + span * rng.gauss(0.6, 0.3)) / 100, 0.0), 1.0)
                num = min(den, max(0, round(den * p)))
                rows.append(ValidRow(0, ref, iref, spec, num, den, None, None, None, None))
        tag = hashlib.sha256(f"national {fw.code} {fw.version}".encode()).hexdigest()
        outcome = write_rows(None, fw, rows, source="file", sha256=tag, filename="national demo")
        ctx.report.append(
            f"Measurements: {outcome.created:,} values for {fw.code} {spec.label} "
            f"({len(refs):,} practices × {len(fw.indicators)} indicators)"
        )
