"""Framework JSON in and out of the database: import as a draft, export exactly."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm.attributes import flag_modified

from qframe.audit import services as audit
from qframe.auth.models import User
from qframe.auth.permissions import can, org_in_scope
from qframe.errors import Conflict, Forbidden, Problem, ValidationFailed
from qframe.extensions import db
from qframe.frameworks import validation
from qframe.frameworks.models import Framework, FrameworkDomain, Indicator
from qframe.frameworks.schemas import (
    FrameworkFormatError,
    dump_framework_json,
    load_framework_json,
)
from qframe.orgs.models import Organisation

PAYMENT_NUMBERS = ("pound_per_point", "stake_percent", "national_list_size")
# Indicator columns copied as they are between the JSON and the model.
PLAIN = (
    "title",
    "description",
    "rationale",
    "group",
    "measure",
    "multiplier",
    "unit",
    "polarity",
    "level",
    "minimum_standard",
    "min_denominator",
    "data_source",
    "prevalence_adjusted",
    "weight",
    "frequency",
)
DOMAIN_FIELDS = ("weight", "min_measures", "consistency_points")
# JSON `scoring.<key>` → model column.
SCORING = {
    "method": "method",
    "max_points": "max_points",
    "lower": "lower",
    "upper": "upper",
    "weight": "vbp_weight",
    "achievement_threshold": "achievement_threshold",
    "benchmark": "benchmark",
    "floor": "floor",
    "composite_of": "composite_of",
}
_INDEX = re.compile(r"indicators\[(\d+)\]")


def as_problems(found: list[validation.Problem], data: Any = None) -> list[Problem]:
    """Framework problems as report rows: the JSON path in `column`, the indicator code named."""
    indicators = data.get("indicators") if isinstance(data, dict) else None
    rows = []
    for p in found:
        message = p.message
        match = _INDEX.match(p.path)
        if match and isinstance(indicators, list) and int(match[1]) < len(indicators):
            code = indicators[int(match[1])].get("code")
            message = f"{code}: {message}" if code else message
        rows.append(Problem(p.code, message, column=p.path or None))
    return rows


def parse_framework(source: str | bytes) -> dict[str, Any]:
    """Load Framework JSON text; any problem → ValidationFailed listing every one with its path."""
    try:
        return load_framework_json(source)
    except FrameworkFormatError as error:
        count = len(error.problems)
        raise ValidationFailed(
            f"The framework JSON was not accepted: {count} problem{'s' if count != 1 else ''}",
            as_problems(error.problems),
        ) from error


def latest_version(code: str) -> Framework | None:
    """The highest version of a framework code, whatever its status."""
    return db.session.scalar(
        select(Framework).where(Framework.code == code).order_by(Framework.version.desc()).limit(1)
    )


def _next_version(code: str) -> int:
    top = db.session.scalar(select(func.max(Framework.version)).where(Framework.code == code))
    return (top or 0) + 1


def check_owner(actor: User | None, owner: Organisation | None, code: str) -> None:
    """Refuse an owner that is not a commissioner in the actor's scope or not the code's owner."""
    if owner is None:
        if actor is not None and not can(actor, "manage_national_frameworks"):
            raise ValidationFailed(
                "Choose the commissioner that owns the framework",
                [Problem("required", "Choose a commissioner.", column="owner")],
            )
    elif owner.kind != "commissioner":
        raise ValidationFailed(
            f"{owner.code} is not a commissioner and cannot own a framework",
            [Problem("not_a_commissioner", "Choose a commissioner.", column="owner")],
        )
    elif actor is not None and not org_in_scope(actor, owner.id):
        raise Forbidden(f"You cannot create frameworks for {owner.code}")
    existing = latest_version(code)
    if existing is not None and existing.owner_id != (owner.id if owner else None):
        held = existing.owner.code if existing.owner else "the national library (no owner)"
        raise Conflict(f"Framework code {code} already belongs to {held}; use another code")


def import_framework(
    actor: User | None,
    data: dict[str, Any],
    owner: Organisation | None,
    *,
    action: str = "framework.import",
) -> Framework:
    """Create a draft from loaded Framework JSON; the next version when the code exists."""
    check_owner(actor, owner, data["code"])
    framework = Framework(
        code=data["code"],
        version=_next_version(data["code"]),
        status="draft",
        owner=owner,
        created_by_id=actor.id if actor is not None else None,
    )
    db.session.add(framework)
    write_content(framework, data)
    audit.record(
        actor,
        action,
        "framework",
        framework.id,
        after={"code": framework.code, "version": framework.version, **summary(framework)},
    )
    return framework


def summary(framework: Framework) -> dict[str, Any]:
    """Counts for audit records and reports."""
    return {"indicators": len(framework.indicators), "domains": len(framework.domains)}


def write_content(framework: Framework, data: dict[str, Any]) -> None:
    """Make a draft's fields, domains and indicators match loaded Framework JSON (by code)."""
    for name in ("title", "year", "setting", "description", "source", "change_reason"):
        _set(framework, name, data.get(name))
    payment = data["payment"]
    framework.payment_model = payment["model"]
    stored = _payment_to_json(payment)
    if framework.payment != stored:
        framework.payment = stored
    vbp = _vbp_to_json(data.get("vbp"))
    if framework.vbp != vbp:
        framework.vbp = vbp
    domains = {d.code: d for d in framework.domains}
    for position, item in enumerate(data["domains"]):
        domain = domains.get(item["code"])
        if domain is None:
            domain = domains[item["code"]] = FrameworkDomain(code=item["code"])
            framework.domains.append(domain)
        _set(domain, "title", item["title"])
        for name in DOMAIN_FIELDS:
            _set(domain, name, item.get(name))
        _set(domain, "position", position)
    wanted = {item["code"] for item in data["indicators"]}
    existing = {ind.code: ind for ind in framework.indicators}
    for code, dropped in existing.items():
        if code not in wanted:
            framework.indicators.remove(dropped)
    for position, item in enumerate(data["indicators"]):
        indicator = existing.get(item["code"])
        if indicator is None:
            indicator = Indicator(code=item["code"])
            framework.indicators.append(indicator)
        _set_indicator(indicator, item, domains[item["domain"]], position)
    db.session.flush()
    unused = [d for code, d in domains.items() if code not in {i["code"] for i in data["domains"]}]
    for domain in unused:
        framework.domains.remove(domain)
    db.session.flush()


