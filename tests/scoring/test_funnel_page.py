"""Issue 13: the funnel page draws every point where its table row says it is.

The test reads the page as a browser would: tick labels give the axes, the limit lines are
read as drawn, and each table row is located on the plot by its numerator and denominator.
"""

import re
from html import unescape

import pytest

from qframe.periods.models import get_or_create_period
from qframe.scoring.runs import score_period
from qframe.variation.funnel_chart import FunnelPoint, funnel_plot

# (name, numerator, denominator): a spread of trusts around 85%, with real outliers on both
# sides, one inside the limits and a unit under the minimum denominator (10).
TRUSTS = [
    ("Riverside", 4872, 4987),  # 97.7%: far above, better than expected
    ("Ashdown", 3900, 5000),  # 78.0%: far below, an alarm
    ("Beacon", 1700, 2000),
    ("Cedar", 850, 1000),
    ("Dale", 2560, 3000),
    ("Elm", 4230, 5000),
    ("Fern", 1270, 1500),
    ("Glen", 3420, 4000),
    ("Heath", 2110, 2500),
    ("Ivy", 605, 700),
    ("Juniper", 3840, 4500),
    ("Kestrel", 1530, 1800),
    ("Larch", 2, 6),  # small numbers: plotted, never flagged
]
MARKER = {  # how each kind's marker starts, relative to its point (funnel_chart._marker)
    "within": (0, 0), "alarm": (0, -5), "better_alarm": (0, -5), "alert": (0, -5),
    "better_alert": (0, 5), "small_numbers": (-3, -3),
}  # fmt: skip


def _axis(html):
    y_ticks = [
        (float(y) - 4, float(t.replace(",", "")))
        for y, t in re.findall(r'<text x="[\d.]+" y="([\d.]+)" text-anchor="end">([\d.,]+)<', html)
    ]
    x_label = r'<text x="([\d.]+)" y="[\d.]+" text-anchor="middle">([\d.,]+)<'
    x_ticks = [(float(x), float(t.replace(",", ""))) for x, t in re.findall(x_label, html)]

    def linear(ticks):
        (p0, v0), (p1, v1) = ticks[0], ticks[-1]
        return lambda v: p0 + (v - v0) * (p1 - p0) / (v1 - v0)

    return linear(x_ticks), linear(y_ticks)


def _lines(html, css):
    paths = re.findall(rf'<path class="{css}" d="([^"]+)"', html)
    points = r"[ML]([\d.,-]+)"
    return [[tuple(map(float, p.split(","))) for p in re.findall(points, d)] for d in paths]


def _at(line, x):
    for (x0, y0), (x1, y1) in zip(line, line[1:], strict=False):
        if x0 <= x <= x1:
            return y0 + (y1 - y0) * (x - x0) / (x1 - x0 or 1)
    raise AssertionError(f"no limit drawn at x = {x}")


def _markers(html):
    found = []
    for kind, d in re.findall(r'<path class="pts pts-(\w+)" d="([^"]+)" data-kind', html):
        dx, dy = MARKER[kind]
        for x, y in re.findall(r"M([\d.-]+),([\d.-]+)", d):
            found.append((kind, float(x) - dx, float(y) - dy))
    return found


@pytest.fixture
def funnel_html(tqf, tree, measure, make_org, client, login_as):
    for name, x, n in TRUSTS:
        measure(tqf, make_org("acute", tree.icb, name=name), "P1", numerator=x, denominator=n)
    run = score_period(None, tqf, get_or_create_period("2025/26"))
    login_as("commissioner", [tree.icb])
    p1 = next(i.id for i in tqf.indicators if i.code == "P1")
    response = client.get(f"/scoring/manage/runs/{run.id}/indicators/{p1}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_every_point_sits_where_its_table_row_says(funnel_html):
    html = funnel_html
    px, py = _axis(html)
    low95, high95 = sorted(_lines(html, "limit95"), key=lambda line: -line[-1][1])
    low998, high998 = sorted(_lines(html, "limit998"), key=lambda line: -line[-1][1])
    markers = _markers(html)
    rows = re.findall(
        r'<tr data-flag="(\w*)" data-name="([^"]+)">.*?<td class="num">([\d,]+)</td>'
        r'<td class="num">([\d,]+)</td>', html)  # fmt: skip
    assert len(rows) == len(TRUSTS)
    assert len(markers) == len(TRUSTS)
    for flag, name, num, den in rows:
        n, x = int(den.replace(",", "")), int(num.replace(",", ""))
        at_x, at_y = px(n), py(100 * x / n)
        kind, mx, my = min(markers, key=lambda m: abs(m[1] - at_x) + abs(m[2] - at_y))
        assert abs(mx - at_x) < 0.2, unescape(name)
        assert abs(my - at_y) < 0.2, unescape(name)
        assert kind == flag, unescape(name)
        if flag == "small_numbers":
            continue
        # Pixel y grows downwards: below the low line is a lower value.
        below998, below95 = my > _at(low998, mx), my > _at(low95, mx)
        above998, above95 = my < _at(high998, mx), my < _at(high95, mx)
        expected = (
            "alarm" if below998 else "alert" if below95
            else "better_alarm" if above998 else "better_alert" if above95 else "within"
        )  # fmt: skip
        assert flag == expected, unescape(name)


def test_outliers_on_both_sides_are_named_on_the_plot_and_in_the_lists(funnel_html):
    labels = dict(
        (name, kind) for kind, name in re.findall(r'data-kind="(\w+)">([^<]+)</text>', funnel_html)
    )
    assert labels["Riverside"] == "better_alarm"
    assert labels["Ashdown"] == "alarm"
    assert "Cedar" not in labels
    better = funnel_html.split('data-testid="better"')[1].split("</ul>")[0]
    assert "Riverside" in better
    row = re.search(r'<tr data-flag="(\w+)" data-name="Riverside">', funnel_html)
    assert row.group(1) == "better_alarm"
    assert "Better than expected: beyond the 99.8% limit" in funnel_html


def test_small_numbers_are_drawn_differently_from_results_inside_the_limits(funnel_html):
    kinds = {k for k, _x, _y in _markers(funnel_html)}
    assert {"small_numbers", "within"} <= kinds
    assert 'class="pts pts-small_numbers"' in funnel_html


def test_the_filter_narrows_the_table_to_outliers(tqf, tree, measure, make_org, client, login_as):
    for name, x, n in TRUSTS:
        measure(tqf, make_org("acute", tree.icb, name=name), "P1", numerator=x, denominator=n)
    run = score_period(None, tqf, get_or_create_period("2025/26"))
    login_as("commissioner", [tree.icb])
    p1 = next(i.id for i in tqf.indicators if i.code == "P1")
    html = client.get(f"/scoring/manage/runs/{run.id}/indicators/{p1}?show=outliers").get_data(
        as_text=True
    )
    names = re.findall(r'<tr data-flag="\w*" data-name="([^"]+)">', html)
    assert "Riverside" in names
    assert "Ashdown" in names
    assert "Cedar" not in names


def test_seven_thousand_points_make_a_small_plot():
    # National scale: 7,000 practices; the points are a handful of paths, not 7,000 elements.
    points = [
        FunnelPoint(f"Practice {i}", 200 + (i * 37) % 3000, 60 + (i * 13) % 30, "within")
        for i in range(7000)
    ]
    chart = funnel_plot(points, "proportion", 0.75, 0.002, "n", "%")
    size = sum(len(d) for _k, d, _c in chart.paths)
    assert len(chart.paths) == 1
    assert chart.paths[0][2] == 7000
    assert size < 150_000
