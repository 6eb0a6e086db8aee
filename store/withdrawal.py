"""Withdrawing a participant from the fair (a row imported by mistake, a company that
cancels), and restoring one withdrawn by mistake.

A withdrawn participant stays in the database (`active` False, when and why): their invite
link and account stop working, they leave Find, the counts, matching and the export's lists
(the export names them on a sheet of their own). Their live requests are cancelled, and their
meetings not started yet are given up like a fair-day cancellation: each leaves a
`MeetingCancellation`, the place the standby refill offers to others. Restoring lets them in
again; what withdrawal closed stays closed. Both are audited with what they changed. Nothing
else withdraws anyone: a row missing from a re-imported file does not.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, col, func, or_, select, update

from store.audit import record
from store.errors import AlreadyWithdrawn, NotWithdrawn, UnknownCode
from store.event import get_event
from store.fairday import Side, freed_place, side_of
from store.models import (
    LIVE_STATUSES,
    CancelReason,
    DeliveryStatus,
    Meeting,
    MeetingCancellation,
    MeetingRequest,
    Notice,
    NoticeKind,
    OfferState,
    Participant,
    Phase,
    RefillOffer,
    RequestStatus,
    Slot,
)
from store.notices import Draft, queue
from store.readers import someone_reachable
from store.reminders import Recipient, slot_start
from store.text import clean_text

REASON_MAX = 300


@dataclass(frozen=True)
class Freed:
    """A meeting the withdrawal gave up: who is told, and the place to offer to others."""

    other: Side
    start: datetime
    place_id: int


@dataclass(frozen=True)
class Withdrawal:
    person: Side  # told once, if they ever opened the bot
    requests: tuple[Side, ...]  # the other side of each request closed
    meetings: tuple[Freed, ...]
    announced: bool  # the meetings' other sides know them (else they are not told)
    key: str  # this withdrawal's notices are keyed by it, one per person told


def _find(session: Session, code: str | int) -> Participant:
    if isinstance(code, int):  # a confirmation button's participant id
        found = session.get(Participant, code)
        if found is None:
            raise UnknownCode(code=str(code))
        return found
    code = clean_text(code)
    found = session.exec(
        select(Participant).where(func.upper(Participant.code) == code.upper())
    ).first()
    if found is None:
        raise UnknownCode(code=code)
    return found


@dataclass(frozen=True)
class Preview:
    """What withdrawing (or restoring) a participant would do, for the organizer to confirm."""

    participant_id: int
    code: str
    company: str
    company_en: str
    active: bool
    requests: int  # live requests that would be closed
    meetings: int  # meetings not started yet that would be freed


def _live_requests(person: Participant) -> sa.Select:
    return select(MeetingRequest).where(
        or_(MeetingRequest.from_id == person.id, MeetingRequest.to_id == person.id),
        col(MeetingRequest.status).in_(LIVE_STATUSES),
    )


def _future_meetings(session: Session, person: Participant, now: datetime) -> list[Meeting]:
    """The participant's meetings not started yet; those held or under way stay (results)."""
    timezone = get_event(session).timezone
    rows = session.exec(
        select(Meeting, Slot)
        .join(Slot, col(Slot.id) == Meeting.slot_id)
        .where(or_(Meeting.buyer_id == person.id, Meeting.seller_id == person.id))
        .order_by(col(Slot.ordinal))
    ).all()
    return [meeting for meeting, slot in rows if slot_start(slot, timezone) > now]


def preview(session: Session, code: str | int, now: datetime) -> Preview:
    person = _find(session, code)
    assert person.id is not None
    requests = len(session.exec(_live_requests(person)).all()) if person.active else 0
    meetings = len(_future_meetings(session, person, now)) if person.active else 0
    return Preview(
        person.id,
        person.code,
        person.company,
        person.company_en,
        person.active,
        requests,
        meetings,
    )


def _close_requests(session: Session, person: Participant, now: datetime) -> int:
    requests = session.exec(_live_requests(person)).all()
    for request in requests:
        request.status, request.updated_at = RequestStatus.cancelled, now
        session.add(request)
    return len(requests)


def _free_meetings(session: Session, person: Participant, now: datetime) -> int:
    """Gives up the meetings not started yet, each like a fair-day cancellation."""
    meetings = _future_meetings(session, person, now)
    for meeting in meetings:
        session.execute(sa.delete(Meeting).where(col(Meeting.id) == meeting.id))
        assert person.id is not None
        session.add(freed_place(meeting, person.id, CancelReason.withdrawn, now))
    return len(meetings)


def _void_offers(session: Session, person: Participant, now: datetime) -> None:
    """An open standby offer to the withdrawn participant goes away with them."""
    session.execute(
        sa.update(RefillOffer)
        .where(
            or_(RefillOffer.buyer_id == person.id, RefillOffer.seller_id == person.id),
            RefillOffer.state == OfferState.open,
        )
        .values(state=OfferState.void, decided_at=now)
    )


