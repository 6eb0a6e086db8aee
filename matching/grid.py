"""The bitmask view of an event that the optimizing mode works on.

    Grid(instance)   # slots, days, and per participant: availability, cap, fixed meetings

Slot sets are ints used as bitmasks (bit i = the i-th slot, in the order of `slots`), as in
`greedy`. Fixed meetings are part of the grid: they occupy their slot and use up a place under
the daily cap before any candidate is placed (rule 4).
"""

from __future__ import annotations

from matching.model import Instance, Meeting, Role, Tier


class Grid:
    def __init__(self, instance: Instance) -> None:
        self.slot_ids = [slot.id for slot in instance.slots]
        self.slot_index = {slot_id: i for i, slot_id in enumerate(self.slot_ids)}
        self.every_slot = (1 << len(self.slot_ids)) - 1
        days: dict[str, int] = {}
        self.day_of_slot = [days.setdefault(slot.day, len(days)) for slot in instance.slots]
        self.day_masks = [0] * len(days)
        for i, day in enumerate(self.day_of_slot):
            self.day_masks[day] |= 1 << i
        self.first_slots = sum(mask & -mask for mask in self.day_masks)
        """The first slot of each day: a run of meetings there starts a new run."""
        self._idle: dict[int, int] = {}

        self.buyers = [p.id for p in instance.participants if p.role is Role.buyer]
        self.sellers = [p.id for p in instance.participants if p.role is Role.seller]
        self.available: dict[str, int] = {}
        self.cap: dict[str, int] = {}
        self.booth: dict[str, str | None] = {}
        for p in instance.participants:
            blocked = 0
            for slot_id in p.unavailable:
                blocked |= 1 << self.slot_index[slot_id]
            self.available[p.id] = self.every_slot & ~blocked
            self.cap[p.id] = instance.cap_of(p)
            self.booth[p.id] = p.booth

        self.fixed = [
            Meeting(f.buyer, f.seller, f.slot, self.booth[f.buyer], Tier.fixed)
            for f in instance.fixed
        ]
        self.fixed_busy: dict[str, int] = dict.fromkeys(self.available, 0)
        for f in instance.fixed:
            bit = 1 << self.slot_index[f.slot]
            self.fixed_busy[f.buyer] |= bit
            self.fixed_busy[f.seller] |= bit

    def room(self, participant: str, day: int) -> int:
        """How many candidate meetings the participant may still have on that day."""
        fixed = (self.fixed_busy[participant] & self.day_masks[day]).bit_count()
        return max(0, self.cap[participant] - fixed)

    def open_slots(self, participant: str) -> int:
        """The slots where a candidate meeting may go: available, no fixed meeting, day not full."""
        free = self.available[participant] & ~self.fixed_busy[participant]
        return sum(
            free & mask for day, mask in enumerate(self.day_masks) if self.room(participant, day)
        )

    def capacity(self, participant: str) -> int:
        """The most candidate meetings the participant could have: per day, the lesser of
        the room under its cap and its open slots."""
        free = self.open_slots(participant)
        return sum(
            min(self.room(participant, day), (free & mask).bit_count())
            for day, mask in enumerate(self.day_masks)
        )

    def idle_periods(self, busy: int) -> int:
        """Runs of free slots between two meetings on the same day, for one participant's
        busy slots: each run of meetings after the first of its day ends an idle period.
        Remembered per mask: placing and polishing ask millions of times about far fewer
        masks (a 4,000-participant fair spent a third of its optimal solve here)."""
        known = self._idle.get(busy)
        if known is None:
            starts = busy & ~((busy << 1) & ~self.first_slots)
            days = 0
            for mask in self.day_masks:
                if busy & mask:
                    days += 1
            known = self._idle[busy] = starts.bit_count() - days
        return known
