"""A score run's funnel flags for one indicator at one level: proportions and rates (§7)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from qframe.engine.flags import funnel_flags
from qframe.engine.funnel import Reference
from qframe.engine.ratios import rate_funnel
from qframe.engine.types import IndicatorSpec

if TYPE_CHECKING:
    from qframe.scoring.calculate import Column


def flag_column(
    column: Column, indexes: list[int], spec: IndicatorSpec, reference: Reference | None
) -> dict[str, float | int | None]:
    """Set column.flags at indexes; return the funnel's target, τ², φ and whether provisional."""
    obs = column.obs
    flags = column.flags
    if spec.measure == "rate":
        result = rate_funnel(
            [obs[i][0] for i in indexes],
            [None if obs[i][1] is None else float(obs[i][1]) for i in indexes],  # type: ignore[arg-type]
            [str(column.orgs[i]) for i in indexes],
            spec.polarity,
            min_exposure=spec.min_denominator,
            reference=reference,
        )
        for index, row in zip(indexes, result.rows, strict=True):
            flags[index] = row.flag
        target = None if result.target is None else result.target
        return _stat(target, result.tau2, result.phi, result.provisional, result.basis)
    summary, found = funnel_flags(
        [obs[i][0] for i in indexes],
        [obs[i][1] for i in indexes],
        spec.polarity,
        min_denominator=spec.min_denominator,
        reference=reference,
    )
    for index, flag in zip(indexes, found, strict=True):
        flags[index] = flag
    return _stat(summary.target, summary.tau2, summary.phi, summary.provisional, summary.basis)


def _stat(
    target: float | None, tau2: float, phi: float | None, provisional: bool, basis: str
) -> dict[str, float | int | None]:
    # basis: 0 local providers, 1 qframe-wide providers, 2 an imported benchmark.
    code = {"local": 0, "qframe": 1, "benchmark": 2}.get(basis, 2)
    return {
        "target": target, "tau2": tau2, "phi": phi,
        "provisional": int(provisional), "basis": code,
    }  # fmt: skip
