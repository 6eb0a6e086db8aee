"""Standby refill: a place freed on the fair day (a cancellation, an admin's /unassign) is
offered to one pair at a time that could meet in it, until both sides of a pair accept.

Candidates are live requests not scheduled whose both sides have the slot switched on, are
free in it, under their daily cap and reachable in the bot; pairs that already meet, gave a
meeting up, or were offered this slot before are left out, and so is whoever cancelled a
meeting in this slot. Order: the pair whose less busy side has fewer meetings first (the
organizers' standby rule: the participant with fewer meetings first), then the manual's order
(tier: mutual, buyer's request, seller's request; rank; time of request).

Offers are rows (state, expiry), so they outlive restarts. An offer is made, and its notices
queued (the notice outbox, store/notices.py), in the transaction that frees the place or
closes the offer before it (`Telling`): a process killed after that commit leaves the offer
for whichever process's sender claims it, never a free place nobody was asked about. Each
state change is a conditional UPDATE and the booking an INSERT guarded by the meeting table's
unique keys, so with several bot processes a place is offered once at a time and booked at
most once.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Session, col, func, select, update

from matching.model import effective_cap
from store.audit import record
from store.due import Due
from store.errors import StoreError
from store.event import get_event
from store.fairday import Cancelled, Side, cancel, side_of, unassign_and_keep_place
from store.fairday import Telling as CancelTelling
from store.interpreters import reassign
from store.manual_matching import Removed
from store.models import (
    LIVE_STATUSES,
    CancelReason,
    Meeting,
    MeetingCancellation,
    MeetingRequest,
    NoticeKind,
    OfferState,
    Participant,
    RefillOffer,
    RequestStatus,
    Role,
    Slot,
    Tier,
    Unavailability,
    UnscheduledPair,
)
from store.notices import Draft, Queued, queued
from store.readers import MAIN_CONTACT, answered_by, reachable_company
from store.reminders import slot_end, slot_start
from store.video import is_online
from store.withdrawal import Telling as WithdrawalTelling
from store.withdrawal import Withdrawal, claim_announcement

OFFER_TIME = timedelta(minutes=10)
# Less time than this before the slot starts is not worth an offer.
SHORTEST_OFFER = timedelta(seconds=20)
SYSTEM = 0  # the audit log's actor for what the bot does by itself


class OfferClosed(StoreError):
    """The offer was answered, declined, expired or booked meanwhile (a stale button)."""

    key = "offer_closed"


@dataclass(frozen=True)
class Candidate:
    buyer_id: int
    seller_id: int
    tier: Tier
    rank: int
    sent_at: datetime
    fewer: int  # meetings of the less busy side
    more: int


def _tier(sides: int, accepted: bool) -> Tier:
    """The matching contract's rule 2 (1: the buyer asked, 2: the seller asked)."""
    if accepted or sides == 3:
        return Tier.mutual
    return Tier.buyer if sides == 1 else Tier.seller


TIER_ORDER = {Tier.mutual: 0, Tier.buyer: 1, Tier.seller: 2}


def _day_load(day: object) -> sa.Subquery:
    """Each participant's meetings on the day (one row per participant with any)."""
    on_day = (
        select(Meeting.buyer_id.label("pid"))  # type: ignore[attr-defined]
        .join(Slot, col(Slot.id) == col(Meeting.slot_id))
        .where(Slot.day == day)
        .union_all(
            select(Meeting.seller_id)
            .join(Slot, col(Slot.id) == col(Meeting.slot_id))
            .where(Slot.day == day)
        )
        .subquery()
    )
    return select(on_day.c.pid, func.count().label("meetings")).group_by(on_day.c.pid).subquery()


