"""A framework's ladder settings: defaults (domain.md §8), parsing and validation, saving."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, fields
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from qframe.audit import services as audit
from qframe.audit.models import utcnow
from qframe.csvio import parse_count, parse_decimal, parse_pence
from qframe.engine.errors import InvalidRules
from qframe.engine.escalation import EscalationRules
from qframe.errors import Conflict, Problem, ValidationFailed
from qframe.extensions import db
from qframe.frameworks.models import Framework

from .models import PERIOD_KINDS, EscalationSettings


@dataclass(frozen=True)
class RuleField:
    name: str  # the form / JSON name
    label: str
    hint: str
    percent: bool = False


RULE_FIELDS = (
    RuleField(
        "alert_level1_count", "Alerts for an emerging concern", "Results beyond the 95% limit"
    ),
    RuleField(
        "breach_level1_count", "Breaches for an emerging concern", "Minimum standards missed"
    ),
    RuleField("breach_level2_indicators", "Indicators in breach for enhanced support", ""),
    RuleField("persist_periods_level2", "Periods a concern persists before enhanced support", ""),
    RuleField(
        "level3_breach_percent",
        "Share of indicators in breach for intensive support (%)",
        "e.g. 25",
        percent=True,
    ),
    RuleField("level3_min_domains", "Domains those breaches must span", ""),
    RuleField(
        "level3_consecutive_periods",
        "Consecutive periods of that pattern for intensive support",
        "",
    ),
    RuleField(
        "clear_periods_to_step_down", "Periods triggers must ease before support steps down", ""
    ),
    RuleField(
        "overspend_percent",
        "Overspend shown as a financial signal beyond (%)",
        "Of the year-to-date budget; shown beside the level, never changes it",
        percent=True,
    ),
)
DEFAULT_PACKAGES = (
    {"id": "peer-review", "name": "Peer review visit", "cost_pence": 5_000_00, "gain": "2"},
    {
        "id": "qi-coach",
        "name": "Quality improvement coach (6 months)",
        "cost_pence": 25_000_00,
        "gain": "5",
    },
    {
        "id": "intensive",
        "name": "Intensive improvement programme",
        "cost_pence": 60_000_00,
        "gain": "10",
    },
)
DEFAULT_BUDGET_PENCE = 100_000_00
DEFAULT_BUDDY_LIMIT = 2
PACKAGE_LINE = re.compile(r"^(?P<name>[^|]{1,120})\|(?P<cost>[^|]+)\|(?P<gain>[^|]+)$")


def default_form() -> dict[str, str]:
    """The domain.md defaults as form text."""
    rules = EscalationRules()
    values = {f.name: str(getattr(rules, f.name)) for f in fields(rules)}
    values["level3_breach_percent"] = _plain(Decimal(str(rules.level3_breach_share)) * 100)
    values["overspend_percent"] = _plain(Decimal(str(rules.overspend_percent)))
    values.pop("level3_breach_share")
    return values


def _plain(number: Decimal) -> str:
    return format(number.normalize(), "f")


def settings_for(framework: Framework) -> EscalationSettings | None:
    return db.session.scalar(
        select(EscalationSettings).where(EscalationSettings.framework_id == framework.id)
    )


def rules_for(framework: Framework) -> EscalationRules:
    """The framework's rules, or domain.md's defaults when none are saved."""
    settings = settings_for(framework)
    return to_rules({**default_form(), **(settings.rules if settings else {})})


def to_rules(values: Mapping[str, str]) -> EscalationRules:
    counts = {f.name: int(values[f.name]) for f in RULE_FIELDS if not f.percent}
    return EscalationRules(
        **counts,
        level3_breach_share=float(Decimal(values["level3_breach_percent"]) / 100),
        overspend_percent=float(Decimal(values["overspend_percent"])),
    )


def packages_for(settings: EscalationSettings | None) -> list[dict[str, Any]]:
    return list(settings.packages) if settings and settings.packages else list(DEFAULT_PACKAGES)


def packages_text(packages: list[dict[str, Any]]) -> str:
    """Packages as the form's lines: name | cost in pounds | expected points gained."""
    return "\n".join(
        f"{p['name']} | {Decimal(p['cost_pence']) / 100:.2f} | {p['gain']}" for p in packages
    )


