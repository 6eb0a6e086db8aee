"""Audit any schedule, whatever mode made it, against its instance.

    check(instance: Instance, schedule: Schedule) -> list[str]   # problems; empty when all is well

Verified: meetings are between candidate pairs (or are the fixed meetings), each pair meets at
most once, sides are available, nobody has two meetings in a slot, daily caps hold (fixed
meetings may exceed them, as rule 4 allows), every fixed meeting is kept, tiers and booths are
labelled as the rules say, meetings are in file order, and every candidate is either scheduled
or listed as unscheduled, once, with its tier. Of the reasons only `no_common_availability`
is verified: the others depend on the order a mode placed the meetings in.
"""

from __future__ import annotations

from collections import Counter

from matching.candidates import candidates
from matching.fields import show
from matching.model import Instance, Participant, Reason, Role, Schedule, Tier


def check(instance: Instance, schedule: Schedule) -> list[str]:
    return _Audit(instance).run(schedule)


class _Audit:
    def __init__(self, instance: Instance) -> None:
        self.instance = instance
        self.participants = {p.id: p for p in instance.participants}
        self.slot_index = {s.id: i for i, s in enumerate(instance.slots)}
        self.day_of = {s.id: s.day for s in instance.slots}
        self.fixed = {(f.buyer, f.seller): f.slot for f in instance.fixed}
        self.tiers = {(c.buyer, c.seller): c.tier for c in candidates(instance)}
        self.problems: list[str] = []

    def run(self, schedule: Schedule) -> list[str]:
        met = self.meetings(schedule)
        self.fixed_kept(schedule)
        self.unscheduled(schedule, met)
        return self.problems

    def side(self, name: str, participant_id: str, role: Role) -> Participant | None:
        participant = self.participants.get(participant_id)
        if participant is None:
            self.problems.append(f"{name}: unknown participant {show(participant_id)}")
        elif participant.role is not role:
            self.problems.append(f"{name}: {show(participant_id)} is not a {role}")
        else:
            return participant
        return None

    def meetings(self, schedule: Schedule) -> set[tuple[str, str]]:
        """Check each meeting and the caps; return the pairs that meet."""
        met: dict[tuple[str, str], str] = {}
        booked: dict[tuple[str, str], str] = {}
        per_day: Counter[tuple[str, str]] = Counter()
        fixed_per_day: Counter[tuple[str, str]] = Counter()
        previous: tuple[int, str] | None = None
        for i, m in enumerate(schedule.meetings):
            name = f"meetings[{i}]"
            buyer = self.side(name, m.buyer, Role.buyer)
            seller = self.side(name, m.seller, Role.seller)
            if m.slot not in self.slot_index:
                self.problems.append(f"{name}: unknown slot {show(m.slot)}")
                continue
            if buyer is None or seller is None:
                continue
            position = (self.slot_index[m.slot], m.buyer)
            if previous is not None and position < previous:
                self.problems.append(f"{name}: out of order (meetings go by slot, then buyer)")
            previous = position

            pair = (m.buyer, m.seller)
            is_fixed = self.fixed.get(pair) == m.slot
            if is_fixed:
                tier = Tier.fixed
            elif pair in self.fixed:
                self.problems.append(
                    f"{name}: {show(m.buyer)} and {show(m.seller)} meet in "
                    f"{show(self.fixed[pair])} by a fixed meeting, not in {show(m.slot)}"
                )
                continue
            elif pair in self.tiers:
                tier = self.tiers[pair]
            else:
                self.problems.append(
                    f"{name}: {show(m.buyer)} and {show(m.seller)} are not a candidate pair "
                    "(no live request between them)"
                )
                continue
            if m.tier != tier:
                self.problems.append(f"{name}: tier is {show(m.tier)}, the rules say {show(tier)}")
            if m.booth != buyer.booth:
                self.problems.append(
                    f"{name}: booth is {show(m.booth)}, the buyer's booth is {show(buyer.booth)}"
                )
            if pair in met:
                self.problems.append(f"{name}: the pair already meets in {met[pair]}")
            met[pair] = name

            day = self.day_of[m.slot]
            for side in (buyer, seller):
                if not is_fixed and m.slot in side.unavailable:
                    self.problems.append(
                        f"{name}: {show(side.id)} is unavailable in {show(m.slot)}"
                    )
                first = booked.setdefault((side.id, m.slot), name)
                if first != name:
                    self.problems.append(
                        f"{name}: {show(side.id)} already has a meeting in {show(m.slot)} ({first})"
                    )
                per_day[side.id, day] += 1
                fixed_per_day[side.id, day] += is_fixed

        for (participant_id, day), count in per_day.items():
            cap = self.instance.cap_of(self.participants[participant_id])
            if count > max(cap, fixed_per_day[participant_id, day]):
                self.problems.append(
                    f"{show(participant_id)} has {count} meetings on {day}, "
                    f"over its daily cap of {cap}"
                )
        return set(met)

    def fixed_kept(self, schedule: Schedule) -> None:
        kept = {(m.buyer, m.seller, m.slot) for m in schedule.meetings if m.tier is Tier.fixed}
        for i, f in enumerate(self.instance.fixed):
            if (f.buyer, f.seller, f.slot) not in kept:
                self.problems.append(
                    f"fixed[{i}]: the fixed meeting of {show(f.buyer)} and {show(f.seller)} "
                    f"in {show(f.slot)} is missing"
                )

    def unscheduled(self, schedule: Schedule, met: set[tuple[str, str]]) -> None:
        listed: dict[tuple[str, str], str] = {}
        for i, u in enumerate(schedule.unscheduled):
            name = f"unscheduled[{i}]"
            pair = (u.buyer, u.seller)
            tier = self.tiers.get(pair)
            if tier is None:
                self.problems.append(
                    f"{name}: {show(u.buyer)} and {show(u.seller)} are not a candidate pair"
                )
                continue
            if u.tier != tier:
                self.problems.append(f"{name}: tier is {show(u.tier)}, the rules say {show(tier)}")
            if pair in met:
                self.problems.append(f"{name}: the pair is scheduled, yet listed as unscheduled")
            if pair in listed:
                self.problems.append(f"{name}: the pair is already listed in {listed[pair]}")
            listed[pair] = name
            if u.reason is Reason.NO_COMMON_AVAILABILITY and self.share_a_slot(*pair):
                self.problems.append(
                    f"{name}: reason is no_common_availability, yet both sides are available "
                    "in some slot"
                )
        for buyer, seller in self.tiers:
            if (buyer, seller) in met or (buyer, seller) in listed:
                continue
            self.problems.append(
                f"candidate {show(buyer)} and {show(seller)} is neither scheduled nor "
                "listed as unscheduled"
            )

    def share_a_slot(self, buyer: str, seller: str) -> bool:
        off = self.participants[buyer].unavailable | self.participants[seller].unavailable
        return any(slot_id not in off for slot_id in self.slot_index)
