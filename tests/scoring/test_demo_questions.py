"""Issue 13: the demo's practices carry exception counts, and one practice's are a question."""

from sqlalchemy import select

from qframe.demo import DEMO_PASSWORD, STEPS, load_demo
from qframe.demo.practices import CODE, HIGH_INDICATOR
from qframe.engine.intervals import wilson_interval
from qframe.frameworks.models import Framework, Indicator
from qframe.measurements.models import Measurement
from qframe.orgs.models import Organisation
from qframe.scoring.models import ScoreRun
from tests.conftest import sign_in


def test_the_demo_commissioner_is_asked_about_one_practices_exceptions(db, client):
    load_demo("small", 7, echo=lambda _line: None)
    # Runs last, so no earlier step's random draws (and so no existing figure) change.
    assert STEPS[-1] == "qframe.demo.practices"
    framework = db.session.scalar(select(Framework).where(Framework.code == CODE))
    rows = db.session.execute(
        select(Organisation.name, Indicator.code, Measurement)
        .join(Organisation, Organisation.id == Measurement.organisation_id)
        .join(Indicator, Indicator.id == Measurement.indicator_id)
        .where(Measurement.framework_id == framework.id)
    ).all()
    assert len(rows) == 30 * 8
    for _name, _code, m in rows:
        # QOF's denominators are net of exceptions: achievement is numerator / denominator.
        assert m.exclusions is not None
        assert m.exclusions >= 0
        assert 0 <= m.numerator <= m.denominator
    # The exception rate e / (d + e) on DM007(S), recomputed from the stored counts.
    rates = {
        name: (m.exclusions, m.denominator + m.exclusions)
        for name, code, m in rows
        if code == HIGH_INDICATOR
    }
    high = max(rates, key=lambda n: rates[n][0] / rates[n][1])
    others = [e / n for name, (e, n) in rates.items() if name != high]
    assert rates[high][0] / rates[high][1] > 0.2 > max(others)
    pooled = sum(e for e, _n in rates.values()) / sum(n for _e, n in rates.values())

    run = db.session.scalar(select(ScoreRun).where(ScoreRun.framework_id == framework.id))
    assert sign_in(client, "commissioner@demo.qframe.test", DEMO_PASSWORD).status_code == 302
    html = client.get(f"/variation/runs/{run.id}/questions").get_data(as_text=True)
    assert html.count('data-testid="question"') == 1
    assert f"Why does {high} except so many patients from {HIGH_INDICATOR}?" in html
    e, n = rates[high]
    ci = wilson_interval(e, n)
    assert (
        f"{e:,} of {n:,} eligible patients excepted ({ci.value:.1f}%, 95% interval "
        f"{ci.low:.1f}–{ci.high:.1f}%) against {100 * pooled:.1f}% across these providers"
    ) in html
