"""Build the QOF files of the framework library from the shared CSVs; run from the repo root.

    .venv/bin/python scripts/build_library.py [--data ../shared/data] [--check]

Writes qframe/frameworks/library/qof-scotland-2015-16.json and qof-england-2023-24.json, and
rewrites every other library file in canonical form. The JSON is committed: nothing is
generated at run time. With --check nothing is written; the exit status is 1 when a committed
file differs from what would be written.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import statistics
import sys
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from qframe.frameworks.library import LIBRARY, LIBRARY_DIR  # noqa: E402
from qframe.frameworks.schemas import dump_framework_json, load_framework_json  # noqa: E402

SCOTLAND = "qof-scotland-2015-16"
ENGLAND = "qof-england-2023-24-metadata"
SCOTTISH_DOMAINS = {
    "CLINICAL": ("CL", "Clinical"),
    "PUBLIC HEALTH": ("PH", "Public Health"),
    "MEDICINES MANAGEMENT": ("MM", "Medicines Management"),
    "QUALITY AND SAFETY": ("QS", "Quality and Safety"),
}
# Group names for Scottish prefixes that England's 2023/24 reference file does not name.
SCOTTISH_GROUP_NAMES = {
    "CON": "Contraception",
    "CVD-PP": "Primary prevention of cardiovascular disease",
    "MM": "Medicines management",
    "QS": "Quality and safety",
}
# Disease groups of practice_prevalence_adpf_2015_16.csv → indicator prefixes.
PREVALENCE_GROUPS = {
    "af": "AF", "asthma": "AST", "cancer": "CAN", "chd": "CHD", "ckd": "CKD", "copd": "COPD",
    "dem": "DEM", "dep": "DEP", "dm": "DM", "hf": "HF", "hyp": "HYP", "mh": "MH", "ost": "OST",
    "pad": "PAD", "pc": "PC", "ra": "RA", "stroke": "STIA",
}  # fmt: skip
# raw_prevalence / adpf must agree across practices to this relative spread to count as constant.
CONSTANT_TOLERANCE = Decimal("1e-9")
PREFIX = re.compile(r"([A-Z]+(?:-[A-Z]+)?)[0-9]")


def _rows(path: Path, encoding: str = "utf-8") -> list[dict[str, str]]:
    with path.open(encoding=encoding, newline="") as handle:
        return list(csv.DictReader(handle))


def _number(text: str) -> str:
    """Return '40' for '40.0' and '12.5' for '12.5': the exact value, without a spurious '.0'."""
    value = Decimal(text)
    return str(value.quantize(Decimal(1)) if value == value.to_integral_value() else value)


def england_groups(data: Path) -> dict[str, str]:
    """Group code → description from NHS Digital's 2023/24 reference file."""
    rows = _rows(data / ENGLAND / "INDICATOR_REFERENCE_CONTROL_2023_24.csv", "latin-1")
    return {r["GROUP_CODE"]: r["GROUP_DESCRIPTION"].strip() for r in rows}


def national_prevalence(data: Path) -> tuple[dict[str, str], list[str]]:
    """Per indicator group, the constant C with adpf = raw_prevalence / C for every practice."""
    by_group: dict[str, list[Decimal]] = {}
    for row in _rows(data / SCOTLAND / "practice_prevalence_adpf_2015_16.csv"):
        try:
            raw, adpf = Decimal(row["raw_prevalence_per_100"]), Decimal(row["adpf"])
        except ArithmeticError:
            continue  # suppressed ("*") or blank in the ISD workbook
        if raw > 0 and adpf > 0:
            by_group.setdefault(row["group"], []).append(raw / adpf)
    found, skipped = {}, []
    for group, prefix in PREVALENCE_GROUPS.items():
        values = by_group.get(group)
        if not values:
            skipped.append(prefix)  # e.g. palliative care: register 0 and ADPF 1 everywhere
            continue
        middle = statistics.median(values)
        if (max(values) - min(values)) / middle > CONSTANT_TOLERANCE:
            raise SystemExit(f"ADPF divisor of {group} is not constant across practices")
        found[prefix] = str(middle.quantize(Decimal("1e-8")))
    return found, skipped


