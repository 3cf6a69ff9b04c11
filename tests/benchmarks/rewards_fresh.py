"""One side of the allocation benchmark, in a fresh process: `python rewards_fresh.py SIDE N DIR`.

The process builds a national region of N providers in a new SQLite file under DIR (one ICB,
£0.5m-£50m contracts, points 0-1,000, 5% with breaches), finalises its scores and commits;
every module either side uses is imported first (a running application has them). Then it
collects garbage, resets the peak resident set (VmHWM) and runs one side once:

- "qframe": `propose_run` (read, build, solve, round, explain, store);
- "limit": one plain read, the closed form in numpy, pence by rounding down, one executemany
  into the same lines table (no explanation text, no largest remainder, no checks), with the
  cyclic garbage collector paused as `propose_run` pauses it.

It prints one JSON line: CPU and wall seconds, the resident set when the call started, the
peak during the call, and (qframe) what was stored and the largest |LP - closed form|, checked
against the exact closed form after the measurement.
"""

from __future__ import annotations

import gc
import json
import random
import sys
from decimal import Decimal
from pathlib import Path

import numpy as np
from sqlalchemy import func, insert, select

from qframe.app import create_app
from qframe.extensions import db
from qframe.gcpause import collector_paused
from qframe.optimiser import Recipient, closed_form_allocation
from qframe.orgs.models import Organisation
from qframe.rewards.models import AllocationLine, AllocationRun
from qframe.rewards.policy import parse_policy
from qframe.rewards.services import propose_run
from qframe.scoring.models import ProviderScore
from qframe.scoring.runs import finalise_run

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "rewards"))
import rewards_builders  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_measure import closed_form_arrays, measure  # noqa: E402

Fact = tuple[str, int, float, bool]


def region(n: int, seed: int = 2025) -> tuple[int, list[Fact]]:
    """One ICB with n providers: £0.5m–£50m contracts, points 0–1,000 and 5% with breaches."""
    rng = random.Random(seed)
    icb = Organisation(code="BICB", name="Benchmark ICB", kind="commissioner")
    db.session.add(icb)
    db.session.flush()
    facts = []
    for i in range(n):
        contract = rng.randint(50_000_000, 5_000_000_000)
        points = rng.randint(0, 100_000) / 100
        facts.append((f"P{i:06d}", contract, points, rng.random() < 0.05))
    db.session.execute(
        insert(Organisation.__table__),
        [{"code": c, "name": f"Provider {c}", "kind": "acute", "parent_id": icb.id,
          "contract_value_pence": v, "version": 1} for c, v, _e, _b in facts],
    )  # fmt: skip
    return icb.id, facts


def scores(framework, facts: list[Fact]) -> None:  # type: ignore[no-untyped-def]
    run = rewards_builders.make_scores(framework, [], final=False)
    ids = dict(db.session.execute(select(Organisation.code, Organisation.id)).all())
    db.session.execute(
        insert(ProviderScore.__table__),
        [{"run_id": run.id, "organisation_id": ids[c], "points": p, "max_points": 1000.0,
          "entitlement_pence": None, "breaches": int(b), "alerts": 0, "alarms": 0}
         for c, _v, p, b in facts],
    )  # fmt: skip
    finalise_run(None, run)


LINE_SQL = (
    "INSERT INTO allocation_lines (run_id, organisation_id, weight, cap_pence, floor_pence, "
    "gate, amount_pence, reason, breaches, explanation) VALUES ({})"
)


