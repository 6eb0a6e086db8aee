"""Announcing the timetables: one delivery row per reachable person and round, each company's
main contact and each colleague who joined (store/readers.py), each in their own language.

A round is started once (`start_round`); then any number of workers, in any number of bot
processes, `claim` disjoint pending deliveries with a lease, send them, and record each
message sent (`parts_sent`, which also renews the lease), so an interrupted delivery resumes
after its last message and nobody gets a timetable twice. A delivery held by a process that
died is taken again once its lease runs out (`claimable_round` tells the bot to look). A
person whose company's timetable is the one last sent to them (same digest) is marked
`unchanged` and gets nothing. A main contact or colleague who opens the bot after a round gets
the current timetable as one more delivery of that round (`queue_for_newcomer`); a revoked
colleague gets nothing more.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, func, select, update

from store.audit import record
from store.claims import claim_rows, release_all, waiting
from store.errors import StoreError
from store.event import get_event
from store.models import AnnouncementDelivery, Colleague, DeliveryStatus, Event, Participant, Phase
from store.readers import MAIN_CONTACT, audience, mark_blocked, still_colleague
from store.timetable import Timetable, digest, timetables

# A claim older than this is taken to be from a process that died mid-delivery.
LEASE = timedelta(minutes=2)


class NotMatched(StoreError):
    key = "not_matched"


class AnnounceBusy(StoreError):
    """The previous round still has deliveries to make."""

    key = "announce_busy"


class OfferStale(StoreError):
    """The organizer chose a pace for a round that another /announce started meanwhile."""

    key = "pace_stale"


@dataclass(frozen=True)
class Plan:
    """What /announce would do now: the next round after `round`, to `count` people (main
    contacts and colleagues: one message each)."""

    round: int
    count: int


def plan_round(session: Session) -> Plan:
    """The round /announce would start, refused as `start_round` would refuse it."""
    event = get_event(session)
    if event.phase in (Phase.open, Phase.closed):
        raise NotMatched()
    left = session.exec(
        select(func.count()).select_from(AnnouncementDelivery).where(_pending(event.announce_round))
    ).one()
    if left:
        raise AnnounceBusy(left=left)
    return Plan(event.announce_round, len(audience(session).readers))


@dataclass(frozen=True)
class Round:
    number: int
    queued: int  # people (main contacts and colleagues)
    never_joined: int  # companies nobody of which opened the bot
    blocked: int  # people who blocked it


def _pending(round_number: int) -> sa.ColumnElement[bool]:
    return sa.and_(
        col(AnnouncementDelivery.round) == round_number,
        col(AnnouncementDelivery.status) == DeliveryStatus.pending,
    )


def start_round(
    session: Session,
    admin_id: int,
    chat_id: int,
    message_id: int,
    paid: bool = False,
    after: int | None = None,
    language: str | None = None,
) -> Round:
    """Queues a delivery for every person who can be reached; the admin's message
    `message_id` in `chat_id` will show the progress, in the admin's `language` (None: the
    bot's default); `paid`: at Telegram's paid broadcast pace. Refused before the matching,
    while the previous round is still being sent, and if `after` (the round a pace was
    offered after) is no longer the last one."""
    # The UPDATE comes first: it takes the write lock, so two admins get two rounds in turn.
    session.execute(update(Event).values(announce_round=col(Event.announce_round) + 1))
    event = get_event(session)
    if after is not None and event.announce_round != after + 1:
        raise OfferStale()
    if event.phase in (Phase.open, Phase.closed):
        raise NotMatched()
    left = session.exec(
        select(func.count())
        .select_from(AnnouncementDelivery)
        .where(_pending(event.announce_round - 1))
    ).one()
    if left:
        raise AnnounceBusy(left=left)
    everyone = audience(session)
    rows = [
        _delivery(r.participant_id, r.colleague_id, event.announce_round) for r in everyone.readers
    ]
    if rows:  # rows, not objects: 4,200 ORM objects took 0.6 s more before the first went out
        session.execute(sa.insert(AnnouncementDelivery), rows)
    event.phase = Phase.announced
    event.announce_chat_id, event.announce_message_id = chat_id, message_id
    event.announce_language = language
    event.announce_paid = paid
    session.add(event)
    session.flush()
    record(
        session,
        admin_id,
        "announce",
        round=event.announce_round,
        queued=len(everyone.readers),
        paid=paid,
    )
    return Round(
        event.announce_round,
        queued=len(everyone.readers),
        never_joined=everyone.never_joined,
        blocked=everyone.blocked,
    )


def announce_round(
    session: Session,
    admin_id: int,
    chat_id: int,
    message_id: int,
    offer_pace: Callable[[int], bool],
    language: str | None = None,
) -> Plan | Round:
    """/announce in one transaction: the next round planned and, unless `offer_pace(count)`
    says the organizer should first choose the pace for that many messages (the `Plan` is
    returned for the offer), started at the free pace, the admin's message `message_id`
    showing its progress in the admin's `language`. Refused as `start_round` refuses."""
    plan = plan_round(session)
    if offer_pace(plan.count):
        return plan
    return start_round(
        session, admin_id, chat_id, message_id, paid=False, after=plan.round, language=language
    )


