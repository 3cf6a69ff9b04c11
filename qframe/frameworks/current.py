"""The current version of a framework code: the newest published one (never a draft or closed).

Every form that defaults to a framework, and every page that says "current", asks here.
"""

from __future__ import annotations

from sqlalchemy import func, select
from wtforms.fields.choices import SelectChoice

from qframe.extensions import db
from qframe.frameworks.models import Framework


def current_version(code: str) -> Framework | None:
    """The newest published (not draft, not closed) version of a framework code, or None."""
    return db.session.scalar(
        select(Framework)
        .where(Framework.code == code, Framework.status == "published")
        .order_by(Framework.version.desc())
        .limit(1)
    )


def current_ids() -> set[int]:
    """The id of every framework code's current version."""
    newest = (
        select(Framework.code, func.max(Framework.version).label("version"))
        .where(Framework.status == "published")
        .group_by(Framework.code)
        .subquery()
    )
    stmt = select(Framework.id).join(
        newest, (Framework.code == newest.c.code) & (Framework.version == newest.c.version)
    )
    return set(db.session.scalars(stmt))


def version_note(framework: Framework, current: Framework | None) -> str:
    """'Current version', 'Superseded by v3', or '' (drafts, closed, nothing current)."""
    if framework.status != "published" or current is None:
        return ""
    if current.id == framework.id:
        return "Current version"
    if current.version > framework.version:
        return f"Superseded by v{current.version}"
    return ""


def published_choices(frameworks: list[Framework]) -> tuple[list[SelectChoice], int | None]:
    """Pick-list entries naming each version (current first) and the default: the current one."""
    current = current_ids()
    ordered = sorted(frameworks, key=lambda f: (f.id not in current, f.code, -f.version))
    choices = [
        SelectChoice(f.id, f"{f.code} v{f.version}{_suffix(f, current)}: {f.title}")
        for f in ordered
    ]
    default = next((f.id for f in ordered if f.id in current), None)
    return choices, default


def _suffix(framework: Framework, current: set[int]) -> str:
    if framework.id in current:
        return " (current version)"
    return " (superseded)" if framework.status == "published" else f" ({framework.status})"
