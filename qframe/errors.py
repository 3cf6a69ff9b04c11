"""Domain errors raised by services; `qframe.web.errors` maps them to HTTP in one place."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One problem in an input: where it is (row/column or JSON path) and what is wrong."""

    code: str
    message: str
    row: int | None = None
    column: str | None = None

    def as_dict(self) -> dict[str, object]:
        return {"row": self.row, "column": self.column, "code": self.code, "message": self.message}


class DomainError(Exception):
    """Base class: a request that the rules refuse. `status` is the HTTP equivalent."""

    status = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ValidationFailed(DomainError):
    """Input rejected whole; `problems` lists every problem found, not only the first."""

    status = 422

    def __init__(self, message: str, problems: list[Problem] | None = None) -> None:
        super().__init__(message)
        self.problems = list(problems or [])


class NotFound(DomainError):
    status = 404


class Forbidden(DomainError):
    status = 403


class Conflict(DomainError):
    """The record changed since it was read, or the action clashes with its state."""

    status = 409


class Immutable(Conflict):
    """A published framework, closed period or approved run cannot change."""


class TooLarge(DomainError):
    status = 413


class Unavailable(DomainError):
    """The service is briefly overloaded or its database is unusable: try again shortly."""

    status = 503
