"""Demo frameworks: the region's acute, community and CQUIN frameworks published, QOF in draft.

At national scale: a synthetic 75-indicator primary-care framework (QOF-NAT) for every ICB.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from qframe.frameworks.io import import_framework
from qframe.frameworks.library import load_library_framework
from qframe.frameworks.lifecycle import publish_framework
from qframe.frameworks.schemas import dump_framework_json, load_framework_json

if TYPE_CHECKING:
    from qframe.demo import DemoContext

PUBLISHED = (
    "acute-quality-2025-26",
    "community-quality-2025-26",
    "cquin-2023-24-acute",
    "cquin-2023-24-community",
)
DRAFTS = ("qof-england-2023-24",)
NATIONAL_INDICATORS = 75


def load(ctx: DemoContext) -> None:
    frameworks = ctx.shared.setdefault("frameworks", {})
    if ctx.scale == "national":
        framework = import_framework(None, national_framework(), None)
        publish_framework(None, framework)
        frameworks[framework.code] = framework
        ctx.report.append(
            f"Frameworks: {framework.code} v1 published "
            f"({len(framework.indicators)} indicators, national)"
        )
        return
    owner = ctx.shared["commissioner"]
    for slug in PUBLISHED:
        framework = import_framework(None, load_library_framework(slug), owner)
        publish_framework(None, framework)
        frameworks[framework.code] = framework
    drafts = [import_framework(None, load_library_framework(s), owner) for s in DRAFTS]
    ctx.report.append(
        f"Frameworks: {', '.join(frameworks)} published; "
        f"{', '.join(d.code for d in drafts)} in draft (thresholds to set)"
    )


def national_framework() -> dict[str, Any]:
    """QOF-NAT: 75 proportion indicators modelled on QOF Scotland 2015/16's thresholds and points.

    Synthetic: QOF Scotland has 59 proportion indicators, so the list repeats from the start
    (codes NAT001–NAT075) with the real points and thresholds of the indicator each copies.
    """
    scotland = load_library_framework("qof-scotland-2015-16")
    templates = [i for i in scotland["indicators"] if i["measure"] == "proportion"]
    indicators = []
    for n in range(NATIONAL_INDICATORS):
        template = templates[n % len(templates)]
        repeat = n // len(templates)
        indicators.append(
            {
                **template,
                "code": f"NAT{n + 1:03d}",
                "title": template["title"] + (" (second measurement)" if repeat else ""),
                "prevalence_adjusted": False,
                "rationale": f"Synthetic: modelled on QOF Scotland 2015/16 {template['code']}.",
            }
        )
    return qof_style_framework(
        "QOF-NAT",
        "National primary care quality framework (synthetic)",
        scotland,
        indicators,
        "A synthetic framework for national-scale runs: 75 proportion indicators.",
        "Synthetic, for the national-scale demo and benchmarks. Indicators, thresholds and "
        "points copy QOF Scotland 2015/16's proportion indicators (ISD Scotland); £ per "
        "point is QOF England 2025/26's £225.49 (NHS England).",
    )


def qof_style_framework(
    code: str,
    title: str,
    scotland: dict[str, Any],
    indicators: list[dict[str, Any]],
    description: str,
    source: str,
) -> dict[str, Any]:
    """A synthetic 2025/26 points framework of QOF Scotland-style indicators (with the
    Scotland domains they use), at QOF England 2025/26's £225.49 a point, checked through the
    format's schema exactly as an imported file would be."""
    used = {i["domain"] for i in indicators}
    raw = {
        "code": code,
        "title": title,
        "year": "2025/26",
        "setting": "primary_care",
        "payment": {
            "model": "points",
            "pound_per_point": Decimal("225.49"),
            "stake_percent": None,
            "national_list_size": None,
            "national_prevalence": None,
        },
        "domains": [d for d in scotland["domains"] if d["code"] in used],
        "indicators": indicators,
        "description": description,
        "source": source,
        "change_reason": None,
    }
    return load_framework_json(dump_framework_json(raw))
