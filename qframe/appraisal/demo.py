"""Demo staff (~300) across the acute trusts, with appraisal histories relative to today.

Each service line has a clinical director, consultants, registrars, a matron and AHPs; each
ward a ward manager and nurses. Most appraisals are done, some overdue; some revalidations
fall due within 90 days; some clinicians want to lead. The demo clinical director and nurse
manager are linked to the staff records of the people they are (and manage their teams).
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import TYPE_CHECKING

from qframe.appraisal.models import Appraisal, Objective, PdpItem, StaffMember
from qframe.appraisal.rules import add_months, revalidation_due
from qframe.audit.models import utcnow
from qframe.extensions import db
from qframe.periods.labels import parse_period, year_label

if TYPE_CHECKING:
    from qframe.demo import DemoContext
    from qframe.orgs.models import Organisation

FIRST = (
    "Aisha Amelia Ben Chloe Daniel Deepa Eilidh Emeka Fatima George Grace Hannah Ifeoma Isaac "
    "Jack James Jasmine Kwame Laura Liam Lucy Mariam Matthew Mei Mohammed Niamh Noah Olivia "
    "Oluwaseun Priya Rachel Rhys Ruth Samuel Sana Sophie Tariq Thomas Yusuf Zara"
).split()
LAST = (
    "Adeyemi Ahmed Akhtar Baker Bennett Chen Clarke Davies Edwards Evans Fraser Green Hughes "
    "Hussain Jones Kaur Khan Lewis Mensah Morgan Murphy Nguyen Okafor O'Brien Patel Phillips "
    "Roberts Robinson Shah Singh Smith Taylor Thomas Thompson Walker Ward Williams Wilson Wood"
).split()
OBJECTIVES = (
    "Lead a quality improvement project on the ward's top falls risk",
    "Complete the trust's leadership foundations programme",
    "Supervise two newly qualified colleagues through preceptorship",
    "Reduce discharge delays by improving morning board rounds",
    "Audit sepsis screening compliance and present the findings",
    "Teach on the regional simulation course twice this year",
)
PDP = (
    ("Advanced clinical skills", "Attend the trust's acute deterioration course"),
    ("Leading a team", "Shadow the matron for two management meetings"),
    ("Research literacy", "Join the journal club and present one paper"),
    ("Safeguarding level 3", "Complete the e-learning and face-to-face session"),
    ("Quality improvement", "Complete QI bronze and run one PDSA cycle"),
)
AHP_PREFIX = {"Physiotherapist": "PH", "Occupational therapist": "OT", "Dietitian": "DT"}


def load(ctx: DemoContext) -> None:
    if ctx.scale == "national" or not ctx.shared.get("acute"):
        return
    maker = _Maker(ctx.rng, date.today())
    for trust in ctx.shared["acute"]:
        for line in trust.children:
            maker.service_line(line)
    db.session.flush()
    users = ctx.shared.get("users", {})
    linked = maker.link_demo_users(users)
    for person in maker.people:
        maker.history(person)
    db.session.flush()
    ctx.report.append(
        f"Staff: {len(maker.people)} across {len(ctx.shared['acute'])} acute trusts, "
        f"{maker.appraisals} appraisals; demo accounts linked to staff records: {linked}"
    )


class _Maker:
    def __init__(self, rng: random.Random, today: date) -> None:
        self.rng, self.today = rng, today
        self.people: list[StaffMember] = []
        self.leads: dict[int, StaffMember] = {}  # org id -> its lead (CD or ward manager)
        self.directors: dict[int, list[StaffMember]] = {}  # trust id -> clinical directors
        self.appraisals = 0
        self.number = 40_000

    def person(
        self,
        line: Organisation,
        ward: Organisation | None,
        group: str,
        band: str,
        manager: StaffMember | None,
        years_in_post: float,
    ) -> StaffMember:
        rng = self.rng
        self.number += rng.randint(1, 9)
        start = self.today - timedelta(
            days=max(30, int(365 * years_in_post * rng.uniform(0.4, 1.2)))
        )
        body, reg = _registration(rng, group, band)
        cycle = {"medical": 5, "nursing": 3, "midwifery": 3}.get(group)
        revalidated = None
        if cycle:
            # Spread over the cycle; a few land so that the next is due within 90 days.
            back = rng.randint(60, 365 * cycle - 20)
            if rng.random() < 0.06:
                back = 365 * cycle - rng.randint(5, 85)
            revalidated = self.today - timedelta(days=back)
        staff = StaffMember(
            name=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
            staff_number=f"S{self.number:06d}",
            professional_group=group,
            registration_body=body,
            registration_number=reg,
            band=band,
            service_line=line,
            ward=ward,
            line_manager=manager,
            start_date=start,
            revalidated_on=revalidated,
            revalidation_due=revalidation_due(group, revalidated),
        )
        wants = group != "other" and rng.random() < 0.18
        staff.leadership_aspiration = wants
        staff.leadership_readiness = (
            rng.choice(("not_yet", "developing", "developing", "ready_now")) if wants else "not_yet"
        )
        if wants:
            staff.leadership_actions = rng.choice(
                (
                    "Acting-up cover for the ward manager; Mary Seacole leadership programme",
                    "Chair the service line's audit meeting; mentoring from the clinical director",
                    "Lead the ward's improvement huddle; coaching conversations monthly",
                )
            )
        db.session.add(staff)
        self.people.append(staff)
        return staff

    def service_line(self, line: Organisation) -> None:
        rng = self.rng
        director = self.person(line, None, "medical", "Consultant", None, 12)
        self.leads[line.id] = director
        self.directors.setdefault(line.parent_id or 0, []).append(director)
        matron = self.person(line, None, "nursing", "Band 8a", director, 10)
        for _ in range(rng.randint(0, 1)):
            self.person(line, None, "medical", "Consultant", director, 8)
        self.person(
            line, None, "medical", rng.choice(("Specialty registrar", "Core trainee")), director, 2
        )
        ahp = rng.choice(tuple(AHP_PREFIX))
        self.person(line, None, "ahp", f"{ahp}, Band {rng.choice((6, 7))}", matron, 5)
        for ward in line.children:
            manager = self.person(line, ward, "nursing", "Band 7", matron, 7)
            self.leads[ward.id] = manager
            for _ in range(rng.randint(1, 2)):
                group = (
                    "midwifery"
                    if "women" in line.name.lower() and rng.random() < 0.5
                    else "nursing"
                )
                self.person(
                    line, ward, group, rng.choice(("Band 5", "Band 5", "Band 6")), manager, 4
                )

    def link_demo_users(self, users: dict) -> int:
        """The demo clinical director and nurse manager are the leads of their own units."""
        linked = 0
        for email in ("clinical.director@demo.qframe.test", "nurse.manager@demo.qframe.test"):
            user = users.get(email)
            orgs = user.scope_orgs if user is not None else []
            lead = self.leads.get(orgs[0].id) if orgs else None
            if lead is not None and user is not None:
                lead.user_id, lead.name = user.id, user.name.removeprefix("Dr ")
                linked += 1
        return linked

    def history(self, person: StaffMember) -> None:
        """Yearly appraisals from the first full year in post; the current one may be open."""
        rng, today = self.rng, self.today
        month = rng.randint(1, 12)
        current_first = today.year if today.month >= 4 else today.year - 1
        # Clinical directors are appraised by a fellow director of the same trust.
        peers = [
            d for d in self.directors.get(person.service_line.parent_id or 0, []) if d is not person
        ]
        appraiser = person.line_manager or (rng.choice(peers) if peers else None)
        if appraiser is None:
            return
        for first in range(current_first - 2, current_first + 1):
            spec = parse_period(year_label(first))
            due = date(first + (month < 4), month, min(28, rng.randint(1, 28)))
            if due < add_months(person.start_date, 6) or due < spec.start:
                continue
            appraisal = Appraisal(staff=person, year=spec.label, appraiser=appraiser, due_date=due)
            late = rng.random()
            if due > today + timedelta(days=45) or (due < today and late < 0.12):
                status, meeting = "not_started", None  # not yet, or overdue
            elif due > today:
                status = "scheduled"
                meeting = max(spec.start, due - timedelta(days=rng.randint(0, 20)))
            else:
                meeting = due + timedelta(days=rng.randint(-20, 40))
                meeting = max(spec.start, person.start_date, min(today, meeting))
                status = "signed_off" if rng.random() < 0.7 else "completed"
            appraisal.status, appraisal.meeting_date = status, meeting
            if status in ("completed", "signed_off"):
                _content(rng, appraisal, meeting or due, today)
            db.session.add(appraisal)
            self.appraisals += 1


def _content(rng: random.Random, appraisal: Appraisal, meeting: date, today: date) -> None:
    appraisal.summary = (
        "Good year: feedback from colleagues and patients positive. Agreed focus on "
        "the objectives below; wellbeing discussed, no concerns."
    )
    for text in rng.sample(OBJECTIVES, 2):
        appraisal.objectives.append(Objective(text=text))
    need, activity = rng.choice(PDP)
    done = meeting < today - timedelta(days=200)
    appraisal.pdp_items.append(
        PdpItem(learning_need=need, activity=activity, due=meeting + timedelta(days=180), done=done)
    )
    if appraisal.status == "signed_off":
        appraisal.appraisee_signed_at = appraisal.appraiser_signed_at = utcnow()


def _registration(rng: random.Random, group: str, band: str) -> tuple[str | None, str | None]:
    if group == "medical":
        return "GMC", f"{rng.randint(3_000_000, 7_999_999)}"
    if group in ("nursing", "midwifery"):
        letters = "ABCDEFGHJKLMNPRSTUVWY"
        return (
            "NMC",
            f"{rng.randint(0, 99):02d}{rng.choice(letters)}"
            f"{rng.randint(0, 9999):04d}{rng.choice('EOACN')}",
        )
    if group == "ahp":
        prefix = next((p for name, p in AHP_PREFIX.items() if band.startswith(name)), "PH")
        return "HCPC", f"{prefix}{rng.randint(10_000, 199_999)}"
    return None, None
