"""Appraisal routes: staff pages for managers in scope; rates for everyone in scope."""

from datetime import date

from route import EVERY_ROLE, Route

MANAGERS = ("admin", "clinical_director", "nurse_manager")


def _appraisal(t) -> int:  # type: ignore[no-untyped-def]
    """A nurse on ward A1 (every role's scope covers it) with an appraisal; made once per test."""
    if not hasattr(t, "appraisal_id"):
        from qframe.appraisal.models import Appraisal, StaffMember
        from qframe.extensions import db

        def person(number: str, name: str) -> StaffMember:
            return StaffMember(
                name=name,
                staff_number=number,
                professional_group="nursing",
                registration_body="NMC",
                registration_number="12A3456E",
                band="Band 6",
                service_line=t.line_a,
                ward=t.ward_a,
                start_date=date(2020, 1, 6),
            )

        manager, nurse = person("ACC1", "Manager Access"), person("ACC2", "Nurse Access")
        appraisal = Appraisal(
            staff=nurse, year="2025/26", appraiser=manager, due_date=date(2025, 9, 1)
        )
        db.session.add_all([manager, nurse, appraisal])
        db.session.flush()
        t.staff_id, t.appraisal_id = nurse.id, appraisal.id
    return t.appraisal_id


def _staff(t) -> int:  # type: ignore[no-untyped-def]
    _appraisal(t)
    return t.staff_id


ROUTES = {
    "appraisal.index": Route(lambda t: "/appraisal/", allowed=MANAGERS),
    "appraisal.export": Route(lambda t: "/appraisal/staff.csv", allowed=MANAGERS),
    "appraisal.new_staff": Route(lambda t: "/appraisal/staff/new", allowed=MANAGERS),
    "appraisal.staff": Route(lambda t: f"/appraisal/staff/{_staff(t)}", allowed=MANAGERS),
    "appraisal.edit_staff": Route(lambda t: f"/appraisal/staff/{_staff(t)}/edit", allowed=MANAGERS),
    "appraisal.mine": Route(lambda t: "/appraisal/mine", allowed=EVERY_ROLE),
    "appraisal.new_appraisal": Route(
        lambda t: f"/appraisal/staff/{_staff(t)}/appraisals/new", allowed=MANAGERS
    ),
    "appraisal.appraisal": Route(
        lambda t: f"/appraisal/appraisals/{_appraisal(t)}", allowed=MANAGERS
    ),
    "appraisal.new_objective": Route(
        lambda t: f"/appraisal/appraisals/{_appraisal(t)}/objectives",
        method="POST",
        allowed=MANAGERS,
    ),
    "appraisal.delete_objective": Route(
        lambda t: "/appraisal/objectives/1/delete", method="POST", allowed=MANAGERS
    ),
    "appraisal.new_pdp_item": Route(
        lambda t: f"/appraisal/appraisals/{_appraisal(t)}/pdp", method="POST", allowed=MANAGERS
    ),
    "appraisal.toggle_pdp_item": Route(
        lambda t: "/appraisal/pdp/1/done", method="POST", allowed=MANAGERS
    ),
    "appraisal.delete_pdp_item": Route(
        lambda t: "/appraisal/pdp/1/delete", method="POST", allowed=MANAGERS
    ),
    # The appraisee may sign too (through a linked account); other roles are refused.
    "appraisal.sign": Route(
        lambda t: f"/appraisal/appraisals/{_appraisal(t)}/sign", method="POST", allowed=MANAGERS
    ),
    "appraisal.rates": Route(lambda t: "/appraisal/rates", allowed=EVERY_ROLE),
    "appraisal.rates_export": Route(lambda t: "/appraisal/rates.csv", allowed=EVERY_ROLE),
    "appraisal.leadership": Route(lambda t: "/appraisal/leadership", allowed=MANAGERS),
    "appraisal.leadership_export": Route(lambda t: "/appraisal/leadership.csv", allowed=MANAGERS),
}
