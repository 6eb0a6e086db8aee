"""The bound, and the first choice of meetings: a lexicographic maximum b-matching.

    relax(grid: Grid, pairs: list[Candidate]) -> Relaxation

Forget which slot each meeting takes and keep only how many meetings each participant can
have at most (`Grid.capacity`: per day, the lesser of its room under the cap and its open
slots), and which pairs share an open slot at all. Every schedule is such a b-matching, so
the best b-matching, maximizing mutual meetings, then buyer-requested, then seller-requested,
bounds every schedule in that order. It is a min-cost flow (source → buyer → seller → sink,
one unit per pair) with tier weights large enough that no number of lower-tier meetings pays
for one of a higher tier.

A second flow with preferences inside each tier (earlier in the order of rule 5 is better)
picks the meetings the mode tries to place first. Its weights are smaller, to leave room for
the preferences in 64-bit costs, so it is used only when it reaches the bound in every tier,
which makes it lexicographically optimal too; otherwise the first flow's pairs are used.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from ortools.graph.python import min_cost_flow

from matching.candidates import Candidate
from matching.grid import Grid
from matching.model import CANDIDATE_TIERS, Tier

PREFERENCE_STEPS = 1024
"""Preferences inside a tier are a pair's place in the tier's order, scaled to this range."""
_PRACTICAL_TIER_RATIO = 64


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
    node = {pid: 2 + n for n, pid in enumerate((*grid.buyers, *grid.sellers))}
    capacity = {pid: grid.capacity(pid) for pid in node}
    tier_index = np.array([CANDIDATE_TIERS.index(pairs[i].tier) for i in usable], dtype=np.int64)

    # the most meetings of each tier any b-matching can hold
    supply = min(sum(capacity[b] for b in grid.buyers), sum(capacity[s] for s in grid.sellers))
    most = [min(int((tier_index == t).sum()), supply) for t in range(len(CANDIDATE_TIERS))]
    exact = np.array([most[1] * (most[2] + 1) + most[2] + 1, most[2] + 1, 1], dtype=np.int64)
    flows = _Flows(grid, pairs, usable, node, capacity, supply)
    exact_pick = flows.solve(exact[tier_index])
    bound = _counts(pairs, exact_pick)

    position = np.zeros(len(usable), dtype=np.int64)
    for t in range(len(CANDIDATE_TIERS)):
        members = np.flatnonzero(tier_index == t)  # already in the order of rule 5
        position[members] = np.arange(len(members)) * PREFERENCE_STEPS // max(1, len(members))
    ratio = _PRACTICAL_TIER_RATIO
    practical = PREFERENCE_STEPS * ratio ** np.array([3, 2, 1], dtype=np.int64)
    preferred_pick = flows.solve(practical[tier_index] - position)
    chosen = preferred_pick if _counts(pairs, preferred_pick) == bound else exact_pick
    return Relaxation({tier: bound[tier] for tier in CANDIDATE_TIERS}, chosen)


def _counts(pairs: list[Candidate], picked: list[int]) -> dict[Tier, int]:
    counts = dict.fromkeys(CANDIDATE_TIERS, 0)
    for i in picked:
        counts[pairs[i].tier] += 1
    return counts


class _Flows:
    """The flow network of the relaxation, solved for one weight per usable pair."""

    def __init__(
        self,
        grid: Grid,
        pairs: list[Candidate],
        usable: list[int],
        node: dict[str, int],
        capacity: dict[str, int],
        supply: int,
    ) -> None:
        self.usable = usable
        self.supply = supply
        source, sink = 0, 1
        tails = [node[pairs[i].buyer] for i in usable]
        heads = [node[pairs[i].seller] for i in usable]
        tails += [source] * len(grid.buyers) + [node[s] for s in grid.sellers] + [source]
        heads += [node[b] for b in grid.buyers] + [sink] * len(grid.sellers) + [sink]
        caps = [1] * len(usable)
        caps += [capacity[b] for b in grid.buyers] + [capacity[s] for s in grid.sellers]
        caps.append(supply)  # the bypass: units that find no pair
        self.tails = np.array(tails, dtype=np.int32)
        self.heads = np.array(heads, dtype=np.int32)
        self.caps = np.array(caps, dtype=np.int64)
        self.nodes = 2 + len(node)

    def solve(self, weights: np.ndarray) -> list[int]:
        """The pairs of a b-matching of the greatest total weight."""
        flow = min_cost_flow.SimpleMinCostFlow()
        costs = np.zeros(len(self.tails), dtype=np.int64)
        costs[: len(self.usable)] = -weights
        arcs = flow.add_arcs_with_capacity_and_unit_cost(self.tails, self.heads, self.caps, costs)
        flow.set_nodes_supplies(
            np.array([0, 1], dtype=np.int32), np.array([self.supply, -self.supply], dtype=np.int64)
        )
        status = flow.solve()
        if status != flow.OPTIMAL:
            raise RuntimeError(f"the b-matching flow failed with status {status}")
        used = flow.flows(arcs[: len(self.usable)])
        return [self.usable[k] for k in np.flatnonzero(used)]
