"""HiGHS (through `highspy`) for the optimizing mode: one 0/1 program, solved quietly, again and
again with new objectives.

    program = Program(columns, rows, limits, integer=True)  # rows: column indices, Σ ≤ limit
    program = Program(columns, rows, limits, integer=True, least=...)  # and Σ ≥ least
    found = program.maximize(costs, seconds, start=None, absolute_gap=0.0, relative_gap=0.0)
    found.values, found.optimal, found.column_duals, found.row_duals   # as numpy arrays
    program.pin_face(found)     # a linear program: keep only the solutions as good as `found`
    program.make_integer()      # then look for the best integer point of that face

Every column is between 0 and 1; every row is a sum of some columns with a coefficient of 1,
between 0 (or a fixed value) and its limit. That is all the relaxation (a bipartite b-matching:
a network, so its linear program has integral vertices) and the repair (a time-indexed integer
program) need.

`highspy.Highs()` prints a banner on the process's standard output, where `solve` may be
writing the schedule; its base class, `highspy._Highs`, is the same solver without that.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import highspy
import numpy as np

_MAXIMIZE = highspy.ObjSense.kMaximize
_FOUND = (highspy.HighsModelStatus.kOptimal, highspy.HighsModelStatus.kTimeLimit)
_NONZERO_DUAL = 1e-6
"""Above HiGHS's dual feasibility tolerance (1e-7)."""


@dataclass(slots=True)
class Found:
    values: np.ndarray
    optimal: bool
    """Proven optimal within the gaps asked for; otherwise the best found in the time."""
    column_duals: np.ndarray
    row_duals: np.ndarray
    row_values: np.ndarray


class Program:
    def __init__(
        self,
        columns: int,
        rows: Sequence[Sequence[int]],
        limits: Sequence[float],
        integer: bool,
        least: Sequence[float] | None = None,
    ) -> None:
        self.columns = columns
        self.integer = integer
        self.solver = highspy._Highs()
        self.solver.setOptionValue("output_flag", False)
        self.solver.setOptionValue("threads", 1)
        lp = highspy.HighsLp()
        lp.num_col_ = columns
        lp.num_row_ = len(rows)
        lp.sense_ = _MAXIMIZE
        lp.col_cost_ = np.zeros(columns)
        lp.col_lower_ = np.zeros(columns)
        lp.col_upper_ = np.ones(columns)
        lp.row_lower_ = np.zeros(len(rows)) if least is None else np.asarray(least, np.float64)
        lp.row_upper_ = np.asarray(limits, dtype=np.float64)
        lengths = np.fromiter((len(row) for row in rows), dtype=np.int32, count=len(rows))
        starts = np.zeros(len(rows) + 1, dtype=np.int32)
        np.cumsum(lengths, out=starts[1:])
        matrix = lp.a_matrix_
        matrix.format_ = highspy.MatrixFormat.kRowwise
        matrix.num_col_ = columns
        matrix.num_row_ = len(rows)
        matrix.start_ = starts
        matrix.index_ = np.fromiter(
            (c for row in rows for c in row), dtype=np.int32, count=int(starts[-1])
        )
        matrix.value_ = np.ones(int(starts[-1]))
        if integer:
            lp.integrality_ = [highspy.HighsVarType.kInteger] * columns
            _quick_integer_options(self.solver)
        else:
            # a vertex: integral on a network; duals to pin faces with
            self.solver.setOptionValue("solver", "simplex")
        self.solver.passModel(lp)
        self.everything = np.arange(columns, dtype=np.int32)

    def maximize(
        self,
        costs: np.ndarray,
        seconds: float,
        start: np.ndarray | None = None,
        absolute_gap: float = 0.0,
        relative_gap: float = 0.0,
    ) -> Found | None:
        """The best solution found within `seconds`, or None if there is none (or the time
        ran out before one was found)."""
        solver = self.solver
        solver.changeColsCost(self.columns, self.everything, np.asarray(costs, dtype=np.float64))
        solver.setOptionValue("time_limit", max(0.001, seconds))
        if self.integer:
            solver.setOptionValue("mip_abs_gap", absolute_gap)
            solver.setOptionValue("mip_rel_gap", relative_gap)
            if start is not None:
                solver.setSolution(self.columns, self.everything, start.astype(np.float64))
        solver.run()
        status = solver.getModelStatus()
        solution = solver.getSolution()
        if status not in _FOUND or not solution.value_valid:
            return None
        return Found(
            np.asarray(solution.col_value),
            status == highspy.HighsModelStatus.kOptimal,
            np.asarray(solution.col_dual),
            np.asarray(solution.row_dual),
            np.asarray(solution.row_value),
        )

    def pin_face(self, found: Found) -> None:
        """Keep only the optimal solutions of the linear program just solved: by complementary
        slackness, a column with a nonzero reduced cost, or a row with a nonzero dual, has the
        same value in every optimal solution (at one of its bounds, so an integer), and fixing
        it there keeps exactly the optimal solutions."""
        if self.integer:
            raise ValueError("an integer program has no duals to pin a face with")
        columns = np.flatnonzero(np.abs(found.column_duals) > _NONZERO_DUAL).astype(np.int32)
        at = np.round(found.values[columns])
        self.solver.changeColsBounds(len(columns), columns, at, at)
        rows = np.flatnonzero(np.abs(found.row_duals) > _NONZERO_DUAL).astype(np.int32)
        at = np.round(found.row_values[rows])
        self.solver.changeRowsBounds(len(rows), rows, at, at)

    def make_integer(self) -> None:
        """From now on every column is 0 or 1 (the bounds pinned so far stay)."""
        self.integer = True
        self.solver.changeColsIntegrality(
            self.columns, self.everything, np.full(self.columns, highspy.HighsVarType.kInteger)
        )
        _quick_integer_options(self.solver)


def _quick_integer_options(solver: highspy._Highs) -> None:
    """Measured on the repair's programs (set packing, whose root is nearly always integral):
    presolve, symmetry detection and the feasibility-jump heuristic took two thirds of the time
    and never paid off."""
    solver.setOptionValue("presolve", "off")
    solver.setOptionValue("mip_detect_symmetry", False)
    solver.setOptionValue("mip_heuristic_run_feasibility_jump", False)
