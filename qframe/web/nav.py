"""The navigation registry: one entry per page a role can start from.

The header menu and each role's home page are both drawn from this list, so a feature adds
itself here once. Entries whose endpoint is not registered are skipped.
"""

from __future__ import annotations

from dataclasses import dataclass

from qframe.auth.permissions import can_role as capability_held


@dataclass(frozen=True)
class NavItem:
    label: str
    endpoint: str
    capability: str  # a capability in qframe.auth.permissions.CAPABILITIES
    description: str


NAV: list[NavItem] = [
    NavItem(
        "Organisations",
        "orgs.index",
        "browse",
        "Browse the commissioner, providers, service lines and wards you work with.",
    ),
    NavItem(
        "Frameworks",
        "frameworks.index",
        "browse",
        "The indicator frameworks providers are measured against: thresholds, points, versions.",
    ),
    NavItem(
        "Measurements",
        "measurements.index",
        "submit_measurements",
        "Enter, upload and declare indicator data; see each value's last 12 periods.",
    ),
    NavItem(
        "Data collection",
        "measurements_manage.index",
        "manage_collection",
        "Collection windows, who has submitted and declared, approving declarations.",
    ),
    NavItem(
        "Scores",
        "scoring.index",
        "browse",
        "Scores per framework and period: scorecards, entitlement, ward SPC charts.",
    ),
    NavItem(
        "Scoring and variation",
        "scoring_manage.index",
        "manage_scoring",
        "Score and finalise periods; every provider at a glance; funnel plots; calibration.",
    ),
    NavItem(
        "Users",
        "users.index",
        "manage_users",
        "Create users, set their role and scope, disable accounts.",
    ),
    NavItem(
        "My budgets",
        "budgets.index",
        "move_budget",
        "Your service line and ward budgets: position, forecast, and moving money (virement).",
    ),
    NavItem(
        "Budgets",
        "budgets_manage.index",
        "manage_budgets",
        "Providers' budget holders, overspends, virement approvals, funding and ledger import.",
    ),
    NavItem(
        "Audit log", "audit.index", "read_audit", "Every change: who, what, when, before and after."
    ),
    NavItem(
        "Staff appraisal",
        "appraisal.index",
        "manage_staff",
        "Your staff's appraisals and revalidation: due, overdue, done; objectives and plans.",
    ),
    NavItem(
        "Appraisal rates",
        "appraisal.rates",
        "browse",
        "Share of staff appraised in the last 12 months, per service line and ward, with trend.",
    ),
    NavItem(
        "Leadership pipeline",
        "appraisal.leadership",
        "manage_staff",
        "Clinicians who want to lead, how ready they are and their development actions.",
    ),
    NavItem("My appraisal", "appraisal.mine", "browse", "Your own appraisal record, if linked."),
    NavItem(
        "Reward allocations",
        "rewards.index",
        "manage_rewards",
        "Share a reward pot by policy on final scores; propose, approve, compare, pay.",
    ),
    NavItem(
        "Our award",
        "rewards_award.index",
        "read_own_awards",
        "Your reward from each approved allocation, and what capped or reduced it.",
    ),
    NavItem(
        "Scheduled jobs", "scheduler.index", "run_jobs", "Scheduled jobs and every run's outcome."
    ),
    NavItem(
        "Escalation ladder",
        "escalation.index",
        "manage_escalation",
        "Every provider's support level, what changed since last period and why; support plans.",
    ),
    NavItem(
        "Local commitments",
        "commitments.index",
        "read_commitments",
        "What providers promise their populations, with status worked out from the data.",
    ),
    NavItem(
        "Baseline assessments",
        "assessment.index",
        "read_assessments",
        "Each organisation's honest self-assessment of quality and governance, reviewed.",
    ),
    NavItem(
        "Development plans",
        "devplans.index",
        "read_development_plans",
        "Actions with owners and dated milestones, judged by the data or signed off.",
    ),
    NavItem(
        "Governance visits",
        "visits.index",
        "manage_visits",
        "The three-yearly visit cycle per local health system, findings and recommendations.",
    ),
    NavItem(
        "Local health economies",
        "economy.index",
        "read_health_economy",
        "One ICB across its providers: shared indicators, levels, correlated falls.",
    ),
    NavItem(
        "Good practice",
        "learning.index",
        "read_good_practice",
        "What providers at or beyond the benchmark did, offered to those struggling.",
    ),
    NavItem(
        "Improvement plans",
        "improvement.index",
        "manage_improvement_plans",
        "Which improvement projects to fund and when: timeline, trade-off curve, reasons.",
    ),
    NavItem(
        "Improvement projects",
        "improvement.funded",
        "read_funded_projects",
        "Your projects in approved health improvement plans, funded or not and why.",
    ),
    NavItem(
        "Publications",
        "publication.index",
        "browse",
        "Published results for the board, providers and the public; annual quality reports.",
    ),
]


def items_for(role: str) -> list[NavItem]:
    return [item for item in NAV if capability_held(role, item.capability)]