def _unable(slot: Slot, default_cap: int) -> sa.CompoundSelect:
    """Everyone who cannot take a meeting in the slot: booked or switched off in it, holding
    an open offer in it, gave up a meeting in it, at their daily cap that day, or not
    reachable in the bot. Computed by the database: only candidates come back."""
    load = _day_load(slot.day)
    return sa.union(
        select(Meeting.buyer_id).where(Meeting.slot_id == slot.id),
        select(Meeting.seller_id).where(Meeting.slot_id == slot.id),
        select(Unavailability.participant_id).where(Unavailability.slot_id == slot.id),
        select(RefillOffer.buyer_id).where(
            RefillOffer.slot_id == slot.id, RefillOffer.state == OfferState.open
        ),
        select(RefillOffer.seller_id).where(
            RefillOffer.slot_id == slot.id, RefillOffer.state == OfferState.open
        ),
        select(MeetingCancellation.by_participant_id).where(
            MeetingCancellation.slot_id == slot.id,
            col(MeetingCancellation.by_participant_id).is_not(None),
        ),
        select(load.c.pid)
        .join(Participant, col(Participant.id) == load.c.pid)
        # effective_cap (matching/model.py), in SQL
        .where(load.c.meetings >= func.coalesce(Participant.daily_cap, default_cap)),
        select(Participant.id).where(~reachable_company()),
    )


def _pair_unused(table: type, first: sa.ColumnElement, second: sa.ColumnElement, *extra) -> list:
    """No row of `table` for the request's pair, whichever side asked."""
    return [
        ~sa.exists().where(table.buyer_id == first, table.seller_id == second, *extra),
        ~sa.exists().where(table.buyer_id == second, table.seller_id == first, *extra),
    ]


def _meeting_counts(session: Session, people: set[int]) -> Counter[int]:
    counts: Counter[int] = Counter()
    for column in (Meeting.buyer_id, Meeting.seller_id):
        counts.update(
            dict(
                session.exec(
                    select(column, func.count()).where(col(column).in_(people)).group_by(column)
                ).all()
            )
        )
    return counts


def _is_full(session: Session, participant_id: int, slot: Slot, default_cap: int) -> bool:
    load = _day_load(slot.day)
    meetings = session.exec(select(load.c.meetings).where(load.c.pid == participant_id)).first()
    cap = effective_cap(session.get(Participant, participant_id).daily_cap, default_cap)
    return (meetings or 0) >= cap


def candidates(session: Session, slot_id: int) -> list[Candidate]:
    """The pairs that could meet in the slot now, in the order they are offered it."""
    slot = session.get(Slot, slot_id)
    assert slot is not None
    # A common table expression: the database computes the set once for both NOT INs.
    unable_cte = _unable(slot, get_event(session).daily_cap).cte("unable")
    unable = select(unable_cte.c[0])
    request = MeetingRequest
    rows = session.exec(
        select(request.from_id, request.to_id, request.status, request.rank, request.sent_at).where(
            col(request.status).in_(LIVE_STATUSES),
            col(request.from_id).not_in(unable),
            col(request.to_id).not_in(unable),
            *_pair_unused(Meeting, request.from_id, request.to_id),
            *_pair_unused(MeetingCancellation, request.from_id, request.to_id),
            *_pair_unused(
                RefillOffer, request.from_id, request.to_id, RefillOffer.slot_id == slot_id
            ),
        )
    ).all()
    if not rows:
        return []
    people = {row[0] for row in rows} | {row[1] for row in rows}
    buyers = set(
        session.exec(
            select(Participant.id).where(
                col(Participant.id).in_(people), Participant.role == Role.buyer
            )
        ).all()
    )
    # pair -> [sides that asked, any accepted, smallest rank, earliest request]
    pairs: dict[tuple[int, int], list] = {}
    for from_id, to_id, status, rank, sent_at in rows:
        buyer_asked = from_id in buyers
        pair = (from_id, to_id) if buyer_asked else (to_id, from_id)
        seen = pairs.setdefault(pair, [0, False, rank, sent_at])
        seen[0] |= 1 if buyer_asked else 2
        seen[1] = seen[1] or status == RequestStatus.accepted
        seen[2], seen[3] = min(seen[2], rank), min(seen[3], sent_at)
    counts = _meeting_counts(session, people)
    found = []
    for (buyer_id, seller_id), (sides, accepted, rank, sent_at) in pairs.items():
        a, b = counts[buyer_id], counts[seller_id]
        found.append(
            Candidate(
                buyer_id, seller_id, _tier(sides, accepted), rank, sent_at, min(a, b), max(a, b)
            )
        )
    found.sort(
        key=lambda c: (
            c.fewer,
            c.more,
            TIER_ORDER[c.tier],
            c.rank,
            c.sent_at,
            c.buyer_id,
            c.seller_id,
        )
    )
    return found


