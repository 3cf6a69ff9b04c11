"""The annual quality report: plain-English summary from the data, web page and PDF."""

from __future__ import annotations

import re
import shutil
import subprocess
import zlib
from pathlib import Path

import pytest
from PIL import Image

from qframe.commitments.services import record_commitment
from qframe.escalation.services import evaluate_escalation
from qframe.publication.services import publish_results

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
Q1, Q2 = "2025/26 Q1", "2025/26 Q2"
# Issue 13: the annual report covers the whole year, summed from its quarters as scoring sums
# them, and compares by the interval, never by rank. Trust A's falls: Q1 61 in 10,000 bed days
# (6.1 per 1,000), Q2 48 in 10,000 (4.8): the year so far is 61 + 48 = 109 falls in
# 10,000 + 10,000 = 20,000 bed days = 5.45 per 1,000, shown as 5.5. Byar's 95% interval:
# 109 (1 − 1/981 − 1.959964/(3√109))³ = 89.50 to 110 (1 − 1/990 + 1.959964/(3√110))³ = 131.49
# falls, i.e. 4.47 to 6.57 per 1,000. The runs carry no funnel target, so the benchmark is the
# providers' middle year: B (56 + 55)/20,000 = 5.55, C (62 + 60)/20,000 = 6.10, A 5.45 → 5.55,
# shown as 5.6, inside the interval: similar. (The rank rule called Q2 alone "better than most
# trusts in the region".) A&E: (760 + 700)/(1,000 + 1,000) = 73.0% < 78: the standard is missed.
FALLS_SENTENCE = (
    "Inpatient falls fell from 6.1 to 4.8 per 1,000 occupied bed days between 2025/26 Q1 and "
    "2025/26 Q2; over the year it was 5.5, similar to the benchmark of 5.6 once chance is "
    "allowed for."
)
COVER = "2025/26, from 2 of 4 quarters (2025/26 Q3, 2025/26 Q4 are missing)"


def _falls(count: int) -> dict[str, float | int]:
    return {"achievement": count / 10, "numerator": count, "denominator": 10_000}


@pytest.fixture
def year(db, tree, make_org, framework, build):
    """Trust A's falls improve from 6.1 to 4.8 while its peers sit at 5.5 to 6.2; it misses
    the A&E standard (78) with 76 then 70 and holds an alarm on it for a second quarter
    running (one quarter's alarm alone is a pocket, issue 13), so it is at enhanced support."""
    trust_c = make_org("acute", tree.icb, name="Trust C")
    build.score(
        framework,
        Q1,
        {
            tree.trust_a: {
                "S2": _falls(61),
                "E1": {
                    "achievement": 76.0,
                    "numerator": 760,
                    "denominator": 1000,
                    "breach": True,
                    "flag": "alarm",
                },
            },  # fmt: skip
            tree.trust_b: {"S2": _falls(56)},
            trust_c: {"S2": _falls(62)},
        },
    )
    build.score(
        framework,
        Q2,
        {
            tree.trust_a: {
                "S2": _falls(48),
                "E1": {
                    "achievement": 70.0,
                    "numerator": 700,
                    "denominator": 1000,
                    "breach": True,
                    "flag": "alarm",
                },
            },  # fmt: skip
            tree.trust_b: {"S2": _falls(55)},
            trust_c: {"S2": _falls(60)},
        },
    )
    evaluate_escalation(None, framework)
    falls = next(i for i in framework.indicators if i.code == "S2")
    record_commitment(
        None,
        tree.trust_a,
        {
            "indicator": str(falls.id),
            "baseline": "6.1",
            "baseline_period": Q1,
            "target": "4.0",
            "due_period": "2025/26 Q4",
            "why": "Fewer falls, fewer broken hips.",
        },
    )
    db.session.commit()
    return trust_c


def test_the_summary_says_in_plain_english_how_results_moved_against_peers(
    client, tree, year, login_as
):
    login_as("provider_lead", [tree.trust_a])
    page = client.get(f"/publication/reports/{tree.trust_a.id}/2025-26").get_data(as_text=True)
    assert FALLS_SENTENCE in page
    assert "95% interval 4.5 to 6.6" in page  # rates shown to one decimal, like the result
    assert COVER in page  # the whole year so far, and which quarters it lacks
    assert "Much worse than expected for its size (beyond the 99.8% limit) in 2025/26 Q1" in page
    assert "met 1 of 2 minimum standards" in page
    assert "has not yet met the standard for A&amp;E four-hour standard" in page
    assert "is receiving enhanced support from its commissioner" in page
    assert "Fewer falls, fewer broken hips." in page
    assert "On track" in page  # 4.8 by Q2 is better than the line's 5.5


