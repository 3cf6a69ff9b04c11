"""What a funnel's flags are judged against: the population's target, φ and τ²."""

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FunnelSummary:
    """The population's target θ, overdispersion φ and random-effects τ²."""

    target: float | None
    phi: float | None
    tau2: float
    provisional: bool = False
    basis: str = "local"
