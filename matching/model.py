"""The data of the matching engine: an event (`Instance`) and its result (`Schedule`).

These mirror the instance and schedule files described in `docs/matching.md`. Build an `Instance`
with `matching.instance_file.parse_instance`, which validates it; the engine assumes a valid
instance (known ids, one role per side, chronological slots) and does not re-check it.

The dataclasses are values: nothing here mutates them. They are not frozen only because a
frozen dataclass takes about four times longer to create, which adds up over a large event's
requests and meetings.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

DEFAULT_DAILY_CAP = 8


def effective_cap(own: int | None, event_cap: int) -> int:
    """The rule, in one place: a participant's own daily cap when they have one, else the
    event's (store/ uses it too; store/refill.py's SQL spells it as COALESCE)."""
    return event_cap if own is None else own


class Role(StrEnum):
    """A participant's side. The one definition: store/ keeps it in its tables (SQLAlchemy
    stores the member names, lowercase like the values)."""

    buyer = "buyer"
    seller = "seller"

    @property
    def other(self) -> Role:
        return Role.seller if self is Role.buyer else Role.buyer


class RequestStatus(StrEnum):
    pending = "pending"
    accepted = "accepted"
    rejected = "rejected"
    cancelled = "cancelled"

    @property
    def live(self) -> bool:
        """Whether the request still counts for matching (rule 1)."""
        return self in (RequestStatus.pending, RequestStatus.accepted)


class Tier(StrEnum):
    """Why a pair meets; candidates are taken in this order after the fixed meetings. `fixed`
    is a meeting an admin set by hand."""

    fixed = "fixed"
    mutual = "mutual"
    buyer = "buyer"
    seller = "seller"


CANDIDATE_TIERS = (Tier.mutual, Tier.buyer, Tier.seller)


class Reason(StrEnum):
    """Why a candidate pair got no meeting (rule 7)."""

    NO_COMMON_AVAILABILITY = "no_common_availability"
    BOTH_FULL = "both_full"
    BUYER_FULL = "buyer_full"
    SELLER_FULL = "seller_full"
    NO_COMMON_FREE_SLOT = "no_common_free_slot"

    @classmethod
    def judge(cls, common: int, usable_by_buyer: int, usable_by_seller: int) -> Reason:
        """Rule 7, given the slots (bitmasks) both sides are available in and which of them
        each side can still use."""
        if not common:
            return cls.NO_COMMON_AVAILABILITY
        if not usable_by_buyer:
            return cls.BOTH_FULL if not usable_by_seller else cls.BUYER_FULL
        if not usable_by_seller:
            return cls.SELLER_FULL
        return cls.NO_COMMON_FREE_SLOT


@dataclass(slots=True)
class Slot:
    id: str
    day: str
    start: str
    end: str


@dataclass(slots=True)
class Participant:
    id: str
    role: Role
    company: str | None = None
    country: str | None = None
    industry: str | None = None
    booth: str | None = None
    daily_cap: int | None = None
    """Overrides the event's `daily_cap` when set."""
    unavailable: frozenset[str] = frozenset()


@dataclass(slots=True)
class Request:
    requester: str
    """The file's `from`."""
    target: str
    """The file's `to`."""
    at: datetime
    """Always timezone-aware."""
    rank: int
    status: RequestStatus


@dataclass(slots=True)
class Fixed:
    buyer: str
    seller: str
    slot: str


@dataclass(slots=True)
class Instance:
    slots: tuple[Slot, ...]
    participants: tuple[Participant, ...]
    requests: tuple[Request, ...] = ()
    fixed: tuple[Fixed, ...] = ()
    daily_cap: int = DEFAULT_DAILY_CAP

    def cap_of(self, participant: Participant) -> int:
        return effective_cap(participant.daily_cap, self.daily_cap)


@dataclass(slots=True)
class Meeting:
    buyer: str
    seller: str
    slot: str
    booth: str | None
    tier: Tier


@dataclass(slots=True)
class Unscheduled:
    buyer: str
    seller: str
    tier: Tier
    reason: Reason


@dataclass(slots=True)
class Schedule:
    mode: str
    meetings: tuple[Meeting, ...]
    """Sorted by slot order, then buyer id."""
    unscheduled: tuple[Unscheduled, ...]
    """In the order the candidates were taken."""
    details: dict[str, Any] = field(default_factory=dict)
    """More keys of the file's `stats`, as a mode reports them (bounds, idle periods, times)."""

    def stats(self) -> dict[str, dict[str, int]]:
        """The per-tier counts of the schedule file's `stats`."""
        scheduled = Counter(m.tier for m in self.meetings)
        unscheduled = Counter(u.tier for u in self.unscheduled)
        return {
            "scheduled": {tier.value: scheduled[tier] for tier in Tier},
            "unscheduled": {tier.value: unscheduled[tier] for tier in CANDIDATE_TIERS},
        }
