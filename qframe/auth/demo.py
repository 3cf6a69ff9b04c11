"""Demo users: one (or two) for every role, scoped sensibly; the logins are printed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from qframe.auth.services import create_user

if TYPE_CHECKING:
    from qframe.demo import DemoContext


def load(ctx: DemoContext) -> None:
    from qframe.demo import DEMO_PASSWORD

    if ctx.scale == "national":
        create_user(
            None,
            email="admin@demo.qframe.test",
            role="admin",
            password=DEMO_PASSWORD,
            name="Demo Admin",
        )
        return
    icb = ctx.shared["commissioner"]
    trust = ctx.shared["acute"][0]
    line = trust.children[0]
    ward = line.children[0]
    practice = ctx.shared["practices"][0]
    community = ctx.shared["community"][0]
    people = [
        ("admin@demo.qframe.test", "admin", "Alex Admin", []),
        ("commissioner@demo.qframe.test", "commissioner", "Chris Commissioner", [icb.code]),
        ("finance@demo.qframe.test", "finance", "Farah Finance", [icb.code]),
        ("finance2@demo.qframe.test", "finance", "Frank Finance (checker)", [icb.code]),
        (
            "clinical.director@demo.qframe.test",
            "clinical_director",
            "Dr Dana Director",
            [line.code],
        ),
        ("nurse.manager@demo.qframe.test", "nurse_manager", "Nia Nurse-Manager", [ward.code]),
        ("provider.lead@demo.qframe.test", "provider_lead", "Priya Provider-Lead", [trust.code]),
        (
            "community.lead@demo.qframe.test",
            "provider_lead",
            "Colin Community-Lead",
            [community.code],
        ),
        ("practice.lead@demo.qframe.test", "provider_lead", "Pat Practice-Lead", [practice.code]),
    ]
    second = ctx.shared.get("second_icb")
    if second is not None:  # the neighbouring ICB's own commissioner and finance user
        code = second["commissioner"].code
        people += [
            (
                "commissioner.south@demo.qframe.test",
                "commissioner",
                "Sam South-Commissioner",
                [code],
            ),
            ("finance.south@demo.qframe.test", "finance", "Suki South-Finance", [code]),
        ]
    ctx.report.append(f"Demo logins (password for all: {DEMO_PASSWORD}):")
    for email, role, name, orgs in people:
        user = create_user(
            None, email=email, role=role, password=DEMO_PASSWORD, name=name, org_codes=orgs
        )
        ctx.shared.setdefault("users", {})[email] = user
        scope = ", ".join(orgs) or "everything"
        ctx.report.append(f"  {email:40} {role:18} {scope}")
