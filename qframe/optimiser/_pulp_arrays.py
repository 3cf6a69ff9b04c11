"""PuLP models handed to HiGHS as arrays: no Python object per variable on the way in or out.

PuLP 4 keeps a model in its Rust core and offers bulk paths in (`Model.add_variables_batch`,
`AffineExpr.add_term_ids_coeffs` taking buffers of ids and coefficients), but its HiGHS
driver (`pulp.apis.highs.HiGHS`) wraps every variable in a Python `LpVariable` several times
per solve (columns, rows, values back, statistics): at 100,000 variables that cost seconds
against milliseconds in HiGHS. `ArrayHiGHS` is the same driver reading the Rust core in bulk,
passing numpy arrays to highspy, copying the solution back in one call, and optionally
starting from a basis (a warm start HiGHS takes as is, unlike a primal point).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import highspy
import numpy as np
import numpy.typing as npt
import pulp
from pulp import _rustcore
from pulp.core.lp_stats import LpSolveStats

Floats = npt.NDArray[np.float64]
Status = Literal["lower", "basic", "upper"]
_HIGHS_STATUS = {
    "lower": highspy.HighsBasisStatus.kLower,
    "basic": highspy.HighsBasisStatus.kBasic,
    "upper": highspy.HighsBasisStatus.kUpper,
}
_OPTIMAL = highspy.HighsModelStatus.kOptimal
_PULP_STATUS = {
    _OPTIMAL: pulp.LpSolveStatus.Optimal,
    highspy.HighsModelStatus.kInfeasible: pulp.LpSolveStatus.Infeasible,
    highspy.HighsModelStatus.kUnbounded: pulp.LpSolveStatus.Unbounded,
    highspy.HighsModelStatus.kTimeLimit: pulp.LpSolveStatus.TimeLimit,
}


@dataclass(frozen=True)
class VariableBlock:
    """`count` variables of one problem with consecutive ids from `first`."""

    first: int
    count: int

    @property
    def ids(self) -> npt.NDArray[np.uint64]:
        return np.arange(self.first, self.first + self.count, dtype=np.uint64)


def add_block(prob: pulp.LpProblem, name: str, count: int, low: float, up: float) -> VariableBlock:
    """Continuous variables name_0 .. name_{count-1} in [low, up], created in one call."""
    handles = prob._model.add_variables_batch(
        [f"{name}_{k}" for k in range(count)], low, up, _rustcore.Category.Continuous
    )
    first = handles[0].id() if handles else prob._model.num_variables
    return VariableBlock(first, count)


def dot(
    prob: pulp.LpProblem, block: VariableBlock, coefficients: Floats
) -> pulp.LpAffineExpression:
    """The PuLP expression sum(coefficients[k] * block[k]), built from the two arrays."""
    expr = pulp.LpAffineExpression.empty()
    coefs = np.ascontiguousarray(coefficients, dtype=np.float64)
    expr._expr.add_term_ids_coeffs(prob._model, block.ids, coefs)
    return expr


@dataclass(frozen=True)
class Basis:
    """A starting basis: the block's columns by status (others at lower), then the rows'."""

    block: VariableBlock
    columns: tuple[Status, ...] | Sequence[Status]
    rows: tuple[Status, ...]


def _bounds(constraint: _rustcore.Constraint) -> tuple[float, float]:
    rhs, sense = constraint.rhs, constraint.sense
    if sense == _rustcore.Sense.LessEqual:
        return -highspy.kHighsInf, rhs
    if sense == _rustcore.Sense.GreaterEqual:
        return rhs, highspy.kHighsInf
    return rhs, rhs


class ArrayHiGHS(pulp.HiGHS):
    """PuLP's highspy driver, in bulk. After a solve `column_values` holds x by variable id."""

    def __init__(self, *, basis: Basis | None = None, **options: Any) -> None:
        super().__init__(**options)
        self.basis = basis
        self.column_values: Floats = np.zeros(0)

    def buildSolverModel(self, lp: pulp.LpProblem) -> None:  # noqa: N802 (PuLP's name)
        model, highs = lp._model, self._highs(lp)
        self._ids = ids = np.asarray(model.used_variable_ids(), dtype=np.int64)
        handles = model.list_variables_by_ids(ids.tolist())
        n = len(ids)
        column = np.full(model.num_variables, -1, dtype=np.int64)
        column[ids] = np.arange(n)
        lower = np.fromiter((v.lb for v in handles), np.float64, n)
        upper = np.fromiter((v.ub for v in handles), np.float64, n)
        cost = np.zeros(n)
        objective = model.get_objective()
        if objective is not None and objective.num_terms():
            terms = np.fromiter((v.id() for v in objective.keys()), np.int64)
            cost[column[terms]] = objective.values()
        highs.addCols(n, cost, lower, upper, 0, np.zeros(0, np.int32), np.zeros(0, np.int32), [])
        if self.mip and lp.isMIP():
            whole = [j for j, v in enumerate(handles) if v.is_integer()]
            if whole:
                kinds = [highspy.HighsVarType.kInteger] * len(whole)
                highs.changeColsIntegrality(len(whole), np.array(whole, np.int32), kinds)
        if lp.sense == pulp.LpMaximize:
            highs.changeObjectiveSense(highspy.ObjSense.kMaximize)
        if objective is not None:
            highs.changeObjectiveOffset(objective.constant)
        for row in model.list_constraints():
            pairs = row.items()
            index = column[np.fromiter((v.id() for v, _ in pairs), np.int64, len(pairs))]
            values = np.fromiter((c for _, c in pairs), np.float64, len(pairs))
            low, up = _bounds(row)
            highs.addRow(low, up, len(index), index.astype(np.int32), values)
        if self.basis is not None:
            highs.setBasis(self._highs_basis(self.basis, column, n))

    @staticmethod
    def _highs_basis(basis: Basis, column: npt.NDArray[np.int64], n: int) -> highspy.HighsBasis:
        statuses = [_HIGHS_STATUS["lower"]] * n
        where = column[basis.block.ids.astype(np.int64)].tolist()
        for j, status in zip(where, basis.columns, strict=True):
            statuses[j] = _HIGHS_STATUS[status]
        start = highspy.HighsBasis()
        start.col_status = statuses
        start.row_status = [_HIGHS_STATUS[status] for status in basis.rows]
        start.valid = True
        return start

    @staticmethod
    def _highs(lp: pulp.LpProblem) -> Any:
        if lp.solverModel is None:
            raise RuntimeError("createAndConfigureSolver must run first")
        return lp.solverModel

    def findSolutionValues(  # noqa: N802
        self, lp: pulp.LpProblem
    ) -> tuple[pulp.LpSolveStatus, bool]:
        highs = self._highs(lp)
        status = highs.getModelStatus()
        solution = highs.getSolution()
        values = np.asarray(solution.col_value, dtype=np.float64)
        by_id = np.zeros(lp._model.num_variables)
        by_id[self._ids] = values
        self.column_values = by_id
        lp._model.set_variable_values(list(zip(self._ids.tolist(), values.tolist(), strict=True)))
        rows = lp._model.list_constraints()
        for row, activity, dual in zip(rows, solution.row_value, solution.row_dual, strict=True):
            row.set_slack(row.rhs - activity)
            row.set_pi(dual)
        found = status == _OPTIMAL and solution.value_valid
        return _PULP_STATUS.get(status, pulp.LpSolveStatus.Undefined), bool(found)

    def actualSolve(self, lp: pulp.LpProblem, **kwargs: Any) -> LpSolveStats:  # noqa: N802
        started, cpu = time.perf_counter(), time.process_time()
        self.createAndConfigureSolver(lp)
        self.buildSolverModel(lp)
        self._highs(lp).run()
        status, found = self.findSolutionValues(lp)
        objective = self._highs(lp).getInfo().objective_function_value if found else None
        return LpSolveStats(
            solver=self.name,
            status=status,
            has_solution=found,
            time=time.perf_counter() - started,
            cpu_time=time.process_time() - cpu,
            objective=objective,
            num_variables=lp._model.num_variables,
            num_constraints=lp._model.num_constraints,
            is_mip=bool(self.mip and lp.isMIP()),
            solver_options=self.toDict(),
        )