@dataclass(frozen=True)
class OfferView:
    """An offer as both sides' messages need it."""

    id: int
    place_id: int
    slot_code: str
    start: datetime
    end: datetime
    expires_at: datetime
    booth: str | None
    online: bool  # a video meeting: no booth
    buyer: Side
    seller: Side
    buyer_country: str
    seller_country: str
    meeting_id: int | None
    timezone: str  # the event's, in which the messages show the start (or the reader's own)

    def sides(self) -> tuple[tuple[Side, Side, str], tuple[Side, Side, str]]:
        """(me, counterpart, counterpart's country) for the buyer, then the seller."""
        return (
            (self.buyer, self.seller, self.seller_country),
            (self.seller, self.buyer, self.buyer_country),
        )


def _view(session: Session, offer: RefillOffer) -> OfferView:
    slot = session.get(Slot, offer.slot_id)
    buyer = session.get(Participant, offer.buyer_id)
    seller = session.get(Participant, offer.seller_id)
    assert slot is not None and buyer is not None and seller is not None and offer.id
    zone = get_event(session).timezone
    return OfferView(
        id=offer.id,
        place_id=offer.place_id,
        slot_code=slot.code,
        start=slot_start(slot, zone),
        end=slot_end(slot, zone),
        expires_at=offer.expires_at,
        booth=buyer.booth,
        online=is_online(buyer, seller),
        buyer=side_of(session, buyer),
        seller=side_of(session, seller),
        buyer_country=buyer.country,
        seller_country=seller.country,
        meeting_id=offer.meeting_id,
        timezone=zone,
    )


class Ended(StrEnum):
    """How an offer ended, as a side is told it."""

    declined = "declined"  # the other side declined
    void = "void"  # both accepted, but the slot or a daily cap was taken meanwhile
    booked = "booked"  # the other side accepted last: the meeting is booked
    expired = "expired"
    withdrawn = "withdrawn"  # the other side could not be reached


@dataclass(frozen=True)
class Telling:
    """The refill's notices, rendered by the caller (the store has no words) and queued with
    the change they tell of, so that neither goes without the other."""

    offer: Callable[[OfferView], Sequence[Draft | None]]  # to both sides (None: unreachable)
    ended: Callable[[OfferView, Ended, Sequence[Side]], Sequence[Draft | None]]


@dataclass(frozen=True)
class Offered:
    """An offer made, and its notices to both sides, queued with it."""

    view: OfferView
    notices: Queued


def offer_and_tell(
    session: Session, place_id: int, now: datetime, telling: Telling
) -> Offered | None:
    """`offer_next`, its notices queued in the same transaction."""
    view = offer_next(session, place_id, now)
    return None if view is None else Offered(view, queued(session, telling.offer(view)))


def cancel_and_offer(
    session: Session,
    meeting_id: int,
    participant_id: int,
    reason: CancelReason,
    now: datetime,
    by: int,
    told: CancelTelling,
    telling: Telling,
) -> tuple[Cancelled, Offered | None]:
    """A side gives its meeting up (store/fairday.py `cancel`, the counterpart told) and the
    freed place is offered, all in one transaction."""
    done = cancel(session, meeting_id, participant_id, reason, now, by, told)
    return done, offer_and_tell(session, done.place_id, now, telling)


