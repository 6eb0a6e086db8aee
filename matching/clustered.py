"""Events of another shape than `generate`'s, so the benchmarks do not tune the engine to one
generator.

    clustered(buyers: int, sellers: int, days: int, slots_per_day: int, seed: int,
              requests: int, *, fixed: int = 20, daily_cap: int = DEFAULT_DAILY_CAP) -> Instance

Written apart from `generate` and sharing none of its code or constants. What differs:

- popularity is heavy-tailed (Pareto) with a small set of stars that draw a third of the
  requests sent to their side, instead of a Zipf law within industries;
- how much each participant asks is heavy-tailed too: a few send dozens of requests;
- availability comes in clusters that many participants share (whole event, one day only,
  mornings only, afternoons only, or everything but one day's middle), instead of an
  independent half-day off;
- a quarter of requests are answered by a request back (mutual pairs), and the meetings set by
  hand go to the stars, whose days are the fullest.

The same arguments always give the same event.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from itertools import accumulate

from matching.model import (
    DEFAULT_DAILY_CAP,
    Fixed,
    Instance,
    Participant,
    Request,
    RequestStatus,
    Role,
    Slot,
)

STARS = 0.03
"""The share of each side that is a star."""
TO_STARS = 1 / 3
"""The share of requests to a side that go to its stars."""
PARETO_POPULARITY, PARETO_ACTIVITY = 1.1, 1.6
FROM_BUYERS = 0.5
ASKED_BACK = 0.25
PRESENCE = {"all": 0.5, "one day": 0.15, "mornings": 0.12, "afternoons": 0.12, "gap": 0.11}
"""Availability clusters and their shares; "gap": away for the middle third of one day."""
STATUSES = {RequestStatus.pending: 0.72, RequestStatus.accepted: 0.2, RequestStatus.rejected: 0.05}
OPENED = datetime(2024, 3, 1, 9, tzinfo=UTC)


def clustered(
    buyers: int,
    sellers: int,
    days: int,
    slots_per_day: int,
    seed: int,
    requests: int,
    *,
    fixed: int = 20,
    daily_cap: int = DEFAULT_DAILY_CAP,
) -> Instance:
    if requests > buyers * sellers // 2:
        raise ValueError("at most half of all buyer-seller pairs may be requested")
    rng = random.Random(f"clustered-{seed}")
    first = date(2024, 4, 2)
    slots = [
        Slot(
            f"d{d}s{k:02d}",
            (first + timedelta(days=d)).isoformat(),
            f"{10 + k // 2:02d}:{30 * (k % 2):02d}",
            f"{10 + (k + 1) // 2:02d}:{30 * ((k + 1) % 2):02d}",
        )
        for d in range(days)
        for k in range(slots_per_day)
    ]
    people = {
        Role.buyer: [
            _person(rng, Role.buyer, i, slots, days, slots_per_day) for i in range(buyers)
        ],
        Role.seller: [
            _person(rng, Role.seller, i, slots, days, slots_per_day) for i in range(sellers)
        ],
    }
    sides = {role: _Side(rng, members) for role, members in people.items()}
    pairs = _pairs(rng, sides, requests)
    made: list[Request] = []
    counts: dict[str, int] = {}
    for requester, target in pairs:
        counts[requester] = rank = counts.get(requester, 0) + 1
        status = rng.choices(list(STATUSES), list(STATUSES.values()))[0]
        at = OPENED + timedelta(seconds=rng.randrange(20 * 24 * 3600))
        made.append(Request(requester, target, at, rank, status))
    return Instance(
        slots=tuple(slots),
        participants=(*people[Role.buyer], *people[Role.seller]),
        requests=tuple(made),
        fixed=tuple(_fixed(rng, sides, slots, fixed)),
        daily_cap=daily_cap,
    )


def _person(
    rng: random.Random, role: Role, i: int, slots: list[Slot], days: int, per_day: int
) -> Participant:
    presence = rng.choices(list(PRESENCE), list(PRESENCE.values()))[0]
    day = rng.randrange(days)
    away: set[str] = set()
    for n, slot in enumerate(slots):
        d, k = divmod(n, per_day)
        if (
            (presence == "one day" and d != day)
            or (presence == "mornings" and k >= per_day // 2)
            or (presence == "afternoons" and k < per_day // 2)
            or (presence == "gap" and d == day and per_day // 3 <= k < 2 * per_day // 3)
        ):
            away.add(slot.id)
    prefix = "BUY" if role is Role.buyer else "SEL"
    booth = f"H{i:04d}" if role is Role.buyer else None
    return Participant(f"{prefix}-{i:05d}", role, booth=booth, unavailable=frozenset(away))


class _Side:
    """One side's participants, drawn as targets by popularity or as requesters by activity."""

    def __init__(self, rng: random.Random, members: list[Participant]) -> None:
        self.rng = rng
        self.members = members
        stars = max(1, round(STARS * len(members)))
        popularity = [rng.paretovariate(PARETO_POPULARITY) for _ in members]
        self.stars = rng.sample(members, stars)
        self.popular = list(accumulate(popularity))
        self.active = list(accumulate(rng.paretovariate(PARETO_ACTIVITY) for _ in members))

    def target(self) -> Participant:
        if self.rng.random() < TO_STARS:
            return self.rng.choice(self.stars)
        return self.rng.choices(self.members, cum_weights=self.popular)[0]

    def requester(self) -> Participant:
        return self.rng.choices(self.members, cum_weights=self.active)[0]


def _pairs(rng: random.Random, sides: dict[Role, _Side], count: int) -> list[tuple[str, str]]:
    """(requester, target) ids, some answered by a request back."""
    asked: set[tuple[str, str]] = set()
    pairs: list[tuple[str, str]] = []

    def ask(requester: str, target: str) -> None:
        if (requester, target) not in asked and len(pairs) < count:
            asked.add((requester, target))
            pairs.append((requester, target))

    while len(pairs) < count:
        role = Role.buyer if rng.random() < FROM_BUYERS else Role.seller
        other = Role.seller if role is Role.buyer else Role.buyer
        requester, target = sides[role].requester().id, sides[other].target().id
        ask(requester, target)
        if rng.random() < ASKED_BACK:
            ask(target, requester)
    return pairs


def _fixed(
    rng: random.Random, sides: dict[Role, _Side], slots: list[Slot], count: int
) -> list[Fixed]:
    """Meetings set by hand with star sellers, in a slot both attend; clashes are skipped."""
    booked: set[tuple[str, str]] = set()
    pairs: set[tuple[str, str]] = set()
    made: list[Fixed] = []
    for _ in range(count):
        buyer, seller = rng.choice(sides[Role.buyer].members), rng.choice(sides[Role.seller].stars)
        open_ = [s.id for s in slots if s.id not in buyer.unavailable | seller.unavailable]
        if not open_ or (buyer.id, seller.id) in pairs:
            continue
        slot = rng.choice(open_)
        if {(buyer.id, slot), (seller.id, slot)} & booked:
            continue
        pairs.add((buyer.id, seller.id))
        booked |= {(buyer.id, slot), (seller.id, slot)}
        made.append(Fixed(buyer.id, seller.id, slot))
    return made
