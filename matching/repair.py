"""Repair: re-solve, exactly, the part of the event where meetings would not fit in slots.

    repair(table: Timetable, pairs: list[Candidate], trouble: set[str], deadline: float,
           tie_break_seconds: float) -> bool

The b-matching of `relaxation` ignores which slots a pair shares; where availability is patchy
(buyers there for half a day, a two-hour window) some of its meetings find no slot. Around the
participants where that happened (`trouble`, grown by their candidate partners while the model
stays small), every candidate meeting is taken out and the region is solved again as a
time-indexed integer program, one 0/1 variable per pair and open slot, with HiGHS: most mutual
meetings, then most buyer-requested, then most seller-requested. Meetings with participants
outside the region stay where they are. The result replaces the region's meetings only when it
is lexicographically better.

Fast and usual: the linear program of the region, tier by tier, each stage keeping only the
optimal solutions of the last (`Program.pin_face`): the optimum of each tier is then known and
no search is spent proving it. On that face every integer point has the most meetings of every
tier, and the integer program only looks for one, preferring pairs earlier in the order of rule
5 (better rank, earlier request): when the linear program's point is already integral, this
order gets at most `tie_break_seconds` and stops at a relative gap of `TIE_BREAK_GAP`, instead
of proving it to the last pair. Slow and rare (the face has no integer point): each tier's
count as an integer program of its own, stopped as soon as the count is proven.
"""

from __future__ import annotations

import time
from collections import defaultdict

import numpy as np

from matching.candidates import Candidate
from matching.grid import Grid
from matching.highs import Program
from matching.model import CANDIDATE_TIERS
from matching.timetable import Timetable, bits

MAX_VARIABLES = 40_000
"""Bigger regions solve too slowly for an organizer waiting at the bot: measured on size M with
restricted hours (`python -m matching bench --varied`), 40,000 keeps the whole solve near 2 s
of CPU; the whole event (up to 66,000) took 5 to 6 s for 0.1 to 0.7% more meetings."""
TIE_BREAK_GAP = 1e-3
"""How far from the best order within the tiers the search may stop: a share of the sum of the
meetings' places in their tiers."""


def repair(
    table: Timetable,
    pairs: list[Candidate],
    trouble: set[str],
    deadline: float,
    tie_break_seconds: float,
) -> bool:
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
    solved, _ = _Model(table, pairs, inside).solve(deadline, tie_break_seconds)
    kept = current if solved is None or _key(solved, pairs) <= _key(current, pairs) else solved
    for i, slot in kept.items():
        table.put(pairs[i].buyer, pairs[i].seller, slot)
    return kept is not current