def parse_settings(data: Mapping[str, Any]) -> tuple[dict[str, Any], list[Problem]]:
    """Check every field; return the clean values and every problem found (not only the first)."""
    problems: list[Problem] = []
    rules: dict[str, str] = {}
    for f in RULE_FIELDS:
        text = str(data.get(f.name, "")).strip()
        if f.percent:
            number = parse_decimal(text)
            low_ok = number is not None and (
                number >= 0 if f.name == "overspend_percent" else number > 0
            )
            if number is None or not low_ok or number > 100:
                low = "0" if f.name == "overspend_percent" else "more than 0"
                problems.append(
                    Problem(
                        "bad_percent",
                        f"{f.label}: enter a percentage from {low} to 100, got {text or 'nothing'}",
                        column=f.name,
                    )
                )
                continue
            rules[f.name] = _plain(number)
        else:
            count = parse_count(text)
            if count is None or count < 1:
                problems.append(
                    Problem(
                        "bad_count",
                        f"{f.label}: enter a whole number of at least 1 "
                        f"(negative numbers are not allowed), got {text or 'nothing'}",
                        column=f.name,
                    )
                )
                continue
            rules[f.name] = str(count)
    if not problems:
        try:
            to_rules(rules).validate()
        except InvalidRules as error:
            problems.append(Problem("bad_rules", str(error)))
    kind = str(data.get("period_kind", "auto"))
    if kind not in PERIOD_KINDS:
        problems.append(
            Problem("bad_kind", f"Period kind must be one of {PERIOD_KINDS}", column="period_kind")
        )
    budget = parse_pence(str(data.get("support_budget", "")).replace(",", "").strip())
    if budget is None or budget < 0:
        problems.append(
            Problem(
                "bad_budget", "Support budget: enter pounds, 0 or more", column="support_budget"
            )
        )
    limit = parse_count(str(data.get("buddy_limit", "")).strip())
    if limit is None:
        problems.append(
            Problem(
                "bad_count",
                "Providers each buddy may support: a whole number, 0 or more",
                column="buddy_limit",
            )
        )
    packages, package_problems = parse_packages(str(data.get("packages", "")))
    problems += package_problems
    clean = {
        "rules": rules,
        "period_kind": kind,
        "support_budget_pence": budget,
        "buddy_limit": limit,
        "packages": packages,
    }
    return clean, problems


def parse_packages(text: str) -> tuple[list[dict[str, Any]], list[Problem]]:
    """One package a line: name | cost in pounds | expected points gained (blank = defaults)."""
    packages: list[dict[str, Any]] = []
    problems: list[Problem] = []
    names: set[str] = set()
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        match = PACKAGE_LINE.fullmatch(line)
        cost = parse_pence(match["cost"].strip().replace(",", "")) if match else None
        gain = parse_decimal(match["gain"].strip()) if match else None
        name = match["name"].strip() if match else ""
        if not match or not name or cost is None or cost < 0 or gain is None or gain < 0:
            problems.append(
                Problem(
                    "bad_package",
                    f"Package line {number}: write 'name | cost in "
                    "pounds | expected points gained' with numbers of 0 or more",
                    row=number,
                    column="packages",
                )
            )
            continue
        if name.lower() in names:
            problems.append(
                Problem(
                    "duplicate_package",
                    f"Package line {number}: {name!r} is listed twice",
                    row=number,
                    column="packages",
                )
            )
            continue
        names.add(name.lower())
        slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or f"package-{number}"
        packages.append({"id": slug, "name": name, "cost_pence": cost, "gain": _plain(gain)})
    return packages, problems


def save_settings(
    actor: Any, framework: Framework, data: Mapping[str, Any], expected_version: int | None = None
) -> EscalationSettings:
    """Validate the whole form, then store it; any problem → ValidationFailed, nothing saved."""
    clean, problems = parse_settings(data)
    if problems:
        raise ValidationFailed("The ladder settings were not saved", problems)
    settings = settings_for(framework)
    before = _describe(settings) if settings else None
    if settings is None:
        settings = EscalationSettings(framework_id=framework.id)
        db.session.add(settings)
    elif expected_version is not None and expected_version != settings.version:
        raise Conflict("Someone else changed these settings first: reload and try again")
    for key, value in clean.items():
        setattr(settings, key, value)
    settings.updated_by_id = getattr(actor, "id", None)
    settings.updated_at = utcnow()
    db.session.flush()
    audit.record(
        actor,
        "escalation.settings",
        "framework",
        framework.id,
        before=before,
        after=_describe(settings),
    )
    return settings


def form_values(settings: EscalationSettings | None) -> dict[str, str]:
    """Everything the settings form shows, as text (defaults where nothing is saved)."""
    values = {**default_form(), **(settings.rules if settings else {})}
    budget = settings.support_budget_pence if settings else DEFAULT_BUDGET_PENCE
    values.update(
        period_kind=settings.period_kind if settings else "auto",
        support_budget=f"{Decimal(budget) / 100:.2f}",
        buddy_limit=str(settings.buddy_limit if settings else DEFAULT_BUDDY_LIMIT),
        packages=packages_text(packages_for(settings)),
    )
    return values


def _describe(settings: EscalationSettings) -> dict[str, Any]:
    return {
        "rules": dict(settings.rules),
        "period_kind": settings.period_kind,
        "support_budget_pence": settings.support_budget_pence,
        "buddy_limit": settings.buddy_limit,
        "packages": list(settings.packages),
    }
