"""The fair day, before each meeting: a side confirms it ("I'll be there") or gives it up.
The company has one answer, whoever of it pressed (its main contact or a colleague: `by`); a
later press by another of them is told who answered and how.

Giving a meeting up deletes its row, so the slot is free again for both sides and the unique
keys of `meeting` guard any later booking in it, and keeps a `MeetingCancellation`: the freed
place the standby refill (store/refill.py) offers to others. Both only until the slot starts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from store.audit import record
from store.errors import StoreError
from store.event import current_event, get_event
from store.interpreters import reassign
from store.manual_matching import Removed, by_code, unassign
from store.models import (
    CancelReason,
    Meeting,
    MeetingCancellation,
    MeetingConfirmation,
    Participant,
    Slot,
)
from store.notices import Draft, queue
from store.readers import MAIN_CONTACT, actor, answered_by, reachable_ids
from store.reminders import Recipient, slot_start
from store.upsert import insert_if_missing


class MeetingGone(StoreError):
    """The meeting was cancelled or removed meanwhile (a stale button)."""

    key = "meeting_gone"


class MeetingStarted(StoreError):
    key = "meeting_started"


class AlreadyConfirmed(StoreError):
    key = "already_confirmed"


@dataclass(frozen=True)
class Side:
    """One side of a meeting, as the other side's message needs it."""

    participant_id: int
    code: str
    company: str
    company_en: str
    recipient: Recipient | None  # None: not reachable in the bot

    @property
    def recipient_zone(self) -> str:
        """The zone this side reads times in, "" for the fair's."""
        return self.recipient.zone if self.recipient is not None else ""


@dataclass(frozen=True)
class MeetingSides:
    meeting_id: int
    slot_id: int
    slot_code: str
    start: datetime
    end: datetime
    booth: str | None
    me: Side
    other: Side
    timezone: str  # the event's: the screens show the start in it (or the reader's own zone)


def side_of(session: Session, person: Participant) -> Side:
    """The participant as a side to tell: reachable while any of its people is."""
    assert person.id is not None
    reachable = bool(reachable_ids(session, [person.id]))
    recipient = Recipient.of(person) if reachable else None
    return Side(person.id, person.code, person.company, person.company_en, recipient)


def _sides(
    session: Session, meeting: Meeting, participant_id: int, start: datetime
) -> MeetingSides:
    slot = session.get(Slot, meeting.slot_id)
    buyer = session.get(Participant, meeting.buyer_id)
    seller = session.get(Participant, meeting.seller_id)
    assert slot is not None and buyer is not None and seller is not None and meeting.id
    me, other = (buyer, seller) if buyer.id == participant_id else (seller, buyer)
    end = start + (datetime.combine(slot.day, slot.end) - datetime.combine(slot.day, slot.start))
    timezone = current_event(session).timezone
    return MeetingSides(
        meeting.id,
        slot.id,
        slot.code,
        start,
        end,
        meeting.booth,
        side_of(session, me),
        side_of(session, other),
        timezone,
    )  # type: ignore[arg-type]


Telling = Callable[[MeetingSides], Draft | None]
"""The counterpart's notice of a confirmation or cancellation, rendered from the meeting's
sides (None: they cannot be reached); queued with the change, so neither goes without the other."""


def _tell(session: Session, notice: Telling | None, sides: MeetingSides) -> None:
    told = notice(sides) if notice is not None else None
    if told is not None:
        queue(session, [told])


def participants_meeting(session: Session, meeting_id: int, participant_id: int) -> Meeting:
    """A meeting the participant is a side of; `MeetingGone` if it was removed meanwhile or
    never was theirs (a stale or forged button)."""
    meeting = session.get(Meeting, meeting_id)
    if meeting is None or participant_id not in (meeting.buyer_id, meeting.seller_id):
        raise MeetingGone()
    return meeting


def _own_meeting(
    session: Session, meeting_id: int, participant_id: int, now: datetime, by: int
) -> tuple[Meeting, datetime]:
    """The participant's meeting, not started yet, and its start; refusals otherwise (for a
    meeting another person of the company gave up, who did)."""
    try:
        meeting = participants_meeting(session, meeting_id, participant_id)
    except MeetingGone:
        given_up = session.exec(
            select(MeetingCancellation)
            .where(
                MeetingCancellation.meeting_id == meeting_id,
                MeetingCancellation.by_participant_id == participant_id,
            )
            .order_by(col(MeetingCancellation.id).desc())
        ).first()
        if given_up is None or given_up.by_colleague_id == by:
            raise
        raise answered_by(session, participant_id, given_up.by_colleague_id, "cancelled") from None
    slot = session.get(Slot, meeting.slot_id)
    assert slot is not None
    start = slot_start(slot, get_event(session).timezone)
    if now >= start:
        raise MeetingStarted()
    return meeting, start


