"""Synthetic events that look like a real fair, for tests, benchmarks and trying the engine out.

    generate(buyers: int, sellers: int, days: int, slots_per_day: int, seed: int,
             requests: int | None = None, window: tuple[int, int] | None = None,
             *, fixed: int | None = None, daily_cap: int = DEFAULT_DAILY_CAP,
             rank_levels: int | None = None, popularity: float = POPULARITY_EXPONENT) -> Instance

The same arguments always give the same event. What makes it realistic: participants have an
industry and a country (buyers abroad, sellers in Korea) and mostly ask within their industry;
popularity follows a Zipf law, so a few participants draw most requests; about one in five
switched off a half-day; requests are accepted, rejected or cancelled (some cancelled ones are
sent again), carry the requester's time zone and bunch before the deadline; a few participants
have their own daily cap; an admin fixed a few meetings by hand.

Restricted hours: with `window=(shortest, longest)`, everyone is there only for one run of
consecutive slots on one day, of a random length between the two, instead.

The keywords make events unlike the defaults, for the varied benchmark (`matching.varied`):
`fixed` meetings set by hand (default one per 50 buyers), the event's `daily_cap`,
`rank_levels` (each request ranked 1 to that many at random, so many ties, instead of each
requester numbering its requests 1, 2, 3, ...), and the `popularity` exponent (0 = everyone
equally sought after; the default 1.0 is a Zipf law).
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta, timezone
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

REQUESTS_PER_PARTICIPANT = 7
"""The default request count, per buyer and seller (at most buyers × sellers in all)."""

FIRST_DAY = date(2023, 6, 20)
SLOT_MINUTES = 30
FIRST_SLOT_MINUTE = 9 * 60
# the last slot must end before midnight
MAX_SLOTS_PER_DAY = (24 * 60 - 1 - FIRST_SLOT_MINUTE) // SLOT_MINUTES

INDUSTRIES = (
    "cosmetics",
    "food",
    "beverages",
    "consumer-goods",
    "medical-devices",
    "auto-parts",
    "electronics",
    "fashion",
    "machinery",
    "content",
)
# buyer countries with their UTC offset in hours at fair time (June)
BUYER_COUNTRIES = (
    ("US", -4),
    ("MX", -6),
    ("BR", -3),
    ("IS", 0),
    ("DE", 2),
    ("SE", 2),
    ("AE", 4),
    ("IN", 5.5),
    ("VN", 7),
    ("TH", 7),
    ("ID", 7),
    ("CN", 8),
    ("JP", 9),
    ("AU", 10),
)
KOREA = timezone(timedelta(hours=9))
ZONES = {"KR": KOREA} | {c: timezone(timedelta(hours=h)) for c, h in BUYER_COUNTRIES}
BUYER_NAMES = ("Acme", "Nordic", "Saigon", "Pacific", "Atlas", "Sunrise", "Golden", "Blue River")
BUYER_KINDS = ("Trading", "Imports", "Distribution", "Retail", "Group", "Partners")
SELLER_NAMES = ("Hanbit", "Mirae", "Saebyeok", "Daehan", "Pureun", "한빛", "서울", "부산", "새벽")
SELLER_KINDS = ("Co.", "Corp.", "Industries", "상사", "코리아")

POPULARITY_EXPONENT = 1.0
SAME_INDUSTRY = 0.7
FROM_BUYER = 0.4
HALF_DAY_OFF = 0.2
OWN_CAP = 0.05
RESENT_AFTER_CANCEL = 0.3
STATUS_WEIGHTS = {
    RequestStatus.pending: 67,
    RequestStatus.accepted: 20,
    RequestStatus.rejected: 8,
    RequestStatus.cancelled: 5,
}
OPENS_DAYS_BEFORE = 30
DEADLINE_DAYS_BEFORE = 6
MEAN_DAYS_BEFORE_DEADLINE = 3.0
DEADLINE = datetime.combine(FIRST_DAY, time(), KOREA) - timedelta(days=DEADLINE_DAYS_BEFORE)
TRIES_BEFORE_UNIFORM = 10


def generate(
    buyers: int,
    sellers: int,
    days: int,
    slots_per_day: int,
    seed: int,
    requests: int | None = None,
    window: tuple[int, int] | None = None,
    *,
    fixed: int | None = None,
    daily_cap: int = DEFAULT_DAILY_CAP,
    rank_levels: int | None = None,
    popularity: float = POPULARITY_EXPONENT,
) -> Instance:
    if buyers < 1 or sellers < 1 or days < 1:
        raise ValueError("an event needs at least one buyer, one seller and one day")
    if not 1 <= slots_per_day <= MAX_SLOTS_PER_DAY:
        raise ValueError(f"slots per day must be between 1 and {MAX_SLOTS_PER_DAY}")
    if requests is None:
        requests = min(REQUESTS_PER_PARTICIPANT * (buyers + sellers), buyers * sellers)
    if not 0 <= requests <= buyers * sellers:
        # up to half the possible (requester, target) pairs keeps the random draws cheap
        raise ValueError(f"requests must be between 0 and buyers × sellers ({buyers * sellers})")
    if window is not None and not 1 <= window[0] <= window[1] <= slots_per_day:
        raise ValueError(f"a window must be between 1 and {slots_per_day} slots long")
    if fixed is None:
        fixed = max(1, buyers // 50)
    if fixed < 0 or daily_cap < 0 or (rank_levels is not None and rank_levels < 1):
        raise ValueError("fixed meetings, the daily cap and rank levels cannot be negative")
    event = _Event(random.Random(seed), buyers, sellers, days, slots_per_day, window)
    event.rank_levels, event.popularity = rank_levels, popularity
    return event.build(requests, fixed, daily_cap)


class _Event:
    def __init__(
        self,
        rng: random.Random,
        buyers: int,
        sellers: int,
        days: int,
        slots_per_day: int,
        window: tuple[int, int] | None,
    ) -> None:
        self.rng = rng
        self.slots = _slots(days, slots_per_day)
        self.slots_per_day = slots_per_day
        self.window = window
        self.rank_levels: int | None = None
        self.popularity = POPULARITY_EXPONENT
        self.buyers = [self.participant(Role.buyer, i) for i in range(buyers)]
        self.sellers = [self.participant(Role.seller, i) for i in range(sellers)]

    def build(self, count: int, fixed: int, daily_cap: int) -> Instance:
        meetings = self.fixed(fixed)
        return Instance(
            slots=tuple(self.slots),
            participants=(*self.buyers, *self.sellers),
            requests=tuple(self.requests(count)),
            fixed=tuple(meetings),
            daily_cap=daily_cap,
        )

    def participant(self, role: Role, i: int) -> Participant:
        rng = self.rng
        industry = rng.choice(INDUSTRIES)
        if role is Role.buyer:
            pid, country = f"B{i + 1:05d}", rng.choice(BUYER_COUNTRIES)[0]
            company = f"{rng.choice(BUYER_NAMES)} {industry.title()} {rng.choice(BUYER_KINDS)}"
            booth = f"T-{i + 1:04d}"
        else:
            pid, country, booth = f"S{i + 1:05d}", "KR", None
            company = f"{rng.choice(SELLER_NAMES)} {industry.title()} {rng.choice(SELLER_KINDS)}"
        unavailable: set[str] = set()
        if self.window is not None:
            unavailable.update(s.id for s in self.slots)
            unavailable.difference_update(s.id for s in self.window_slots())
        elif rng.random() < HALF_DAY_OFF:
            per_day = self.slots_per_day
            half = max(1, per_day // 2)
            day_start = rng.randrange(len(self.slots) // per_day) * per_day
            first = day_start + rng.choice((0, per_day - half))
            unavailable.update(s.id for s in self.slots[first : first + half])
        daily_cap = rng.randint(3, 10) if rng.random() < OWN_CAP else None
        return Participant(
            pid, role, company, country, industry, booth, daily_cap, frozenset(unavailable)
        )

    def window_slots(self) -> list[Slot]:
        """Restricted hours: one run of consecutive slots on one day, of a length in `window`."""
        per_day = self.slots_per_day
        length = self.rng.randint(*self.window)
        first = self.rng.randrange(len(self.slots) // per_day) * per_day
        first += self.rng.randrange(per_day - length + 1)
        return self.slots[first : first + length]

    def requests(self, count: int) -> list[Request]:
        rng = self.rng
        pools = {
            role: _Pool(rng, members, self.popularity)
            for role, members in ((Role.buyer, self.buyers), (Role.seller, self.sellers))
        }
        asked: set[tuple[str, str]] = set()
        drawn: list[tuple[Participant, Participant]] = []
        while len(drawn) < count:
            side = Role.buyer if rng.random() < FROM_BUYER else Role.seller
            requester = pools[side].active()
            targets = pools[Role.seller if side is Role.buyer else Role.buyer]
            for attempt in range(TRIES_BEFORE_UNIFORM + 1):
                if attempt == TRIES_BEFORE_UNIFORM:
                    # a requester who already asked most of its industry's stars
                    target = targets.uniform()
                elif rng.random() < SAME_INDUSTRY:
                    target = targets.popular(requester.industry)
                else:
                    target = targets.popular(None)
                if (requester.id, target.id) not in asked:
                    asked.add((requester.id, target.id))
                    drawn.append((requester, target))
                    break

        weights = list(STATUS_WEIGHTS.values())
        statuses = rng.choices(list(STATUS_WEIGHTS), weights, k=len(drawn))
        made: list[Request] = []
        for (requester, target), status in zip(drawn, statuses, strict=True):
            at = self.moment(requester)
            made.append(Request(requester.id, target.id, at, 0, status))
            if status is RequestStatus.cancelled and rng.random() < RESENT_AFTER_CANCEL:
                again = at + (DEADLINE - at) * rng.random()
                made.append(Request(requester.id, target.id, again, 0, RequestStatus.pending))
        return self.ranked(made[:count])

    def moment(self, requester: Participant) -> datetime:
        """When a request was sent: most of them in the last days before the deadline."""
        days_before = min(
            self.rng.expovariate(1 / MEAN_DAYS_BEFORE_DEADLINE),
            OPENS_DAYS_BEFORE - DEADLINE_DAYS_BEFORE,
        )
        utc = (DEADLINE - timedelta(days=days_before)).replace(microsecond=0)
        return utc.astimezone(ZONES[requester.country])

    def ranked(self, requests: list[Request]) -> list[Request]:
        """Number each requester's requests 1, 2, ... in an order of its own (the ▲▼ buttons),
        or with `rank_levels`, rank each at random among that many levels."""
        if self.rank_levels is not None:
            levels = self.rank_levels
            return [
                Request(r.requester, r.target, r.at, self.rng.randint(1, levels), r.status)
                for r in requests
            ]
        order = list(range(len(requests)))
        self.rng.shuffle(order)
        next_rank: dict[str, int] = {}
        ranks = [0] * len(requests)
        for i in order:
            requester = requests[i].requester
            ranks[i] = next_rank[requester] = next_rank.get(requester, 0) + 1
        return [
            Request(r.requester, r.target, r.at, rank, r.status)
            for r, rank in zip(requests, ranks, strict=True)
        ]

    def fixed(self, count: int) -> list[Fixed]:
        """Meetings an admin set by hand: up to `count` (draws that clash are skipped)."""
        rng = self.rng
        fixed: list[Fixed] = []
        pairs: set[tuple[str, str]] = set()
        booked: set[tuple[str, str]] = set()
        for _ in range(count):
            buyer, seller = rng.choice(self.buyers).id, rng.choice(self.sellers).id
            slot = rng.choice(self.slots).id
            if (buyer, seller) in pairs or {(buyer, slot), (seller, slot)} & booked:
                continue
            pairs.add((buyer, seller))
            booked.update({(buyer, slot), (seller, slot)})
            fixed.append(Fixed(buyer, seller, slot))
        return fixed


class _Pool:
    """Participants of one role, drawn by Zipf popularity, overall or within an industry."""

    def __init__(self, rng: random.Random, members: list[Participant], exponent: float) -> None:
        self.rng = rng
        self.members = members
        ranking = list(range(len(members)))
        rng.shuffle(ranking)
        popularity = [0.0] * len(members)
        for place, i in enumerate(ranking):
            popularity[i] = 1 / (place + 1) ** exponent
        self.everyone = (members, list(accumulate(popularity)))
        # activity in asking is far less skewed than popularity
        self.activity = list(accumulate(1 / (place + 1) ** 0.3 for place in ranking))
        by_industry: dict[str, list[int]] = {}
        for i, member in enumerate(members):
            by_industry.setdefault(member.industry, []).append(i)
        self.industries = {
            industry: ([members[i] for i in group], list(accumulate(popularity[i] for i in group)))
            for industry, group in by_industry.items()
        }

    def popular(self, industry: str | None) -> Participant:
        members, weights = self.industries.get(industry, self.everyone)
        return self.rng.choices(members, cum_weights=weights)[0]

    def active(self) -> Participant:
        return self.rng.choices(self.members, cum_weights=self.activity)[0]

    def uniform(self) -> Participant:
        return self.rng.choice(self.members)


def _slots(days: int, per_day: int) -> list[Slot]:
    slots = []
    for d in range(days):
        day = (FIRST_DAY + timedelta(days=d)).isoformat()
        for k in range(per_day):
            start = FIRST_SLOT_MINUTE + k * SLOT_MINUTES
            end = start + SLOT_MINUTES
            slots.append(
                Slot(f"D{d + 1}-{start // 60:02d}{start % 60:02d}", day, _hhmm(start), _hhmm(end))
            )
    return slots


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"
