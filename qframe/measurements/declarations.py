"""Declaration and approval (the CQRS workflow) and the completeness of a period's data."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import select

from qframe.audit import services as audit
from qframe.audit.models import utcnow
from qframe.auth.models import User
from qframe.auth.scope import scope_org_ids
from qframe.errors import Conflict, DomainError, Problem, ValidationFailed
from qframe.extensions import db
from qframe.frameworks.models import Framework, Indicator
from qframe.measurements.models import Declaration, Measurement
from qframe.measurements.rows import LEVEL_KINDS, collection_kind
from qframe.orgs.models import PROVIDER_KINDS, Organisation
from qframe.periods.models import Period

STATUS_LABELS = {
    None: "awaiting declaration",
    "awaiting": "awaiting declaration",
    "returned": "returned for correction",
    "declared": "declared, awaiting approval",
    "approved": "approved",
}


@dataclass
class ProviderCompleteness:
    """One provider's data for a framework period: expected, submitted, missing, declaration."""

    provider: Organisation
    expected: int = 0
    submitted: int = 0
    missing: int = 0
    declaration: Declaration | None = None
    gaps: list[tuple[str, str]] = field(default_factory=list)  # (org code, indicator code)

    @property
    def status(self) -> str:
        return STATUS_LABELS[self.declaration.status if self.declaration else None]

    @property
    def complete(self) -> bool:
        return self.expected > 0 and self.submitted >= self.expected


def expected_indicators(framework: Framework, period: Period) -> list[Indicator]:
    """Indicators collected in a period of this kind (typed, not computed)."""
    return [
        i
        for i in framework.indicators
        if i.data_source == "submitted"
        and collection_kind(framework.setting, i.level, i.frequency) == period.kind
    ]


def completeness(
    framework: Framework,
    period: Period,
    user: User | None,
    provider_ids: Iterable[int] | None = None,
) -> list[ProviderCompleteness]:
    """Per provider in the user's scope: how many expected values are in, and the declaration."""
    scope = scope_org_ids(user) if user is not None else None
    orgs = db.session.scalars(select(Organisation).where(Organisation.closed_on.is_(None))).all()
    by_id = {o.id: o for o in orgs}
    wanted = set(provider_ids) if provider_ids is not None else None

    def provider(org: Organisation) -> Organisation | None:
        current: Organisation | None = org
        while current is not None and current.kind not in PROVIDER_KINDS:
            current = by_id.get(current.parent_id) if current.parent_id else None
        return current

    result: dict[int, ProviderCompleteness] = {}
    applicable: dict[int, list[Organisation]] = defaultdict(list)
    for org in orgs:
        top = provider(org)
        if top is None or (scope is not None and org.id not in scope):
            continue
        if wanted is not None and top.id not in wanted:
            continue
        if framework.setting != "mixed" and top.kind != framework.setting:
            continue
        if framework.owner_id is not None and top.parent_id != framework.owner_id:
            continue
        result.setdefault(top.id, ProviderCompleteness(top))
        applicable[top.id].append(org)
    indicators = expected_indicators(framework, period)
    stored = {
        (o, i): missing
        for o, i, missing in db.session.execute(
            select(
                Measurement.organisation_id, Measurement.indicator_id, Measurement.missing
            ).where(Measurement.framework_id == framework.id, Measurement.period_id == period.id)
        )
    }
    for pid, members in applicable.items():
        entry = result[pid]
        for ind in indicators:
            for org in members:
                if org.kind not in LEVEL_KINDS[ind.level]:
                    continue
                entry.expected += 1
                if (org.id, ind.id) in stored:
                    entry.submitted += 1
                    entry.missing += stored[(org.id, ind.id)]
                else:
                    entry.gaps.append((org.code, ind.code))
    for decl in db.session.scalars(
        select(Declaration).where(
            Declaration.framework_id == framework.id, Declaration.period_id == period.id
        )
    ):
        if decl.organisation_id in result:
            result[decl.organisation_id].declaration = decl
    return sorted(result.values(), key=lambda c: c.provider.code)


