"""Configuration: TOML per environment, then QFRAME_* environment variables, then overrides."""

from __future__ import annotations

import os
import secrets
import tomllib
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CONFIG_DIR = ROOT / "config"
ENVIRONMENTS = ("development", "testing", "production")

# Environment variables that map onto Flask settings (value parsed as TOML when it looks like one).
ENV_SETTINGS = {
    "QFRAME_SECRET_KEY": "SECRET_KEY",
    "QFRAME_DATABASE_URL": "SQLALCHEMY_DATABASE_URI",
    "QFRAME_SMTP_HOST": "SMTP_HOST",
    "QFRAME_SMTP_PORT": "SMTP_PORT",
    "QFRAME_SMTP_FROM": "SMTP_FROM",
    "QFRAME_SESSION_COOKIE_SECURE": "SESSION_COOKIE_SECURE",
    "QFRAME_TRUSTED_PROXIES": "TRUSTED_PROXIES",
}


def _read_toml(name: str) -> dict[str, Any]:
    path = CONFIG_DIR / f"{name}.toml"
    if not path.exists():
        return {}
    with path.open("rb") as fh:
        return dict(tomllib.load(fh).get("app", {}))


def _parse_env_value(raw: str) -> Any:
    lowered = raw.strip().lower()
    if lowered in {"true", "false"}:
        return lowered == "true"
    if raw.strip().isdigit():
        return int(raw)
    return raw


def load_settings(environment: str, instance_path: Path) -> dict[str, Any]:
    """Merge default.toml, <environment>.toml and QFRAME_* variables into Flask settings."""
    if environment not in ENVIRONMENTS:
        raise RuntimeError(
            f"QFRAME_ENV must be one of {', '.join(ENVIRONMENTS)}, not {environment!r}"
        )
    settings = _read_toml("default") | _read_toml(environment)
    settings["QFRAME_ENV"] = environment
    for var, key in ENV_SETTINGS.items():
        if var in os.environ:
            settings[key] = _parse_env_value(os.environ[var])
    settings.setdefault("SQLALCHEMY_DATABASE_URI", f"sqlite:///{instance_path / 'qframe.sqlite3'}")
    if "SECRET_KEY" not in settings:
        if environment == "production":
            raise RuntimeError("QFRAME_SECRET_KEY must be set in production")
        settings["SECRET_KEY"] = _instance_secret(instance_path)
    return settings


def _instance_secret(instance_path: Path) -> str:
    """A per-installation key kept in the instance folder, so sessions survive a restart."""
    path = instance_path / "secret_key"
    if path.exists():
        return path.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    path.write_text(key)
    path.chmod(0o600)
    return key
