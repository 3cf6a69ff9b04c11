"""The measure-type registry (architecture.md rule 6): look a type up by name, never branch on it.

`register_measure_type` adds one (a module defining a `MeasureType` calls it on import);
`unregister_measure_type` takes it away again (tests that add a toy type clean up with it).
"""

from qframe.engine.intervals import Interval
from qframe.engine.measure_type import MeasureType
from qframe.engine.measures import BUILT_IN
from qframe.engine.registry import Registry

MEASURE_TYPES: Registry[MeasureType] = Registry("measure", BUILT_IN)

measure_type = MEASURE_TYPES.get
known_measure = MEASURE_TYPES.find
measure_names = MEASURE_TYPES.names
register_measure_type = MEASURE_TYPES.register
unregister_measure_type = MEASURE_TYPES.unregister


def is_measure(name: object) -> bool:
    """Whether name is a registered measure type."""
    return MEASURE_TYPES.find(name) is not None


def counted_measures() -> tuple[str, ...]:
    """Names of the types submitted as numerator and denominator."""
    return tuple(t.name for t in MEASURE_TYPES.entries() if t.counted)


def measures_in_family(family: str) -> tuple[str, ...]:
    """Names of the types drawn in that funnel family ("proportion": Bernoulli outcomes)."""
    return tuple(t.name for t in MEASURE_TYPES.entries() if t.funnel_family == family)


def measure_interval(
    measure: str,
    numerator: int | None,
    denominator: int | None,
    multiplier: float | None,
    expected: float | None = None,
) -> Interval | None:
    """The 95% interval of one result, or None where the measure has none (values, yes/no).

    A type with `expected` (a ratio) is observed / expected: its base is `expected`."""
    kind = MEASURE_TYPES.find(measure)
    if kind is None or numerator is None:
        return None
    base = expected if kind.expected else denominator
    if base is None or not base > 0:
        return None
    return kind.interval(numerator, base, multiplier)
