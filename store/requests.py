"""Meeting requests: sending, answering, withdrawing, ranking, and the manual's three lists.

Every state change is a conditional UPDATE (`... WHERE status = 'pending'`), so two people
pressing buttons on the same request at the same moment leave it in one consistent state:
exactly one of them wins, the other is told the request changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, col, func, select, update

from store.errors import (
    AlreadyFirst,
    AlreadyLast,
    DuplicateRequest,
    InvalidValue,
    NotFound,
    NotYours,
    RejectedBefore,
    RequestChanged,
    SameSide,
    SelfRequest,
)
from store.event import ensure_open
from store.models import LIVE_STATUSES, MeetingRequest, Participant, RequestStatus
from store.text import clean_text

NOTE_MAX = 300


def _participant(session: Session, participant_id: int) -> Participant:
    participant = session.get(Participant, participant_id)
    if participant is None or not participant.active:
        raise NotFound(what="participant")
    return participant


def _live_from(from_id: int) -> sa.ColumnElement[bool]:
    return sa.and_(
        col(MeetingRequest.from_id) == from_id, col(MeetingRequest.status).in_(LIVE_STATUSES)
    )


def send_request(
    session: Session, from_id: int, to_id: int, now: datetime, note: str = ""
) -> MeetingRequest:
    """Asks `to_id` for a meeting; the new request takes the lowest priority of the sender's."""
    ensure_open(session, now)
    sender, target = _participant(session, from_id), _participant(session, to_id)
    if sender.id == target.id:
        raise SelfRequest()
    if sender.role == target.role:
        raise SameSide()
    note = clean_text(note, multiline=True)
    if len(note) > NOTE_MAX:
        raise InvalidValue(field="note", reason="too_long", limit=NOTE_MAX)
    earlier = session.exec(
        select(MeetingRequest.status).where(
            MeetingRequest.from_id == from_id, MeetingRequest.to_id == to_id
        )
    ).all()
    if any(status in LIVE_STATUSES for status in earlier):
        raise DuplicateRequest()
    if RequestStatus.rejected in earlier:
        raise RejectedBefore()
    live = session.exec(select(func.count()).where(_live_from(from_id))).one()
    request = MeetingRequest(
        from_id=from_id, to_id=to_id, sent_at=now, updated_at=now, rank=live + 1, note=note
    )
    session.add(request)
    try:
        session.flush()
    except sa.exc.IntegrityError:
        # A concurrent send of the same request won the partial unique index.
        raise DuplicateRequest() from None
    return request


def _renumber(session: Session, from_id: int) -> None:
    """Closes gaps so the sender's live requests are ranked 1..n in their current order."""
    live = session.exec(
        select(MeetingRequest)
        .where(_live_from(from_id))
        .order_by(col(MeetingRequest.rank), col(MeetingRequest.id))
    ).all()
    for rank, request in enumerate(live, start=1):
        if request.rank != rank:
            request.rank = rank
            session.add(request)
    session.flush()


@dataclass(frozen=True)
class Move:
    """Who may move a request (`from_id` or `to_id`), from which states, to which."""

    actor: str
    allowed: tuple[RequestStatus, ...]
    to: RequestStatus


ACCEPT = Move("to_id", (RequestStatus.pending,), RequestStatus.accepted)
REJECT = Move("to_id", (RequestStatus.pending,), RequestStatus.rejected)
CANCEL = Move("from_id", LIVE_STATUSES, RequestStatus.cancelled)


def _transition(
    session: Session, request_id: int, actor_id: int, now: datetime, move: Move
) -> MeetingRequest:
    ensure_open(session, now)
    request = session.get(MeetingRequest, request_id)
    if request is None:
        raise NotFound(what="request")
    if getattr(request, move.actor) != actor_id:
        raise NotYours()
    result = session.execute(
        update(MeetingRequest)
        .where(col(MeetingRequest.id) == request_id, col(MeetingRequest.status).in_(move.allowed))
        .values(status=move.to, updated_at=now)
    )
    session.refresh(request)
    if result.rowcount != 1:
        raise RequestChanged(status=request.status)
    if move.to not in LIVE_STATUSES:
        _renumber(session, request.from_id)
    return request


def accept_request(session: Session, request_id: int, me: int, now: datetime) -> MeetingRequest:
    """Accepts a pending request `me` received; the pair becomes mutual."""
    return _transition(session, request_id, me, now, ACCEPT)


