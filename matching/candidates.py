"""Which pairs compete for a meeting, in which tier and in which order (rules 1 to 5).

    candidates(instance: Instance) -> list[Candidate]   # in the order they are taken

Shared by every mode, and by `check`, which needs the tier a pair must be labelled with.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from matching.model import CANDIDATE_TIERS, Instance, RequestStatus, Role, Tier

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)

# bits of which sides asked for a pair
_BUYER_ASKED = 1
_SELLER_ASKED = 2


@dataclass(slots=True)
class Candidate:
    buyer: str
    seller: str
    tier: Tier
    rank: int
    """The smallest rank among the pair's live requests."""
    instant: int
    """The earliest `at` among the pair's live requests, in microseconds since the Unix epoch.

    Sorting on aware datetimes works too, but with mixed offsets every comparison converts
    both to UTC, which made the sort the slowest step of a solve."""


def candidates(instance: Instance) -> list[Candidate]:
    """The candidate pairs, sorted as rule 5 takes them; pairs with a fixed meeting are left out."""
    buyers = {p.id for p in instance.participants if p.role is Role.buyer}
    fixed = {(f.buyer, f.seller) for f in instance.fixed}
    # pair -> [sides that asked, any accepted, rank, instant]; plain lists keep this loop cheap
    pairs: dict[tuple[str, str], list] = {}
    for request in instance.requests:
        status = request.status
        if status is RequestStatus.rejected or status is RequestStatus.cancelled:
            continue
        if request.requester in buyers:
            pair, side = (request.requester, request.target), _BUYER_ASKED
        else:
            pair, side = (request.target, request.requester), _SELLER_ASKED
        accepted = status is RequestStatus.accepted
        instant = (request.at - _EPOCH) // _MICROSECOND
        seen = pairs.get(pair)
        if seen is None:
            pairs[pair] = [side, accepted, request.rank, instant]
            continue
        seen[0] |= side
        seen[1] = seen[1] or accepted
        seen[2] = min(seen[2], request.rank)
        seen[3] = min(seen[3], instant)
    # tuples in the order of rule 5, so the sort needs no key; ids compare by code point
    order = [
        (_tier_order(sides, accepted), rank, instant, buyer, seller)
        for (buyer, seller), (sides, accepted, rank, instant) in pairs.items()
        if (buyer, seller) not in fixed
    ]
    order.sort()
    return [
        Candidate(buyer, seller, CANDIDATE_TIERS[tier], rank, instant)
        for tier, rank, instant, buyer, seller in order
    ]


def _tier_order(sides: int, accepted: bool) -> int:
    """Rule 2, as the tier's index in `CANDIDATE_TIERS`."""
    if accepted or sides == _BUYER_ASKED | _SELLER_ASKED:
        return 0
    return 1 if sides == _BUYER_ASKED else 2
