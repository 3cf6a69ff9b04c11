"""Budget fixtures: a holder with lines phased 1/12 and actuals posted for the first months."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import func, select

from qframe.budgets.calc import phase_evenly
from qframe.budgets.models import BudgetActual, BudgetHolder, BudgetLine, LedgerImport, Virement
from qframe.budgets.services import ensure_line, open_holder
from qframe.orgs.models import Organisation

YEAR = "2025/26"


@pytest.fixture
def make_budget(db: Any) -> Callable[..., BudgetHolder]:
    """A holder for `org` with annual budgets (pence) and monthly actuals (pence, April first)."""

    def factory(
        org: Organisation,
        budgets: dict[str, int],
        actuals: dict[str, list[int]] | None = None,
        limit: int | None = None,
        year: str = YEAR,
    ) -> BudgetHolder:
        holder = db.session.scalar(
            select(BudgetHolder).where(BudgetHolder.organisation_id == org.id)
        ) or open_holder(None, org, limit)
        for category, annual in budgets.items():
            ensure_line(holder, year, category).phases = phase_evenly(annual)
        db.session.flush()
        if actuals:
            record = LedgerImport(
                year=year, content_hash="fixture", rows=0, total_pence=0, replaced=[]
            )
            db.session.add(record)
            db.session.flush()
            for category, amounts in actuals.items():
                line = ensure_line(holder, year, category)
                for month, amount in enumerate(amounts, start=1):
                    db.session.add(
                        BudgetActual(
                            line_id=line.id, month=month, amount_pence=amount, import_id=record.id
                        )
                    )
            db.session.flush()
        return holder

    return factory


@pytest.fixture
def snapshot(db: Any) -> Callable[[], tuple[object, ...]]:
    """Everything a budget change could touch, to assert that a refusal changed nothing."""

    def take() -> tuple[object, ...]:
        lines = db.session.execute(
            select(BudgetLine.id, BudgetLine.annual_pence, BudgetLine.version).order_by(
                BudgetLine.id
            )
        ).all()
        actuals = db.session.execute(
            select(BudgetActual.line_id, BudgetActual.month, BudgetActual.amount_pence).order_by(
                BudgetActual.line_id, BudgetActual.month
            )
        ).all()
        virements = db.session.execute(
            select(Virement.id, Virement.status).order_by(Virement.id)
        ).all()
        imports = db.session.scalar(select(func.count()).select_from(LedgerImport))
        return (tuple(lines), tuple(actuals), tuple(virements), imports)

    return take
