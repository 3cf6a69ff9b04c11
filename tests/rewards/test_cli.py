"""`qframe allocations run | approve | export`: the same services, errors in one line, exit 1."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

from sqlalchemy import func, select

from qframe.orgs.models import Organisation
from qframe.rewards.models import AllocationRun


def count(db) -> int:
    return db.session.scalar(select(func.count()).select_from(AllocationRun))


def run_args(*extra):
    return ["allocations", "run", "--framework", "RQF", "--period", "2025/26", *extra]


def test_run_approve_and_export_from_the_command_line(db, runner, scores, maker, checker, tmp_path):
    policy = tmp_path / "policy.json"
    policy.write_text(json.dumps({"recipients": "provider", "breach_gate": 0.5}))
    result = runner.invoke(
        args=run_args("--pot", "1000000", "--policy", str(policy), "--as", maker.email)
    )
    assert result.exit_code == 0, result.output
    run_id = int(result.stdout.strip())
    run = db.session.get(AllocationRun, run_id)
    assert (run.status, run.created_by_id, run.policy["breach_gate"]) == (
        "proposed",
        maker.id,
        "0.5",
    )
    assert "Solving for 2 recipients" in result.stderr
    refused = runner.invoke(args=["allocations", "approve", str(run_id), "--as", maker.email])
    assert refused.exit_code == 1
    assert "another finance user must approve it" in refused.output
    approved = runner.invoke(args=["allocations", "approve", str(run_id), "--as", checker.email])
    assert approved.exit_code == 0, approved.output
    assert db.session.get(AllocationRun, run_id).status == "approved"
    out = tmp_path / "schedule.csv"
    exported = runner.invoke(args=["allocations", "export", str(run_id), "-o", str(out)])
    assert exported.exit_code == 0, exported.output
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert sum(Decimal(r["amount"]) for r in rows) == Decimal("1000000.00")
    to_stdout = runner.invoke(args=["allocations", "export", str(run_id)])
    assert to_stdout.stdout.startswith("org_code,weight,cap,floor,gate,amount,reason")


def test_bad_command_line_input_exits_1_with_one_line_and_writes_nothing(
    db, runner, tree, framework, scores, maker, tmp_path, build
):
    unknown = tmp_path / "unknown.json"
    unknown.write_text('{"recipients": "provider", "amount": "5"}')
    build.make_scores(framework, [(tree.trust_a, {"entitlement_pence": 5})], final=False,
                      period="2025/26 Q1")  # fmt: skip
    db.session.commit()  # each refused command rolls back: keep the set-up
    cases = [
        (run_args("--pot", "-100"), "cannot be negative"),
        (run_args("--pot", "ten"), "amount in pounds"),
        (run_args("--pot", "100", "--policy", str(unknown)), "unknown key amount"),
        (run_args("--pot", "100", "--policy", str(tmp_path / "missing.json")), "No policy file"),
        (["allocations", "run", "--framework", "RQF", "--period", "2025/26 Q1", "--pot", "100",
          "--as", maker.email], "not final"),
        (run_args("--pot", "100", "--as", "nobody@example.test"), "No active user"),
        (["allocations", "approve", "999", "--as", maker.email], "No such allocation run"),
        (["allocations", "export", "999"], "No allocation run 999"),
    ]  # fmt: skip
    for args, words in cases:
        result = runner.invoke(args=args)
        assert result.exit_code == 1, args
        assert words in result.stderr, (args, result.stderr)
        assert result.stderr.startswith("Error: ")
    assert count(db) == 0


def test_a_failed_solve_is_stored_and_reported_with_exit_1(
    app, db, runner, scores, maker, monkeypatch
):
    monkeypatch.setitem(app.config, "REWARDS_SOLVER_TIME_LIMIT", 1e-9)
    result = runner.invoke(args=run_args("--pot", "1000", "--as", maker.email))
    assert result.exit_code == 1
    assert "FAILED" in result.stderr
    run = db.session.get(AllocationRun, int(result.stdout.strip()))
    assert run.status == "failed"
    export = runner.invoke(args=["allocations", "export", str(run.id)])
    assert export.exit_code == 1
    assert "no payment schedule" in export.stderr


def test_proposing_without_saying_who_is_refused_and_stores_nothing(db, runner, scores):
    result = runner.invoke(args=run_args("--pot", "1000000"))
    assert result.exit_code == 1
    assert "Say who proposes with --as EMAIL" in result.stderr
    assert count(db) == 0


def test_a_draft_schedule_says_draft_in_its_file_name_and_every_row(
    db, runner, scores, maker, checker, tmp_path
):
    proposed = runner.invoke(args=run_args("--pot", "1000000", "--as", maker.email))
    run_id = int(proposed.stdout.strip())
    out = tmp_path / "s.csv"
    draft = runner.invoke(args=["allocations", "export", str(run_id), "-o", str(out)])
    assert draft.exit_code == 0, draft.output
    assert not (tmp_path / "s.csv").exists()
    rows = list(csv.DictReader(io.StringIO((tmp_path / "s-DRAFT.csv").read_text())))
    assert rows
    assert {r["status"] for r in rows} == {"DRAFT"}
    assert {r["approved_by"] for r in rows} == {""}
    runner.invoke(args=["allocations", "approve", str(run_id), "--as", checker.email])
    out = tmp_path / "a.csv"
    final = runner.invoke(args=["allocations", "export", str(run_id), "-o", str(out)])
    assert final.exit_code == 0, final.output
    rows = list(csv.DictReader(io.StringIO((tmp_path / "a.csv").read_text())))
    assert {r["status"] for r in rows} == {"APPROVED"}
    stamps = {(r["run"], r["framework"], r["period"]) for r in rows}
    assert stamps == {(str(run_id), "RQF", "2025/26")}
    assert all(maker.email in r["proposed_by"] for r in rows)
    assert all(checker.email in r["approved_by"] for r in rows)
    names = {o.code: o.name for o in db.session.scalars(select(Organisation))}
    assert all(r["org_name"] == names[r["org_code"]] for r in rows)
