"""Matching by hand (the manual's 관리자 수동주선): who has few meetings, who could meet them,
and fixed meetings an admin books or removes. Fixed meetings survive every later /match."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session, col, func, or_, select

from matching.model import effective_cap
from store.audit import record
from store.errors import NotFound, SameSide, StoreError
from store.event import get_event, lock_event_row, slots
from store.interpreters import reassign
from store.models import (
    Meeting,
    Participant,
    Role,
    Slot,
    Tier,
    Unavailability,
    UnscheduledPair,
)
from store.participants import natural_key


class AlreadyMeeting(StoreError):
    key = "already_meeting"


class DoubleBooked(StoreError):
    """`code` already has a meeting in the slot."""

    key = "double_booked"


class SlotUnavailable(StoreError):
    """`code` switched the slot off."""

    key = "slot_unavailable"


class NoCommonSlot(StoreError):
    key = "no_common_slot"


class CapExceeded(StoreError):
    """The booking would take `code` over its daily cap: the admin must confirm it."""

    key = "cap_exceeded"


@dataclass(frozen=True)
class Count:
    participant: Participant
    meetings: int


def _active(session: Session) -> list[Participant]:
    people = session.exec(select(Participant).where(Participant.active == True))  # noqa: E712
    return sorted(people, key=lambda p: (p.industry, natural_key(p.code)))


def meeting_counts(session: Session) -> Counter[int]:
    counts: Counter[int] = Counter()
    for buyer_id, seller_id in session.exec(select(Meeting.buyer_id, Meeting.seller_id)).all():
        counts[buyer_id] += 1
        counts[seller_id] += 1
    return counts


def low_counts(
    session: Session,
    industry: str | None = None,
    at_most: int = 2,
    *,
    admin_id: int | None = None,
) -> list[Count]:
    """Active participants with at most `at_most` meetings, by industry then code; an admin's
    look (/lowcount) is audited with it."""
    if admin_id is not None:
        record(session, admin_id, "lowcount", industry=industry, at_most=at_most)
    counts = meeting_counts(session)
    wanted = industry.casefold() if industry else None
    return [
        Count(p, counts[p.id])
        for p in _active(session)
        if counts[p.id] <= at_most and (wanted is None or p.industry.casefold() == wanted)
    ]


def by_code(session: Session, code: str) -> Participant:
    found = session.exec(
        select(Participant).where(func.upper(Participant.code) == code.strip().upper())
    ).first()
    if found is None or not found.active:
        raise NotFound(what="participant")
    return found


def _busy(session: Session, participant_id: int) -> set[int]:
    rows = session.exec(
        select(Meeting.slot_id).where(
            or_(Meeting.buyer_id == participant_id, Meeting.seller_id == participant_id)
        )
    )
    return set(rows.all())


def _off(session: Session, participant_id: int) -> set[int]:
    rows = session.exec(
        select(Unavailability.slot_id).where(Unavailability.participant_id == participant_id)
    )
    return set(rows.all())


def _partners(session: Session, participant_id: int) -> set[int]:
    rows = session.exec(
        select(Meeting.buyer_id, Meeting.seller_id).where(
            or_(Meeting.buyer_id == participant_id, Meeting.seller_id == participant_id)
        )
    ).all()
    return {b if s == participant_id else s for b, s in rows}


def _free_slots(session: Session, a: Participant, b: Participant) -> list[Slot]:
    """Slots both can make and neither has a meeting in, earliest first."""
    taken = _busy(session, a.id) | _busy(session, b.id) | _off(session, a.id) | _off(session, b.id)
    return [s for s in slots(session) if s.id not in taken]


@dataclass(frozen=True)
class Proposal:
    counterpart: Participant
    slot: Slot
    meetings: int
    timezone: str  # the event's, in which the button shows the slot's start


def proposals(
    session: Session, participant_id: int, limit: int = 8, *, admin_id: int | None = None
) -> list[Proposal]:
    """Counterparts of the same industry who share a free slot with the participant, those
    with the fewest meetings first, each with the earliest such slot; an admin's look is
    audited with it."""
    if admin_id is not None:
        record(session, admin_id, "proposals", participant=participant_id)
    me = session.get(Participant, participant_id)
    if me is None or not me.active:
        raise NotFound(what="participant")
    counts = meeting_counts(session)
    met = _partners(session, participant_id)
    others = [
        p
        for p in _active(session)
        if p.role == me.role.other
        and p.industry.casefold() == me.industry.casefold()
        and p.id not in met
    ]
    found = []
    for other in sorted(others, key=lambda p: (counts[p.id], natural_key(p.code))):
        free = _free_slots(session, me, other)
        if free:
            found.append((other, free[0], counts[other.id]))
        if len(found) == limit:
            break
    zone = get_event(session).timezone if found else ""
    return [Proposal(*proposal, zone) for proposal in found]


def _day_count(session: Session, participant_id: int, slot: Slot) -> int:
    return session.exec(
        select(func.count())
        .select_from(Meeting)
        .join(Slot, col(Slot.id) == col(Meeting.slot_id))
        .where(
            or_(Meeting.buyer_id == participant_id, Meeting.seller_id == participant_id),
            Slot.day == slot.day,
        )
    ).one()


def _slot_by_code(session: Session, code: str) -> Slot | None:
    return session.exec(select(Slot).where(func.upper(Slot.code) == code.strip().upper())).first()


def _person(session: Session, key: str | int) -> Participant:
    if isinstance(key, str):
        return by_code(session, key)
    found = session.get(Participant, key)
    if found is None or not found.active:
        raise NotFound(what="participant")
    return found


def _slot(session: Session, key: str | int) -> Slot:
    found = _slot_by_code(session, key) if isinstance(key, str) else session.get(Slot, key)
    if found is None:
        raise NotFound(what="slot")
    return found


@dataclass(frozen=True)
class Booked:
    id: int
    buyer: Participant
    seller: Participant
    slot: Slot
    booth: str | None
    timezone: str  # the event's, in which the answer shows the slot's start


def assign(
    session: Session,
    admin_id: int,
    first: str | int,
    second: str | int,
    slot_key: str | int | None = None,
    *,
    over_cap: bool = False,
) -> Booked:
    """Books a fixed meeting between two participants (codes as typed, or ids from a button;
    either order) in the given slot, or in the earliest slot both can make. Refuses double
    bookings, switched-off slots and pairs that already meet; going over a daily cap needs
    `over_cap` (the admin's confirmation; the refusal carries the `ids` to confirm)."""
    lock_event_row(session)
    a, b = _person(session, first), _person(session, second)
    if a.role == b.role:
        raise SameSide()
    buyer, seller = (a, b) if a.role == Role.buyer else (b, a)
    slot = _slot(session, slot_key) if slot_key is not None else None
    existing = session.exec(
        select(Meeting).where(Meeting.buyer_id == buyer.id, Meeting.seller_id == seller.id)
    ).first()
    if existing is not None:
        raise AlreadyMeeting(id=existing.id)
    if slot is None:
        free = _free_slots(session, buyer, seller)
        if not free:
            raise NoCommonSlot(buyer=buyer.code, seller=seller.code)
        slot = free[0]
    else:
        for person in (buyer, seller):
            if slot.id in _busy(session, person.id):
                raise DoubleBooked(code=person.code, slot=slot.code)
            if slot.id in _off(session, person.id):
                raise SlotUnavailable(code=person.code, slot=slot.code)
    event = get_event(session)
    if not over_cap:
        cap = event.daily_cap
        for person in (buyer, seller):
            limit = effective_cap(person.daily_cap, cap)
            if _day_count(session, person.id, slot) >= limit:
                raise CapExceeded(
                    code=person.code,
                    cap=limit,
                    slot=slot.code,
                    meeting=(buyer.id, seller.id, slot.id),  # what to book anyway
                )
    meeting = Meeting(
        buyer_id=buyer.id,
        seller_id=seller.id,
        slot_id=slot.id,
        booth=buyer.booth,
        tier=Tier.fixed,
        created_by=admin_id,
    )
    session.add(meeting)
    session.execute(
        sa.delete(UnscheduledPair).where(
            col(UnscheduledPair.buyer_id) == buyer.id, col(UnscheduledPair.seller_id) == seller.id
        )
    )
    session.flush()
    record(
        session,
        admin_id,
        "assign",
        meeting=meeting.id,
        buyer=buyer.code,
        seller=seller.code,
        slot=slot.code,
        over_cap=over_cap,
    )
    reassign(session)
    assert meeting.id is not None
    return Booked(meeting.id, buyer, seller, slot, meeting.booth, event.timezone)


@dataclass(frozen=True)
class Removed:
    id: int
    buyer: str
    seller: str
    slot: str
    tier: Tier


def unassign(session: Session, admin_id: int, meeting_id: int) -> Removed:
    """Removes a meeting, fixed or automatic (an automatic one returns at the next /match)."""
    lock_event_row(session)
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        raise NotFound(what="meeting")
    buyer, seller = (
        session.get(Participant, meeting.buyer_id),
        session.get(Participant, meeting.seller_id),
    )
    slot = session.get(Slot, meeting.slot_id)
    assert buyer is not None and seller is not None and slot is not None
    removed = Removed(meeting_id, buyer.code, seller.code, slot.code, meeting.tier)
    session.delete(meeting)
    session.flush()
    reassign(session)
    record(
        session,
        admin_id,
        "unassign",
        meeting=meeting_id,
        buyer=buyer.code,
        seller=seller.code,
        slot=slot.code,
        tier=meeting.tier.value,
    )
    return removed