def confirm(
    session: Session,
    meeting_id: int,
    participant_id: int,
    now: datetime,
    by: int = MAIN_CONTACT,
    notice: Telling | None = None,
) -> MeetingSides:
    """Records "I'll be there" for the company, pressed by `by`; a second tap is refused, saying
    who confirmed if it was someone else (the counterpart is told once: `notice`)."""
    meeting, start = _own_meeting(session, meeting_id, participant_id, now, by)
    # Not a savepoint: on SQLite one opened before any write commits on its own when released.
    if not insert_if_missing(
        session,
        MeetingConfirmation,
        meeting_id=meeting_id,
        participant_id=participant_id,
        at=now,
        colleague_id=by,
    ):  # confirmed before, or the same tap handled twice at once
        first = session.get(MeetingConfirmation, (meeting_id, participant_id))
        if first is None or first.colleague_id == by:
            raise AlreadyConfirmed()
        raise answered_by(session, participant_id, first.colleague_id, "confirmed")
    sides = _sides(session, meeting, participant_id, start)
    record(
        session,
        actor(session, participant_id, by),
        "meeting_confirmed",
        meeting=meeting_id,
        by=sides.me.code,
    )
    _tell(session, notice, sides)
    return sides


@dataclass(frozen=True)
class Cancelled:
    sides: MeetingSides
    place_id: int  # the freed place, for the refill


def freed_place(
    meeting: Meeting, by: int, reason: CancelReason, now: datetime, colleague: int = MAIN_CONTACT
) -> MeetingCancellation:
    """The place a meeting given up by one of its sides (`by`; who of it: `colleague`) leaves
    (the meeting row is deleted)."""
    assert meeting.id is not None
    return MeetingCancellation(
        meeting_id=meeting.id,
        buyer_id=meeting.buyer_id,
        seller_id=meeting.seller_id,
        slot_id=meeting.slot_id,
        tier=meeting.tier,
        by_participant_id=by,
        by_colleague_id=colleague,
        reason=reason,
        at=now,
    )


def cancel(
    session: Session,
    meeting_id: int,
    participant_id: int,
    reason: CancelReason,
    now: datetime,
    by: int = MAIN_CONTACT,
    notice: Telling | None = None,
) -> Cancelled:
    """Gives the meeting up before it starts, pressed by `by` of the company: the slot is free
    again for both sides, and the counterpart told (`notice`)."""
    if reason == CancelReason.removed:
        raise ValueError("participants give a reason of their own")
    meeting, start = _own_meeting(session, meeting_id, participant_id, now, by)
    sides = _sides(session, meeting, participant_id, start)
    # The conditional delete is the claim: of two taps at once (or both sides), one wins.
    deleted = session.execute(sa.delete(Meeting).where(col(Meeting.id) == meeting_id))
    if deleted.rowcount != 1:
        raise MeetingGone()
    place = freed_place(meeting, participant_id, reason, now, by)
    session.add(place)
    session.flush()
    reassign(session, now)
    record(
        session,
        actor(session, participant_id, by),
        "meeting_cancelled",
        meeting=meeting_id,
        by=sides.me.code,
        counterpart=sides.other.code,
        slot=sides.slot_code,
        reason=reason.value,
    )
    _tell(session, notice, sides)
    assert place.id is not None
    return Cancelled(sides, place.id)


def unassign_and_keep_place(
    session: Session, admin_id: int, meeting_id: int, now: datetime
) -> tuple[Removed, int | None]:
    """/unassign: the meeting removed (audited) and, on the fair day, its place kept for the
    refill, in one transaction: a failure between the two can no longer lose the offer."""
    removed = unassign(session, admin_id, meeting_id)
    return removed, removed_by_admin(session, removed, now)


def removed_by_admin(session: Session, removed: Removed, now: datetime) -> int | None:
    """Keeps an admin's /unassign as a freed place; None once the slot has started (nothing
    to refill)."""
    slot = session.exec(select(Slot).where(Slot.code == removed.slot)).one()
    if now >= slot_start(slot, get_event(session).timezone):
        return None
    buyer, seller = by_code(session, removed.buyer), by_code(session, removed.seller)
    place = MeetingCancellation(
        meeting_id=removed.id,
        buyer_id=buyer.id,
        seller_id=seller.id,
        slot_id=slot.id,
        tier=removed.tier,
        reason=CancelReason.removed,
        at=now,
    )
    session.add(place)
    session.flush()
    return place.id


@dataclass(frozen=True)
class DayCounts:
    confirmations: int
    cancellations: dict[str, int]  # per reason


def day_counts(session: Session) -> DayCounts:
    """For /stats: confirmations of meetings that still stand, cancellations per reason."""
    confirmations = session.exec(select(func.count()).select_from(MeetingConfirmation)).one()
    reasons = dict(
        session.exec(
            select(MeetingCancellation.reason, func.count()).group_by(MeetingCancellation.reason)
        ).all()
    )
    return DayCounts(confirmations, {r.value: reasons.get(r, 0) for r in CancelReason})
