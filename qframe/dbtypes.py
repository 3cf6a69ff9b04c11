"""Column types shared by the models."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, Integer, String
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

# SQLite only auto-increments an INTEGER primary key; PostgreSQL gets a 64-bit one.
BigId = BigInteger().with_variant(Integer, "sqlite")


class ExactDecimal(TypeDecorator[Decimal]):
    """A Decimal stored as its exact text ('9', '135.06'): SQLite's Numeric would pass floats.

    The text is kept as written, so an exported value is byte-for-byte what was imported.
    """

    impl = String(40)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        if value is None:
            return None
        if not isinstance(value, Decimal):
            value = Decimal(str(value))
        if not value.is_finite():
            raise ValueError("decimals must be finite")
        return str(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        return None if value is None else Decimal(value)
