"""The demo step: the region's frameworks published for the ICB, QOF England left in draft."""

import random

from sqlalchemy import select

from qframe.demo import STEPS, DemoContext
from qframe.frameworks import demo
from qframe.frameworks.models import Framework
from qframe.frameworks.validation import publish_problems


def context(scale: str) -> DemoContext:
    return DemoContext(scale=scale, rng=random.Random(1), echo=lambda _line: None)


def test_the_step_runs_right_after_the_demo_users():
    assert STEPS.index("qframe.frameworks.demo") == STEPS.index("qframe.auth.demo") + 1


def test_the_small_demo_publishes_the_region_frameworks_for_its_icb(db, tree):
    ctx = context("small")
    ctx.shared["commissioner"] = tree.icb
    demo.load(ctx)
    shared = ctx.shared["frameworks"]
    assert set(shared) == {"AQF", "CQF", "CQUIN-ACUTE", "CQUIN-COMM"}
    assert {(f.status, f.owner_id) for f in shared.values()} == {("published", tree.icb.id)}
    qof = db.session.scalar(select(Framework).where(Framework.code == "QOF-ENG"))
    assert (qof.status, qof.owner_id, len(qof.indicators)) == ("draft", tree.icb.id, 76)
    assert ctx.report[0].startswith("Frameworks: AQF, CQF, CQUIN-ACUTE, CQUIN-COMM published")


def test_the_national_demo_publishes_a_75_indicator_primary_care_framework(db):
    ctx = context("national")
    demo.load(ctx)
    framework = ctx.shared["frameworks"]["QOF-NAT"]
    assert (framework.status, framework.setting, framework.owner_id) == (
        "published",
        "primary_care",
        None,
    )
    assert len(framework.indicators) == 75
    assert {i.measure for i in framework.indicators} == {"proportion"}
    assert len({i.code for i in framework.indicators}) == 75


def test_the_national_framework_is_complete_without_the_database():
    data = demo.national_framework()
    assert publish_problems(data) == []
    assert all(i["scoring"]["lower"] < i["scoring"]["upper"] for i in data["indicators"])