def unassign_and_offer(
    session: Session, admin_id: int, meeting_id: int, now: datetime, telling: Telling
) -> tuple[Removed, Offered | None]:
    """/unassign, and on the fair day its place offered, in one transaction."""
    removed, place = unassign_and_keep_place(session, admin_id, meeting_id, now)
    return removed, (offer_and_tell(session, place, now, telling) if place is not None else None)


def announce_and_offer(
    session: Session,
    participant_id: int,
    now: datetime,
    told: WithdrawalTelling,
    telling: Telling,
) -> tuple[Withdrawal | None, list[Offered]]:
    """A withdrawal's notices claimed and queued (store/withdrawal.py `claim_announcement`)
    and the meetings it gave up offered, in one transaction."""
    done = claim_announcement(session, participant_id, now, told)
    if done is None:
        return None, []
    made = (offer_and_tell(session, freed.place_id, now, telling) for freed in done.meetings)
    return done, [offered for offered in made if offered is not None]


def offer_next(session: Session, place_id: int, now: datetime) -> OfferView | None:
    """Offers the freed place to the first candidate pair; None when it is filled, already
    offered (by this or another process), too close to its start, or nobody can take it."""
    place = session.get(MeetingCancellation, place_id)
    if place is None:
        return None
    slot = session.get(Slot, place.slot_id)
    assert slot is not None
    start = slot_start(slot, get_event(session).timezone)
    if start - now < SHORTEST_OFFER:
        return None
    taken = session.exec(
        select(RefillOffer.id).where(
            RefillOffer.place_id == place_id,
            col(RefillOffer.state).in_((OfferState.open, OfferState.booked)),
        )
    ).first()
    if taken is not None:
        return None
    found = candidates(session, slot.id)
    if not found:
        record(session, SYSTEM, "refill_no_candidate", place=place_id, slot=slot.code)
        return None
    first = found[0]
    offer = RefillOffer(
        place_id=place_id,
        slot_id=slot.id,
        buyer_id=first.buyer_id,
        seller_id=first.seller_id,
        tier=first.tier,
        offered_at=now,
        expires_at=min(now + OFFER_TIME, start),
    )
    try:
        with session.begin_nested():
            session.add(offer)
    except sa.exc.IntegrityError:  # another process offered this place (or pair) just now
        return None
    view = _view(session, offer)
    record(
        session,
        SYSTEM,
        "refill_offered",
        offer=offer.id,
        place=place_id,
        slot=slot.code,
        buyer=view.buyer.code,
        seller=view.seller.code,
        tier=first.tier.value,
        expires=offer.expires_at,
    )
    return view


class Outcome(StrEnum):
    waiting = "waiting"  # this side accepted, the other has not answered yet
    booked = "booked"
    declined = "declined"
    void = "void"  # both accepted, but the slot or a daily cap was taken meanwhile


@dataclass(frozen=True)
class Answered:
    outcome: Outcome
    offer: OfferView
    me: Side
    # The other side's notice of how the offer ended and, booked, both sides' updated
    # timetables (`timetables`), queued with the answer.
    told: Queued = field(default_factory=Queued)
    next: Offered | None = None  # declined or void: the place offered to the next pair


def timetables(view: OfferView) -> list[Draft]:
    """A booking's notices of both sides' whole timetables and calendar files, to each one's
    main contact and colleagues: drawn when sent (NoticeKind.timetable), so that a process
    killed right after the booking leaves them to the senders, not to My schedule. Of no use
    once the booked meeting is over."""
    return [
        Draft(NoticeKind.timetable, side.participant_id, f"offer-{view.id}", "", not_after=view.end)
        for side in (view.buyer, view.seller)
    ]


def _close(session: Session, offer_id: int, state: OfferState, now: datetime, **values) -> bool:
    """open -> `state`, if still open: the one who changes it wins."""
    changed = session.execute(
        update(RefillOffer)
        .where(col(RefillOffer.id) == offer_id, col(RefillOffer.state) == OfferState.open)
        .values(state=state, decided_at=now, **values)
        .returning(RefillOffer.id)
    )
    return changed.first() is not None


