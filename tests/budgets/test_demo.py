"""Demo budgets: every service line and ward of the small region, some overspending on nursing."""

from __future__ import annotations

import importlib
import random

from sqlalchemy import func, select

from qframe.budgets.models import BudgetHolder, BudgetLine, Virement
from qframe.budgets.reports import holder_report, positions
from qframe.demo import DemoContext
from qframe.orgs.models import Organisation

STEPS = ("qframe.orgs.demo", "qframe.auth.demo", "qframe.budgets.demo")


def run(db, scale: str) -> DemoContext:
    ctx = DemoContext(scale=scale, rng=random.Random(2026), echo=lambda _line: None)
    for name in STEPS:
        importlib.import_module(name).load(ctx)
        db.session.flush()
    return ctx


def test_the_small_demo_budgets_every_service_line_and_ward(db):
    ctx = run(db, "small")
    holders = db.session.scalars(select(BudgetHolder)).all()
    kinds = db.session.scalars(
        select(Organisation.kind).where(Organisation.kind.in_(("service_line", "ward")))
    ).all()
    assert len(holders) == len(kinds)
    limits = {h.organisation.kind: h.delegated_limit_pence for h in holders}
    assert limits == {"ward": 25_000_00, "service_line": 100_000_00}
    pay = db.session.execute(
        select(BudgetLine.holder_id, func.sum(BudgetLine.annual_pence))
        .join(BudgetHolder)
        .join(Organisation)
        .where(Organisation.kind == "ward", BudgetLine.category.like("pay_%"))
        .group_by(BudgetLine.holder_id)
    ).all()
    assert all(2_000_000_00 <= total <= 5_000_000_00 for _holder, total in pay)
    results = positions(holders, "2025/26")
    overspent = [p for p in results if p.flagged]
    assert 3 <= len(overspent) <= 12
    assert all("nursing pay" in p.worst for p in overspent)
    assert {p.closed for p in results} == {9}
    assert any(line.startswith("Budgets 2025/26") for line in ctx.report)


def test_the_demo_nurse_managers_ward_overspends_and_a_virement_waits_for_finance(db):
    ctx = run(db, "small")
    ward = ctx.shared["users"]["nurse.manager@demo.qframe.test"].scope_orgs[0]
    holder = db.session.scalar(select(BudgetHolder).where(BudgetHolder.organisation_id == ward.id))
    assert "overspent on nursing pay" in holder_report(holder, "2025/26").lines[0].status
    statuses = db.session.scalars(select(Virement.status)).all()
    assert sorted(statuses) == ["applied", "pending"]


def test_the_national_demo_adds_no_budgets(db):
    run(db, "national")
    assert db.session.scalar(select(func.count()).select_from(BudgetHolder)) == 0
