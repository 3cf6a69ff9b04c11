"""CMS Hospital VBP rules travel in qframe's Measure extensions and come back on import."""

from __future__ import annotations

from decimal import Decimal

from qframe.fhir.codes import dumps, ext_url
from qframe.fhir.measure_import import import_measures
from qframe.fhir.measures import framework_bundle


def _parts(extension):  # type: ignore[no-untyped-def]
    """Sub-extensions by url: one value, or a list when the url repeats (a framework's domains)."""
    out: dict = {}  # type: ignore[type-arg]
    for part in extension["extension"]:
        value = part.get("extension") or next(v for k, v in part.items() if k.startswith("value"))
        out.setdefault(part["url"], []).append(value)
    return {k: v[0] if len(v) == 1 else v for k, v in out.items()}


def _all(resource, name):  # type: ignore[no-untyped-def]
    return [e for e in resource["extension"] if e["url"] == ext_url(name)]


def _measures(framework):  # type: ignore[no-untyped-def]
    bundle = framework_bundle(framework)
    return {e["resource"]["identifier"][0]["value"]: e["resource"] for e in bundle["entry"]}


def test_the_hvbp_measures_carry_the_fy2024_domain_weights_minimums_and_baseline(db, publish):
    # CMS FY2024 rule: four domains at 25% each; Clinical Outcomes and Safety need 2 scored
    # measures, Efficiency 1; HCAHPS consistency is worth up to 20 points; a Total Performance
    # Score needs 3 scored domains; qframe maps CMS's baseline to 2019/20.
    by_code = _measures(publish("cms-hvbp-fy2024"))
    about = _parts(_all(by_code["MORT-30-AMI"], "framework")[0])
    assert about["baseline-period"] == "2019/20"
    assert about["min-domains"] == 3
    domains = {d[0]["valueString"]: _parts({"extension": d}) for d in about["domain"]}
    assert [domains[c]["weight"] for c in ("CO", "PCE", "SAF", "EFF")] == [Decimal(25)] * 4
    assert domains["CO"]["min-measures"] == 2
    assert domains["SAF"]["min-measures"] == 2
    assert domains["EFF"]["min-measures"] == 1
    assert domains["PCE"]["consistency-points"] == Decimal(20)
    assert "min-measures" not in domains["PCE"]
    own = _parts(_all(by_code["HAI-1"], "domain")[0])
    assert (own["code"], own["weight"], own["min-measures"]) == ("SAF", Decimal(25), 2)


def test_floors_strata_and_frequency_travel_as_indicator_extensions(db, publish):
    by_code = _measures(publish("cms-hvbp-fy2024"))
    # CMS's published HCAHPS floor for communication with nurses is 53.50 (text kept exactly).
    floor = _all(by_code["HCAHPS-NURSES"], "floor")
    assert [str(e["valueDecimal"]) for e in floor] == ["53.50"]
    # The Combined SSI is the colon (HAI-3) and abdominal hysterectomy (HAI-4) strata, in order.
    strata = [e["valueString"] for e in _all(by_code["SSI"], "composite-of")]
    assert strata == ["HAI-3", "HAI-4"]
    assert _all(by_code["HAI-3"], "composite-of") == []
    # CMS scores once a year.
    assert [e["valueCode"] for e in _all(by_code["SSI"], "frequency")] == ["year"]


def test_an_imported_hvbp_bundle_stores_the_same_vbp_rules(db, tree, publish):
    original = publish("cms-hvbp-fy2024")
    back = import_measures(None, dumps(framework_bundle(original)), tree.icb).framework
    assert back.vbp == {"baseline_period": "2019/20", "min_domains": 3}
    domains = {d.code: d for d in back.domains}
    assert (domains["CO"].weight, domains["CO"].min_measures) == (Decimal(25), 2)
    assert domains["PCE"].consistency_points == Decimal(20)
    indicators = {i.code: i for i in back.indicators}
    assert indicators["SSI"].composite_of == ["HAI-3", "HAI-4"]
    assert str(indicators["HCAHPS-NURSES"].floor) == "53.50"
    assert indicators["MORT-30-AMI"].frequency == "year"