def _book(session: Session, offer: RefillOffer, now: datetime) -> Outcome:
    """Both accepted: the meeting is inserted; the meeting table's unique keys refuse a double
    booking even when another process booked one of them in this slot at the same instant."""
    slot = session.get(Slot, offer.slot_id)
    cap = get_event(session).daily_cap
    buyer = session.get(Participant, offer.buyer_id)
    if any(_is_full(session, p, slot, cap) for p in (offer.buyer_id, offer.seller_id)):
        _close(session, offer.id, OfferState.void, now)
        return Outcome.void
    # Booked as fixed: both sides agreed to it, so a later /match keeps it like one set by hand.
    meeting = Meeting(
        buyer_id=offer.buyer_id,
        seller_id=offer.seller_id,
        slot_id=offer.slot_id,
        booth=buyer.booth,
        tier=Tier.fixed,
    )
    try:
        with session.begin_nested():
            session.add(meeting)
    except sa.exc.IntegrityError:
        _close(session, offer.id, OfferState.void, now)
        return Outcome.void
    if not _close(session, offer.id, OfferState.booked, now, meeting_id=meeting.id):
        raise OfferClosed()  # rolls the meeting back with the whole unit of work
    session.execute(
        sa.delete(UnscheduledPair).where(
            col(UnscheduledPair.buyer_id) == offer.buyer_id,
            col(UnscheduledPair.seller_id) == offer.seller_id,
        )
    )
    reassign(session, now)
    return Outcome.booked


def answer_offer(
    session: Session,
    offer_id: int,
    participant_id: int,
    accept: bool,
    now: datetime,
    by: int = MAIN_CONTACT,
    telling: Telling | None = None,
) -> Answered:
    """One side's answer, pressed by `by` of the company: its only one (another of its people
    who answered first is named to a later press). A booking queues both sides' updated
    timetables with it; with `telling`, the other side is told how the offer ended and a freed
    place is offered to the next pair, with the answer."""
    offer = session.get(RefillOffer, offer_id)
    if offer is None or participant_id not in (offer.buyer_id, offer.seller_id):
        raise OfferClosed()
    side = "buyer" if participant_id == offer.buyer_id else "seller"
    column = f"{side}_answer"
    # Recording this side's answer is conditional: an offer that is closed, past its time or
    # already answered by this side refuses, and a concurrent answer of the other side waits
    # for this row (PostgreSQL) or the database (SQLite), so exactly one answer sees both.
    answered = session.execute(
        update(RefillOffer)
        .where(
            col(RefillOffer.id) == offer_id,
            col(RefillOffer.state) == OfferState.open,
            col(RefillOffer.expires_at) > now,
            getattr(RefillOffer, column).is_(None),
        )
        .values({column: accept, f"{side}_answered_by": by})
        .returning(RefillOffer.buyer_answer, RefillOffer.seller_answer)
    ).first()
    if answered is None:
        session.refresh(offer)
        given, who = getattr(offer, column), getattr(offer, f"{side}_answered_by")
        if given is not None and who is not None and who != by:
            what = "offer_accepted" if given else "offer_declined"
            raise answered_by(session, participant_id, who, what)
        raise OfferClosed()
    session.refresh(offer)
    if not accept:
        _close(session, offer_id, OfferState.declined, now)
        outcome = Outcome.declined
    elif answered[0] and answered[1]:
        outcome = _book(session, offer, now)
    else:
        outcome = Outcome.waiting
    session.refresh(offer)
    view = _view(session, offer)
    me = view.buyer if participant_id == offer.buyer_id else view.seller
    record(
        session,
        SYSTEM,
        f"refill_{'accepted' if accept else 'declined'}",
        offer=offer_id,
        by=me.code,
        outcome=outcome.value,
        meeting=offer.meeting_id,
    )
    if outcome == Outcome.waiting:
        return Answered(outcome, view, me)
    other = view.seller if me is view.buyer else view.buyer
    ended = telling.ended(view, Ended(outcome.value), [other]) if telling is not None else []
    booked = timetables(view) if outcome == Outcome.booked else []
    told = queued(session, [*ended, *booked])
    made = None
    if outcome != Outcome.booked and telling is not None:
        made = offer_and_tell(session, view.place_id, now, telling)
    return Answered(outcome, view, me, told, made)


