"""One registry per variation point (architecture.md rule 6): named entries, looked up by name.

Measure types, funnel families, scoring methods and payment models each keep one `Registry`;
the built-in entries are fixed, and an added one can be taken away again (tests that add a toy
entry clean up with `unregister`).
"""

from collections.abc import Iterable
from typing import Protocol

from qframe.engine.errors import InvalidInput


class Named(Protocol):
    """An entry: anything with a name."""

    @property
    def name(self) -> str: ...


class Registry[T: Named]:
    """Entries of one kind by name, built-in ones first, in registration order."""

    def __init__(self, kind: str, built_in: Iterable[T]) -> None:
        self.kind = kind
        self._entries: dict[str, T] = {entry.name: entry for entry in built_in}
        self._built_in = frozenset(self._entries)

    def get(self, name: str) -> T:
        """The entry of that name; InvalidInput ("unknown <kind> 'x'") for an unknown one."""
        found = self._entries.get(name)
        if found is None:
            raise InvalidInput(f"unknown {self.kind} {name!r}")
        return found

    def find(self, name: object) -> T | None:
        """The entry of that name, or None for anything else (raw input, None)."""
        return self._entries.get(name) if isinstance(name, str) else None

    def names(self) -> tuple[str, ...]:
        """Every registered name."""
        return tuple(self._entries)

    def entries(self) -> tuple[T, ...]:
        """Every registered entry."""
        return tuple(self._entries.values())

    def register(self, entry: T) -> T:
        """Add an entry; a name already registered is refused (never silently replaced)."""
        if entry.name in self._entries:
            raise InvalidInput(f"{self.kind} {entry.name!r} is already registered")
        self._entries[entry.name] = entry
        return entry

    def unregister(self, name: str) -> None:
        """Remove an added entry; built-in entries stay."""
        if name in self._built_in:
            raise InvalidInput(f"{self.kind} {name!r} is built in")
        self._entries.pop(name, None)
