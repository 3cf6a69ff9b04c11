"""Exact money helpers shared by every feature: integer pence in, integer pence out. Pure."""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction


def split_pence(total: int, weights: Sequence[int | Decimal | Fraction]) -> list[int]:
    """Split whole pence in proportion to weights ≥ 0, adding up exactly (largest remainder).

    Arithmetic is exact (fractions); spare pence go to the largest remainders, ties to the
    earlier weight. All-zero weights split evenly. A negative total is split by its size.
    """
    if not weights or any(w < 0 for w in weights):
        raise ValueError("weights must be a non-empty list of numbers ≥ 0")
    shares_of = [Fraction(w) for w in weights]
    weight_sum = sum(shares_of, Fraction(0))
    if weight_sum == 0:
        shares_of, weight_sum = [Fraction(1)] * len(weights), Fraction(len(weights))
    whole, sign = abs(total), (-1 if total < 0 else 1)
    exact = [whole * w / weight_sum for w in shares_of]
    shares = [math.floor(x) for x in exact]
    order = sorted(range(len(exact)), key=lambda i: (shares[i] - exact[i], i))
    for i in order[: whole - sum(shares)]:
        shares[i] += 1
    return [sign * s for s in shares]


def pence_to_pounds(pence: int) -> Decimal:
    """Pence as exact pounds with two places (1234.50), a number for CSV cells."""
    return Decimal(pence).scaleb(-2)
