"""Goal 3 of issue 16: a funnel page a person can read at national scale.

The table opens on the outliers when the results fill more than a page and says how many rows
it does not list; "All results" pages through every one; labels never sit on one another; a
final run's page is kept (it never changes), and a provisional run's page follows its scores.
The trusts and their flags are test_funnel_page.TRUSTS (Riverside far above, Ashdown far below).
"""

import re
import sys
from pathlib import Path

import pytest
from sqlalchemy import update

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_funnel_page import TRUSTS  # noqa: E402

from qframe.extensions import db as _db
from qframe.periods.models import get_or_create_period
from qframe.scoring.final_cache import clear_final_caches
from qframe.scoring.models import Score
from qframe.scoring.runs import finalise_run, score_period
from qframe.variation import funnel_page, funnel_table
from qframe.variation.funnel_chart import CHAR_WIDTH, LABEL_HEIGHT, FunnelPoint, funnel_plot

ROW = re.compile(r'<tr data-flag="(\w*)" data-name="([^"]+)">')
OUTLIERS = {"alarm", "alert", "better_alarm", "better_alert"}
CSRF = re.compile(r'name="csrf_token"[^>]*')


@pytest.fixture
def scored(tqf, tree, measure, make_org, login_as):
    orgs = {}
    for name, x, n in TRUSTS:
        orgs[name] = make_org("acute", tree.icb, name=name)
        measure(tqf, orgs[name], "P1", numerator=x, denominator=n)
    run = score_period(None, tqf, get_or_create_period("2025/26"))
    login_as("commissioner", [tree.icb])
    p1 = next(i.id for i in tqf.indicators if i.code == "P1")
    clear_final_caches()
    return run, p1, orgs


def _get(client, url):  # type: ignore[no-untyped-def]
    response = client.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _plotted(html):  # type: ignore[no-untyped-def]
    """Points drawn per kind, read from the plot's paths (data-count)."""
    found = re.findall(r'data-kind="(\w+)" data-count="(\d+)"', html)
    return {kind: int(count) for kind, count in found}


def test_more_results_than_a_page_open_on_the_outliers_and_say_how_many_are_hidden(
    scored, client, monkeypatch
):
    run, p1, _orgs = scored
    monkeypatch.setattr(funnel_table, "PAGE_ROWS", 5)
    html = _get(client, f"/scoring/manage/runs/{run.id}/indicators/{p1}")
    rows = ROW.findall(html)
    drawn = _plotted(html)
    outliers = sum(count for kind, count in drawn.items() if kind in OUTLIERS)
    assert {"Riverside", "Ashdown"} <= {name for _flag, name in rows}
    assert all(flag in OUTLIERS for flag, _name in rows)
    assert len(rows) == min(outliers, 5)  # every outlier drawn is listed, a page at a time
    hidden = len(TRUSTS) - len(rows)
    assert f"{hidden} of the {len(TRUSTS)} results are not listed" in html
    assert "show=all" in html


def test_all_results_page_through_every_row_once(scored, client, monkeypatch):
    run, p1, _orgs = scored
    monkeypatch.setattr(funnel_table, "PAGE_ROWS", 5)
    url = f"/scoring/manage/runs/{run.id}/indicators/{p1}?show=all"
    pages = [_get(client, f"{url}&page={n}") for n in (1, 2, 3)]
    names = [name for html in pages for _flag, name in ROW.findall(html)]
    assert [len(ROW.findall(html)) for html in pages] == [5, 5, 3]  # 13 trusts
    assert sorted(names) == sorted(name for name, _x, _n in TRUSTS)
    assert "Page 1 of 3." in pages[0]
    assert "Next →" in pages[0]
    assert "Page 3 of 3." in pages[2]
    assert "Next →" not in pages[2]
    assert "Results 11–13 of 13; 10 of the 13 results are not listed." in pages[2]
    # a page past the end shows the last one
    assert ROW.findall(_get(client, f"{url}&page=99")) == ROW.findall(pages[2])


def test_the_filter_by_name_counts_what_it_hides(scored, client):
    run, p1, _orgs = scored
    html = _get(client, f"/scoring/manage/runs/{run.id}/indicators/{p1}?show=all&q=iv")
    # "iv" is in Riverside and Ivy only
    assert sorted(name for _flag, name in ROW.findall(html)) == ["Ivy", "Riverside"]
    assert "11 of the 13 results are not listed" in html


def test_a_provisional_runs_page_follows_its_scores_and_a_final_ones_is_kept(scored, client):
    run, p1, orgs = scored
    url = f"/scoring/manage/runs/{run.id}/indicators/{p1}"
    before = _get(client, url)
    worse = before.split('data-testid="worse"')[1].split("</ul>")[0]
    assert "Cedar" not in worse
    # A provisional run's scores changed behind the page's back: the page must not be stale.
    _db.session.execute(
        update(Score)
        .where(Score.run_id == run.id, Score.organisation_id == orgs["Cedar"].id)
        .values(funnel_flag="alarm")
    )
    _db.session.commit()
    after = _get(client, url)
    assert "Cedar" in after.split('data-testid="worse"')[1].split("</ul>")[0]
    assert _plotted(after)["alarm"] == _plotted(before).get("alarm", 0) + 1
    finalise_run(None, run)
    _db.session.commit()
    clear_final_caches()
    built = _get(client, url)
    assert len(funnel_page._cache) == 1
    assert CSRF.sub("", _get(client, url)) == CSRF.sub("", built)


def test_labels_never_overlap_and_the_rest_are_counted():
    # 200 alarms crowded at nearly the same place, far below the target: few names fit.
    points = [
        FunnelPoint(f"Practice {i:05d}", 1000 + i, 40 + (i % 7) * 0.05, "alarm") for i in range(200)
    ] + [FunnelPoint(f"Steady {i}", 500 + 10 * i, 75.0, "within") for i in range(300)]
    chart = funnel_plot(points, "proportion", 0.75, 0.0, "n", "%")
    boxes = []
    for x, y, name, _kind, left in chart.labels:
        width = CHAR_WIDTH * len(name)
        x0 = x - width if left else x
        boxes.append((x0, y - LABEL_HEIGHT, x0 + width, y + 2))
    for k, a in enumerate(boxes):
        for b in boxes[k + 1 :]:
            assert not (a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3])
    assert 1 <= len(chart.labels) < 24
    assert chart.unlabelled == 200 - len(chart.labels)
