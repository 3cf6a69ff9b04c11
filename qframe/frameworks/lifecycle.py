"""A framework's life: draft → published (frozen) → closed; new versions; diffs; the library."""

from __future__ import annotations

from sqlalchemy import func, select

from qframe.audit import services as audit
from qframe.audit.models import utcnow
from qframe.auth.models import User
from qframe.errors import Conflict, Immutable, NotFound, Problem, ValidationFailed
from qframe.extensions import db
from qframe.frameworks.io import (
    as_problems,
    export_framework,
    import_framework,
    summary,
    write_content,
)
from qframe.frameworks.library import load_library_framework
from qframe.frameworks.models import Framework
from qframe.frameworks.schemas import FrameworkFormatError, dump_framework_json, load_framework_json
from qframe.frameworks.validation import FrameworkDiff, diff_frameworks, publish_problems
from qframe.orgs.models import Organisation

MAX_REASON = 2000


def _label(framework: Framework) -> str:
    return f"{framework.code} v{framework.version}"


def publish_framework(actor: User | None, framework: Framework) -> Framework:
    """Check the draft is complete and freeze it; every problem is reported at once."""
    if not framework.is_draft:
        raise Conflict(f"{_label(framework)} is already {framework.status}")
    data = export_framework(framework)
    found = publish_problems(data)
    try:
        # Drafts are kept valid by every edit; this re-check guards what is about to be frozen.
        load_framework_json(dump_framework_json(data))
    except FrameworkFormatError as error:
        found = [*error.problems, *found]
    if found:
        count = len(found)
        raise ValidationFailed(
            f"{_label(framework)} cannot be published yet: "
            f"{count} problem{'s' if count != 1 else ''} to fix",
            as_problems(found, data),
        )
    # Read before the change: loading an expired actor would autoflush half of it.
    actor_id = actor.id if actor is not None else None
    framework.status = "published"
    framework.published_at = utcnow()
    framework.published_by_id = actor_id
    db.session.flush()
    audit.record(
        actor,
        "framework.publish",
        "framework",
        framework.id,
        before={"status": "draft"},
        after={"status": "published", "code": framework.code, "version": framework.version},
    )
    return framework


def close_framework(actor: User | None, framework: Framework) -> Framework:
    """End a published framework's data window; its results become final."""
    if framework.status != "published":
        raise Conflict(
            f"Only a published framework can be closed; {_label(framework)} is {framework.status}"
        )
    framework.status = "closed"
    framework.closed_at = utcnow()
    db.session.flush()
    audit.record(
        actor,
        "framework.close",
        "framework",
        framework.id,
        before={"status": "published"},
        after={"status": "closed"},
    )
    return framework


def new_version(actor: User | None, framework: Framework, reason: str | None) -> Framework:
    """Copy a published or closed framework to a new draft, recording why it changes."""
    reason = (reason or "").strip()
    if not reason or len(reason) > MAX_REASON:
        message = "Say why a new version is needed." if not reason else "The reason is too long."
        code = "required" if not reason else "too_long"
        raise ValidationFailed(
            "A new version needs a reason", [Problem(code, message, column="reason")]
        )
    if framework.is_draft:
        raise Conflict(f"{_label(framework)} is still a draft: edit it instead")
    data = {**export_framework(framework), "change_reason": reason}
    top = db.session.scalar(
        select(func.max(Framework.version)).where(Framework.code == framework.code)
    )
    draft = Framework(
        code=framework.code,
        version=(top or 0) + 1,
        status="draft",
        owner_id=framework.owner_id,
        previous_id=framework.id,
        created_by_id=actor.id if actor is not None else None,
    )
    db.session.add(draft)
    write_content(draft, data)
    audit.record(
        actor,
        "framework.new_version",
        "framework",
        draft.id,
        after={"code": draft.code, "version": draft.version, "from_version": framework.version},
        detail=reason,
    )
    return draft


def delete_draft(actor: User | None, framework: Framework) -> None:
    """Throw away a draft (a published or closed framework is never deleted)."""
    if not framework.is_draft:
        raise Immutable(f"{_label(framework)} is {framework.status}: it cannot be deleted")
    before = {"code": framework.code, "version": framework.version, **summary(framework)}
    framework_id = framework.id
    db.session.delete(framework)
    db.session.flush()
    audit.record(actor, "framework.delete_draft", "framework", framework_id, before=before)


def diff_versions(old: Framework, new: Framework) -> FrameworkDiff:
    """What changed from one framework version to another (indicators and every field)."""
    return diff_frameworks(export_framework(old), export_framework(new))


def import_library_framework(
    actor: User | None, slug: str, owner: Organisation | None
) -> Framework:
    """Import one built-in library framework as a draft."""
    try:
        data = load_library_framework(slug)
    except KeyError as error:
        raise NotFound(f"No library framework {slug}") from error
    return import_framework(actor, data, owner)