def reject_request(session: Session, request_id: int, me: int, now: datetime) -> MeetingRequest:
    return _transition(session, request_id, me, now, REJECT)


def cancel_request(session: Session, request_id: int, me: int, now: datetime) -> MeetingRequest:
    """Withdraws one of `me`'s own requests, pending or already accepted."""
    return _transition(session, request_id, me, now, CANCEL)


@dataclass(frozen=True)
class Pair:
    """Everything live between `me` and one counterpart."""

    counterpart: Participant
    mine: MeetingRequest | None
    theirs: MeetingRequest | None

    @property
    def mutual(self) -> bool:
        accepted = any(
            r is not None and r.status == RequestStatus.accepted for r in (self.mine, self.theirs)
        )
        return accepted or (self.mine is not None and self.theirs is not None)


@dataclass(frozen=True)
class RequestLists:
    """The manual's 신청 현황: 상호 신청 / 상대방 신청 / 나의 신청."""

    mutual: list[Pair]
    received: list[Pair]
    mine: list[Pair]


def _live_between(session: Session, sender: int, target: int | None) -> list[MeetingRequest]:
    query = select(MeetingRequest).where(_live_from(sender))
    if target is not None:
        query = query.where(col(MeetingRequest.to_id) == target)
    return list(session.exec(query).all())


def _pairs(session: Session, me: int, other: int | None = None) -> list[Pair]:
    # Two index-friendly queries (by sender, by target) rather than one `from = me OR to = me`,
    # which makes the database scan every request of the fair.
    theirs = select(MeetingRequest).where(
        col(MeetingRequest.to_id) == me, col(MeetingRequest.status).in_(LIVE_STATUSES)
    )
    if other is not None:
        theirs = theirs.where(col(MeetingRequest.from_id) == other)
    requests = _live_between(session, me, other) + list(session.exec(theirs).all())
    by_counterpart: dict[int, dict[str, MeetingRequest]] = {}
    for request in requests:
        if request.from_id == me:
            by_counterpart.setdefault(request.to_id, {})["mine"] = request
        else:
            by_counterpart.setdefault(request.from_id, {})["theirs"] = request
    counterparts = {
        p.id: p
        for p in session.exec(
            select(Participant).where(col(Participant.id).in_(list(by_counterpart)))
        ).all()
    }
    return [
        Pair(counterparts[pid], sides.get("mine"), sides.get("theirs"))
        for pid, sides in by_counterpart.items()
    ]


def request_lists(session: Session, me: int) -> RequestLists:
    pairs = _pairs(session, me)
    mutual = [p for p in pairs if p.mutual]
    received = [p for p in pairs if not p.mutual and p.theirs is not None]
    mine = [p for p in pairs if not p.mutual and p.mine is not None]
    mutual.sort(key=lambda p: min(r.sent_at for r in (p.mine, p.theirs) if r is not None))
    received.sort(key=lambda p: p.theirs.sent_at)  # type: ignore[union-attr]
    mine.sort(key=lambda p: p.mine.rank)  # type: ignore[union-attr]
    return RequestLists(mutual, received, mine)


def pair_with(session: Session, me: int, other: int) -> Pair | None:
    """What stands between `me` and `other`, or None when neither asked."""
    pairs = _pairs(session, me, other)
    return next((p for p in pairs if p.counterpart.id == other), None)


def move_request(
    session: Session, request_id: int, me: int, step: int, now: datetime
) -> MeetingRequest:
    """Swaps the priority of one of my pending requests with its neighbour in 나의 신청
    (`step` -1 is ▲, +1 is ▼)."""
    ensure_open(session, now)
    request = session.get(MeetingRequest, request_id)
    if request is None:
        raise NotFound(what="request")
    if request.from_id != me:
        raise NotYours()
    mine = [p.mine for p in request_lists(session, me).mine if p.mine is not None]
    position = next((i for i, r in enumerate(mine) if r.id == request_id), None)
    if position is None:
        raise RequestChanged(status=request.status)
    neighbour = position + step
    if step not in (-1, 1):
        raise ValueError(f"a priority moves by one place, not {step}")
    if neighbour < 0:
        raise AlreadyFirst()
    if neighbour >= len(mine):
        raise AlreadyLast()
    other = mine[neighbour]
    request.rank, other.rank = other.rank, request.rank
    session.add_all([request, other])
    session.flush()
    return request
