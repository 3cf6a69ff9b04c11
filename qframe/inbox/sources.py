"""The built-in inbox sources: approvals, declarations, virements, appraisals, windows."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, cast

from flask import url_for
from sqlalchemy import func, select

from qframe.auth.permissions import can, in_scope_clause
from qframe.extensions import db
from qframe.inbox.registry import InboxItem, source
from qframe.web.templating import money

LIMIT = 50
CLOSING_SOON = timedelta(days=7)


@source("Allocation runs awaiting your approval", capability="approve_rewards")
def runs_to_approve(user: Any, today: date) -> list[InboxItem]:
    from qframe.rewards.models import AllocationRun
    from qframe.rewards.reports import visible_runs

    stmt = visible_runs(user).where(AllocationRun.status == "proposed")
    if not can(user, "all_organisations"):  # admin sees every proposed run, as before
        stmt = stmt.where(AllocationRun.created_by_id.is_not(None))
        stmt = stmt.where(AllocationRun.created_by_id != user.id)
    return [
        InboxItem(
            f"Run {r.id}: {r.framework.code} v{r.framework.version} {r.period.label}",
            f"{money(r.total_pence)} to {r.recipient_count:,} providers, proposed by "
            f"{r.created_by.email if r.created_by else 'nobody named'}",
            url_for("rewards.show", run_id=r.id),
            "Review and approve",
            r.created_at.date(),
        )
        for r in cast(list[AllocationRun], db.session.scalars(stmt.limit(LIMIT)).unique().all())
    ]


@source("Declarations to approve", capability="approve_declarations")
def declarations_to_approve(user: Any, today: date) -> list[InboxItem]:
    from qframe.frameworks.models import Framework
    from qframe.measurements.models import Declaration
    from qframe.orgs.models import Organisation
    from qframe.periods.models import Period

    rows = db.session.execute(
        select(Declaration, Framework, Organisation, Period)
        .join(Framework, Framework.id == Declaration.framework_id)
        .join(Organisation, Organisation.id == Declaration.organisation_id)
        .join(Period, Period.id == Declaration.period_id)
        .where(
            Declaration.status == "declared",
            in_scope_clause(Declaration.organisation_id, user),
        )
        .order_by(Declaration.declared_at)
        .limit(LIMIT)
    )
    return [
        InboxItem(
            f"{org.name}: {fw.code} {period.label}",
            "Declared complete: approve it or return it with a comment",
            url_for("measurements_manage.dashboard", framework_id=fw.id, period=period.label),
            "Approve or return",
            decl.declared_at.date() if decl.declared_at else None,
        )
        for decl, fw, org, period in rows
    ]


@source("Virements waiting for finance", capability="manage_budgets")
def virements_pending(user: Any, today: date) -> list[InboxItem]:
    from qframe.budgets.models import BudgetHolder, Virement
    from qframe.orgs.models import Organisation

    rows = db.session.execute(
        select(Virement, Organisation)
        .join(BudgetHolder, BudgetHolder.id == Virement.holder_id)
        .join(Organisation, Organisation.id == BudgetHolder.organisation_id)
        .where(Virement.status == "pending", in_scope_clause(Organisation.id, user))
        .order_by(Virement.requested_at)
        .limit(LIMIT)
    )
    return [
        InboxItem(
            f"{money(v.amount_pence)} for {org.name}",
            v.reason,
            url_for("budgets_manage.virement", virement_id=v.id),
            "Approve or reject",
            v.requested_at.date(),
        )
        for v, org in rows
    ]


@source("Overdue appraisals", capability="receive_appraisal_reminders")
def overdue_appraisals(user: Any, today: date) -> list[InboxItem]:
    from qframe.appraisal.models import Appraisal, StaffMember

    rows = db.session.execute(
        select(Appraisal, StaffMember)
        .join(StaffMember, StaffMember.id == Appraisal.staff_id)
        .where(
            Appraisal.due_date < today,
            Appraisal.status.not_in(("completed", "signed_off")),
            # one scope clause per query: a ward's staff by ward, the others by service line
            in_scope_clause(func.coalesce(StaffMember.ward_id, StaffMember.service_line_id), user),
        )
        .order_by(Appraisal.due_date)
        .limit(LIMIT)
    )
    return [
        InboxItem(
            f"{staff.name}: appraisal {a.year}",
            f"Was due {a.due_date:%-d %b %Y} ({(today - a.due_date).days} days ago)",
            url_for("appraisal.appraisal", appraisal_id=a.id),
            "Open the appraisal",
            a.due_date,
        )
        for a, staff in rows
    ]


@source("Collection windows closing this week", capability="see_windows_closing")
def windows_closing(user: Any, today: date) -> list[InboxItem]:
    from qframe.frameworks.models import Framework
    from qframe.measurements.models import CollectionWindow

    rows = db.session.scalars(
        select(CollectionWindow)
        .join(Framework, Framework.id == CollectionWindow.framework_id)
        .where(
            CollectionWindow.closed_at.is_(None),
            CollectionWindow.opens_on <= today,
            CollectionWindow.closes_on >= today,
            CollectionWindow.closes_on <= today + CLOSING_SOON,
            Framework.status == "published",
        )
        .order_by(CollectionWindow.closes_on)
        .limit(LIMIT)
    )
    return [
        InboxItem(
            f"{w.framework.code} {w.period.label} closes {w.closes_on:%-d %b %Y}",
            "Enter or upload every value before it closes",
            url_for("measurements.index"),
            "Enter data",
            w.closes_on,
        )
        for w in rows
    ]