def _delivery(participant_id: int, colleague_id: int, round_number: int) -> dict[str, Any]:
    """One person's copy of a round, to send, as a row to insert (its digest is set when it is
    prepared)."""
    return {
        "participant_id": participant_id,
        "colleague_id": colleague_id,
        "round": round_number,
        "digest": "",
    }


def queue_for_newcomer(session: Session, participant_id: int, colleague_id: int) -> int | None:
    """Someone of a company (its main contact, or the colleague `colleague_id`) just opened
    the bot: once the timetables were announced, the company's current one goes to them as one
    more delivery of the last round (sent like the others, once: queued in the joining's unit
    of work, and only if that round has no copy for them yet). The round, for the caller to
    start its sending; None before any announcement or when they have their copy."""
    event = get_event(session)
    if event.phase != Phase.announced or not event.announce_round:
        return None
    has_copy = session.exec(
        select(AnnouncementDelivery.id).where(
            AnnouncementDelivery.participant_id == participant_id,
            AnnouncementDelivery.colleague_id == colleague_id,
            AnnouncementDelivery.round == event.announce_round,
        )
    ).first()
    if has_copy is not None:
        return None
    session.execute(
        sa.insert(AnnouncementDelivery),
        [_delivery(participant_id, colleague_id, event.announce_round)],
    )
    return event.announce_round


def claim(
    session: Session,
    round_number: int,
    holder: str,
    now: datetime,
    lease: timedelta = LEASE,
    limit: int = 1,
) -> list[int]:
    """Takes up to `limit` pending deliveries of the round that nobody holds (or whose
    holder's lease ran out); concurrent callers get disjoint rows (store/claims.py)."""
    scope = col(AnnouncementDelivery.round) == round_number
    return claim_rows(session, AnnouncementDelivery, scope, holder, now, lease, limit)


def claimable_round(session: Session, now: datetime, lease: timedelta = LEASE) -> int | None:
    """The current round if some of its deliveries wait for a sender: never claimed, given
    back, or held by a process whose lease ran out (it died)."""
    event = session.exec(select(Event)).first()
    if event is None or not event.announce_round:
        return None
    unsent = session.exec(
        select(AnnouncementDelivery.id)
        .where(
            col(AnnouncementDelivery.round) == event.announce_round,
            waiting(AnnouncementDelivery, now, lease),
        )
        .limit(1)
    ).first()
    return event.announce_round if unsent is not None else None


def release(session: Session, holder: str, keep: Collection[int] = ()) -> None:
    """Gives back the holder's unfinished claims (a clean stop) but `keep` (store/claims.py)."""
    release_all(session, AnnouncementDelivery, holder, keep)


def snapshot(table: Timetable) -> list[dict[str, Any]]:
    """The meetings as sent, kept with the delivery to say later what changed."""
    return [
        {
            "slot": e.code,
            "start": e.start.isoformat(),
            "with": e.meeting.counterpart.code,
            "company": e.meeting.counterpart.company,
            "company_en": e.meeting.counterpart.company_en,
            "booth": e.meeting.booth,
        }
        for e in table.meetings
        if e.meeting is not None
    ]