def scotland(data: Path) -> dict:
    """QOF Scotland 2015/16 from ISD's published rules and per-practice workbooks."""
    rules = _rows(data / SCOTLAND / "indicator_rules_2015_16.csv")
    names = {**england_groups(data), **SCOTTISH_GROUP_NAMES}
    prevalence, unadjusted = national_prevalence(data)
    lists = [
        Decimal(r["list_size"]) for r in _rows(data / SCOTLAND / "practice_lookup_2015_16.csv")
    ]
    domains: dict[str, tuple[str, str]] = {}
    indicators = []
    for rule in rules:
        code, domain = rule["indicator"], SCOTTISH_DOMAINS[rule["domain"]]
        domains.setdefault(domain[0], domain)
        group = PREFIX.match(code)[1]
        graded = rule["lower_threshold_pct"] != ""
        notes = []
        if rule["upper_threshold_pct"] != rule["upper_threshold_pct_implied_by_data"]:
            notes.append(
                f"Upper threshold {_number(rule['upper_threshold_pct_implied_by_data'])}%: the "
                f"published ISD lookup says {_number(rule['upper_threshold_pct'])}%, but every "
                "2015/16 practice row reproduces only with the lower value."
            )
        if not graded:
            notes.append(
                "All or nothing: ISD publishes no thresholds for this indicator. qframe scores "
                "yes_no as 0 or 100, so thresholds 0 and 100 give all the points or none "
                "(qframe convention)."
            )
        indicators.append(
            {
                "code": code,
                "domain": domain[0],
                "title": f"{names[group]}: {code}",
                "description": rule["description"].strip(),
                "group": group,
                "measure": "proportion" if graded else "yes_no",
                "polarity": "higher_is_better",
                "level": "provider",
                "scoring": {
                    "method": "threshold",
                    "max_points": _number(rule["points_available"]),
                    "lower": _number(rule["lower_threshold_pct"]) if graded else "0",
                    "upper": _number(rule["upper_threshold_pct_implied_by_data"])
                    if graded
                    else "100",
                },
                "minimum_standard": None,
                "min_denominator": None,
                "rationale": " ".join(notes) or None,
                "prevalence_adjusted": domain[0] == "CL" and group in prevalence,
            }
        )
    mean_list = (sum(lists) / len(lists)).quantize(Decimal("0.01"))
    return {
        "code": "QOF-SCO",
        "title": "QOF Scotland 2015/16",
        "year": "2015/16",
        "setting": "primary_care",
        "payment": {
            "model": "points",
            "pound_per_point": "135.06",
            "national_list_size": str(mean_list),
            "national_prevalence": prevalence,
        },
        "domains": [{"code": c, "title": t} for c, t in domains.values()],
        "indicators": indicators,
        "description": "The Scottish Quality and Outcomes Framework for GP practices, 2015/16 "
        "(its last year): 74 indicators in four domains.",
        "source": (
            "ISD Scotland, 'QOF data for Scotland, 2015/16' (published 11 October 2016; CC0 copy "
            "in GitHub davidhen/scotch_qof, commit 45fb1cb), as converted in "
            "shared/data/qof-scotland-2015-16. Indicators, domains, descriptions, points and "
            "lower thresholds: indicator_rules_2015_16.csv. Upper thresholds: its column "
            "upper_threshold_pct_implied_by_data, equal to ISD's published lookup except DEP003, "
            "where the lookup says 90 but all practice rows reproduce only with 80, so 80 is "
            "used. Indicators without published thresholds (QS*, MM*, CS001, CS004, PC002, "
            "SMOK003) are all or nothing: measure yes_no with thresholds 0 and 100 (qframe "
            "convention). Groups: the indicator code's prefix; titles: the group name (NHS "
            "Digital's 2023/24 group descriptions, or qframe's for CON, CVD-PP, MM, QS) and the "
            "code, because ISD publishes no short titles. £135.06 per point: ISD prevalence "
            f"notes. national_list_size: mean list size of the {len(lists)} practices in "
            "practice_lookup_2015_16.csv, to the penny of a patient (2 decimals). "
            "national_prevalence (per 100 patients): for each disease group, "
            "raw_prevalence_per_100 / adpf in practice_prevalence_adpf_2015_16.csv, which is "
            "the same constant for every practice (checked to 1e-9; 8 decimals kept); note it "
            "differs slightly from Σregister/Σlist. Groups without a divisor ("
            + ", ".join(unadjusted)
            + ": ADPF is 1 for every practice) are not prevalence-adjusted. Clinical-domain "
            "indicators of the other groups are prevalence_adjusted."
        ),
    }


