"""The scoring-method registry (architecture.md rule 6): how an indicator's points are earned.

`threshold`: points on the indicator's own band, provider by provider (QOF, CQUIN).
`vbp`: CMS value-based purchasing, points against peers and the provider's own baseline, so
scored in a second pass over every provider (scoring.vbp_pass).
"""

from dataclasses import dataclass

from qframe.engine.registry import Registry


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

SCORING_METHODS: Registry[ScoringMethod] = Registry("method", (THRESHOLD, VBP))

scoring_method = SCORING_METHODS.get
known_scoring_method = SCORING_METHODS.find
scoring_method_names = SCORING_METHODS.names
