"""A Measurements CSV staged for preview, then imported on confirmation (the upload pages' use
cases: the views load, authorise, call these and render)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from qframe.auth.models import User
from qframe.extensions import db
from qframe.frameworks.models import Framework
from qframe.measurements.models import StagedUpload
from qframe.measurements.services import Outcome, import_csv

SUMMARY = ("rows", "created", "updated", "unchanged", "missing")


@dataclass(frozen=True)
class Staging:
    """A staged upload to preview, or (same file again) the earlier import's message."""

    staged: StagedUpload | None
    already: str | None = None


def stage_upload(actor: User, framework: Framework, filename: str, data: bytes) -> Staging:
    """Check the whole file (a dry run: ValidationFailed with every problem) and stage it."""
    outcome = import_csv(actor, framework, data, filename=filename, dry_run=True)
    if outcome.already is not None:
        return Staging(None, outcome.message)
    staged = StagedUpload(
        user_id=actor.id,
        framework_id=framework.id,
        filename=filename,
        content_sha256=hashlib.sha256(data).hexdigest(),
        data=data,
        summary={k: getattr(outcome, k) for k in SUMMARY},
    )
    db.session.add(staged)
    db.session.flush()  # the preview's address needs the id
    return Staging(staged)


def import_staged(actor: User, staged: StagedUpload) -> Outcome:
    """Import a staged file all or nothing, and drop it from the staging table."""
    outcome = import_csv(actor, staged.framework, staged.data, filename=staged.filename)
    db.session.delete(staged)
    return outcome
