"""QOF cash flow posted from final scores: aspiration payments, the achievement payment net of
them, an adjustment when the final scores change, and the practice's statement page and CSV."""

from __future__ import annotations

import copy
import csv
import io
import json

import pytest

from qframe.errors import Immutable
from qframe.extensions import db as _db
from qframe.frameworks.services import import_framework, parse_framework, publish_framework
from qframe.measurements.services import import_csv
from qframe.payments.models import PaymentLine
from qframe.periods.models import get_or_create_period
from qframe.scoring.runs import finalise_run, score_period

QOF = {
    "code": "QOFT", "title": "QOF test", "year": "2024/25", "setting": "primary_care",
    "payment": {"model": "points", "pound_per_point": "200", "national_list_size": "8000"},
    "domains": [{"code": "CL", "title": "Clinical"}],
    "indicators": [
        {"code": "BP", "domain": "CL", "title": "Blood pressure", "measure": "proportion",
         "polarity": "higher_is_better", "level": "provider",
         "scoring": {"method": "threshold", "max_points": "10", "lower": "0", "upper": "100"}},
    ],
}  # fmt: skip
HEAD = "org_code,indicator_code,period,numerator,denominator\n"


def year(tree, label: str, numerator: int):  # type: ignore[no-untyped-def]
    data = copy.deepcopy(QOF)
    data["year"] = label
    framework = publish_framework(
        None, import_framework(None, parse_framework(json.dumps(data)), tree.icb)
    )
    text = f"{HEAD}{tree.practice.code},BP,{label},{numerator},100\n"
    import_csv(None, framework, text.encode())
    finalise_run(None, score_period(None, framework, get_or_create_period(label)))
    return framework


def test_qof_aspiration_achievement_and_adjustment_lines_and_the_statement(
    db, tree, runner, client, login_as
):
    tree.practice.list_size = 8000  # the national average: list-size adjustment 1
    year(tree, "2024/25", 50)  # 5 points last year
    this = year(tree, "2025/26", 80)  # 8 points this year
    result = runner.invoke(args=["payments", "post", "--framework", "QOFT"])
    assert result.exit_code == 0, result.output
    lines = _db.session.query(PaymentLine).order_by(PaymentLine.id).all()
    # Aspiration value: last year's 5 points × this year's £200 = £1,000; 70% = 70,000p over
    # 12 months = 5,833 r 4: the first four months 5,834p.
    assert [line.pence for line in lines[:12]] == [5_834] * 4 + [5_833] * 8
    # Achievement: 8 points × £200 = 160,000p earned, minus 70,000p paid on account.
    assert (lines[12].kind, lines[12].pence) == ("achievement", 90_000)
    # The declaration changes after payment: 90/100 → 9 points → 180,000p; a new line.
    text = f"{HEAD}{tree.practice.code},BP,2025/26,90,100\n"
    import_csv(None, this, text.encode())
    finalise_run(None, score_period(None, this, get_or_create_period("2025/26")))
    runner.invoke(args=["payments", "post", "--framework", "QOFT"])
    lines = _db.session.query(PaymentLine).order_by(PaymentLine.id).all()
    assert (len(lines), lines[-1].kind, lines[-1].pence) == (14, "adjustment", 20_000)
    lines[0].pence = 1
    with pytest.raises(Immutable):
        _db.session.flush()
    _db.session.rollback()
    login_as("commissioner", [tree.icb])
    page = client.get(f"/payments/orgs/{tree.practice.id}").get_data(as_text=True)
    assert 'data-testid="net">£1,800.00<' in page
    out = client.get(f"/payments/orgs/{tree.practice.id}/statement.csv").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["month"] for r in rows[:2]] == ["2025-04", "2025-05"]
    assert (rows[12]["kind"], rows[12]["amount"], rows[12]["month"]) == (
        "achievement", "900.00", "year end",
    )  # fmt: skip


def test_posting_without_final_scores_is_refused(db, tree, runner):
    data = copy.deepcopy(QOF)
    publish_framework(None, import_framework(None, parse_framework(json.dumps(data)), tree.icb))
    result = runner.invoke(args=["payments", "post", "--framework", "QOFT"])
    assert result.exit_code == 1
    assert "no final scores for 2024/25" in result.output
    assert _db.session.query(PaymentLine).count() == 0
