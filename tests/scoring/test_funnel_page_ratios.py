"""Issue 13: an indirectly standardised ratio's funnel page (SHMI: observed / expected deaths,
exact Poisson limits around 1) draws every point where its table row says it is, as the
proportion and rate funnels do (test_funnel_page.py reads the page the same way)."""

import re
import sys
from html import unescape
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_funnel_page import _at, _axis, _lines, _markers  # noqa: E402 (the page reader)

from qframe.periods.models import get_or_create_period
from qframe.scoring.runs import score_period

SHMI = {
    "code": "M1", "domain": "SAF", "title": "Summary Hospital-level Mortality Indicator",
    "measure": "ratio", "polarity": "lower_is_better", "level": "provider",
    "unit": "ratio of observed to expected deaths",
    "scoring": {"method": "threshold", "max_points": "10", "lower": "1.10", "upper": "0.95"},
    "minimum_standard": None, "min_denominator": 50,
}  # fmt: skip
# (name, observed deaths, expected deaths): trusts around 1, one far above (1.30, worse), one
# far below (0.75, better), and a unit expecting under 50 deaths (small numbers).
TRUSTS = [
    ("Ashdown", 780, "600.0"),  # 1.30
    ("Riverside", 420, "560.0"),  # 0.75
    ("Beacon", 1010, "990.4"),
    ("Cedar", 1480, "1502.7"),
    ("Dale", 2130, "2088.1"),
    ("Elm", 1205, "1249.6"),
    ("Fern", 860, "842.5"),
    ("Glen", 1940, "1975.2"),
    ("Heath", 1320, "1290.0"),
    ("Ivy", 2390, "2412.3"),
    ("Juniper", 1105, "1089.9"),
    ("Kestrel", 1620, "1660.8"),
    ("Larch", 30, "25.0"),  # small numbers: plotted, never flagged
]


@pytest.fixture
def ratio_html(make_framework, tree, measure, make_org, client, login_as):
    framework = make_framework(indicators=[SHMI])
    for name, observed, expected in TRUSTS:
        org = make_org("acute", tree.icb, name=name)
        measure(framework, org, "M1", numerator=observed, expected=expected)
    run = score_period(None, framework, get_or_create_period("2025/26"))
    login_as("commissioner", [tree.icb])
    m1 = framework.indicators[0].id
    response = client.get(f"/scoring/manage/runs/{run.id}/indicators/{m1}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_every_ratio_point_sits_where_its_table_row_says(ratio_html):
    html = ratio_html
    px, py = _axis(html)
    low95, high95 = sorted(_lines(html, "limit95"), key=lambda line: -line[-1][1])
    low998, high998 = sorted(_lines(html, "limit998"), key=lambda line: -line[-1][1])
    markers = _markers(html)
    rows = re.findall(
        r'<tr data-flag="(\w*)" data-name="([^"]+)">.*?<td class="num">([\d,]+)</td>'
        r'<td class="num">([\d,.]+)</td><td class="num">([\d.]+)</td>'
        r'<td class="num">([\d.]+)–([\d.]+)</td>', html)  # fmt: skip
    assert len(rows) == len(TRUSTS)
    assert len(markers) == len(TRUSTS)
    flags = {}
    for flag, name, num, exp, shown, _low, _high in rows:
        expected, observed = float(exp.replace(",", "")), int(num.replace(",", ""))
        assert shown == f"{observed / expected:.2f}"  # the ratio to 2 places
        at_x, at_y = px(expected), py(observed / expected)
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
        expected_flag = (
            "alarm" if above998 else "alert" if above95
            else "better_alarm" if below998 else "better_alert" if below95 else "within"
        )  # fmt: skip
        assert flag == expected_flag, unescape(name)
    # Both sides are named and small numbers kept apart; nothing reads "not assessed".
    assert flags["Ashdown"] in ("alarm", "alert")
    assert flags["Riverside"] in ("better_alarm", "better_alert")
    assert flags["Larch"] == "small_numbers"
    assert "not assessed" not in html.lower()
    assert "Ashdown</strong>" in html
    assert "780 observed, 600.0 expected" in html


def test_a_ratio_row_shows_its_exact_poisson_interval(ratio_html):
    # Ashdown: 780 deaths observed, 600.0 expected. Worked by hand with Byar's approximation
    # (close to the exact interval at this size): low = 780 (1 − 1/(9·780) − 1.96/(3√780))³
    # = 780 × 0.97646³ = 726.2; high = 781 (1 − 1/(9·781) + 1.96/(3√781))³ = 781 × 1.02324³
    # = 836.7. Over 600 expected: 1.210 to 1.395, so the ratio 1.30 shows 1.21–1.39.
    row = re.search(r'data-name="Ashdown">.*?</tr>', ratio_html)
    assert row is not None
    assert '<td class="num">1.30</td><td class="num">1.21–1.39</td>' in row.group(0)
