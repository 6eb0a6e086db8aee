"""Meetings in slots, changed one meeting at a time: the working state of the optimizing mode.

    table = Timetable(grid)
    table.insert(buyer, seller) -> bool   # into the best slot, moving blocking meetings if need be
                                          # (MOVES_PER_MEETING moves per meeting of its sides)
    table.relocate(buyer, seller) -> bool # to a slot with fewer idle periods, if there is one

Every change keeps the rules: both sides available, free, and under their daily caps. Fixed
meetings are in the grid from the start and never move.
"""

from __future__ import annotations

from collections.abc import Iterator

from matching.grid import Grid

MOVES_PER_MEETING = 8
"""How many moves (a meeting taken out or put in) one insertion may spend making room, per
meeting its two sides already have, before it gives up as it would have without moving."""


class Timetable:
    def __init__(self, grid: Grid) -> None:
        self.grid = grid
        self.busy = dict(grid.fixed_busy)
        self.per_day = {
            pid: [(busy & mask).bit_count() for mask in grid.day_masks]
            for pid, busy in self.busy.items()
        }
        self.full = {pid: self._full_days(pid) for pid in self.busy}
        """Per participant, the slots of the days where it has reached its cap."""
        self.partner_at: dict[str, dict[int, str]] = {pid: {} for pid in self.busy}
        """Per participant, its movable (candidate) meetings: slot -> the other side."""
        self.slot_of: dict[tuple[str, str], int] = {}
        self._capacity: dict[str, int] = {}
        self.moves_left = 0
        """What the insertion under way may still spend on moving meetings (`MOVES_PER_MEETING`)."""

    def usable(self, participant: str) -> int:
        return self.grid.available[participant] & ~self.busy[participant] & ~self.full[participant]

    def idle(self, participant: str) -> int:
        return self.grid.idle_periods(self.busy[participant])

    def insert(self, buyer: str, seller: str, moving: bool = True) -> bool:
        """Place a new meeting, directly or (if `moving`) by first moving the meetings that
        block a slot."""
        free = self.usable(buyer) & self.usable(seller)
        if free:
            self.put(buyer, seller, self._best_slot(buyer, seller, free))
            return True
        # moving others' meetings never gives a side room for one more: a side with as many
        # meetings as it can hold (most of the pairs left out) is refused at once
        if not moving or self._at_capacity(buyer) or self._at_capacity(seller):
            return False
        grid = self.grid
        shared = grid.available[buyer] & grid.available[seller]
        shared &= ~(grid.fixed_busy[buyer] | grid.fixed_busy[seller])
        have = len(self.partner_at[buyer]) + len(self.partner_at[seller])
        self.moves_left = MOVES_PER_MEETING * (have + 1)
        if self._insert_by_swapping(buyer, seller):
            return True
        return any(self._insert_by_moving(buyer, seller, slot) for slot in bits(shared))

    def _insert_by_swapping(self, buyer: str, seller: str) -> bool:
        """The step of bipartite edge colouring (a meeting is an edge, its slot a colour): when
        the buyer is free in slot α and the seller in β, move the seller's α meeting to β, its
        partner's β meeting to α, and so on along the chain, which frees α for the seller; or
        the same from the buyer's β meeting. Each (α, β) is tried once, a chain holds at most
        the meetings of two slots, and it is given up at its first meeting that cannot take
        the other slot (unavailable, a fixed meeting there, or a full day)."""
        grid = self.grid
        for alpha in bits(self.usable(buyer) & grid.available[seller] & ~grid.fixed_busy[seller]):
            for beta in bits(self.usable(seller) & grid.available[buyer] & ~grid.fixed_busy[buyer]):
                for start, here, there in ((seller, alpha, beta), (buyer, beta, alpha)):
                    chain = self._chain(start, start == seller, here, there)
                    if chain is None:
                        continue
                    self.moves_left -= 2 * len(chain) + 1
                    for pair in chain:
                        self.take(*pair)
                    for pair, slot in chain.items():
                        self.put(*pair, there if slot == here else here)
                    self.put(buyer, seller, here)
                    return True
                if self.moves_left <= 0:
                    return False
        return False

    def _chain(
        self, start: str, is_seller: bool, here: int, there: int
    ) -> dict[tuple[str, str], int] | None:
        """The meetings (pair -> slot) that swapping `here` and `there` from `start`'s meeting
        in `here` moves, or None if one of them cannot move; each one looked at costs a move."""
        grid = self.grid
        chain: dict[tuple[str, str], int] = {}
        node, slot, other_slot = start, here, there
        while (partner := self.partner_at[node].get(slot)) is not None:
            self.moves_left -= 1
            if self.moves_left <= 0:
                return None
            pair = (partner, node) if is_seller else (node, partner)
            for side in pair:
                if not (grid.available[side] & ~grid.fixed_busy[side]) >> other_slot & 1:
                    return None
            chain[pair] = slot
            node, is_seller = partner, not is_seller
            slot, other_slot = other_slot, slot
        # the last side gains a meeting in `slot` and loses one in `other_slot`: it must be
        # free in `slot`, and under its cap that day unless both slots are on the same day
        if self.busy[node] >> slot & 1:
            return None
        if self.full[node] >> slot & 1 and grid.day_of_slot[slot] != grid.day_of_slot[other_slot]:
            return None
        return chain or None

    def _at_capacity(self, participant: str) -> bool:
        capacity = self._capacity.get(participant)
        if capacity is None:
            capacity = self._capacity[participant] = self.grid.capacity(participant)
        return len(self.partner_at[participant]) >= capacity

    def relocate(self, buyer: str, seller: str) -> bool:
        """Move a meeting to the slot that most reduces its sides' idle periods, if any does."""
        slot = self.slot_of[buyer, seller]
        before = self.idle(buyer) + self.idle(seller)
        self.take(buyer, seller)
        free = self.usable(buyer) & self.usable(seller)
        best = self._best_slot(buyer, seller, free)
        self.put(buyer, seller, best)
        if best != slot and self.idle(buyer) + self.idle(seller) < before:
            return True
        self.take(buyer, seller)
        self.put(buyer, seller, slot)
        return False

    def _best_slot(self, buyer: str, seller: str, free: int) -> int:
        """Among free slots, the one adding the fewest idle periods, then on the day the two use
        least (meetings spread over the days), then next to the most meetings of the two (runs
        stay compact), then the earliest."""
        grid = self.grid
        b_busy, s_busy = self.busy[buyer], self.busy[seller]
        b_days, s_days = self.per_day[buyer], self.per_day[seller]
        best_key, best = None, -1
        for slot in bits(free):
            bit = 1 << slot
            day = grid.day_of_slot[slot]
            near = (bit << 1 | bit >> 1) & grid.day_masks[day]
            b_near, s_near = (near & b_busy).bit_count(), (near & s_busy).bit_count()
            # The idle periods a meeting adds to one side, without recounting its day: none on
            # a day without meetings; else a new run of meetings (one more idle period), or
            # one that extends a run (none) or joins two (one less).
            added = (1 - b_near if b_days[day] else 0) + (1 - s_near if s_days[day] else 0)
            key = (added, b_days[day] + s_days[day], -(b_near + s_near))
            if best_key is None or key < best_key:
                best_key, best = key, slot
        return best

    def _insert_by_moving(self, buyer: str, seller: str, slot: int) -> bool:
        """Clear `slot` for both sides by moving out the meeting each has there, or one each has
        that day when the day is at its cap, then place them all; undo everything on failure,
        and when `moves_left` runs out."""
        day_mask = self.grid.day_masks[self.grid.day_of_slot[slot]]
        for evicted in self._evictions(buyer, seller, slot, day_mask):
            if self.moves_left <= 0:
                return False
            # taking out and putting back, twice for each evicted meeting, and the new one
            self.moves_left -= 4 * len(evicted) + 2
            for pair in evicted:
                self.take(*pair)
            if (self.usable(buyer) & self.usable(seller)) >> slot & 1:
                self.put(buyer, seller, slot)
                placed = []
                for pair in evicted:
                    free = self.usable(pair[0]) & self.usable(pair[1])
                    if not free:
                        break
                    self.put(*pair, self._best_slot(*pair, free))
                    placed.append(pair)
                else:
                    return True
                for pair in placed:
                    self.take(*pair)
                self.take(buyer, seller)
            for pair in evicted:
                self.put(*pair, evicted[pair])
        return False

    def _evictions(
        self, buyer: str, seller: str, slot: int, day_mask: int
    ) -> Iterator[dict[tuple[str, str], int]]:
        """The sets of meetings whose moving would clear `slot` for the pair (pair -> slot)."""
        options = []
        for side, is_buyer in ((buyer, True), (seller, False)):
            partner = self.partner_at[side].get(slot)
            if partner is not None:
                pair = (side, partner) if is_buyer else (partner, side)
                options.append([{pair: slot}])
            elif self.full[side] & day_mask:
                options.append(
                    [
                        {((side, p) if is_buyer else (p, side)): t}
                        for t, p in self.partner_at[side].items()
                        if day_mask >> t & 1
                    ]
                )
            else:
                options.append([{}])
        for b_moves in options[0]:
            for s_moves in options[1]:
                yield b_moves | s_moves

    def put(self, buyer: str, seller: str, slot: int) -> None:
        self.slot_of[buyer, seller] = slot
        self.partner_at[buyer][slot] = seller
        self.partner_at[seller][slot] = buyer
        day = self.grid.day_of_slot[slot]
        for side in (buyer, seller):
            self.busy[side] |= 1 << slot
            self.per_day[side][day] += 1
            if self.per_day[side][day] >= self.grid.cap[side]:
                self.full[side] |= self.grid.day_masks[day]

    def take(self, buyer: str, seller: str) -> None:
        slot = self.slot_of.pop((buyer, seller))
        del self.partner_at[buyer][slot]
        del self.partner_at[seller][slot]
        day = self.grid.day_of_slot[slot]
        for side in (buyer, seller):
            self.busy[side] &= ~(1 << slot)
            self.per_day[side][day] -= 1
            if self.per_day[side][day] < self.grid.cap[side]:
                self.full[side] &= ~self.grid.day_masks[day]

    def _full_days(self, participant: str) -> int:
        cap = self.grid.cap[participant]
        return sum(
            mask
            for mask, count in zip(self.grid.day_masks, self.per_day[participant], strict=True)
            if count >= cap
        )


def bits(mask: int) -> Iterator[int]:
    while mask:
        low = mask & -mask
        yield low.bit_length() - 1
        mask ^= low