def england(data: Path) -> dict:
    """QOF England 2023/24 as a draft: points from NHS Digital's reference file, no thresholds."""
    rows = _rows(data / ENGLAND / "INDICATOR_REFERENCE_CONTROL_2023_24.csv", "latin-1")
    domains: dict[str, str] = {}
    indicators = []
    for row in rows:
        code, group_name = row["INDICATOR_CODE"], row["GROUP_DESCRIPTION"].strip()
        domains.setdefault(row["DOMAIN_CODE"], row["DOMAIN_DESCRIPTION"].strip())
        register = row["REGISTER_FLAG"] == "1"
        manual = row["AUTOMATIC_MANUAL_ENTRY"] == "M"
        indicators.append(
            {
                "code": code,
                "domain": row["DOMAIN_CODE"],
                "title": f"{group_name} register: {code}" if register else f"{group_name}: {code}",
                "description": None,
                "group": row["GROUP_CODE"],
                "measure": "register" if register else "yes_no" if manual else "proportion",
                "polarity": "higher_is_better",
                "level": "provider",
                "scoring": {
                    "method": "threshold",
                    "max_points": row["INDICATOR_POINT_VALUE"],
                    "lower": None,
                    "upper": None,
                },
                "minimum_standard": None,
                "min_denominator": None,
                "prevalence_adjusted": row["DOMAIN_CODE"] == "CL"
                and row["NO_PREVALENCE_FLAG"] != "1",
            }
        )
    return {
        "code": "QOF-ENG",
        "title": "QOF England 2023/24 (draft)",
        "year": "2023/24",
        "setting": "primary_care",
        "payment": {"model": "points", "pound_per_point": "213.43"},
        "domains": [{"code": c, "title": t} for c, t in domains.items()],
        "indicators": indicators,
        "description": "The 76 indicators of the 2023/24 QOF for England. A draft: thresholds "
        "and national averages must be completed before publishing.",
        "source": (
            "NHS Digital, GitHub NHSDigital/QOF public_metadata (commit 9e4ebc0, MIT), file "
            "INDICATOR_REFERENCE_CONTROL_2023_24.csv: codes, points (INDICATOR_POINT_VALUE), "
            "groups (GROUP_CODE), domains (DOMAIN_CODE/DOMAIN_DESCRIPTION). Measure: register "
            "where REGISTER_FLAG=1; yes_no for manual-entry indicators (AUTOMATIC_MANUAL_ENTRY=M, "
            "the QI attestations, qframe reading); proportion otherwise. prevalence_adjusted: "
            "clinical-domain indicators whose group has a published prevalence "
            "(NO_PREVALENCE_FLAG blank), a qframe reading of the flag. £213.43 per point: the "
            "2023/24 value (domain.md §6). The file has no indicator titles or wording, so "
            "titles are the group description and the code, and descriptions are empty. It has "
            "no thresholds (they are in the annual QOF guidance) and no national list size or "
            "prevalence: all are left empty for the commissioner to complete."
        ),
    }


def _canonical(framework: dict) -> str:
    return dump_framework_json(load_framework_json(json.dumps(framework, ensure_ascii=False)))


def main(argv: list[str] | None = None) -> int:
    """Write (or --check) every library file; return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--check", action="store_true", help="write nothing; 1 if out of date")
    args = parser.parse_args(argv)
    built = {"qof-scotland-2015-16": scotland(args.data), "qof-england-2023-24": england(args.data)}
    stale = []
    for entry in LIBRARY:
        path = LIBRARY_DIR / entry.filename
        if entry.slug in built:
            text = _canonical(built[entry.slug])
        else:
            text = dump_framework_json(load_framework_json(path.read_bytes()))
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            stale.append(entry.filename)
            if not args.check:
                path.write_text(text, encoding="utf-8")
    verb = "out of date" if args.check else "written"
    print(f"{verb}: {', '.join(stale) or 'none'}")
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    raise SystemExit(main())
