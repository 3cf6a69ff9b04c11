"""Issue 13: a rate's funnel page (exact Poisson limits) draws every point where its table row
says it is, as the proportion funnel does (test_funnel_page.py reads the page the same way)."""

import re
import sys
from html import unescape
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_funnel_page import _at, _axis, _lines, _markers  # noqa: E402 (the page reader)

from qframe.periods.models import get_or_create_period
from qframe.scoring.runs import score_period

FALLS = {
    "code": "R1", "domain": "SAF", "title": "Inpatient falls per 1,000 occupied bed days",
    "measure": "rate", "multiplier": "1000", "polarity": "lower_is_better", "level": "provider",
    "unit": "per 1,000 occupied bed days",
    "scoring": {"method": "threshold", "max_points": "10", "lower": "8", "upper": "4"},
    "minimum_standard": None, "min_denominator": 1000,
}  # fmt: skip
# (name, falls, occupied bed days): trusts around 5 per 1,000, one far above (9.0, worse), one
# far below (2.0, better), the rest close, and a unit under 1,000 bed days (small numbers).
TRUSTS = [
    ("Ashdown", 450, 50_000),  # 9.0 per 1,000
    ("Riverside", 80, 40_000),  # 2.0 per 1,000
    ("Beacon", 150, 30_000),
    ("Cedar", 104, 20_000),
    ("Dale", 230, 45_000),
    ("Elm", 176, 35_000),
    ("Fern", 128, 25_000),
    ("Glen", 282, 55_000),
    ("Heath", 77, 15_000),
    ("Ivy", 310, 60_000),
    ("Juniper", 198, 38_000),
    ("Kestrel", 112, 22_000),
    ("Larch", 3, 600),  # small numbers: plotted, never flagged
]


@pytest.fixture
def rate_html(make_framework, tree, measure, make_org, client, login_as):
    framework = make_framework(indicators=[FALLS])
    for name, falls, bed_days in TRUSTS:
        org = make_org("acute", tree.icb, name=name)
        measure(framework, org, "R1", numerator=falls, denominator=bed_days)
    run = score_period(None, framework, get_or_create_period("2025/26"))
    login_as("commissioner", [tree.icb])
    r1 = framework.indicators[0].id
    response = client.get(f"/scoring/manage/runs/{run.id}/indicators/{r1}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_every_rate_point_sits_where_its_table_row_says(rate_html):
    html = rate_html
    px, py = _axis(html)
    low95, high95 = sorted(_lines(html, "limit95"), key=lambda line: -line[-1][1])
    low998, high998 = sorted(_lines(html, "limit998"), key=lambda line: -line[-1][1])
    markers = _markers(html)
    rows = re.findall(
        r'<tr data-flag="(\w*)" data-name="([^"]+)">.*?<td class="num">([\d,]+)</td>'
        r'<td class="num">([\d,]+)</td>', html)  # fmt: skip
    assert len(rows) == len(TRUSTS)
    assert len(markers) == len(TRUSTS)
    flags = {}
    for flag, name, num, den in rows:
        exposure, falls = int(den.replace(",", "")), int(num.replace(",", ""))
        at_x, at_y = px(exposure), py(1000 * falls / exposure)  # falls per 1,000 bed days
        kind, mx, my = min(markers, key=lambda m: abs(m[1] - at_x) + abs(m[2] - at_y))
        assert abs(mx - at_x) < 0.2, unescape(name)
        assert abs(my - at_y) < 0.2, unescape(name)
        assert kind == flag, unescape(name)
        flags[unescape(name)] = flag
        if flag == "small_numbers":
            continue
        # Lower is better: above the high line is worse. Pixel y grows downwards.
        above998, above95 = my < _at(high998, mx), my < _at(high95, mx)
        below998, below95 = my > _at(low998, mx), my > _at(low95, mx)
        expected = (
            "alarm" if above998 else "alert" if above95
            else "better_alarm" if below998 else "better_alert" if below95 else "within"
        )  # fmt: skip
        assert flag == expected, unescape(name)
    # The page is not trivially "within": both sides are named and small numbers kept apart.
    assert flags["Ashdown"] in ("alarm", "alert")
    assert flags["Riverside"] in ("better_alarm", "better_alert")
    assert flags["Larch"] == "small_numbers"
    assert "not assessed" not in html.lower()
