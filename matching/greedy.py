"""Mode `greedy`: the organizer's rules of the spec, applied one candidate at a time.

    solve(instance: Instance) -> Schedule

Fixed meetings are placed first; then each candidate, in the order of `candidates`, takes the
earliest slot where both sides are available, free, and under their daily cap, or is left
unscheduled with the reason of rule 7.

Slot sets are ints used as bitmasks (bit i = the i-th slot), so "the earliest slot usable by
both" is the lowest set bit of an AND: the whole event stays a few int operations per pair.
"""

from __future__ import annotations

from matching.candidates import candidates
from matching.model import Instance, Meeting, Reason, Schedule, Tier, Unscheduled

MODE = "greedy"


def solve(instance: Instance) -> Schedule:
    slot_ids = [slot.id for slot in instance.slots]
    slot_index = {slot_id: i for i, slot_id in enumerate(slot_ids)}
    every_slot = (1 << len(slot_ids)) - 1

    days: dict[str, int] = {}
    day_of_slot = [days.setdefault(slot.day, len(days)) for slot in instance.slots]
    day_masks = [0] * len(days)
    for i, day in enumerate(day_of_slot):
        day_masks[day] |= 1 << i

    # per participant: slots available, slots not usable (busy, or its day is at the cap),
    # meetings per day, cap
    available: dict[str, int] = {}
    unusable: dict[str, int] = {}
    per_day: dict[str, list[int]] = {}
    cap: dict[str, int] = {}
    booth: dict[str, str | None] = {}
    for p in instance.participants:
        blocked = 0
        for slot_id in p.unavailable:
            blocked |= 1 << slot_index[slot_id]
        available[p.id] = every_slot & ~blocked
        cap[p.id] = instance.cap_of(p)
        unusable[p.id] = every_slot if cap[p.id] == 0 else 0
        per_day[p.id] = [0] * len(days)
        booth[p.id] = p.booth

    def occupy(participant: str, slot: int) -> None:
        unusable[participant] |= 1 << slot
        day = day_of_slot[slot]
        counts = per_day[participant]
        counts[day] += 1
        if counts[day] >= cap[participant]:
            unusable[participant] |= day_masks[day]

    placed: list[tuple[int, str, Meeting]] = []
    for f in instance.fixed:
        slot = slot_index[f.slot]
        occupy(f.buyer, slot)
        occupy(f.seller, slot)
        placed.append(
            (slot, f.buyer, Meeting(f.buyer, f.seller, f.slot, booth[f.buyer], Tier.fixed))
        )

    unscheduled: list[Unscheduled] = []
    for c in candidates(instance):
        buyer, seller = c.buyer, c.seller
        common = available[buyer] & available[seller]
        usable_by_buyer = common & ~unusable[buyer]
        usable_by_seller = common & ~unusable[seller]
        usable = usable_by_buyer & usable_by_seller
        if usable:
            slot = (usable & -usable).bit_length() - 1
            occupy(buyer, slot)
            occupy(seller, slot)
            placed.append(
                (slot, buyer, Meeting(buyer, seller, slot_ids[slot], booth[buyer], c.tier))
            )
            continue
        reason = Reason.judge(common, usable_by_buyer, usable_by_seller)
        unscheduled.append(Unscheduled(buyer, seller, c.tier, reason))

    placed.sort(key=lambda entry: entry[:2])
    return Schedule(MODE, tuple(m for _, _, m in placed), tuple(unscheduled))
