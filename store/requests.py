"""Meeting requests: sending, answering, withdrawing, ranking, and the manual's three lists.

Every state change is a conditional UPDATE (`... WHERE status = 'pending'`), so two people
pressing buttons on the same request at the same moment leave it in one consistent state:
exactly one of them wins, the other is told the request changed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Generic, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col, func, select

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
from store.readers import MAIN_CONTACT, answered_by
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


# The statements below run on the session's connection and read only the columns a screen
# shows: building ORM objects for every live request of the user (and every counterpart) was
# the request lists' largest cost (py-spy on `python -m bench.load`).
R = MeetingRequest.__table__.c
P = Participant.__table__.c
_SENT_COLUMNS = (R.id, R.from_id, R.to_id, R.status, R.note, R.sent_at, R.rank)
_LIVE = R.status.in_(LIVE_STATUSES)
_LIVE_OF = sa.union_all(
    sa.select(*_SENT_COLUMNS).where(R.from_id == sa.bindparam("me"), _LIVE),
    sa.select(*_SENT_COLUMNS).where(R.to_id == sa.bindparam("me"), _LIVE),
)
_LIVE_BETWEEN = sa.union_all(
    sa.select(*_SENT_COLUMNS).where(
        R.from_id == sa.bindparam("me"), R.to_id == sa.bindparam("other"), _LIVE
    ),
    sa.select(*_SENT_COLUMNS).where(
        R.to_id == sa.bindparam("me"), R.from_id == sa.bindparam("other"), _LIVE
    ),
)
_ONE = sa.select(*_SENT_COLUMNS).where(R.id == sa.bindparam("request"))
_PARTIES = sa.select(
    P.id, P.code, P.telegram_id, P.language, P.company, P.company_en, P.country, P.industry
).where(P.id.in_(sa.bindparam("ids", expanding=True)))
_RANKS = (
    sa.select(R.id, R.rank).where(R.from_id == sa.bindparam("me"), _LIVE).order_by(R.rank, R.id)
)
_SET_RANK = (
    sa.update(MeetingRequest.__table__)
    .where(R.id == sa.bindparam("request"))
    .values(rank=sa.bindparam("new_rank"))
)


@dataclass(frozen=True)
class Sent:
    """A request as the screens show it."""

    id: int
    from_id: int
    to_id: int
    status: RequestStatus
    note: str
    sent_at: datetime
    rank: int


@dataclass(frozen=True)
class Party:
    """One side of a request: what its line shows of the company, and where to tell them."""

    id: int
    code: str
    telegram_id: int | None
    language: str | None
    company: str
    company_en: str
    country: str
    industry: str


def _sent(row: sa.Row) -> Sent:
    return Sent(*row)


def parties(session: Session, ids: Iterable[int]) -> dict[int, Party]:
    """The participants `ids` as request lines show them, by id."""
    rows = session.connection().execute(_PARTIES, {"ids": list(ids)})
    return {row[0]: Party(*row) for row in rows}


def _sync(session: Session, request_id: int, **values: object) -> None:
    """Updates the session's ORM copy of the request, if it holds one (a test's, or
    `send_request`'s), with what a statement here wrote beside the ORM."""
    held = session.identity_map.get(session.identity_key(MeetingRequest, request_id))
    if held is not None:
        for name, value in values.items():
            set_committed_value(held, name, value)


def get_sent(session: Session, request_id: int) -> Sent:
    found = session.connection().execute(_ONE, {"request": request_id}).first()
    if found is None:
        raise NotFound(what="request")
    return _sent(found)


def _renumber(session: Session, from_id: int) -> None:
    """Closes gaps so the sender's live requests are ranked 1..n in their current order."""
    connection = session.connection()
    live = connection.execute(_RANKS, {"me": from_id}).all()
    moved = [
        {"request": request_id, "new_rank": rank}
        for rank, (request_id, old) in enumerate(live, start=1)
        if old != rank
    ]
    if moved:
        connection.execute(_SET_RANK, moved)
        for change in moved:
            _sync(session, change["request"], rank=change["new_rank"])


@dataclass(frozen=True)
class Move:
    """Who may move a request (`from_id` or `to_id`), from which states, to which; an answer
    (`answers`) records who of the company gave it."""

    actor: str
    allowed: tuple[RequestStatus, ...]
    to: RequestStatus
    answers: bool = False

    @property
    def statement(self) -> sa.Update:
        values = {"status": self.to, "updated_at": sa.bindparam("now")}
        if self.answers:
            values["answered_by"] = sa.bindparam("by")
        return (
            sa.update(MeetingRequest.__table__)
            .where(
                R.id == sa.bindparam("request"),
                R[self.actor] == sa.bindparam("me"),
                R.status.in_(self.allowed),
            )
            .values(**values)
            .returning(*_SENT_COLUMNS)
        )


ACCEPT = Move("to_id", (RequestStatus.pending,), RequestStatus.accepted, answers=True)
REJECT = Move("to_id", (RequestStatus.pending,), RequestStatus.rejected, answers=True)
CANCEL = Move("from_id", LIVE_STATUSES, RequestStatus.cancelled)
# Built once: the statement's shape never changes, only its values.
_MOVES = {move: move.statement for move in (ACCEPT, REJECT, CANCEL)}