def _same(meeting: dict[str, Any]) -> tuple:
    return meeting["slot"], meeting["with"], meeting["booth"]


@dataclass(frozen=True)
class Change:
    added: list[dict[str, Any]]
    removed: list[dict[str, Any]]


@dataclass(frozen=True)
class Job:
    """One claimed delivery, ready to render, for one person (`telegram_id`, `language`):
    None from `prepare` means nothing to send."""

    delivery_id: int
    round: int
    telegram_id: int
    language: str | None
    table: Timetable
    parts_sent: int
    change: Change | None  # None on the person's first announcement
    paid: bool  # at Telegram's paid broadcast pace


def prepare(session: Session, delivery_ids: Sequence[int]) -> list[Job]:
    """Reads what claimed deliveries must send, each kind of row once for all of them (a
    worker prepares its claims in one go); the jobs of those to send, in order. A timetable
    equal to the one this person was last sent (same digest) is marked unchanged; a
    participant gone, a colleague revoked or anyone blocked meanwhile is skipped."""
    deliveries = session.exec(
        select(AnnouncementDelivery)
        .where(
            col(AnnouncementDelivery.id).in_(delivery_ids),
            AnnouncementDelivery.status == DeliveryStatus.pending,
        )
        .order_by(col(AnnouncementDelivery.id))
    ).all()
    companies = sorted({d.participant_id for d in deliveries})
    people = {
        p.id: p for p in session.exec(select(Participant).where(col(Participant.id).in_(companies)))
    }
    # Read for all of them here: `still_colleague` then finds each one without a query.
    colleague_ids = {d.colleague_id for d in deliveries} - {MAIN_CONTACT}
    colleagues = {
        c.id: c
        for c in session.exec(select(Colleague).where(col(Colleague.id).in_(sorted(colleague_ids))))
    }
    earlier = session.exec(
        select(AnnouncementDelivery)
        .where(
            col(AnnouncementDelivery.participant_id).in_(companies),
            AnnouncementDelivery.status == DeliveryStatus.sent,
            col(AnnouncementDelivery.round) < max((d.round for d in deliveries), default=0),
        )
        .order_by(col(AnnouncementDelivery.round).desc())
    ).all()
    tables = timetables(session, companies)
    paid = {number: round_paid(session, number) for number in {d.round for d in deliveries}}
    jobs = []
    for delivery in deliveries:
        company = people.get(delivery.participant_id)
        person: Participant | Colleague | None = company
        if company is not None and delivery.colleague_id != MAIN_CONTACT:
            known = delivery.colleague_id in colleagues
            person = still_colleague(session, company.id, delivery.colleague_id) if known else None
        if company is None or not company.active or person is None or person.telegram_id is None:
            delivery.status = DeliveryStatus.failed
            session.add(delivery)
            continue
        if person.blocked_bot_at is not None:
            delivery.status = DeliveryStatus.blocked
            session.add(delivery)
            continue
        table = tables[company.id]
        previous = next(
            (
                e
                for e in earlier
                if (e.participant_id, e.colleague_id) == (company.id, delivery.colleague_id)
                and e.round < delivery.round
            ),
            None,
        )
        current = digest(table)
        if delivery.parts_sent == 0:
            delivery.digest, delivery.meetings = current, json.dumps(snapshot(table))
            if previous is not None and previous.digest == current:
                delivery.status = DeliveryStatus.unchanged
                session.add(delivery)
                continue
            session.add(delivery)
        change = None
        if previous is not None:
            before, after = json.loads(previous.meetings), json.loads(delivery.meetings)
            # A meeting is the same if its slot, counterpart and booth are: names are left
            # out, so a snapshot kept before names came in two languages still compares equal.
            had, has = ({_same(m) for m in side} for side in (before, after))
            change = Change(
                added=[m for m in after if _same(m) not in had],
                removed=[m for m in before if _same(m) not in has],
            )
        jobs.append(
            Job(
                delivery.id,
                delivery.round,
                person.telegram_id,
                person.language,
                table,
                delivery.parts_sent,
                change,
                paid[delivery.round],
            )
        )
    return jobs


