"""Measurements routes: entry, upload, declaration, commissioner pages and the JSON API."""

from datetime import date

from route import EVERY_ROLE, Route

from qframe.extensions import db

SUBMITTERS = ("admin", "provider_lead", "clinical_director", "nurse_manager")
MANAGERS = ("admin", "commissioner")


def _framework(t):  # type: ignore[no-untyped-def]
    """A published AQF owned by the tree's ICB, made once per test inside its transaction."""
    if getattr(t, "aqf", None) is None:
        from qframe.frameworks.library import load_library_framework
        from qframe.frameworks.services import import_framework, publish_framework

        draft = import_framework(None, load_library_framework("acute-quality-2025-26"), t.icb)
        t.aqf = publish_framework(None, draft)
    return t.aqf


def _window(t) -> int:  # type: ignore[no-untyped-def]
    from qframe.measurements.windows import set_window

    window = set_window(
        None, _framework(t), "2025-04", opens_on=date(2025, 5, 1), closes_on=date(2025, 5, 20)
    )
    return window.id


def _declaration(t) -> int:  # type: ignore[no-untyped-def]
    from qframe.measurements.models import Declaration
    from qframe.periods.models import get_or_create_period

    decl = Declaration(
        framework_id=_framework(t).id,
        period_id=get_or_create_period("2025-04").id,
        organisation_id=t.trust_a.id,
        status="declared",
    )
    db.session.add(decl)
    db.session.flush()
    return decl.id


def _staged(t) -> int:  # type: ignore[no-untyped-def]
    """An upload staged by someone else: every signed-in submitter gets 404 for it."""
    from qframe.measurements.models import StagedUpload

    staged = StagedUpload(
        user_id=t.user_id,
        framework_id=_framework(t).id,
        filename="x.csv",
        content_sha256="0" * 64,
        data=b"",
        summary={},
    )
    db.session.add(staged)
    db.session.flush()
    return staged.id


def _fw_url(t, path: str) -> str:  # type: ignore[no-untyped-def]
    return f"/measurements/manage/frameworks/{_framework(t).id}/{path}"


ROUTES = {
    "measurements.index": Route(lambda t: "/measurements/", allowed=EVERY_ROLE),
    "measurements.show": Route(
        lambda t: (_framework(t), f"/measurements/orgs/{t.ward_a.id}")[1], allowed=EVERY_ROLE
    ),
    "measurements.export": Route(
        lambda t: (_framework(t), f"/measurements/orgs/{t.ward_a.id}/measurements.csv")[1],
        allowed=EVERY_ROLE,
    ),
    "measurements.save": Route(
        lambda t: (
            f"/measurements/orgs/{t.ward_a.id}/indicators/"
            f"{next(i.id for i in _framework(t).indicators if i.level == 'ward')}"
        ),
        method="POST",
        allowed=SUBMITTERS,
    ),
    "measurements.save_all": Route(
        lambda t: f"/measurements/orgs/{t.ward_a.id}/grid?framework={_framework(t).id}",
        method="POST",
        allowed=SUBMITTERS,
    ),
    "measurements.declare": Route(
        lambda t: f"/measurements/orgs/{t.trust_a.id}/declare",
        method="POST",
        allowed=("admin", "provider_lead"),
    ),
    "measurements.upload": Route(lambda t: "/measurements/upload", allowed=SUBMITTERS),
    "measurements.preview": Route(
        lambda t: f"/measurements/upload/{_staged(t)}", allowed=SUBMITTERS, ok=404
    ),
    "measurements.confirm": Route(
        lambda t: f"/measurements/upload/{_staged(t)}", method="POST", allowed=SUBMITTERS
    ),
    "measurements_manage.index": Route(lambda t: "/measurements/manage/", allowed=MANAGERS),
    "measurements_manage.windows": Route(lambda t: _fw_url(t, "windows"), allowed=MANAGERS),
    "measurements_manage.dashboard": Route(lambda t: _fw_url(t, "completeness"), allowed=MANAGERS),
    "measurements_manage.dashboard_csv": Route(
        lambda t: _fw_url(t, "completeness.csv"), allowed=MANAGERS
    ),
    "measurements_manage.reopen": Route(
        lambda t: f"/measurements/manage/windows/{_window(t)}/reopen",
        method="POST",
        allowed=MANAGERS,
    ),
    "measurements_manage.decision": Route(
        lambda t: f"/measurements/manage/declarations/{_declaration(t)}/approve",
        method="POST",
        allowed=MANAGERS,
    ),
    "measurements_api.submit": Route(
        lambda t: "/api/v1/measurements", method="POST", allowed=SUBMITTERS
    ),
    "measurements_api.index": Route(lambda t: "/api/v1/measurements", allowed=EVERY_ROLE),
}
