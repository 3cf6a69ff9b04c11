"""Real data: CMS Hospital VBP FY2024 (1,328 hospitals, states A–M) converted to qframe's
formats, imported and scored through qframe's own paths, and compared with every measure
score, achievement and improvement point, domain score and TPS that CMS published."""

from __future__ import annotations

from collections import Counter
from decimal import ROUND_HALF_UP, Decimal

import pytest
from sqlalchemy import select

from qframe.extensions import db as _db
from qframe.frameworks.models import Indicator
from qframe.frameworks.services import import_library_framework, publish_framework
from qframe.measurements.services import import_csv
from qframe.orgs.models import Organisation
from qframe.orgs.services import import_organisations
from qframe.periods.models import get_or_create_period
from qframe.scoring.models import ProviderScore, Score
from qframe.scoring.runs import score_period

from .cms_files import (
    DATA,
    DOMAIN_COLUMNS,
    FILES,
    NA,
    PERFORMANCE,
    TPS_FILE,
    measure_columns,
    measurements_csv,
    missing_data_message,
    organisations_csv,
    out_of,
    read,
)

TWELVE = Decimal("1e-12")  # CMS prints domain scores and the TPS to 12 decimal places


def published(value: Decimal | None) -> str:
    """A qframe decimal printed as CMS prints it (12 places, half up), or NA."""
    return NA if value is None else f"{value.quantize(TWELVE, rounding=ROUND_HALF_UP):.12f}"


def test_cms_hvbp_fy2024_scores_are_reproduced(db):
    if not DATA.is_dir():
        pytest.fail(missing_data_message())
    rows = {domain: read(name) for domain, name in FILES.items()}
    tps_rows = {r["Facility ID"]: r for r in read(TPS_FILE)}
    hospitals = sorted(tps_rows)
    import_organisations(None, organisations_csv(hospitals))
    framework = publish_framework(None, import_library_framework(None, "cms-hvbp-fy2024", None))
    outcome = import_csv(None, framework, measurements_csv(rows))
    run = score_period(None, framework, get_or_create_period(PERFORMANCE))
    scores = {
        (org, code): (status, points, a, i)
        for org, code, status, points, a, i in _db.session.execute(
            select(
                Organisation.code,
                Indicator.code,
                Score.status,
                Score.points,
                Score.achievement_points,
                Score.improvement_points,
            )  # fmt: skip
            .join(Organisation, Organisation.id == Score.organisation_id)
            .join(Indicator, Indicator.id == Score.indicator_id)
            .where(Score.run_id == run.id)
        )
    }
    providers = {
        org: (domains or {}, tps, why)
        for org, domains, tps, why in _db.session.execute(
            select(
                Organisation.code,
                ProviderScore.domain_scores,
                ProviderScore.total_performance_score,
                ProviderScore.vbp_status,
            )  # fmt: skip
            .join(Organisation, Organisation.id == ProviderScore.organisation_id)
            .where(ProviderScore.run_id == run.id)
        )
    }
    print(f"\nCMS HVBP FY2024: {outcome.created:,} measurements, {len(hospitals):,} hospitals")

    # Every published measure score, achievement and improvement point.
    counts: Counter[str] = Counter()
    wrong = []
    for domain_rows in rows.values():
        for row in domain_rows:
            org = row["Facility ID"]
            for prefix, code in measure_columns(row):
                score_text = row.get(
                    f"{prefix} Measure Score", row.get(f"{prefix} Dimension Score")
                )
                expected = out_of(score_text or NA)
                status, points, a, i = scores[(org, code)]
                if expected is None:
                    # No published score: CMS had no performance rate, nor does qframe.
                    assert status == "missing", (org, code, status)
                    counts["measure scores not published"] += 1
                    continue
                counts["measure scores checkable"] += 1
                got = (points, a, i)
                want = (
                    float(expected),
                    out_of(row[f"{prefix} Achievement Points"]),
                    out_of(row[f"{prefix} Improvement Points"]),
                )
                if status == "scored" and got == want:
                    counts["measure scores matched"] += 1
                else:
                    wrong.append((org, code, want, (status, *got)))
    print(
        f"measure scores: {counts['measure scores matched']:,} of "
        f"{counts['measure scores checkable']:,} checkable match (with both points)"
    )
    assert wrong == [], wrong[:10]

    # The Combined SSI: CMS weights its strata by predicted infections, not in these files.
    ssi_undetermined = 0
    for row in rows["SAF"]:
        org, expected = row["Facility ID"], out_of(row["Combined SSI Measure Score"])
        status, points, _, _ = scores[(org, "SSI")]
        strata = [out_of(row[f"{p} Measure Score"]) for p in ("HAI-3", "HAI-4")]
        both_differ = None not in strata and strata[0] != strata[1]
        if status == "undetermined":
            ssi_undetermined += 1
            assert both_differ, org  # only where the two strata score differently
            continue
        assert not both_differ, org
        counts["combined SSI checkable"] += expected is not None
        counts["combined SSI matched"] += expected is not None and points == expected
    print(
        f"combined SSI: {counts['combined SSI matched']:,} of {counts['combined SSI checkable']:,}"
        f" match; {ssi_undetermined} hospitals undetermined (both strata, different scores,"
        " no predicted-infection weights in the files)"
    )
    assert counts["combined SSI matched"] == counts["combined SSI checkable"]

    # Domain scores and TPS, wherever the files determine them.
    undetermined_hospitals = set()
    for org in hospitals:
        domains, tps, why = providers[org]
        row = tps_rows[org]
        for code, column in DOMAIN_COLUMNS.items():
            ours = domains.get(code)
            if code == "SAF" and why == "undetermined" and ours is None:
                counts["domain scores undetermined"] += 1
                continue
            counts["domain scores checkable"] += 1
            value = None if ours is None else Decimal(ours)
            counts["domain scores matched"] += published(value) == row[column]
        if why == "undetermined":
            undetermined_hospitals.add(org)
            continue
        counts["TPS checkable"] += 1
        counts["TPS matched"] += published(tps) == row["Total Performance Score"]
    print(
        f"domain scores: {counts['domain scores matched']:,} of "
        f"{counts['domain scores checkable']:,} checkable match; "
        f"{counts['domain scores undetermined']} undetermined"
    )
    print(
        f"TPS: {counts['TPS matched']:,} of {counts['TPS checkable']:,} checkable match; "
        f"{len(undetermined_hospitals)} hospitals undetermined (Combined SSI)"
    )
    assert counts["domain scores matched"] == counts["domain scores checkable"]
    assert counts["TPS matched"] == counts["TPS checkable"]
    assert len(undetermined_hospitals) == ssi_undetermined
