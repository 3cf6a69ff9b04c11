"""Optimisation for qframe (pure: PuLP + HiGHS, frozen dataclasses in and out)."""

from .allocation import Allocation, AllocationLine, allocate_columns, allocate_rewards
from .buddies import BuddyPair, Mentor, Needing, match_buddies
from .closed_form import closed_form_allocation
from .errors import InfeasibleAllocation, InvalidInput, OptimiserError, SolverFailed
from .recipients import Recipient
from .support import Package, SupportPlan, plan_improvement_support

__all__ = [
    "Allocation",
    "AllocationLine",
    "BuddyPair",
    "InfeasibleAllocation",
    "InvalidInput",
    "Mentor",
    "Needing",
    "OptimiserError",
    "Package",
    "Recipient",
    "SolverFailed",
    "SupportPlan",
    "allocate_columns",
    "allocate_rewards",
    "closed_form_allocation",
    "match_buddies",
    "plan_improvement_support",
]