def _set_indicator(
    indicator: Indicator, item: dict[str, Any], domain: FrameworkDomain, position: int
) -> None:
    if indicator.domain is not domain:
        indicator.domain = domain
    for name in PLAIN:
        _set(indicator, name, item.get(name))
    scoring = item["scoring"]
    for key, column in SCORING.items():
        _set(indicator, column, scoring.get(key))
    _set(indicator, "position", position)


def _set(obj: Any, name: str, value: Any) -> None:
    old = getattr(obj, name)
    if isinstance(value, Decimal) and isinstance(old, Decimal):
        if str(old) != str(value):
            # 50 == 50.0 as numbers, but the text written is kept: force the change through.
            setattr(obj, name, value)
            flag_modified(obj, name)
    elif old != value or type(old) is not type(value):
        setattr(obj, name, value)


def _payment_to_json(payment: dict[str, Any]) -> dict[str, Any]:
    stored: dict[str, Any] = {}
    for name in PAYMENT_NUMBERS:
        if payment.get(name) is not None:
            stored[name] = str(payment[name])
    prevalence = payment.get("national_prevalence")
    if prevalence is not None:
        stored["national_prevalence"] = {group: str(v) for group, v in prevalence.items()}
    return stored


def _vbp_to_json(vbp: dict[str, Any] | None) -> dict[str, Any] | None:
    if vbp is None:
        return None
    return {k: (int(v) if k == "min_domains" else v) for k, v in vbp.items() if v is not None}


def _payment_from_json(model: str, stored: dict[str, Any]) -> dict[str, Any]:
    payment: dict[str, Any] = {"model": model}
    for name in PAYMENT_NUMBERS:
        payment[name] = Decimal(stored[name]) if stored.get(name) is not None else None
    prevalence = stored.get("national_prevalence")
    payment["national_prevalence"] = (
        None if prevalence is None else {g: Decimal(v) for g, v in prevalence.items()}
    )
    return payment


def export_framework(framework: Framework) -> dict[str, Any]:
    """The framework as loaded Framework JSON (the dict `load_framework_json` returns)."""
    # Sorted here because a collection edited in this session keeps its append order.
    domains = sorted(framework.domains, key=lambda d: d.position)
    indicators = sorted(framework.indicators, key=lambda i: i.position)
    codes = {id(d): d.code for d in domains}
    return {
        "code": framework.code,
        "title": framework.title,
        "year": framework.year,
        "setting": framework.setting,
        "payment": _payment_from_json(framework.payment_model, framework.payment or {}),
        "domains": [
            {"code": d.code, "title": d.title, **{n: getattr(d, n) for n in DOMAIN_FIELDS}}
            for d in domains
        ],
        "vbp": None if framework.vbp is None else dict(framework.vbp),
        "indicators": [_export_indicator(i, codes[id(i.domain)]) for i in indicators],
        "description": framework.description,
        "source": framework.source,
        "change_reason": framework.change_reason,
    }


def _export_indicator(indicator: Indicator, domain_code: str) -> dict[str, Any]:
    item: dict[str, Any] = {"code": indicator.code, "domain": domain_code}
    item.update({name: getattr(indicator, name) for name in PLAIN})
    item["scoring"] = {key: getattr(indicator, column) for key, column in SCORING.items()}
    return item


def framework_json(framework: Framework) -> str:
    """The canonical Framework JSON text of a framework (what export and download give)."""
    return dump_framework_json(export_framework(framework))


def framework_raw(framework: Framework) -> dict[str, Any]:
    """The framework as plain JSON values (decimal strings), ready to be edited and re-checked."""
    raw: dict[str, Any] = json.loads(framework_json(framework))
    return raw