def exact(grid: Grid, pairs: list[Candidate], deadline: float) -> tuple[dict[int, int], bool]:
    """The whole event as one integer program, for a reference optimum on events where that is
    fast enough: the meetings (pair index -> slot) and whether their tier counts are proven
    optimal."""
    model = _Model(Timetable(grid), pairs, list(range(len(pairs))))
    found, proven = model.solve(deadline, tie_break_seconds=0.0)
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
        pair_of: list[int] = []
        slot_of: list[int] = []
        rows: list[list[int]] = []
        limits: list[int] = []
        per_slot: dict[tuple[str, int], list[int]] = defaultdict(list)
        per_day: dict[tuple[str, int], list[int]] = defaultdict(list)
        for i in inside:
            c = pairs[i]
            mine = []
            for slot in bits(table.usable(c.buyer) & table.usable(c.seller)):
                column = len(pair_of)
                pair_of.append(i)
                slot_of.append(slot)
                mine.append(column)
                day = grid.day_of_slot[slot]
                for side in (c.buyer, c.seller):
                    per_slot[side, slot].append(column)
                    per_day[side, day].append(column)
            if len(mine) > 1:
                rows.append(mine)
                limits.append(1)
        for group in per_slot.values():
            if len(group) > 1:
                rows.append(group)
                limits.append(1)
        for (side, day), group in per_day.items():
            room = grid.cap[side] - table.per_day[side][day]
            if len(group) > room:
                rows.append(group)
                limits.append(room)
        self.pair_of = np.array(pair_of, dtype=np.int64)
        self.slot_of = slot_of
        self.rows, self.limits = rows, limits

    def solve(
        self, deadline: float, tie_break_seconds: float
    ) -> tuple[dict[int, int] | None, bool]:
        """The most meetings tier by tier, then the earliest pairs of rule 5 within the time
        left of `tie_break_seconds`. Returns the meetings (pair index -> slot) and whether their
        tier counts are proven best."""
        if not len(self.pair_of):
            return {}, True
        tiers = np.array([CANDIDATE_TIERS.index(p.tier) for p in self.pairs])[self.pair_of]
        self.places = self._places(tiers)
        faced = self._on_the_face(tiers, deadline, tie_break_seconds)
        if faced is not None:
            return self._meetings(faced), True
        return self._tier_by_tier(tiers, deadline)

    def _on_the_face(
        self, tiers: np.ndarray, deadline: float, tie_break_seconds: float
    ) -> np.ndarray | None:
        """Fast and usual: the linear program, tier by tier, each pinning the face of its
        optimal solutions (`Program.pin_face`); its optimum bounds the integer program's. On
        that face, every integer point has the most meetings of every tier, so the integer
        program only looks for one, the earliest pairs first. None if the face has no integer
        point (the linear bound was not reached) or the time ran out."""
        program = Program(len(tiers), self.rows, self.limits, integer=False)
        found = None
        for t in np.unique(tiers):
            left = deadline - time.perf_counter()
            found = program.maximize((tiers == t).astype(np.float64), left)
            if left <= 0 or found is None or not found.optimal:
                return None
            program.pin_face(found)
        if found is None:
            return None
        integral = bool(np.all(np.abs(found.values - np.round(found.values)) < 1e-6))
        if integral and tie_break_seconds <= 0:
            return np.round(found.values)
        program.make_integer()
        seconds = min(deadline - time.perf_counter(), max(tie_break_seconds, 0.0))
        if not integral:
            seconds = deadline - time.perf_counter()
        ordered = program.maximize(-self.places, seconds, relative_gap=TIE_BREAK_GAP)
        if ordered is not None:
            return ordered.values
        return np.round(found.values) if integral else None

    def _tier_by_tier(
        self, tiers: np.ndarray, deadline: float
    ) -> tuple[dict[int, int] | None, bool]:
        """Slow and rare: each tier's count as an integer program of its own, kept by a row
        for the next tiers; the order within the tier weighs in without being proven."""
        rows, least, most = list(self.rows), [0] * len(self.rows), list(self.limits)
        values = None
        for t in np.unique(tiers):
            columns = np.flatnonzero(tiers == t)
            left = deadline - time.perf_counter()
            if left <= 0:
                return self._meetings(values), False
            program = Program(len(tiers), rows, most, integer=True, least=least)
            costs, gap = self._objective(columns)
            found = program.maximize(costs, left, absolute_gap=gap)
            if found is None:
                return self._meetings(values), False
            values = found.values
            rows.append(columns)
            least.append(round(float(values[columns].sum())))
            most.append(len(columns))
            if not found.optimal:
                return self._meetings(values), False
        return self._meetings(values), True

    def _places(self, tiers: np.ndarray) -> np.ndarray:
        """Each column's pair's place in its tier, in the order of rule 5 (0 first)."""
        places = np.zeros(len(tiers))
        for t in np.unique(tiers):
            columns = np.flatnonzero(tiers == t)
            pairs = self.pair_of[columns]
            places[columns] = np.searchsorted(np.unique(pairs), pairs)
        return places

    def _objective(self, columns: np.ndarray) -> tuple[np.ndarray, float]:
        """The tier's meetings, each worth W less its pair's place in the tier (0, 1, ...,
        k - 1 for k pairs), with W = k² + 1, and the gap at which to stop.

        c meetings are worth between cW - c(k - 1) and cW. When the best count is c*, a
        solution with fewer is worth at most (c* - 1)W, at least W - c*(k - 1) ≥ k + 1 below
        the optimum: an absolute gap of k proves the count, though not the order."""
        k = len(np.unique(self.pair_of[columns]))
        costs = np.zeros(len(self.pair_of))
        costs[columns] = k * k + 1 - self.places[columns]
        return costs, float(k)

    def _meetings(self, values: np.ndarray | None) -> dict[int, int] | None:
        if values is None:
            return None
        return {int(self.pair_of[k]): self.slot_of[k] for k in np.flatnonzero(values > 0.5)}