def limit(framework, period, score_run_id: int, pot: int) -> int:  # type: ignore[no-untyped-def]
    """The floor under an allocation run (see the module's docstring)."""
    holder = AllocationRun(
        framework_id=framework.id, period_id=period.id, score_run_id=score_run_id,
        score_version=1, policy={}, pot_pence=pot, inputs_hash="limit", status="failed",
    )  # fmt: skip
    db.session.add(holder)
    db.session.flush()
    mark = "?" if db.session.get_bind().dialect.name == "sqlite" else "%s"
    cursor = db.session.connection().connection.driver_connection.cursor()
    cursor.execute(
        "SELECT s.organisation_id, o.contract_value_pence, s.points, s.breaches "
        "FROM provider_scores s JOIN organisations o ON o.id = s.organisation_id "
        f"WHERE s.run_id = {mark} ORDER BY o.code",  # noqa: S608 - a placeholder only
        (score_run_id,),
    )
    rows = cursor.fetchall()
    orgs, contract, points, breaches = (np.array(column) for column in zip(*rows, strict=True))
    caps = contract * 25 // 1000
    clean = breaches == 0
    floors = np.where(clean, 1000_00, 0)
    gates = np.where(clean, 1.0, 0.5)
    _rate, y = closed_form_arrays(gates * points, caps - floors, pot - floors.sum())
    pence = np.floor(floors + y).astype(np.int64)
    out = list(
        zip(
            [holder.id] * len(rows), orgs.tolist(), map(repr, points.tolist()), caps.tolist(),
            floors.tolist(), map(repr, gates.tolist()), pence.tolist(), ["share"] * len(rows),
            breaches.tolist(), [""] * len(rows), strict=True,
        )
    )  # fmt: skip
    insert_sql = LINE_SQL.format(", ".join([mark] * 10))
    for start in range(0, len(out), 10_000):
        cursor.executemany(insert_sql, out[start : start + 10_000])
    return len(out)


def main(side: str, n: int, directory: str) -> dict[str, object]:
    url = f"sqlite:///{Path(directory) / f'{side}-{n}.sqlite3'}"
    app = create_app({"QFRAME_ENV": "testing", "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        db.create_all()
        icb_id, facts = region(n)
        framework = rewards_builders.make_framework(db.session.get(Organisation, icb_id))
        scores(framework, facts)
        db.session.commit()
        # points weigh, caps are 2.5% of contract, a £1,000 floor, breaches halve the share
        pot = sum(v * 25 // 1000 for _c, v, _p, _b in facts) * 6 // 10
        policy = parse_policy({"weight": "points", "floor": "1000", "breach_gate": "0.5"})
        period = rewards_builders.get_or_create_period("2025/26")
        score_run_id = db.session.scalar(select(ProviderScore.run_id).limit(1))
        db.session.commit()
        gc.collect()
        if side == "limit":
            # the limit runs with the garbage collector paused too, as propose_run does
            with collector_paused():
                measured = measure(lambda: limit(framework, period, score_run_id, pot))
            db.session.commit()
            out: dict[str, object] = {"lines": measured.result}
        else:
            measured = measure(lambda: propose_run(None, framework, period, pot, policy))
            db.session.commit()
            run = measured.result.run
            stored = db.session.scalar(
                select(func.sum(AllocationLine.amount_pence)).where(AllocationLine.run_id == run.id)
            )
            count = db.session.scalar(select(func.count()).where(AllocationLine.run_id == run.id))
            recipients = [
                Recipient(c, Decimal(repr(p)), v * 25 // 1000, 0 if b else 1000_00,
                          Decimal("0.5") if b else Decimal(1))
                for c, v, p, b in sorted(facts)
            ]  # fmt: skip
            _rate, exact = closed_form_allocation(recipients, pot)
            lp = measured.result.allocation.lp_amounts_pence
            worst = max(abs(x - y) for x, y in zip(lp, exact, strict=True))
            out = {
                "lines": count, "stored_pence": int(stored), "total_pence": run.total_pence,
                "pot_pence": pot, "worst_pence": worst, "solve_seconds": run.solve_seconds,
            }  # fmt: skip
        db.engine.dispose()
    return out | {
        "cpu": measured.cpu, "wall": measured.wall, "peak_mib": measured.peak_mib,
        "start_mib": measured.start_mib, "how": measured.how,
    }  # fmt: skip


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], int(sys.argv[2]), sys.argv[3])))
