"""Pick-lists of periods with final scores: forms offer what can be chosen, not a text box.

Paying a reward pot or publishing results needs a framework's final scores for a period, so
the period field lists, under each framework version, only the periods it has a final score
run for, newest first; the default is the newest period of the framework the form defaults to
(its current version). The service still refuses anything else a hand-made request sends.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from sqlalchemy import select
from wtforms import SelectField
from wtforms.fields.choices import Choice, SelectChoice

from qframe.extensions import db
from qframe.frameworks.models import Framework
from qframe.periods.models import Period


def final_periods(framework_ids: Iterable[int]) -> dict[int, list[Period]]:
    """Per framework id, the periods it has a final score run for, newest first."""
    from qframe.scoring.models import ScoreRun

    ids = list(framework_ids)
    found: dict[int, list[Period]] = {i: [] for i in ids}
    if not ids:
        return found
    stmt = (
        select(ScoreRun.framework_id, Period)
        .join(Period, Period.id == ScoreRun.period_id)
        .where(ScoreRun.framework_id.in_(ids), ScoreRun.status == "final")
        .distinct()
        .order_by(Period.end_date.desc(), Period.start_date.desc())
    )
    for framework_id, period in db.session.execute(stmt):
        found[framework_id].append(period)
    return found


def group_label(framework: Framework) -> str:
    return f"{framework.code} v{framework.version}"


class PeriodPickField(SelectField):
    """Periods grouped by framework version; the same label may sit under several versions,
    so only the option under the chosen framework is marked selected."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # The service checks the period against the framework and says why in words, so a
        # label outside the list is not refused here with a bare "Not a valid choice".
        kwargs.setdefault("validate_choice", False)
        super().__init__(*args, **kwargs)
        self.selected_group: str | None = None

    def iter_groups(self) -> Iterator[tuple[str | None, list[Choice]]]:
        for optgroup, group in super().iter_groups():
            if self.selected_group is not None and optgroup != self.selected_group:
                group = [c._replace(selected=False) for c in group]
            yield optgroup, group


def offer_final_periods(
    field: PeriodPickField,
    frameworks: Sequence[Framework],
    chosen_id: Any,
    *,
    submitted: bool,
) -> dict[int, list[Period]]:
    """Fill the field with each framework's final periods; default to the chosen framework's
    newest. Returns the periods per framework id (for words on the page)."""
    periods = final_periods(f.id for f in frameworks)
    field.choices = [
        SelectChoice(p.label, p.label, optgroup=group_label(f))
        for f in frameworks
        for p in periods[f.id]
    ]
    chosen = next((f for f in frameworks if str(f.id) == str(chosen_id)), None)
    field.selected_group = group_label(chosen) if chosen is not None else None
    if not submitted and chosen is not None and periods[chosen.id]:
        field.data = periods[chosen.id][0].label
    return periods
