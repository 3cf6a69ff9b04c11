"""Budget holders, budget lines with monthly phasing, ledger actuals, virements, reinvestment."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from qframe.audit.models import utcnow
from qframe.auth.models import User
from qframe.budgets.calc import CATEGORIES, INCOME_CATEGORIES, MONTHS
from qframe.extensions import Model
from qframe.orgs.models import Organisation

HOLDER_KINDS = ("service_line", "ward")
VIREMENT_STATUSES = ("applied", "pending", "approved", "rejected")
PHASE_COLUMNS = tuple(f"p{m:02d}_pence" for m in range(1, MONTHS + 1))


class BudgetHolder(Model):
    """A service line (clinical director) or ward (nurse manager) that runs its own budget."""

    __tablename__ = "budget_holders"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), unique=True)
    # The ledger's cost centre: the organisation code (unique and never reused).
    cost_centre: Mapped[str] = mapped_column(String(20), unique=True)
    delegated_limit_pence: Mapped[int] = mapped_column(BigInteger, default=0)
    version: Mapped[int] = mapped_column(Integer, default=1)

    organisation: Mapped[Organisation] = relationship()
    lines: Mapped[list[BudgetLine]] = relationship(back_populates="holder")

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (CheckConstraint("delegated_limit_pence >= 0", name="limit_not_negative"),)

    def __repr__(self) -> str:
        return f"<BudgetHolder {self.cost_centre}>"


class BudgetLine(Model):
    """One category of a holder's budget for a financial year, phased over twelve months.

    NHS ledgers keep the twelve budget periods as columns (M1–M12); so does this table, so that
    every phasing change updates this row and bumps its version.
    """

    __tablename__ = "budget_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    holder_id: Mapped[int] = mapped_column(ForeignKey("budget_holders.id"), index=True)
    year: Mapped[str] = mapped_column(String(7))
    category: Mapped[str] = mapped_column(String(30))
    annual_pence: Mapped[int] = mapped_column(BigInteger, default=0)
    p01_pence: Mapped[int] = mapped_column(BigInteger, default=0)
    p02_pence: Mapped[int] = mapped_column(BigInteger, default=0)
    p03_pence: Mapped[int] = mapped_column(BigInteger, default=0)
    p04_pence: Mapped[int] = mapped_column(BigInteger, default=0)
    p05_pence: Mapped[int] = mapped_column(BigInteger, default=0)
    p06_pence: Mapped[int] = mapped_column(BigInteger, default=0)
    p07_pence: Mapped[int] = mapped_column(BigInteger, default=0)
    p08_pence: Mapped[int] = mapped_column(BigInteger, default=0)
    p09_pence: Mapped[int] = mapped_column(BigInteger, default=0)
    p10_pence: Mapped[int] = mapped_column(BigInteger, default=0)
    p11_pence: Mapped[int] = mapped_column(BigInteger, default=0)
    p12_pence: Mapped[int] = mapped_column(BigInteger, default=0)
    version: Mapped[int] = mapped_column(Integer, default=1)

    holder: Mapped[BudgetHolder] = relationship(back_populates="lines")

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        UniqueConstraint("holder_id", "year", "category"),
        CheckConstraint(f"annual_pence = {' + '.join(PHASE_COLUMNS)}", name="phasing_adds_up"),
    )

    @property
    def phases(self) -> list[int]:
        return [getattr(self, c) for c in PHASE_COLUMNS]

    @phases.setter
    def phases(self, amounts: list[int]) -> None:
        if len(amounts) != MONTHS:
            raise ValueError("twelve monthly amounts are required")
        for column, amount in zip(PHASE_COLUMNS, amounts, strict=True):
            setattr(self, column, amount)
        self.annual_pence = sum(amounts)

    @property
    def label(self) -> str:
        return CATEGORIES.get(self.category, self.category)

    @property
    def is_income(self) -> bool:
        return self.category in INCOME_CATEGORIES


class LedgerImport(Model):
    """One accepted ledger file: who, when, its content hash and what it replaced."""

    __tablename__ = "budget_ledger_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[str] = mapped_column(String(7))
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    filename: Mapped[str] = mapped_column(String(200), default="")
    rows: Mapped[int] = mapped_column(Integer)
    total_pence: Mapped[int] = mapped_column(BigInteger)
    # [[cost_centre, month_no], ...] that this file replaced.
    replaced: Mapped[list[Any]] = mapped_column(JSON, default=list)
    imported_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class BudgetActual(Model):
    """A month's actual for a budget line (April = month 1), as posted in the ledger."""

    __tablename__ = "budget_actuals"

    id: Mapped[int] = mapped_column(primary_key=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("budget_lines.id"), index=True)
    month: Mapped[int] = mapped_column(Integer)
    amount_pence: Mapped[int] = mapped_column(BigInteger)
    import_id: Mapped[int] = mapped_column(ForeignKey("budget_ledger_imports.id"), index=True)

    __table_args__ = (
        UniqueConstraint("line_id", "month"),
        CheckConstraint("month BETWEEN 1 AND 12", name="month_in_year"),
    )


class Virement(Model):
    """Money moved between two lines of one holder; above the delegated limit finance decides."""

    __tablename__ = "budget_virements"

    id: Mapped[int] = mapped_column(primary_key=True)
    holder_id: Mapped[int] = mapped_column(ForeignKey("budget_holders.id"), index=True)
    year: Mapped[str] = mapped_column(String(7))
    from_line_id: Mapped[int] = mapped_column(ForeignKey("budget_lines.id"))
    to_line_id: Mapped[int] = mapped_column(ForeignKey("budget_lines.id"))
    amount_pence: Mapped[int] = mapped_column(BigInteger)
    reason: Mapped[str] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(10), index=True)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    requested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decision_comment: Mapped[str | None] = mapped_column(String(500))
    version: Mapped[int] = mapped_column(Integer, default=1)

    holder: Mapped[BudgetHolder] = relationship()
    from_line: Mapped[BudgetLine] = relationship(foreign_keys=[from_line_id])
    to_line: Mapped[BudgetLine] = relationship(foreign_keys=[to_line_id])
    requested_by: Mapped[User | None] = relationship(foreign_keys=[requested_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (CheckConstraint("amount_pence > 0", name="amount_positive"),)


class Reinvestment(Model):
    """A reward allocation run's credit to a holder's quality reinvestment line (once per run)."""

    __tablename__ = "budget_reinvestments"

    id: Mapped[int] = mapped_column(primary_key=True)
    # No foreign key yet: the rewards feature owns allocation runs.
    allocation_run_id: Mapped[int] = mapped_column(Integer)
    holder_id: Mapped[int] = mapped_column(ForeignKey("budget_holders.id"), index=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("budget_lines.id"))
    year: Mapped[str] = mapped_column(String(7))
    amount_pence: Mapped[int] = mapped_column(BigInteger)
    credited_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (UniqueConstraint("allocation_run_id", "holder_id"),)
