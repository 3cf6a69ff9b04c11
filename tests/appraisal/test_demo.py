"""Demo staff: about 300 people whose records obey the same rules as typed-in ones."""

import random
from collections import Counter
from datetime import date

from sqlalchemy import select

from qframe.appraisal import demo as appraisal_demo
from qframe.appraisal.models import StaffMember
from qframe.appraisal.queries import StaffFilters, staff_rows
from qframe.appraisal.rules import appraisal_date_problems, registration_problems
from qframe.auth import demo as auth_demo
from qframe.demo import DemoContext
from qframe.orgs import demo as orgs_demo
from qframe.periods.labels import parse_period


def test_the_demo_region_has_realistic_staff_and_appraisal_histories(db):
    ctx = DemoContext(scale="small", rng=random.Random(7), echo=lambda _line: None)
    for step in (orgs_demo, auth_demo, appraisal_demo):
        step.load(ctx)
        db.session.flush()
    staff = db.session.scalars(select(StaffMember)).all()
    assert 250 <= len(staff) <= 360
    assert {s.service_line.parent.kind for s in staff} == {"acute"}
    for person in staff:
        body, number = person.registration_body or "", person.registration_number or ""
        assert registration_problems(person.professional_group, body, number) == []
        for appraisal in person.appraisals:
            year = parse_period(appraisal.year)
            assert appraisal.appraiser_id != person.id
            assert not appraisal_date_problems(
                today=date.today(),
                year_start=year.start,
                year_end=year.end,
                staff_start=person.start_date,
                due=appraisal.due_date,
                meeting=appraisal.meeting_date,
                status="completed" if appraisal.status == "signed_off" else appraisal.status,
            )
    admin = ctx.shared["users"]["admin@demo.qframe.test"]
    rows = staff_rows(admin, StaffFilters())
    appraisal = Counter(r.appraisal.state for r in rows)
    revalidation = Counter(r.revalidation for r in rows)
    assert appraisal["done"] > len(rows) / 2
    assert appraisal["overdue"] >= 5
    assert revalidation["due"] >= 3
    assert sum(s.leadership_aspiration for s in staff) >= 15
    director = ctx.shared["users"]["clinical.director@demo.qframe.test"]
    linked = {s.user_id: s for s in staff if s.user_id}
    assert linked[director.id].service_line_id == director.scope_orgs[0].id
    assert any(s.line_manager_id == linked[director.id].id for s in staff)
