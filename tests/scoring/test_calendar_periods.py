"""Periods are calendar facts: a year with four quarters of data is scored from them."""

from __future__ import annotations

import csv
import io

from sqlalchemy import func, select

from qframe.measurements.services import import_csv
from qframe.periods.models import Period
from qframe.scoring.models import ScoreRun


def test_a_year_is_scored_from_its_four_quarters_and_says_so(
    tqf, tree, runner, client, login_as, db
):
    code = tree.trust_a.code
    quarters = [(1, 10, 20), (2, 12, 20), (3, 15, 20), (4, 18, 20)]
    text = "org_code,indicator_code,period,numerator,denominator\n" + "".join(
        f"{code},P1,2025/26 Q{q},{n},{d}\n" for q, n, d in quarters
    )
    import_csv(None, tqf, text.encode())
    assert db.session.scalar(select(func.count()).where(Period.label == "2025/26")) == 0
    result = runner.invoke(args=["score", "--framework", "TQF", "--period", "2025/26"])
    assert result.exit_code == 0, result.output
    assert "2025/26, from 4 quarters" in result.output
    out = runner.invoke(args=["scores", "export", "--framework", "TQF", "--period", "2025/26"])
    row = next(r for r in csv.DictReader(io.StringIO(out.output)) if r["org_code"] == code)
    # Counts summed over the quarters: 55 / 80 = 68.75%; P1's band 50 → 90 for 10 points:
    # 10 × (68.75 − 50) / 40 = 4.6875.
    assert (row["numerator"], row["denominator"], row["achievement"]) == ("55", "80", "68.75")
    assert row["points"] == "4.6875"
    login_as("commissioner", [tree.icb])
    run = db.session.scalar(select(ScoreRun).order_by(ScoreRun.id.desc()).limit(1))
    page = client.get(f"/scoring/runs/{run.id}/orgs/{tree.trust_a.id}").get_data(as_text=True)
    assert 'data-testid="built-from">, from 4 quarters<' in page
