"""Repair: re-solve, exactly, the part of the event where meetings would not fit in slots.

    repair(table: Timetable, pairs: list[Candidate], trouble: set[str], deadline: float) -> bool

The b-matching of `relaxation` ignores which slots a pair shares; where availability is patchy
(buyers there for half a day, a two-hour window) some of its meetings find no slot. Around the
participants where that happened (`trouble`, grown by their candidate partners while the model
stays small), every candidate meeting is taken out and the region is solved again as a
time-indexed integer program, one 0/1 variable per pair and open slot, with HiGHS: most mutual
meetings, then most buyer-requested, then most seller-requested, each then earlier in the order
of rule 5. Meetings with participants outside the region stay where they are. The result
replaces the region's meetings only when it is lexicographically better.
"""

from __future__ import annotations

import time
from collections import defaultdict

from ortools.linear_solver import pywraplp

from matching.candidates import Candidate
from matching.grid import Grid
from matching.model import CANDIDATE_TIERS
from matching.timetable import Timetable, bits

MAX_VARIABLES = 200_000
"""Bigger regions solve too slowly for an organizer waiting at the bot."""


def repair(table: Timetable, pairs: list[Candidate], trouble: set[str], deadline: float) -> bool:
    """Re-solve the region around `trouble`; return whether the table improved."""
    region = _region(table, pairs, trouble)
    inside = [i for i, c in enumerate(pairs) if c.buyer in region and c.seller in region]
    current = {
        i: table.slot_of[key]
        for i in inside
        if (key := (pairs[i].buyer, pairs[i].seller)) in table.slot_of
    }
    for i in current:
        table.take(pairs[i].buyer, pairs[i].seller)
    solved, _ = _Model(table, pairs, inside).solve(deadline)
    kept = current if solved is None or _key(solved, pairs) <= _key(current, pairs) else solved
    for i, slot in kept.items():
        table.put(pairs[i].buyer, pairs[i].seller, slot)
    return kept is not current


def exact(grid: Grid, pairs: list[Candidate], deadline: float) -> tuple[dict[int, int], bool]:
    """The whole event as one integer program, for a reference optimum on events where that is
    fast enough: the meetings (pair index -> slot) and whether they are proven optimal."""
    found, proven = _Model(Timetable(grid), pairs, list(range(len(pairs)))).solve(deadline)
    return found or {}, proven


def _key(meetings: dict[int, int], pairs: list[Candidate]) -> tuple:
    """Lexicographic: meetings per tier, then the earliest pairs in the order of rule 5."""
    counts = tuple(sum(pairs[i].tier is tier for i in meetings) for tier in CANDIDATE_TIERS)
    return counts, [-i for i in sorted(meetings)]


def _region(table: Timetable, pairs: list[Candidate], trouble: set[str]) -> set[str]:
    """`trouble` and, while the model stays under `MAX_VARIABLES`, their partners, hop by hop."""
    partners: dict[str, list[str]] = defaultdict(list)
    for c in pairs:
        partners[c.buyer].append(c.seller)
        partners[c.seller].append(c.buyer)
    region = set(trouble)
    frontier = set(trouble)
    while frontier:
        grown = {q for p in frontier for q in partners[p]} - region
        if not grown or _variables(table, pairs, region | grown) > MAX_VARIABLES:
            break
        region |= grown
        frontier = grown
    return region


def _variables(table: Timetable, pairs: list[Candidate], region: set[str]) -> int:
    grid = table.grid
    return sum(
        (grid.available[c.buyer] & grid.available[c.seller]).bit_count()
        for c in pairs
        if c.buyer in region and c.seller in region
    )


class _Model:
    """The region as an integer program over what the table leaves free."""

    def __init__(self, table: Timetable, pairs: list[Candidate], inside: list[int]) -> None:
        grid = table.grid
        self.pairs = pairs
        self.solver = pywraplp.Solver.CreateSolver("HIGHS")
        self.solver.SetSolverSpecificParametersAsString("output_flag=false")  # stdout is ours
        self.variables: list[tuple[int, int, pywraplp.Variable]] = []
        per_slot: dict[tuple[str, int], list[pywraplp.Variable]] = defaultdict(list)
        per_day: dict[tuple[str, int], list[pywraplp.Variable]] = defaultdict(list)
        for i in inside:
            c = pairs[i]
            mine = []
            for slot in bits(table.usable(c.buyer) & table.usable(c.seller)):
                x = self.solver.BoolVar("")
                mine.append(x)
                self.variables.append((i, slot, x))
                day = grid.day_of_slot[slot]
                for side in (c.buyer, c.seller):
                    per_slot[side, slot].append(x)
                    per_day[side, day].append(x)
            self._at_most(mine, 1)
        for group in per_slot.values():
            self._at_most(group, 1)
        for (side, day), group in per_day.items():
            self._at_most(group, grid.cap[side] - table.per_day[side][day])

    def _at_most(self, group: list[pywraplp.Variable], limit: int) -> None:
        if len(group) > limit:
            row = self.solver.RowConstraint(0, limit, "")
            for x in group:
                row.SetCoefficient(x, 1)

    def solve(self, deadline: float) -> tuple[dict[int, int] | None, bool]:
        """Each tier in turn: most meetings, then the earliest in the order of rule 5 (weighted
        so that no preference outweighs one more meeting); its count is then kept. Returns the
        best meetings found (pair index -> slot) and whether every tier was solved to optimum."""
        solver = self.solver
        parameters = pywraplp.MPSolverParameters()
        parameters.SetDoubleParam(parameters.RELATIVE_MIP_GAP, 0.0)
        found = None
        for tier in CANDIDATE_TIERS:
            mine = [(i, x) for i, _, x in self.variables if self.pairs[i].tier is tier]
            if not mine:
                continue
            left = deadline - time.perf_counter()
            if left <= 0:
                return found, False
            solver.SetTimeLimit(max(1, int(left * 1000)))
            place = {i: p for p, i in enumerate(sorted({i for i, _ in mine}))}
            weight = len(place) ** 2 + 1
            objective = solver.Objective()
            objective.Clear()
            for i, x in mine:
                objective.SetCoefficient(x, weight - place[i])
            objective.SetMaximization()
            status = solver.Solve(parameters)
            if status not in (solver.OPTIMAL, solver.FEASIBLE):
                return found, False
            found = {i: slot for i, slot, x in self.variables if x.solution_value() > 0.5}
            count = sum(self.pairs[i].tier is tier for i in found)
            keep = solver.RowConstraint(count, len(mine), "")
            for _, x in mine:
                keep.SetCoefficient(x, 1)
            if status != solver.OPTIMAL:
                return found, False
        return found, True
