"""The built-in library: canonical, sourced, and faithful to the published data it came from."""

import csv
import importlib.util
from collections import Counter, defaultdict
from decimal import Decimal
from pathlib import Path

import pytest

from qframe.frameworks.library import LIBRARY, LIBRARY_DIR, load_library_framework
from qframe.frameworks.schemas import dump_framework_json, load_framework_json
from qframe.frameworks.validation import publish_problems

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT.parent / "shared" / "data"
SCOTLAND = DATA / "qof-scotland-2015-16"
ENGLAND_CSV = DATA / "qof-england-2023-24-metadata" / "INDICATOR_REFERENCE_CONTROL_2023_24.csv"
SLUGS = [entry.slug for entry in LIBRARY]


def rows(path: Path, encoding: str = "utf-8") -> list[dict[str, str]]:
    with path.open(encoding=encoding, newline="") as handle:
        return list(csv.DictReader(handle))


def by_code(data: dict) -> dict[str, dict]:
    return {ind["code"]: ind for ind in data["indicators"]}


def points(indicators) -> Decimal:
    return sum((ind["scoring"]["max_points"] for ind in indicators), Decimal(0))


@pytest.mark.parametrize("slug", SLUGS)
def test_each_library_file_is_committed_in_canonical_form_and_round_trips(slug):
    entry = next(e for e in LIBRARY if e.slug == slug)
    committed = (LIBRARY_DIR / entry.filename).read_text(encoding="utf-8")
    once = dump_framework_json(load_framework_json(committed))
    assert once == committed
    assert dump_framework_json(load_framework_json(once)) == once


@pytest.mark.parametrize("slug", SLUGS)
def test_each_library_file_says_where_its_numbers_come_from(slug):
    assert len(load_library_framework(slug)["source"]) > 100


@pytest.mark.parametrize("entry", LIBRARY, ids=lambda e: e.slug)
def test_publishable_files_have_no_publish_problems_and_drafts_have_some(entry):
    problems = publish_problems(load_library_framework(entry.slug))
    assert (problems == []) == (entry.expected_state == "publishable")


def test_an_unknown_slug_is_a_key_error():
    with pytest.raises(KeyError):
        load_library_framework("qof-wales-2030-31")