def test_reports_are_only_for_providers_in_scope(client, tree, year, login_as):
    login_as("provider_lead", [tree.trust_a])
    assert client.get(f"/publication/reports/{tree.trust_b.id}/2025-26").status_code == 404
    assert client.get(f"/publication/reports/{tree.trust_a.id}/2025-27").status_code == 404
    assert client.get(f"/publication/reports/{tree.trust_a.id}/2024-25").status_code == 404


def test_the_public_report_exists_only_once_named_results_are_published(
    client, db, tree, framework, year
):
    url = f"/published/reports/{tree.trust_a.code}/2025-26"
    assert client.get(url).status_code == 404
    publish_results(None, framework, Q2, "public", False)
    db.session.commit()
    assert client.get(url).status_code == 404  # anonymised results cannot name a provider
    publish_results(None, framework, Q2, "public", True)
    db.session.commit()
    page = client.get(url).get_data(as_text=True)
    assert "2025/26, from 1 of 4 quarters" in page  # only Q2 is published so far
    publish_results(None, framework, Q1, "public", True)
    db.session.commit()
    page = client.get(url).get_data(as_text=True)
    assert COVER in page
    assert FALLS_SENTENCE in page
    assert "Built from the results published by the commissioner" in page


def test_the_report_font_ships_with_its_licence():
    static = Path(__file__).resolve().parents[2] / "static"
    css = (static / "css" / "report-print.css").read_text()
    for name in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"):
        assert f'url("../fonts/{name}")' in css
        assert (static / "fonts" / name).stat().st_size > 100_000
    assert "Bitstream" in (static / "fonts" / "DejaVu-LICENSE.txt").read_text()


def _non_white_share(png: Path) -> float:
    image = Image.open(png).convert("L")
    histogram = image.histogram()  # 256 grey levels
    return sum(histogram[:200]) / sum(histogram)


@pytest.mark.parametrize("public", [False, True], ids=["signed-in", "public"])
def test_the_pdf_renders_the_report_with_bundled_fonts(
    client, db, tree, framework, year, login_as, public, tmp_path
):
    assert shutil.which("pdftoppm"), "poppler-utils (pdftoppm) is needed to look at the PDF"
    if public:
        publish_results(None, framework, Q1, "public", True)
        publish_results(None, framework, Q2, "public", True)
        db.session.commit()
        url = f"/published/reports/{tree.trust_a.code}/2025-26/report.pdf"
    else:
        login_as("commissioner", [tree.icb])
        url = f"/publication/reports/{tree.trust_a.id}/2025-26/report.pdf"
    response = client.get(url)
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(response.data)
    fonts = subprocess.run(["pdffonts", pdf], capture_output=True, text=True, check=True).stdout
    assert "DejaVu-Sans " in fonts  # the bundled face (static/fonts), embedded in the file
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", pdf, tmp_path / "p"],
                   check=True)  # fmt: skip
    (page,) = tmp_path.glob("p*.png")
    assert _non_white_share(page) > 0.02  # text, tables and headings, not a blank page
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copy(page, ARTIFACTS / f"annual-report-{'public' if public else 'signed-in'}-p1.png")
    text = subprocess.run(["pdftotext", pdf, "-"], capture_output=True, text=True, check=True)
    assert "Inpatient falls fell from 6.1 to 4.8" in text.stdout


def test_the_pdf_is_tagged_pdf_ua_with_a_title_and_language(
    client, db, tree, framework, year, login_as, tmp_path
):
    login_as("commissioner", [tree.icb])
    response = client.get(f"/publication/reports/{tree.trust_a.id}/2025-26/report.pdf")
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(response.data)
    info = subprocess.run(["pdfinfo", pdf], capture_output=True, text=True, check=True).stdout
    fields = dict(line.split(":", 1) for line in info.splitlines() if ":" in line)
    assert fields["Tagged"].strip() == "yes"  # a structure tree (StructTreeRoot, MarkInfo)
    assert fields["Title"].strip() == f"{tree.trust_a.name}: quality report 2025/26"
    meta = subprocess.run(["pdfinfo", "-meta", pdf], capture_output=True, text=True, check=True)
    assert re.search(r"pdfuaid:part[^0-9]{1,3}1", meta.stdout)  # declares PDF/UA-1
    assert b"/Lang (en-GB)" in _inflated(response.data)  # the catalog's language


def _inflated(data: bytes) -> bytes:
    """Every compressed stream of a PDF, inflated (the catalog sits in an object stream)."""
    parts = [data]
    for raw in re.findall(rb"stream\r?\n(.*?)endstream", data, re.S):
        try:
            parts.append(zlib.decompress(raw))
        except zlib.error:
            continue
    return b"\n".join(parts)
