"""The entry grid: every indicator of an organisation's level for one period, saved together.

All or nothing: every typed value is checked and, if any is refused, nothing is kept and the
page comes back with every value as typed and each problem beside its own field.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

from qframe.auth.models import User
from qframe.errors import DomainError, ValidationFailed
from qframe.frameworks.models import Framework, Indicator
from qframe.measurements.rows import FORM_FIELDS
from qframe.measurements.services import save_entry
from qframe.orgs.models import Organisation


def field_name(indicator: Indicator, name: str) -> str:
    """The grid's form name of one field of one indicator (f12-numerator)."""
    return f"f{indicator.id}-{name}"


@dataclass
class GridResult:
    saved: int = 0
    unchanged: int = 0
    posted: dict[int, dict[str, str]] = field(default_factory=dict)
    errors: dict[int, dict[str, list[str]]] = field(default_factory=dict)
    general: dict[int, list[str]] = field(default_factory=dict)

    @property
    def problems(self) -> int:
        return sum(len(v) for e in self.errors.values() for v in e.values()) + sum(
            len(v) for v in self.general.values()
        )


def save_grid(
    actor: User,
    framework: Framework,
    org: Organisation,
    indicators: list[Indicator],
    period: str,
    form: Mapping[str, str],
) -> GridResult:
    """Save every typed indicator (flushes); the caller rolls back when `problems` is not 0."""
    result = GridResult()
    for ind in indicators:
        fields = {name: (form.get(field_name(ind, name)) or "").strip() for name in FORM_FIELDS}
        result.posted[ind.id] = fields
        version = form.get(field_name(ind, "version")) or ""
        if not any(fields.values()) and not version:
            continue  # nothing typed and nothing stored: not part of this save
        try:
            outcome = save_entry(
                actor,
                framework,
                org,
                ind,
                period,
                fields,
                expected_version=int(version) if version.isdigit() else None,
            )
        except ValidationFailed as error:
            _file(result, ind.id, error)
            continue
        except DomainError as error:
            result.general.setdefault(ind.id, []).append(error.message)
            continue
        if outcome.unchanged:
            result.unchanged += 1
        else:
            result.saved += 1
    return result


def _file(result: GridResult, indicator_id: int, error: ValidationFailed) -> None:
    by_field: dict[str, list[str]] = defaultdict(list)
    general = []
    for problem in error.problems:
        if problem.column in FORM_FIELDS:
            by_field[problem.column].append(problem.message)
        else:
            general.append(problem.message)
    if by_field:
        result.errors[indicator_id] = dict(by_field)
    if general or not by_field:
        result.general.setdefault(indicator_id, []).extend(general or [error.message])
