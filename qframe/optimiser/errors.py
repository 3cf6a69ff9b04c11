"""Domain exceptions raised by the optimiser (plain English, no solver jargon where avoidable)."""

from __future__ import annotations


class OptimiserError(Exception):
    """Base class for every optimiser failure."""


class InvalidInput(OptimiserError, ValueError):
    """Inputs that cannot describe a real problem (negative costs, duplicate keys...)."""

    def __init__(self, reasons: list[str]) -> None:
        self.reasons = list(reasons)
        super().__init__("; ".join(self.reasons))


class InfeasibleAllocation(InvalidInput):
    """A reward allocation that no solver could satisfy, explained before any solver runs."""


class SolverFailed(OptimiserError):
    """The solver did not prove an optimal answer, so no result (and no money) is returned."""

    def __init__(self, status: str) -> None:
        self.status = status
        super().__init__(status)
