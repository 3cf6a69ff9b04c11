"""The scoring-method registry (architecture.md rule 6): how an indicator's points are earned.

`threshold`: points on the indicator's own band, provider by provider (QOF, CQUIN).
`vbp`: CMS value-based purchasing, points against peers and the provider's own baseline, so
scored in a second pass over every provider (scoring.vbp_pass).
"""

from dataclasses import dataclass

from qframe.engine.errors import InvalidInput


@dataclass(frozen=True, slots=True)
class ScoringMethod:
    """One scoring method: its words, the framework JSON scoring fields it reads, how it scores."""

    name: str
    words: str  # for choosing one: "Thresholds (QOF, CQUIN)"
    fields: tuple[str, ...]  # the `scoring` fields of the framework JSON that belong to it
    own_band: bool  # points from the indicator's band (lower, upper, max_points) alone
    peer_scored: bool  # points need peers and a baseline: a second pass over all providers


THRESHOLD = ScoringMethod(
    "threshold", "Thresholds (QOF, CQUIN)", ("max_points", "lower", "upper"),
    own_band=True, peer_scored=False,
)  # fmt: skip
VBP = ScoringMethod(
    "vbp", "Value-based purchasing",
    ("weight", "achievement_threshold", "benchmark", "floor", "composite_of"),
    own_band=False, peer_scored=True,
)  # fmt: skip

_REGISTRY: dict[str, ScoringMethod] = {m.name: m for m in (THRESHOLD, VBP)}


def scoring_method(name: str) -> ScoringMethod:
    """The registered method of that name; InvalidInput for an unknown one."""
    found = _REGISTRY.get(name)
    if found is None:
        raise InvalidInput(f"unknown method {name!r}")
    return found


def known_scoring_method(name: object) -> ScoringMethod | None:
    """The registered method of that name, or None for anything else."""
    return _REGISTRY.get(name) if isinstance(name, str) else None


def scoring_method_names() -> tuple[str, ...]:
    """Every registered method name."""
    return tuple(_REGISTRY)