def test_the_generated_qof_files_match_their_source_csvs_exactly():
    spec = importlib.util.spec_from_file_location(
        "build_library", ROOT / "scripts/build_library.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.main(["--check", "--data", str(DATA)]) == 0


def test_scotland_has_every_published_indicator_with_its_points_and_thresholds():
    rules = rows(SCOTLAND / "indicator_rules_2015_16.csv")
    data = load_library_framework("qof-scotland-2015-16")
    indicators = by_code(data)
    assert len(indicators) == len(rules) == 74
    assert points(data["indicators"]) == sum(Decimal(r["points_available"]) for r in rules)
    for rule in rules:
        scoring = indicators[rule["indicator"]]["scoring"]
        assert scoring["max_points"] == Decimal(rule["points_available"])
        if rule["lower_threshold_pct"]:
            assert indicators[rule["indicator"]]["measure"] == "proportion"
            assert scoring["lower"] == Decimal(rule["lower_threshold_pct"])
            assert scoring["upper"] == Decimal(rule["upper_threshold_pct_implied_by_data"])
        else:
            assert indicators[rule["indicator"]]["measure"] == "yes_no"
            assert (scoring["lower"], scoring["upper"]) == (0, 100)


def test_scotland_uses_the_upper_threshold_the_practice_data_reproduces_for_dep003():
    dep003 = by_code(load_library_framework("qof-scotland-2015-16"))["DEP003"]
    assert dep003["scoring"]["upper"] == 80
    assert "90" in dep003["rationale"]


def test_scotland_total_points_match_the_practice_totals_file():
    totals = {r["points_available_total"] for r in rows(SCOTLAND / "practice_totals_2015_16.csv")}
    data = load_library_framework("qof-scotland-2015-16")
    assert {Decimal(t) for t in totals} == {points(data["indicators"])}


def test_scotland_domains_follow_the_csv_domain_column():
    rules = rows(SCOTLAND / "indicator_rules_2015_16.csv")
    data = load_library_framework("qof-scotland-2015-16")
    titles = {d["code"]: d["title"].upper() for d in data["domains"]}
    for rule in rules:
        assert titles[by_code(data)[rule["indicator"]]["domain"]] == rule["domain"]


def test_scotland_national_list_size_is_the_mean_practice_list():
    lists = [Decimal(r["list_size"]) for r in rows(SCOTLAND / "practice_lookup_2015_16.csv")]
    payment = load_library_framework("qof-scotland-2015-16")["payment"]
    assert payment["pound_per_point"] == Decimal("135.06")
    assert abs(payment["national_list_size"] - sum(lists) / len(lists)) <= Decimal("0.005")


def test_scotland_national_prevalence_reproduces_every_practices_adpf():
    payment = load_library_framework("qof-scotland-2015-16")["payment"]
    prevalence = payment["national_prevalence"]
    spread = defaultdict(list)
    for row in rows(SCOTLAND / "practice_prevalence_adpf_2015_16.csv"):
        try:
            raw, adpf = float(row["raw_prevalence_per_100"]), float(row["adpf"])
        except ValueError:
            continue
        if raw > 0 and adpf > 0:
            spread[row["group"]].append(raw / adpf)
    names = {"asthma": "AST", "cancer": "CAN", "stroke": "STIA"}
    assert len(prevalence) == len(spread) == 16
    for group, ratios in spread.items():
        national = float(prevalence[names.get(group, group.upper())])
        assert max(abs(r / national - 1) for r in ratios) < 1e-7, group


def test_scotland_marks_clinical_indicators_of_prevalence_groups_as_adjusted():
    data = load_library_framework("qof-scotland-2015-16")
    groups = data["payment"]["national_prevalence"]
    for ind in data["indicators"]:
        expected = ind["domain"] == "CL" and ind["group"] in groups
        assert ind["prevalence_adjusted"] is expected, ind["code"]
    assert by_code(data)["PC002"]["prevalence_adjusted"] is False  # ADPF is 1 everywhere


def test_england_has_76_indicators_worth_635_points_by_domain():
    reference = rows(ENGLAND_CSV, "latin-1")
    data = load_library_framework("qof-england-2023-24")
    expected = Counter()
    for row in reference:
        expected[row["DOMAIN_CODE"]] += int(row["INDICATOR_POINT_VALUE"])
    by_domain = Counter()
    for ind in data["indicators"]:
        by_domain[ind["domain"]] += ind["scoring"]["max_points"]
    assert len(data["indicators"]) == len(reference) == 76
    assert by_domain == expected == Counter({"CL": 401, "PH": 160, "QI": 74})
    assert data["payment"]["pound_per_point"] == Decimal("213.43")


def test_england_keeps_groups_and_marks_register_indicators():
    reference = {r["INDICATOR_CODE"]: r for r in rows(ENGLAND_CSV, "latin-1")}
    for code, ind in by_code(load_library_framework("qof-england-2023-24")).items():
        assert ind["group"] == reference[code]["GROUP_CODE"]
        assert (ind["measure"] == "register") == (reference[code]["REGISTER_FLAG"] == "1")
        assert reference[code]["GROUP_DESCRIPTION"].strip() in ind["title"]


def test_the_england_draft_cannot_be_published_until_its_thresholds_are_set():
    data = load_library_framework("qof-england-2023-24")
    missing = {p.path for p in publish_problems(data) if p.code == "missing_threshold"}
    banded = [i for i, ind in enumerate(data["indicators"]) if ind["measure"] == "proportion"]
    assert banded
    assert missing == {
        f"indicators[{i}].scoring.{side}" for i in banded for side in ("lower", "upper")
    }


@pytest.mark.parametrize("slug", ["cquin-2023-24-acute", "cquin-2023-24-community"])
def test_cquin_files_share_1_25_percent_of_contract_value_in_equal_weights(slug):
    data = load_library_framework(slug)
    assert data["payment"] == {
        "model": "contract_share",
        "stake_percent": Decimal("1.25"),
        "pound_per_point": None,
        "national_list_size": None,
        "national_prevalence": None,
    }
    assert all(ind["weight"] is None for ind in data["indicators"])
    assert all(ind["code"].startswith("CQUIN") and ind["rationale"] for ind in data["indicators"])


def test_cquin_flu_vaccination_pays_between_75_and_80_percent():
    flu = by_code(load_library_framework("cquin-2023-24-acute"))["CQUIN01"]["scoring"]
    assert (flu["lower"], flu["upper"]) == (75, 80)


def test_cquin_iv_to_oral_switching_is_lower_is_better():
    iv = by_code(load_library_framework("cquin-2023-24-acute"))["CQUIN03"]
    assert iv["polarity"] == "lower_is_better"
    assert iv["scoring"]["lower"] > iv["scoring"]["upper"]


@pytest.mark.parametrize("slug", ["acute-quality-2025-26", "community-quality-2025-26"])
def test_demo_frameworks_cover_three_domains_at_several_levels(slug):
    data = load_library_framework(slug)
    assert 10 <= len(data["indicators"]) <= 15
    assert {d["title"] for d in data["domains"]} == {"Safety", "Effectiveness", "Experience"}
    assert {ind["domain"] for ind in data["indicators"]} == {d["code"] for d in data["domains"]}
    assert {"ward", "service_line"} <= {ind["level"] for ind in data["indicators"]}
    assert any(ind["data_source"] == "appraisal" for ind in data["indicators"])
    assert all(ind["rationale"] for ind in data["indicators"])
    assert data["year"] == "2025/26"
    assert data["payment"]["model"] == "contract_share"


def test_the_demo_falls_rate_is_per_1000_bed_days_on_wards_and_lower_is_better():
    falls = by_code(load_library_framework("acute-quality-2025-26"))["AQF-S03"]
    assert (falls["measure"], falls["multiplier"], falls["level"]) == ("rate", 1000, "ward")
    assert falls["polarity"] == "lower_is_better"


def test_the_urgent_community_response_standard_is_the_national_70_percent():
    ucr = by_code(load_library_framework("community-quality-2025-26"))["CQF-E01"]
    assert ucr["minimum_standard"] == 70
    assert ucr["scoring"]["lower"] == 70


def test_scotland_prevalence_constant_differs_from_the_pooled_register_share():
    # The README's warning: the ADPF divisor is not Σregister/Σlist, so it must come from the data.
    asthma = [r for r in rows(SCOTLAND / "practice_prevalence_adpf_2015_16.csv")
              if r["group"] == "asthma" and r["register"].isdigit()]  # fmt: skip
    pooled = (
        100 * sum(int(r["register"]) for r in asthma) / sum(float(r["list_size"]) for r in asthma)
    )
    national = load_library_framework("qof-scotland-2015-16")["payment"]["national_prevalence"]
    assert abs(float(national["AST"]) - pooled) > 0.01
