"""Factories for appraisal tests: staff members, appraisals and framework indicators."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from itertools import count
from typing import Any

import pytest

from qframe.appraisal.models import Appraisal, StaffMember
from qframe.frameworks.models import Framework, FrameworkDomain, Indicator

REGISTRATIONS = {
    "medical": ("GMC", "1234567"),
    "nursing": ("NMC", "12A3456E"),
    "midwifery": ("NMC", "34B5678C"),
    "ahp": ("HCPC", "PH123456"),
    "other": (None, None),
}


@pytest.fixture
def make_staff(db: Any) -> Callable[..., StaffMember]:
    numbers = count(1)

    def factory(unit: Any, group: str = "nursing", **fields: Any) -> StaffMember:
        """A staff member on a ward (or, given a service line, at service-line level)."""
        n = next(numbers)
        ward = unit if unit.kind == "ward" else None
        line = unit.parent if ward is not None else unit
        body, number = REGISTRATIONS[group]
        staff = StaffMember(
            name=fields.pop("name", f"Person {n}"),
            staff_number=fields.pop("staff_number", f"T{n:05d}"),
            professional_group=group,
            registration_body=body,
            registration_number=number,
            band=fields.pop("band", "Band 6"),
            service_line=line,
            ward=ward,
            start_date=fields.pop("start_date", date(2015, 4, 1)),
            **fields,
        )
        db.session.add(staff)
        db.session.flush()
        return staff

    return factory


@pytest.fixture
def make_appraisal(db: Any) -> Callable[..., Appraisal]:
    def factory(staff: StaffMember, appraiser: StaffMember, **fields: Any) -> Appraisal:
        appraisal = Appraisal(
            staff=staff,
            appraiser=appraiser,
            year=fields.pop("year", "2025/26"),
            due_date=fields.pop("due_date", date(2025, 9, 1)),
            **fields,
        )
        db.session.add(appraisal)
        db.session.flush()
        return appraisal

    return factory


@pytest.fixture
def make_indicator(db: Any, tree: Any) -> Callable[..., Indicator]:
    codes = count(1)

    def factory(year: str = "2025/26", status: str = "published") -> Indicator:
        n = next(codes)
        framework = Framework(
            code=f"FW{n}",
            title=f"Acute quality {year}",
            setting="acute",
            year=year,
            owner=tree.icb,
            payment_model="contract_share",
        )
        domain = FrameworkDomain(framework=framework, code="SAFE", title="Safety")
        indicator = Indicator(
            framework=framework,
            domain=domain,
            code=f"IND{n:02d}",
            title="Falls per 1,000 bed days",
            measure="rate",
            multiplier=Decimal(1000),
            polarity="lower_is_better",
            level="ward",
            method="threshold",
            max_points=Decimal(10),
            lower=Decimal(8),
            upper=Decimal(4),
        )
        db.session.add_all([framework, domain, indicator])
        db.session.flush()
        if status != "draft":
            framework.status = status
            db.session.flush()
        return indicator

    return factory
