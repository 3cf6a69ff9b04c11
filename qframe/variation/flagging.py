"""A score run's funnel flags for one indicator at one level, by its funnel family (§7)."""

from __future__ import annotations

from collections.abc import Sequence
from operator import itemgetter
from typing import TYPE_CHECKING, overload

from qframe.engine.funnel import Reference
from qframe.engine.funnel_families import funnel_family
from qframe.engine.measure_types import measure_type
from qframe.engine.types import IndicatorSpec

if TYPE_CHECKING:
    from qframe.scoring.calculate import Column

NUMERATOR = itemgetter(0)


def has_funnel(spec: IndicatorSpec) -> bool:
    """Whether the indicator's measure type is drawn (and flagged) in a funnel plot."""
    return measure_type(spec.measure).funnel_family is not None


def flag_column(
    column: Column, indexes: list[int], spec: IndicatorSpec, reference: Reference | None
) -> dict[str, float | int | None]:
    """Set column.flags at indexes; return the funnel's target, τ², φ and whether provisional."""
    family = measure_type(spec.measure).funnel_family
    if family is None:
        return {}
    obs, orgs = column.obs, column.orgs
    size = 2 if measure_type(spec.measure).expected else 1  # a ratio's size: its expected count
    whole = len(indexes) == len(obs)  # indexes count up from 0: every row of the column
    rows = obs if whole else [obs[i] for i in indexes]
    result = funnel_family(family).flag(
        list(map(NUMERATOR, rows)),
        list(map(itemgetter(size), rows)),
        OrgNames(orgs if whole else [orgs[i] for i in indexes]),
        spec.polarity,
        spec.min_denominator,
        reference,
    )
    if whole:
        column.flags[:] = result.flags
    else:
        for index, flag in zip(indexes, result.flags, strict=True):
            column.flags[index] = flag
    return _stat(result.target, result.tau2, result.phi, result.provisional, result.basis)


class OrgNames(Sequence[str]):
    """Organisation ids as the names a funnel family labels its rows with, made only when
    read (the proportion family never reads them)."""

    def __init__(self, orgs: list[int]) -> None:
        self.orgs = orgs

    def __len__(self) -> int:
        return len(self.orgs)

    @overload
    def __getitem__(self, index: int) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> list[str]: ...
    def __getitem__(self, index: int | slice) -> str | list[str]:
        if isinstance(index, slice):
            return [str(org) for org in self.orgs[index]]
        return str(self.orgs[index])


def _stat(
    target: float | None, tau2: float, phi: float | None, provisional: bool, basis: str
) -> dict[str, float | int | None]:
    # basis: 0 local providers, 1 qframe-wide providers, 2 an imported benchmark.
    code = {"local": 0, "qframe": 1, "benchmark": 2}.get(basis, 2)
    return {
        "target": target, "tau2": tau2, "phi": phi,
        "provisional": int(provisional), "basis": code,
    }  # fmt: skip
