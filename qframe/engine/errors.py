"""Domain exceptions raised by the pure scoring engine."""


class EngineError(ValueError):
    """Base class: the engine was given input it cannot score."""


class InvalidInput(EngineError):
    """A count, value or option is outside what the rule allows."""


class InvalidThresholds(EngineError):
    """Thresholds are missing or ordered against the indicator's polarity."""


class InvalidWeights(EngineError):
    """Weights are negative, missing, or do not sum as required."""


class InvalidRules(EngineError):
    """Escalation ladder settings are not usable."""