def _transition(
    session: Session,
    request_id: int,
    actor_id: int,
    now: datetime,
    move: Move,
    by: int = MAIN_CONTACT,
) -> Sent:
    """One conditional UPDATE: of two presses at once, one wins and the other is told how the
    request stands now (answered by another person of the company: who, and how)."""
    ensure_open(session, now)
    connection = session.connection()
    values = {"request": request_id, "me": actor_id, "now": now}
    if move.answers:
        values["by"] = by
    changed = connection.execute(_MOVES[move], values).first()
    if changed is None:
        found = get_sent(session, request_id)
        if getattr(found, move.actor) != actor_id:
            raise NotYours()
        status = RequestStatus(found.status)
        if move.answers and status in (RequestStatus.accepted, RequestStatus.rejected):
            answered = session.exec(
                select(MeetingRequest.answered_by).where(MeetingRequest.id == request_id)
            ).one()
            if answered is not None and answered != by:
                raise answered_by(session, actor_id, answered, status.value)
        raise RequestChanged(status=found.status)
    request = _sent(changed)
    _sync(session, request_id, status=request.status, updated_at=now)
    if move.to not in LIVE_STATUSES:
        _renumber(session, request.from_id)
    return request


def accept_request(
    session: Session, request_id: int, me: int, now: datetime, by: int = MAIN_CONTACT
) -> Sent:
    """Accepts a pending request `me` received (`by` of the company pressed); the pair becomes
    mutual."""
    return _transition(session, request_id, me, now, ACCEPT, by)


def reject_request(
    session: Session, request_id: int, me: int, now: datetime, by: int = MAIN_CONTACT
) -> Sent:
    return _transition(session, request_id, me, now, REJECT, by)


def cancel_request(session: Session, request_id: int, me: int, now: datetime) -> Sent:
    """Withdraws one of `me`'s own requests, pending or already accepted."""
    return _transition(session, request_id, me, now, CANCEL)


C = TypeVar("C")


@dataclass(frozen=True)
class Pair(Generic[C]):
    """Everything live between `me` and one counterpart (its id, or its `Party`)."""

    counterpart: C
    mine: Sent | None
    theirs: Sent | None

    @property
    def mutual(self) -> bool:
        accepted = any(
            r is not None and r.status == RequestStatus.accepted for r in (self.mine, self.theirs)
        )
        return accepted or (self.mine is not None and self.theirs is not None)


@dataclass(frozen=True)
class RequestLists(Generic[C]):
    """The manual's 신청 현황: 상호 신청 / 상대방 신청 / 나의 신청."""

    mutual: list[Pair[C]]
    received: list[Pair[C]]
    mine: list[Pair[C]]


def _pairs(session: Session, me: int, other: int | None = None) -> list[Pair[int]]:
    # Two index-friendly halves (by sender, by target) rather than one `from = me OR to = me`,
    # which makes the database scan every request of the fair.
    statement = _LIVE_OF if other is None else _LIVE_BETWEEN
    rows = session.connection().execute(statement, {"me": me, "other": other})
    by_counterpart: dict[int, dict[str, Sent]] = {}
    for row in rows:
        request = _sent(row)
        if request.from_id == me:
            by_counterpart.setdefault(request.to_id, {})["mine"] = request
        else:
            by_counterpart.setdefault(request.from_id, {})["theirs"] = request
    return [
        Pair(pid, sides.get("mine"), sides.get("theirs")) for pid, sides in by_counterpart.items()
    ]


def sorted_lists(session: Session, me: int) -> RequestLists[int]:
    """The three lists in the manual's order, each counterpart by id."""
    pairs = _pairs(session, me)
    mutual = [p for p in pairs if p.mutual]
    received = [p for p in pairs if not p.mutual and p.theirs is not None]
    mine = [p for p in pairs if not p.mutual and p.mine is not None]
    mutual.sort(key=lambda p: min(r.sent_at for r in (p.mine, p.theirs) if r is not None))
    received.sort(key=lambda p: p.theirs.sent_at)  # type: ignore[union-attr]
    mine.sort(key=lambda p: p.mine.rank)  # type: ignore[union-attr]
    return RequestLists(mutual, received, mine)


def named(session: Session, pairs: list[Pair[int]]) -> list[Pair[Party]]:
    """`pairs` with their counterparts' `Party` (one query for all of them)."""
    found = parties(session, (p.counterpart for p in pairs))
    return [Pair(found[p.counterpart], p.mine, p.theirs) for p in pairs]


def request_lists(session: Session, me: int) -> RequestLists[Party]:
    lists = sorted_lists(session, me)
    return RequestLists(
        named(session, lists.mutual), named(session, lists.received), named(session, lists.mine)
    )


def pair_with(session: Session, me: int, other: int) -> Pair[Party] | None:
    """What stands between `me` and `other`, or None when neither asked."""
    pairs = named(session, _pairs(session, me, other))
    return pairs[0] if pairs else None


def move_request(session: Session, request_id: int, me: int, step: int, now: datetime) -> Sent:
    """Swaps the priority of one of my pending requests with its neighbour in 나의 신청
    (`step` -1 is ▲, +1 is ▼)."""
    ensure_open(session, now)
    found = get_sent(session, request_id)
    if found.from_id != me:
        raise NotYours()
    mine = [p.mine for p in sorted_lists(session, me).mine if p.mine is not None]
    position = next((i for i, r in enumerate(mine) if r.id == request_id), None)
    if position is None:
        raise RequestChanged(status=found.status)
    neighbour = position + step
    if step not in (-1, 1):
        raise ValueError(f"a priority moves by one place, not {step}")
    if neighbour < 0:
        raise AlreadyFirst()
    if neighbour >= len(mine):
        raise AlreadyLast()
    request, other = mine[position], mine[neighbour]
    session.connection().execute(
        _SET_RANK,
        [
            {"request": request.id, "new_rank": other.rank},
            {"request": other.id, "new_rank": request.rank},
        ],
    )
    _sync(session, request.id, rank=other.rank)
    _sync(session, other.id, rank=request.rank)
    return replace(request, rank=other.rank)