def withdraw(
    session: Session, admin_id: int, code: str | int, reason: str, now: datetime
) -> Preview:
    """Withdraws the participant (by code, or by id from a confirmation button); what it
    changed. Telling everyone it concerns is `untold` / `claim_announcement`'s part, so that
    a withdrawal made from the command line is told by the running bot too."""
    done = preview(session, code, now)
    person = session.get(Participant, done.participant_id)
    assert person is not None
    if not person.active:
        raise AlreadyWithdrawn(code=person.code)
    person.active, person.withdrawn_at = False, now
    person.withdrawn_reason = clean_text(reason)[:REASON_MAX]
    session.add(person)
    _close_requests(session, person, now)
    _free_meetings(session, person, now)
    _void_offers(session, person, now)
    session.flush()
    record(
        session,
        admin_id,
        "withdraw",
        code=person.code,
        reason=person.withdrawn_reason,
        requests_closed=done.requests,
        meetings_freed=done.meetings,
    )
    return done


def _key(person: Participant) -> str:
    """One announcement per withdrawal (a participant restored and withdrawn again is told
    again)."""
    assert person.withdrawn_at is not None
    return f"{person.withdrawn_at:%Y%m%d%H%M%S%f}"


def untold(session: Session) -> list[int]:
    """Withdrawn participants whose withdrawal no bot process has told yet."""
    people = session.exec(
        select(Participant).where(
            Participant.active == False,  # noqa: E712
            col(Participant.withdrawn_at).is_not(None),
        )
    ).all()
    told = set(
        session.exec(
            select(Notice.participant_id, Notice.key).where(Notice.kind == NoticeKind.withdrawal)
        ).all()
    )
    return [p.id for p in people if (p.id, _key(p)) not in told]


def _side(session: Session, person: Participant) -> Side:
    """The withdrawn participant as a side to tell (side_of leaves inactive people out): its
    main contact and colleagues, while any of them can be reached."""
    assert person.id is not None
    found = select(Participant.id).where(Participant.id == person.id, someone_reachable())
    reachable = session.exec(found).first() is not None
    recipient = Recipient.of(person) if reachable else None
    return Side(person.id, person.code, person.company, person.company_en, recipient)


Telling = Callable[[Withdrawal, str], Sequence[Draft | None]]
"""A withdrawal's notices to everyone it concerns, rendered from it and the fair's time zone
(None: someone who cannot be reached)."""


def claim_announcement(
    session: Session, participant_id: int, now: datetime, notices: Telling | None = None
) -> Withdrawal | None:
    """Whom one withdrawal concerns, claimed by the caller so it is told once (None if
    another process claimed it, or the participant was restored meanwhile); `notices` are
    queued with the claim, so a failure after it cannot leave anyone untold."""
    person = session.get(Participant, participant_id)
    if person is None or person.active or person.withdrawn_at is None:
        return None
    # The claim is a notice row of its own, marked sent: the outbox's unique key lets one
    # process queue it; the notices themselves follow, each keyed by the withdrawal too.
    claimed = queue(session, [Draft(NoticeKind.withdrawal, participant_id, _key(person), "")])
    if not claimed:
        return None
    session.execute(
        update(Notice)
        .where(col(Notice.id).in_(claimed))
        .values(status=DeliveryStatus.sent, sent_at=now)
    )
    at = person.withdrawn_at
    closed = session.exec(
        select(MeetingRequest).where(
            or_(MeetingRequest.from_id == person.id, MeetingRequest.to_id == person.id),
            MeetingRequest.status == RequestStatus.cancelled,
            MeetingRequest.updated_at == at,
        )
    ).all()
    others = [r.to_id if r.from_id == person.id else r.from_id for r in closed]
    places = session.exec(
        select(MeetingCancellation).where(
            MeetingCancellation.by_participant_id == person.id,
            MeetingCancellation.reason == CancelReason.withdrawn,
            MeetingCancellation.at == at,
        )
    ).all()
    event = get_event(session)
    meetings = []
    for place in places:
        other = place.seller_id if place.buyer_id == person.id else place.buyer_id
        slot = session.get(Slot, place.slot_id)
        assert slot is not None and place.id is not None
        start = slot_start(slot, event.timezone)
        meetings.append(Freed(side_of(session, session.get(Participant, other)), start, place.id))
    done = Withdrawal(
        _side(session, person),
        tuple(side_of(session, session.get(Participant, other)) for other in others),
        tuple(meetings),
        event.phase == Phase.announced,
        _key(person),
    )
    if notices is not None:
        queue(session, [d for d in notices(done, event.timezone) if d is not None])
    return done


def restore(session: Session, admin_id: int, code: str | int, now: datetime) -> Preview:
    """Lets a withdrawn participant in again; their closed requests and freed meetings stay
    as they are (others may have taken the places). Returns them as they are now."""
    person = _find(session, code)
    if person.active:
        raise NotWithdrawn(code=person.code)
    person.active, person.withdrawn_at, person.withdrawn_reason = True, None, ""
    session.add(person)
    session.flush()
    record(session, admin_id, "restore", code=person.code)
    assert person.id is not None
    return preview(session, person.id, now)


def withdrawn(session: Session) -> list[Participant]:
    """The withdrawn participants, for the export's sheet of their own."""
    return list(
        session.exec(
            select(Participant).where(Participant.active == False).order_by(Participant.code)  # noqa: E712
        ).all()
    )
