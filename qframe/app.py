"""Application factory: config → extensions → blueprints → errors → CLI."""

from __future__ import annotations

import importlib
import os
from pathlib import Path
from typing import Any

from flask import Flask

from qframe.config import ROOT, load_settings
from qframe.database import configure_database
from qframe.extensions import db, migrate

# Each entry is a module exposing `bp` (a Blueprint). Blueprint name = package = URL prefix.
BLUEPRINTS = (
    "qframe.home.views",
    "qframe.auth.views",
    "qframe.users.views",
    "qframe.orgs.views",
    "qframe.audit.views",
    "qframe.frameworks.views",
    "qframe.frameworks.manage_views",
    "qframe.frameworks.api",
    "qframe.measurements.views",
    "qframe.measurements.manage_views",
    "qframe.measurements.api",
    "qframe.scoring.views",
    "qframe.scoring.manage_views",
    "qframe.appraisal.views",
    "qframe.notifications.views",
    "qframe.scheduler.views",
    "qframe.api.views",
    "qframe.budgets.views",
    "qframe.budgets.manage_views",
    "qframe.escalation.views",
    "qframe.escalation.api",
    "qframe.commitments.views",
    "qframe.publication.views",
    "qframe.publication.public_views",
    "qframe.rewards.views",
    "qframe.rewards.award_views",
    "qframe.fhir.api",
    "qframe.opendata.api",
    "qframe.opendata.views",
    "qframe.improvement.views",
    "qframe.improvement.api",
    "qframe.assessment.views",
    "qframe.assessment.api",
    "qframe.devplans.views",
    "qframe.devplans.api",
    "qframe.visits.views",
    "qframe.visits.api",
    "qframe.inbox.views",
    "qframe.payments.views",
    "qframe.economy.views",
    "qframe.economy.api",
    "qframe.learning.views",
    "qframe.learning.api",
    "qframe.variation.views",
)

# Modules whose SQLAlchemy models must be imported before the metadata is complete.
MODEL_MODULES = (
    "qframe.audit.models",
    "qframe.orgs.models",
    "qframe.auth.models",
    "qframe.periods.models",
    "qframe.frameworks.models",
    "qframe.appraisal.models",
    "qframe.notifications.models",
    "qframe.scheduler.models",
    "qframe.budgets.models",
    "qframe.measurements.models",
    "qframe.scoring.models",
    "qframe.escalation.models",
    "qframe.escalation.board",
    "qframe.commitments.models",
    "qframe.publication.models",
    "qframe.rewards.models",
    "qframe.improvement.models",
    "qframe.assessment.models",
    "qframe.devplans.models",
    "qframe.visits.models",
    "qframe.variation.models",
    "qframe.payments.models",
    "qframe.learning.models",
)


def import_models() -> None:
    for name in MODEL_MODULES:
        importlib.import_module(name)


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    """Build the app; `overrides` (tests) win over files and environment variables."""
    instance_path = Path(os.environ.get("QFRAME_INSTANCE_PATH", ROOT / "instance")).resolve()
    app = Flask(
        "qframe",
        instance_path=str(instance_path),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    overrides = dict(overrides or {})
    environment = overrides.pop("QFRAME_ENV", None) or os.environ.get("QFRAME_ENV", "development")
    app.config.from_mapping(load_settings(environment, instance_path))
    app.config.from_mapping(overrides)
    register_extensions(app)
    register_blueprints(app)
    register_errors(app)
    register_templates(app)
    register_commands(app)
    return app


def register_extensions(app: Flask) -> None:
    import_models()
    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    from qframe.auth.sessions import init_sessions
    from qframe.web.security import init_security

    init_sessions(app)
    init_security(app)
    configure_database(app)


def register_blueprints(app: Flask) -> None:
    for name in BLUEPRINTS:
        app.register_blueprint(importlib.import_module(name).bp)


def register_errors(app: Flask) -> None:
    from qframe.web.errors import register_error_handlers
    from qframe.web.transaction import init_transactions

    register_error_handlers(app)
    init_transactions(app)


def register_commands(app: Flask) -> None:
    from qframe.cli import register_commands as add_commands

    add_commands(app)


def register_templates(app: Flask) -> None:
    from qframe.web.templating import init_templating

    init_templating(app)