def expire_offer(session: Session, offer_id: int, now: datetime) -> OfferView | None:
    """The offer's time ran out without both answers: closed, returned for the next pair."""
    offer = session.get(RefillOffer, offer_id)
    if offer is None or offer.expires_at > now:
        return None
    if not _close(session, offer_id, OfferState.expired, now):
        return None
    session.refresh(offer)
    view = _view(session, offer)
    record(session, SYSTEM, "refill_expired", offer=offer_id, place=offer.place_id)
    return view


def expire_and_offer(
    session: Session, offer_id: int, now: datetime, telling: Telling
) -> tuple[Queued, Offered | None]:
    """`expire_offer`, both sides told, and the place offered to the next pair."""
    view = expire_offer(session, offer_id, now)
    if view is None:
        return Queued(), None
    told = queued(session, telling.ended(view, Ended.expired, [view.buyer, view.seller]))
    return told, offer_and_tell(session, view.place_id, now, telling)


def withdraw_offer(
    session: Session, offer_id: int, now: datetime, reached: Sequence[int], telling: Telling
) -> tuple[Queued, Offered | None]:
    """An offer one side could not be sent (blocked the bot): closed as void, the sides it
    `reached` (participant ids) told, and the place offered to the next pair."""
    if not _close(session, offer_id, OfferState.void, now):
        return Queued(), None
    record(session, SYSTEM, "refill_undeliverable", offer=offer_id)
    offer = session.get(RefillOffer, offer_id)
    session.refresh(offer)
    view = _view(session, offer)
    told = [side for side in (view.buyer, view.seller) if side.participant_id in reached]
    return queued(session, telling.ended(view, Ended.withdrawn, told)), offer_and_tell(
        session, view.place_id, now, telling
    )


def open_offers(session: Session) -> list[tuple[int, datetime]]:
    """Every open offer and its expiry, to resume the expiry jobs after a restart."""
    return list(
        session.exec(
            select(RefillOffer.id, RefillOffer.expires_at).where(
                RefillOffer.state == OfferState.open
            )
        ).all()
    )


def unoffered_places(session: Session, now: datetime) -> list[int]:
    """Places freed whose slot is still ahead and that no offer holds or filled (the bot may
    have stopped between a cancellation and its offer): offered again at start-up."""
    held = select(RefillOffer.place_id).where(
        col(RefillOffer.state).in_((OfferState.open, OfferState.booked))
    )
    rows = session.exec(
        select(MeetingCancellation.id, Slot)
        .join(Slot, col(Slot.id) == col(MeetingCancellation.slot_id))
        .where(col(MeetingCancellation.id).not_in(held))
        .order_by(col(MeetingCancellation.id))
    ).all()
    if not rows:  # as nearly always at a start: the event and its time zone need not be read
        return []
    zone = get_event(session).timezone
    return [place for place, slot in rows if slot_start(slot, zone) - now >= SHORTEST_OFFER]


def refill_counts(session: Session) -> dict[str, int]:
    """For /stats: offers by state (booked = meetings refilled)."""
    states = dict(
        session.exec(select(RefillOffer.state, func.count()).group_by(RefillOffer.state)).all()
    )
    return {state.value: states.get(state, 0) for state in OfferState}


def offers_due(session: Session, now: datetime) -> list[Due]:
    """Each open offer's expiry (re-created at start-up; past-due ones run at once)."""
    return [Due(expires, str(offer_id), offer_id) for offer_id, expires in open_offers(session)]


def freed_while_down(session: Session, now: datetime) -> list[Due]:
    """At once, if places were freed while the bot was down."""
    return [Due(now)] if unoffered_places(session, now) else []