def round_paid(session: Session, round_number: int) -> bool:
    """Whether the round goes at the paid pace (it is the current one, and paid)."""
    paid = session.exec(
        select(Event.announce_paid).where(col(Event.announce_round) == round_number)
    ).first()
    return bool(paid)


def stop_paid(session: Session, round_number: int) -> tuple[int | None, str | None] | None:
    """Telegram refused the paid pace: the round goes on at the free one. The organizer's chat
    and language (None: the bot's default), for the one caller that switched it (it tells
    them), else None."""
    switched = session.execute(
        update(Event)
        .where(col(Event.announce_round) == round_number, col(Event.announce_paid) == True)  # noqa: E712
        .values(announce_paid=False)
        .returning(Event.announce_chat_id, Event.announce_language)
    ).first()
    return None if switched is None else (switched[0], switched[1])


def part_sent(
    session: Session, delivery_id: int, parts_sent: int, done: bool, now: datetime, holder: str
) -> bool:
    """Records one more message of the delivery sent, renewing the holder's lease; False if
    the lease had run out and another sender took the delivery (this one stops)."""
    values: dict[str, Any] = {"parts_sent": parts_sent, "claimed_at": now}
    if done:
        values |= {"status": DeliveryStatus.sent, "sent_at": now}
    recorded = session.execute(
        update(AnnouncementDelivery)
        .where(
            col(AnnouncementDelivery.id) == delivery_id,
            col(AnnouncementDelivery.claimed_by) == holder,
        )
        .values(**values)
        .returning(AnnouncementDelivery.id)
    )
    return recorded.first() is not None


def failed(session: Session, delivery_id: int, error: str) -> None:
    session.execute(
        update(AnnouncementDelivery)
        .where(col(AnnouncementDelivery.id) == delivery_id)
        .values(status=DeliveryStatus.failed, error=error[:300])
    )


def blocked(session: Session, delivery_id: int, now: datetime) -> None:
    """The person blocked the bot: marked, so later rounds and reminders skip them."""
    delivery = session.get(AnnouncementDelivery, delivery_id)
    if delivery is None:
        return
    delivery.status = DeliveryStatus.blocked
    session.add(delivery)
    mark_blocked(session, delivery.participant_id, delivery.colleague_id, now)


@dataclass(frozen=True)
class Progress:
    round: int
    total: int
    counts: dict[str, int]
    chat_id: int | None
    message_id: int | None
    language: str | None  # the organizer's who started the round; None: the bot's default

    @property
    def left(self) -> int:
        return self.counts.get(DeliveryStatus.pending.value, 0)


def progress(session: Session, round_number: int) -> Progress:
    rows = session.exec(
        select(AnnouncementDelivery.status, func.count())
        .where(AnnouncementDelivery.round == round_number)
        .group_by(AnnouncementDelivery.status)
    ).all()
    counts = {status.value: 0 for status in DeliveryStatus} | {s.value: n for s, n in rows}
    event = get_event(session)
    return Progress(
        round_number,
        sum(counts.values()),
        counts,
        event.announce_chat_id,
        event.announce_message_id,
        event.announce_language,
    )


def report_sent(session: Session, round_number: int) -> None:
    """Records that the round's final count went out (its progress message edited): only
    after the edit, so a process killed in between leaves it to the next look of any process
    (`report_due`). Two processes may both edit it: the same text again changes nothing."""
    session.execute(
        update(Event)
        .where(
            col(Event.announce_reported) < round_number, col(Event.announce_round) == round_number
        )
        .values(announce_reported=round_number)
    )


def report_due(session: Session) -> int | None:
    """The current round if it has nothing left to send and its final count has not gone out
    (the process that sent its last delivery died before reporting)."""
    event = session.exec(select(Event)).first()
    if event is None or event.announce_reported >= event.announce_round:
        return None
    left = session.exec(
        select(func.count()).select_from(AnnouncementDelivery).where(_pending(event.announce_round))
    ).one()
    return None if left else event.announce_round
