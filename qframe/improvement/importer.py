"""Import a health improvement plan from two CSV files, all or nothing."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from qframe.audit import services as audit
from qframe.csvio import parse_count, parse_decimal, parse_pence, read_csv
from qframe.errors import Problem, ValidationFailed
from qframe.extensions import db
from qframe.optimiser.portfolio_inputs import Horizon, Project, input_problems
from qframe.orgs.models import PROVIDER_KINDS, Organisation
from qframe.periods.labels import BadPeriod, parse_period

from .models import ImprovementPlan, ImprovementProject, PlanYear

YEAR_COLUMNS = ("year", "budget", "staff_days")
PROJECT_COLUMNS = (
    "project",
    "title",
    "provider",
    "gain",
    "gain_low",
    "gain_high",
    "cost_per_year",
    "duration_years",
    "staff_days",
)
PROJECT_OPTIONAL = ("indicators", "prerequisites", "earliest_start")
CODE_RE = re.compile(r"^[A-Za-z0-9_.-]{1,40}$")
# the optimiser's field names as the CSV's columns
FIELD_COLUMNS = {"cost": "cost_per_year", "duration": "duration_years", "project_id": "project"}


@dataclass
class _Parsed:
    problems: list[Problem]
    values: dict[str, Any]


def _year_start(text: str) -> int | None:
    try:
        spec = parse_period(text)
    except BadPeriod:
        return None
    return spec.start.year if spec.kind == "year" else None


def _years(data: bytes) -> tuple[list[tuple[int, int, int, int]], list[Problem]]:
    """(row, first calendar year, budget pence, staff days) per row of the years file."""
    table, problems = read_csv(data, required=YEAR_COLUMNS, max_rows=20)
    rows: list[tuple[int, int, int, int]] = []
    for n, row in table.rows:
        start, budget, staff = _year_start(row["year"]), parse_pence(row["budget"]), None
        staff = parse_count(row["staff_days"])
        if start is None:
            problems.append(Problem("bad_year", "Give a financial year like 2026/27", n, "year"))
        if budget is None or budget < 0:
            problems.append(
                Problem(
                    "bad_budget", f"{row['budget']!r} is not an amount in pounds ≥ 0", n, "budget"
                )
            )
        if staff is None:
            problems.append(Problem("bad_staff", "Give whole staff days ≥ 0", n, "staff_days"))
        if start is not None and rows and start != rows[-1][1] + 1:
            problems.append(Problem("gap_in_years", "Years must follow one another", n, "year"))
        if start is not None and budget is not None and staff is not None:
            rows.append((n, start, budget, staff))
    if not table.rows and not problems:
        problems.append(Problem("no_years", "The years file has no years", None, None))
    return rows, [_in("years", p) for p in problems]


def _in(file: str, p: Problem) -> Problem:
    return Problem(p.code, f"{file} file: {p.message}", p.row, p.column)


def _project(row: dict[str, str], n: int, first: int, providers: dict[str, int]) -> _Parsed:
    problems: list[Problem] = []

    def bad(column: str, message: str) -> None:
        problems.append(Problem(f"bad_{column}", message, n, column))

    code = row["project"]
    if not CODE_RE.fullmatch(code):
        bad("project", "Give a project code of letters, digits, '.', '_' or '-' (up to 40)")
    if row["provider"] not in providers:
        bad("provider", f"{row['provider']!r} is not one of this commissioner's providers")
    gains = {c: parse_decimal(row[c]) for c in ("gain", "gain_low", "gain_high")}
    for column, value in gains.items():
        if value is None:
            bad(column, f"{row[column]!r} is not a number")
    cost = parse_pence(row["cost_per_year"])
    if cost is None:
        bad("cost_per_year", f"{row['cost_per_year']!r} is not an amount in pounds")
    duration, staff = parse_count(row["duration_years"]), parse_count(row["staff_days"])
    if duration is None:
        bad("duration_years", f"{row['duration_years']!r} is not a whole number of years")
    if staff is None:
        bad("staff_days", f"{row['staff_days']!r} is not a whole number of days")
    earliest = 0
    if row.get("earliest_start"):
        start = _year_start(row["earliest_start"])
        if start is None:
            bad("earliest_start", "Give a financial year like 2026/27")
        else:
            earliest = start - first
    needs = tuple(q.strip() for q in row.get("prerequisites", "").split(";") if q.strip())
    indicators = [i.strip() for i in row.get("indicators", "").split(";") if i.strip()]
    values = {
        "code": code,
        "title": row["title"][:300],
        "organisation_id": providers.get(row["provider"]),
        "provider": row["provider"],
        "indicators": indicators,
        "gains": gains,
        "cost": cost,
        "duration": duration,
        "staff": staff,
        "needs": needs,
        "earliest": earliest,
    }
    return _Parsed(problems, values)


def _as_project(v: dict[str, Any]) -> Project:
    g = v["gains"]
    return Project(
        v["code"],
        v["provider"],
        float(g["gain"]),
        float(g["gain_low"]),
        float(g["gain_high"]),
        v["cost"],
        v["duration"],
        v["staff"],
        v["needs"],
        v["earliest"],
    )


def import_plan(
    actor: Any, commissioner: Organisation, title: str, years_csv: bytes, projects_csv: bytes
) -> ImprovementPlan:
    """Store the plan if both files are sound; otherwise ValidationFailed with every problem."""
    years, problems = _years(years_csv)
    providers = dict(
        db.session.execute(
            select(Organisation.code, Organisation.id).where(
                Organisation.parent_id == commissioner.id, Organisation.kind.in_(PROVIDER_KINDS)
            )
        ).all()
    )
    table, found = read_csv(
        projects_csv, required=PROJECT_COLUMNS, optional=PROJECT_OPTIONAL, max_rows=5000
    )
    first = years[0][1] if years else 0
    parsed = [(n, _project(row, n, first, providers)) for n, row in table.rows]
    found += [p for _, x in parsed for p in x.problems]
    if not found and not problems and years:
        horizon = Horizon(tuple(y[2] for y in years), tuple(y[3] for y in years))
        rows = {x.values["code"]: n for n, x in parsed}
        for p in input_problems([_as_project(x.values) for _, x in parsed], horizon):
            column = FIELD_COLUMNS.get(p.field, p.field)
            found.append(Problem(f"bad_{column}", p.message, rows.get(p.project_id or ""), column))
    problems += [_in("projects", p) for p in found]
    if not table.rows and not found:
        problems.append(Problem("no_projects", "projects file: it has no projects", None, None))
    if problems:
        raise ValidationFailed("The plan was not imported: nothing was saved", problems)
    plan = ImprovementPlan(
        commissioner_id=commissioner.id, title=title, first_year=first, created_by_id=actor.id
    )
    db.session.add(plan)
    db.session.flush()
    for i, (_n, _start, budget, staff) in enumerate(years):
        db.session.add(PlanYear(plan_id=plan.id, index=i, budget_pence=budget, staff_days=staff))
    for _n, x in parsed:
        v = x.values
        db.session.add(
            ImprovementProject(
                plan_id=plan.id,
                code=v["code"],
                title=v["title"],
                organisation_id=v["organisation_id"],
                indicators=v["indicators"],
                gain=v["gains"]["gain"],
                gain_low=v["gains"]["gain_low"],
                gain_high=v["gains"]["gain_high"],
                cost_pence=v["cost"],
                duration=v["duration"],
                staff_days=v["staff"],
                prerequisites=list(v["needs"]),
                earliest_start=v["earliest"],
            )
        )
    db.session.flush()
    audit.record(
        actor,
        "improvement.import",
        "improvement_plan",
        plan.id,
        after={"title": title, "years": len(years), "projects": len(parsed)},
    )
    return plan


def to_projects(plan: ImprovementPlan) -> tuple[list[Project], Horizon]:
    """The optimiser's view of a stored plan."""
    projects = [
        Project(
            p.code,
            p.organisation.code,
            float(p.gain),
            float(p.gain_low),
            float(p.gain_high),
            p.cost_pence,
            p.duration,
            p.staff_days,
            tuple(p.prerequisites),
            p.earliest_start,
        )
        for p in plan.projects
    ]
    horizon = Horizon(
        tuple(y.budget_pence for y in plan.years), tuple(y.staff_days for y in plan.years)
    )
    return projects, horizon
