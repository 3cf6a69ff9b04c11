"""Editing drafts: framework fields, domains and indicators.

Every edit is applied to the draft's Framework JSON and the whole framework is checked again
with the format's schema, so a draft is always valid Framework JSON (only publishing asks for
completeness). A framework that is not a draft is refused before anything is looked at.
"""

from __future__ import annotations

import json
import re
from typing import Any

from qframe.audit import services as audit
from qframe.auth.models import User
from qframe.errors import Conflict, Immutable, Problem, ValidationFailed
from qframe.extensions import db
from qframe.frameworks.io import (
    framework_raw,
    import_framework,
    write_content,
)
from qframe.frameworks.models import Framework, Indicator
from qframe.frameworks.schemas import FrameworkFormatError, load_framework_json
from qframe.orgs.models import Organisation

FRAMEWORK_FIELDS = ("title", "year", "setting", "description", "source", "payment", "domains")
STALE = "Someone else changed this since you opened it; reload the page and try again"


def ensure_draft(framework: Framework) -> None:
    """Refuse any change to a framework that is not a draft, with a message saying what to do."""
    if not framework.is_draft:
        raise Immutable(
            f"{framework.code} v{framework.version} is {framework.status}, so it can no longer "
            "change: create a new version to make changes"
        )


def _check_version(actual: int, expected: int | None) -> None:
    if expected is not None and actual != expected:
        raise Conflict(STALE)


def _validated(raw: dict[str, Any], message: str, focus: int | None = None) -> dict[str, Any]:
    try:
        return load_framework_json(json.dumps(raw, ensure_ascii=False))
    except FrameworkFormatError as error:
        prefix = re.compile(rf"indicators\[{focus}\]\.?") if focus is not None else None
        problems = []
        for p in error.problems:
            column = p.path
            if prefix is not None and prefix.match(column):
                column = prefix.sub("", column, count=1)  # a path inside the edited indicator
            problems.append(Problem(p.code, p.message, column=column or None))
        raise ValidationFailed(message, problems) from error


def create_draft(
    actor: User | None, fields: dict[str, Any], owner: Organisation | None
) -> Framework:
    """Start an empty draft from form fields (code plus FRAMEWORK_FIELDS)."""
    raw = {"code": fields.get("code"), **_pick(fields), "indicators": []}
    data = _validated(raw, "The framework was not created")
    return import_framework(actor, data, owner, action="framework.create")


def framework_field_problems(fields: dict[str, Any]) -> list[Problem]:
    """Problems in framework fields alone (no indicators), without saving anything."""
    raw = {"code": fields.get("code", "DRAFT"), **_pick(fields), "indicators": []}
    try:
        _validated(raw, "")
    except ValidationFailed as error:
        return error.problems
    return []


def _pick(fields: dict[str, Any]) -> dict[str, Any]:
    return {name: fields[name] for name in FRAMEWORK_FIELDS if name in fields}


def update_framework(
    actor: User | None,
    framework: Framework,
    fields: dict[str, Any],
    expected_version: int | None = None,
) -> Framework:
    """Change a draft's own fields, payment and domains."""
    ensure_draft(framework)
    _check_version(framework.row_version, expected_version)
    raw = framework_raw(framework)
    before = {name: raw.get(name) for name in FRAMEWORK_FIELDS}
    if "domains" in fields:
        _check_domains_in_use(raw, fields["domains"])
    raw.update(_pick(fields))
    data = _validated(raw, "The framework was not saved")
    write_content(framework, data)
    after = {name: raw.get(name) for name in FRAMEWORK_FIELDS}
    changed = [name for name in FRAMEWORK_FIELDS if before[name] != after[name]]
    audit.record(
        actor,
        "framework.update",
        "framework",
        framework.id,
        before={n: before[n] for n in changed},
        after={n: after[n] for n in changed},
    )
    return framework


def _check_domains_in_use(raw: dict[str, Any], domains: Any) -> None:
    kept = {d.get("code") for d in domains or [] if isinstance(d, dict)}
    used: dict[str, list[str]] = {}
    for indicator in raw["indicators"]:
        if indicator["domain"] not in kept:
            used.setdefault(indicator["domain"], []).append(indicator["code"])
    if used:
        problems = [
            Problem(
                "domain_in_use",
                f"Domain {code} still has indicators ({', '.join(codes)}): "
                "move or delete them first.",
                column="domains",
            )
            for code, codes in used.items()
        ]
        raise ValidationFailed("The framework was not saved", problems)


def create_indicator(actor: User | None, framework: Framework, fields: dict[str, Any]) -> Indicator:
    """Add an indicator (fields in the Framework JSON indicator shape) to a draft."""
    ensure_draft(framework)
    raw = framework_raw(framework)
    raw["indicators"].append(fields)
    data = _validated(raw, "The indicator was not saved", focus=len(raw["indicators"]) - 1)
    write_content(framework, data)
    code = data["indicators"][-1]["code"]
    indicator = next(i for i in framework.indicators if i.code == code)
    audit.record(
        actor, "framework.indicator.create", "indicator", indicator.id, after={"code": code}
    )
    return indicator


def update_indicator(
    actor: User | None,
    indicator: Indicator,
    fields: dict[str, Any],
    expected_version: int | None = None,
) -> Indicator:
    """Change one indicator of a draft; a stale form gets Conflict."""
    framework = indicator.framework
    ensure_draft(framework)
    _check_version(indicator.row_version, expected_version)
    raw = framework_raw(framework)
    index = next(i for i, item in enumerate(raw["indicators"]) if item["code"] == indicator.code)
    before = raw["indicators"][index]
    raw["indicators"][index] = fields
    data = _validated(raw, "The indicator was not saved", focus=index)
    # Renamed in place, so that the indicator keeps its identity.
    indicator.code = data["indicators"][index]["code"]
    write_content(framework, data)
    audit.record(
        actor,
        "framework.indicator.update",
        "indicator",
        indicator.id,
        before=before,
        after=framework_raw(framework)["indicators"][index],
    )
    return indicator


def delete_indicator(actor: User | None, indicator: Indicator) -> None:
    """Remove an indicator from a draft."""
    framework = indicator.framework
    ensure_draft(framework)
    code, indicator_id = indicator.code, indicator.id
    framework.indicators.remove(indicator)
    db.session.flush()
    audit.record(
        actor, "framework.indicator.delete", "indicator", indicator_id, before={"code": code}
    )


def replace_draft(actor: User | None, framework: Framework, data: dict[str, Any]) -> Framework:
    """Replace a draft's whole content with loaded Framework JSON of the same code."""
    ensure_draft(framework)
    if data["code"] != framework.code:
        raise ValidationFailed(
            "The file is for another framework",
            [
                Problem(
                    "code_mismatch",
                    f"The file's code is {data['code']}, not {framework.code}.",
                    column="code",
                )
            ],
        )
    write_content(framework, data)
    audit.record(
        actor,
        "framework.replace",
        "framework",
        framework.id,
        after={"indicators": len(data["indicators"])},
    )
    return framework