def declare(
    actor: User | None, framework: Framework, provider: Organisation, period: Period
) -> Declaration:
    """A provider lead declares a period's data complete for the provider and all under it."""
    if framework.status != "published":
        raise DomainError(f"{framework.code} is {framework.status}: data can no longer be declared")
    (entry,) = completeness(framework, period, None, [provider.id]) or [
        ProviderCompleteness(provider)
    ]
    if entry.expected == 0:
        raise ValidationFailed(
            f"{provider.code} reports no indicators of {framework.code} in {period.label}"
        )
    if entry.gaps:
        shown = ", ".join(f"{o} {i}" for o, i in entry.gaps[:10])
        more = f" and {len(entry.gaps) - 10} more" if len(entry.gaps) > 10 else ""
        raise ValidationFailed(
            f"{len(entry.gaps)} expected values are not submitted yet: {shown}{more}. "
            "Enter each value, or record it as missing.",
            [
                Problem("incomplete", f"{i} for {o} is not submitted", column=o)
                for o, i in entry.gaps
            ],
        )
    decl = _declaration(framework.id, period.id, provider.id)
    if decl.status in ("declared", "approved"):
        raise Conflict(f"{period.label} is already {STATUS_LABELS[decl.status]}")
    before = decl.status
    decl.status, decl.declared_by_id, decl.declared_at = (
        "declared",
        actor.id if actor else None,
        utcnow(),
    )
    decl.decided_by_id = decl.decided_at = decl.comment = None
    db.session.flush()
    audit.record(
        actor,
        "measurements.declare",
        "declaration",
        decl.id,
        before={"status": before},
        after={
            "status": "declared",
            "framework": framework.code,
            "period": period.label,
            "organisation": provider.code,
            "values": entry.submitted,
        },
    )
    return decl


def decide(
    actor: User | None, decl: Declaration, *, approve: bool, comment: str = ""
) -> Declaration:
    """A commissioner approves declared data (then locked) or returns it with a comment."""
    comment = comment.strip()
    if decl.status != "declared":
        raise Conflict(
            f"Only declared data can be approved or returned; this is {STATUS_LABELS[decl.status]}"
        )
    if not approve and len(comment) < 3:
        raise ValidationFailed(
            "Say what needs correcting",
            [
                Problem(
                    "comment_required",
                    "A comment is required when returning data",
                    column="comment",
                )
            ],
        )
    decl.status = "approved" if approve else "returned"
    decl.decided_by_id, decl.decided_at, decl.comment = (
        actor.id if actor else None,
        utcnow(),
        comment or None,
    )
    db.session.flush()
    audit.record(
        actor,
        f"measurements.{'approve' if approve else 'return'}",
        "declaration",
        decl.id,
        before={"status": "declared"},
        after={"status": decl.status, "comment": comment},
    )
    return decl


def reset_declarations(
    actor: User | None, framework_id: int, keys: set[tuple[int, int]], reason: str
) -> int:
    """Declared or approved (provider, period) pairs whose data changes go back to awaiting."""
    if not keys:
        return 0
    providers = {p for p, _ in keys}
    count = 0
    for decl in db.session.scalars(
        select(Declaration).where(
            Declaration.framework_id == framework_id,
            Declaration.organisation_id.in_(providers),
            Declaration.status.in_(("declared", "approved")),
        )
    ):
        if (decl.organisation_id, decl.period_id) not in keys:
            continue
        before = decl.status
        decl.status = "awaiting"
        db.session.flush()
        audit.record(
            actor,
            "measurements.declaration_reset",
            "declaration",
            decl.id,
            before={"status": before},
            after={"status": "awaiting"},
            detail=reason[:2000],
        )
        count += 1
    return count


def _declaration(framework_id: int, period_id: int, org_id: int) -> Declaration:
    decl = db.session.scalar(
        select(Declaration).where(
            Declaration.framework_id == framework_id,
            Declaration.period_id == period_id,
            Declaration.organisation_id == org_id,
        )
    )
    if decl is None:
        decl = Declaration(
            framework_id=framework_id,
            period_id=period_id,
            organisation_id=org_id,
            status="awaiting",
        )
        db.session.add(decl)
        db.session.flush()
    return decl
