"""Open data: only public publications, at their level of identification; paged, filtered,
cached with ETags, and the same rows as CSV."""

from __future__ import annotations

import csv
import io

import pytest

from qframe.api.spec import build_spec
from qframe.frameworks.library import load_library_framework
from qframe.publication.services import publish_results

Q1, Q2, Q3 = "2025/26 Q1", "2025/26 Q2", "2025/26 Q3"
# A publication lists every indicator for every scored provider (missing ones as "missing").
INDICATORS = len(load_library_framework("acute-quality-2025-26")["indicators"])
PER_PERIOD = 2 * INDICATORS  # trust A and the other trust


def rows(client, **query) -> list[dict]:  # type: ignore[no-untyped-def]
    response = client.get("/api/v1/open/results", query_string={"per_page": 1000, **query})
    assert response.status_code == 200
    return response.get_json()["data"]


def test_only_public_publications_appear_and_named_ones_carry_codes(db, client, published, tree):
    found = rows(client)
    # Q1 (named) and Q2 (anonymised) are public; Q3 went to the board only.
    assert {r["period"] for r in found} == {Q1, Q2}
    assert len(found) == 2 * PER_PERIOD
    named = {
        (r["organisation_code"], r["indicator"]): r
        for r in found
        if r["period"] == Q1 and r["status"] != "missing"
    }
    # trust A: AQF-S01 and AQF-E05; the other trust: AQF-S01 — three results with data.
    assert set(named) == {
        (tree.trust_a.code, "AQF-S01"),
        (tree.trust_a.code, "AQF-E05"),
        (tree.other_trust.code, "AQF-S01"),
    }
    s01 = named[(tree.trust_a.code, "AQF-S01")]
    assert s01["achievement"] == pytest.approx(96.0)  # 100 × 96 / 100
    assert s01["organisation"] == tree.trust_a.name
    assert named[(tree.other_trust.code, "AQF-S01")]["achievement"] == pytest.approx(90.0)


def test_an_anonymised_publication_never_names_a_provider(db, client, published, tree):
    response = client.get("/api/v1/open/results", query_string={"period": Q2})
    text = response.get_data(as_text=True)
    found = response.get_json()["data"]
    assert len(found) == PER_PERIOD
    assert {r["organisation_code"] for r in found} == {None}
    assert {r["organisation"] for r in found} <= {"Provider A", "Provider B"}
    for secret in (tree.trust_a.code, tree.trust_a.name, tree.other_trust.name):
        assert secret not in text
    csv_text = client.get("/api/v1/open/results.csv", query_string={"period": Q2}).get_data(
        as_text=True
    )
    assert tree.trust_a.name not in csv_text
    assert tree.trust_a.code not in csv_text


def test_filters_combine_and_organisation_matches_a_code_or_a_label(db, client, published, tree):
    assert len(rows(client, framework="AQF")) == 2 * PER_PERIOD
    assert rows(client, framework="NOPE") == []
    assert len(rows(client, indicator="AQF-S01")) == 4  # 2 providers × 2 public quarters
    one = rows(client, period=Q1, organisation=tree.trust_a.code, indicator="AQF-E05")
    assert [(r["organisation_code"], r["achievement"]) for r in one] == [
        (tree.trust_a.code, pytest.approx(1.02))
    ]
    label = rows(client, period=Q2)[0]["organisation"]
    assert {r["organisation"] for r in rows(client, period=Q2, organisation=label)} == {label}


def test_pages_follow_next_links_and_give_every_row_exactly_once(db, client, published):
    everything = rows(client)
    seen, url, pages = [], "/api/v1/open/results?per_page=10", 0
    while url:
        body = client.get(url).get_json()
        assert body["total"] == len(everything) == 2 * PER_PERIOD
        seen += body["data"]
        url = body["links"]["next"]
        pages += 1
    assert pages == -(-2 * PER_PERIOD // 10)  # 52 rows, 10 a page: 6 pages
    assert seen == everything
    beyond = client.get("/api/v1/open/results?per_page=10&page=99").get_json()
    assert beyond["data"] == []
    assert beyond["total"] == 2 * PER_PERIOD


@pytest.mark.parametrize("query", ["per_page=0", "per_page=1001", "page=abc", "page=-1"])
def test_bad_paging_is_refused_with_the_parameter_named(db, client, query):
    response = client.get(f"/api/v1/open/results?{query}")
    assert response.status_code == 422
    assert response.get_json()["problems"][0]["column"] == query.split("=")[0]


def test_an_unchanged_answer_is_304_and_a_new_publication_changes_the_etag(db, client, published):
    first = client.get("/api/v1/open/results")
    tag = first.headers["ETag"]
    again = client.get("/api/v1/open/results", headers={"If-None-Match": tag})
    assert again.status_code == 304
    assert again.get_data() == b""
    publish_results(None, published, Q3, "public", True)
    changed = client.get("/api/v1/open/results", headers={"If-None-Match": tag})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != tag
    assert changed.get_json()["total"] == 3 * PER_PERIOD


def test_the_csv_alternate_holds_the_same_rows(db, client, published):
    page = client.get("/api/v1/open/results?period=2025/26%20Q1")
    assert 'rel="alternate"; type="text/csv"' in page.headers["Link"]
    csv_response = client.get(page.get_json()["links"]["csv"])
    assert csv_response.mimetype == "text/csv"
    assert csv_response.headers["ETag"]
    table = list(csv.DictReader(io.StringIO(csv_response.get_data(as_text=True))))
    as_json = page.get_json()["data"]
    assert [(r["organisation_code"], r["indicator"]) for r in table] == [
        (r["organisation_code"], r["indicator"]) for r in as_json
    ]
    assert [float(r["achievement"]) if r["achievement"] else None for r in table] == [
        r["achievement"] for r in as_json
    ]


def test_publications_list_each_public_data_set(db, client, published):
    body = client.get("/api/v1/open/publications").get_json()
    assert [(d["period"], d["identifiable"]) for d in body["data"]] == [(Q1, True), (Q2, False)]


def test_the_openapi_document_describes_the_open_and_fhir_paths(app):
    paths = build_spec()["paths"]
    results = paths["/api/v1/open/results"]["get"]
    assert results["security"] == []
    assert {p["name"] for p in results["parameters"]} >= {
        "framework",
        "period",
        "indicator",
        "organisation",
        "page",
        "per_page",
        "If-None-Match",
    }
    assert "304" in results["responses"]
    assert "text/csv" in paths["/api/v1/open/results.csv"]["get"]["responses"]["200"]["content"]
    assert "post" in paths["/api/v1/fhir/frameworks/{framework_id}/MeasureReport"]


def test_the_guide_lists_the_data_sets_without_sign_in(db, client, published):
    page = client.get("/open-data/")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Acute quality framework 2025/26" in text
    assert "If-None-Match" in text
