"""The measure-type registry (architecture.md rule 6): look a type up by name, never branch on it.

`register_measure_type` adds one (a module defining a `MeasureType` calls it on import);
`unregister_measure_type` takes it away again (tests that add a toy type clean up with it).
"""

from qframe.engine.errors import InvalidInput
from qframe.engine.intervals import Interval
from qframe.engine.measure_type import MeasureType
from qframe.engine.measures import BUILT_IN

_REGISTRY: dict[str, MeasureType] = {t.name: t for t in BUILT_IN}


def measure_type(name: str) -> MeasureType:
    """The registered type of that name; InvalidInput for an unknown one."""
    found = _REGISTRY.get(name)
    if found is None:
        raise InvalidInput(f"unknown measure {name!r}")
    return found


def known_measure(name: object) -> MeasureType | None:
    """The registered type of that name, or None for anything else (raw input, None)."""
    return _REGISTRY.get(name) if isinstance(name, str) else None


def is_measure(name: object) -> bool:
    """Whether name is a registered measure type."""
    return isinstance(name, str) and name in _REGISTRY


def measure_names() -> tuple[str, ...]:
    """Every registered name, built-in ones first, in registration order."""
    return tuple(_REGISTRY)


def counted_measures() -> tuple[str, ...]:
    """Names of the types submitted as numerator and denominator."""
    return tuple(name for name, t in _REGISTRY.items() if t.counted)


def measures_in_family(family: str) -> tuple[str, ...]:
    """Names of the types drawn in that funnel family ("proportion": Bernoulli outcomes)."""
    return tuple(name for name, t in _REGISTRY.items() if t.funnel_family == family)


def register_measure_type(kind: MeasureType) -> MeasureType:
    """Add a type; a name already registered is refused (types are never silently replaced)."""
    if kind.name in _REGISTRY:
        raise InvalidInput(f"measure type {kind.name!r} is already registered")
    _REGISTRY[kind.name] = kind
    return kind


def unregister_measure_type(name: str) -> None:
    """Remove a type added with register_measure_type; built-in types stay."""
    if any(t.name == name for t in BUILT_IN):
        raise InvalidInput(f"measure type {name!r} is built in")
    _REGISTRY.pop(name, None)


def measure_interval(
    measure: str, numerator: int | None, denominator: int | None, multiplier: float | None
) -> Interval | None:
    """The 95% interval of one result, or None where the measure has none (values, yes/no)."""
    if numerator is None or denominator is None or denominator <= 0:
        return None
    kind = _REGISTRY.get(measure)
    return None if kind is None else kind.interval(numerator, denominator, multiplier)
