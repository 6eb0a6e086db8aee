"""The bound, and the first choice of meetings: a lexicographic maximum b-matching.

    relax(grid: Grid, pairs: list[Candidate]) -> Relaxation

Forget which slot each meeting takes and keep only how many meetings each participant can
have at most (`Grid.capacity`: per day, the lesser of its room under the cap and its open
slots), and which pairs share an open slot at all. Every schedule is such a b-matching, so
the best b-matching, maximizing mutual meetings, then buyer-requested, then seller-requested,
bounds every schedule in that order.

It is a linear program over a bipartite graph (one 0/1 column per pair, one row per participant
with its capacity), whose vertices are integral, solved with HiGHS's simplex in stages: most
mutual meetings; then, on the face of the solutions that reach that count, most
buyer-requested; then seller-requested. A face is pinned by complementary slackness: a column
with a nonzero reduced cost, or a row with a nonzero dual, is at the same value in every optimal
solution, so fixing it there keeps exactly the optimal solutions, and a network with some
columns and rows fixed at integers still has integral vertices. Each stage starts from the
previous one's basis.

A last stage, on the face where every tier is at its bound, prefers pairs earlier in the order
of rule 5 within their tier (the least sum of their places in the tier): the meetings the mode
tries to place first.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from matching.candidates import Candidate
from matching.grid import Grid
from matching.highs import Found, Program
from matching.model import CANDIDATE_TIERS, Tier


@dataclass(slots=True)
class Relaxation:
    bound: dict[Tier, int]
    """Per tier, the lexicographic bound: no schedule has more mutual meetings than
    `bound[MUTUAL]`; none with that many has more buyer ones than `bound[BUYER]`; and so on."""
    chosen: list[int]
    """Indices of the pairs the b-matching picks, in the order given."""


def relax(grid: Grid, pairs: list[Candidate]) -> Relaxation:
    open_slots = {pid: grid.open_slots(pid) for pid in grid.available}
    usable = [i for i, c in enumerate(pairs) if open_slots[c.buyer] & open_slots[c.seller]]
    if not usable:
        return Relaxation(dict.fromkeys(CANDIDATE_TIERS, 0), [])
    row_of: dict[str, int] = {}
    rows: list[list[int]] = []
    for column, i in enumerate(usable):
        for side in (pairs[i].buyer, pairs[i].seller):
            row = row_of.setdefault(side, len(rows))
            if row == len(rows):
                rows.append([])
            rows[row].append(column)
    program = Program(len(usable), rows, [grid.capacity(pid) for pid in row_of], integer=False)
    tier_index = np.array([CANDIDATE_TIERS.index(pairs[i].tier) for i in usable])

    bound = {}
    for t, tier in enumerate(CANDIDATE_TIERS):
        mine = (tier_index == t).astype(np.float64)
        found = _solved(program, mine)
        bound[tier] = round(float(found.values @ mine))
        program.pin_face(found)

    place = np.zeros(len(usable))
    for t in range(len(CANDIDATE_TIERS)):
        members = np.flatnonzero(tier_index == t)  # already in the order of rule 5
        place[members] = np.arange(len(members))
    found = _solved(program, -place)
    picked = np.flatnonzero(found.values > 0.5)
    chosen = [usable[k] for k in picked]
    counts = {tier: int((tier_index[picked] == t).sum()) for t, tier in enumerate(CANDIDATE_TIERS)}
    if counts != bound:
        raise RuntimeError(f"the b-matching stages disagree: {counts} against {bound}")
    return Relaxation(bound, chosen)


def _solved(program: Program, costs: np.ndarray) -> Found:
    found = program.maximize(costs, float("inf"))
    if found is None or not found.optimal:
        raise RuntimeError("the b-matching linear program found no optimum")
    if np.abs(found.values - np.round(found.values)).max(initial=0.0) > 1e-6:
        raise RuntimeError("the b-matching linear program found a fractional vertex")
    return found
