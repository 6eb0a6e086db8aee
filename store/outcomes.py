"""After each meeting: both sides are asked how it went (one message each, once), may add an
expected deal value in USD and a short note, and may change their answer until a week after
the fair. Each side's answer is their own: organizers see all of them, participants only
theirs, never the counterpart's. A side is a company: the first of its people to answer (its
main contact or a colleague, `by`) gives its answer, and only they change it or add to it; a
later press by another of them is told who answered what.

The prompts and their one reminder are queued once in the notice outbox like the other
reminders (store/notices.py), so each goes out, at most the one in flight at a crash twice,
whatever restarts or processes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from store.audit import record
from store.due import Due
from store.errors import StoreError
from store.event import current_event, get_event, slots
from store.fairday import participants_meeting
from store.models import (
    Meeting,
    MeetingOutcome,
    Notice,
    NoticeKind,
    OutcomeResult,
    Participant,
    Phase,
    Slot,
)
from store.names import CompanyNames
from store.readers import MAIN_CONTACT, actor, answered_by, reachable_ids
from store.reminders import Recipient, slot_end, slot_start

EDITABLE_AFTER_THE_FAIR = timedelta(days=7)
# The one reminder follows the prompt after four slot lengths, at most two hours (so a
# rehearsal with 1-minute slots sees it within minutes).
NUDGE_SLOTS, NUDGE_AT_MOST = 4, timedelta(hours=2)
NOTE_MAX = 300
VALUE_MAX = 10_000_000_000  # USD; more is a typing slip
AMOUNT = re.compile(
    r"(?:us\$|\$|usd)?\s*([0-9][0-9,]*(?:\.[0-9]+)?)\s*(k|m|천|만|억)?\s*(?:usd|달러|불)?",
    re.IGNORECASE,
)
UNITS = {"k": 1_000, "m": 1_000_000, "천": 1_000, "만": 10_000, "억": 100_000_000}


class MeetingNotOver(StoreError):
    key = "meeting_not_over"


class OutcomesClosed(StoreError):
    key = "outcomes_closed"


class NoOutcomeYet(StoreError):
    """A value or note before the answer itself."""

    key = "no_outcome_yet"


class BadAmount(StoreError):
    key = "bad_amount"


class NoteTooLong(StoreError):
    key = "note_too_long"


def nudge_delay(slot: Slot) -> timedelta:
    length = datetime.combine(slot.day, slot.end) - datetime.combine(slot.day, slot.start)
    return min(length * NUDGE_SLOTS, NUDGE_AT_MOST)


def editable_until(session: Session) -> datetime:
    event = get_event(session)
    grid = slots(session)
    last = max((slot_end(s, event.timezone) for s in grid), default=event.deadline)
    return last + EDITABLE_AFTER_THE_FAIR


@dataclass(frozen=True)
class SlotTimes:
    slot_id: int
    code: str
    end: datetime
    nudge: datetime


def outcome_times(session: Session) -> list[SlotTimes]:
    """Each slot's instants to ask about its meetings and to remind, while answers are open."""
    event = get_event(session)
    return [
        SlotTimes(
            s.id, s.code, slot_end(s, event.timezone), slot_end(s, event.timezone) + nudge_delay(s)
        )
        for s in slots(session)
    ]


@dataclass(frozen=True)
class Prompt:
    recipient: Recipient
    meeting_id: int
    counterpart: CompanyNames
    start: datetime
    booth: str | None


def prompt_key(meeting_id: int) -> str:
    """The notice key of a meeting's prompt and of its reminder (one of each per side)."""
    return f"meeting-{meeting_id}"


def prompts(session: Session, slot_id: int, unanswered_only: bool = False) -> list[Prompt]:
    """Both sides of every meeting held in the slot (reachable ones), once schedules are
    announced; with `unanswered_only`, for the reminder: those who got the prompt and have
    not answered yet."""
    event = get_event(session)
    slot = session.get(Slot, slot_id)
    if slot is None or event.phase != Phase.announced:
        return []
    meetings = session.exec(select(Meeting).where(Meeting.slot_id == slot_id)).all()
    ids = {m.buyer_id for m in meetings} | {m.seller_id for m in meetings}
    people = {
        p.id: p for p in session.exec(select(Participant).where(col(Participant.id).in_(ids))).all()
    }
    reachable = reachable_ids(session, list(ids))
    kind = NoticeKind.outcome_nudge if unanswered_only else NoticeKind.outcome
    # Left out at once: those this kind of message already went to (or is going to), so a job
    # run again after a restart costs one query, not one claim per person.
    claimed = set(
        session.exec(
            select(Notice.participant_id, Notice.key).where(
                Notice.kind == kind, col(Notice.participant_id).in_(ids)
            )
        ).all()
    )
    answered: set[tuple[int, int]] = set()
    prompted: set[tuple[int, str]] = set()
    if unanswered_only:
        answered = set(
            session.exec(
                select(MeetingOutcome.meeting_id, MeetingOutcome.participant_id).where(
                    MeetingOutcome.slot_id == slot_id
                )
            ).all()
        )
        prompted = set(
            session.exec(
                select(Notice.participant_id, Notice.key).where(
                    Notice.kind == NoticeKind.outcome,
                    col(Notice.participant_id).in_(ids),
                    col(Notice.sent_at).is_not(None),
                )
            ).all()
        )
    start = slot_start(slot, event.timezone)
    found = []
    for m in meetings:
        for me, other in ((m.buyer_id, m.seller_id), (m.seller_id, m.buyer_id)):
            p = people[me]
            if me not in reachable:
                continue
            if (me, prompt_key(m.id)) in claimed:
                continue
            if unanswered_only and (
                (m.id, me) in answered or (me, prompt_key(m.id)) not in prompted
            ):
                continue
            found.append(
                Prompt(
                    Recipient.of(p),
                    m.id,
                    CompanyNames.of(people[other]),
                    start,
                    m.booth,
                )
            )
    return found


@dataclass(frozen=True)
class Answer:
    meeting_id: int
    counterpart: CompanyNames
    start: datetime
    result: OutcomeResult | None
    value_usd: int | None
    note: str
    until: datetime
    timezone: str  # the event's, for the screens' times


def _meeting(
    session: Session, meeting_id: int, participant_id: int, now: datetime
) -> tuple[Meeting, Slot]:
    meeting = participants_meeting(session, meeting_id, participant_id)
    slot = session.get(Slot, meeting.slot_id)
    assert slot is not None
    if now < slot_end(slot, get_event(session).timezone):
        raise MeetingNotOver()
    if now >= editable_until(session):
        raise OutcomesClosed()
    return meeting, slot


def _own(session: Session, meeting_id: int, participant_id: int) -> MeetingOutcome | None:
    return session.exec(
        select(MeetingOutcome).where(
            MeetingOutcome.meeting_id == meeting_id, MeetingOutcome.participant_id == participant_id
        )
    ).first()


def _mine(session: Session, meeting_id: int, participant_id: int, by: int) -> MeetingOutcome | None:
    """The company's answer if `by` gave it (None before any); another person's refuses,
    naming them and their answer."""
    row = _own(session, meeting_id, participant_id)
    if row is not None and row.colleague_id != by:
        what = {"result": row.result.value}
        raise answered_by(session, participant_id, row.colleague_id, "outcome", **what)
    return row


def _answer(session: Session, meeting: Meeting, slot: Slot, participant_id: int) -> Answer:
    other_id = meeting.seller_id if meeting.buyer_id == participant_id else meeting.buyer_id
    other = session.get(Participant, other_id)
    row = _own(session, meeting.id, participant_id)
    timezone = current_event(session).timezone
    return Answer(
        meeting_id=meeting.id,
        counterpart=CompanyNames.of(other),
        start=slot_start(slot, timezone),
        result=row.result if row else None,
        value_usd=row.value_usd if row else None,
        note=row.note if row else "",
        until=editable_until(session),
        timezone=timezone,
    )


def my_answer(
    session: Session, meeting_id: int, participant_id: int, now: datetime, by: int = MAIN_CONTACT
) -> Answer:
    """The side's answer, for `by` to give, change or add to (refused if another person of the
    company gave it)."""
    meeting, slot = _meeting(session, meeting_id, participant_id, now)
    _mine(session, meeting_id, participant_id, by)
    return _answer(session, meeting, slot, participant_id)


def record_outcome(
    session: Session,
    meeting_id: int,
    participant_id: int,
    result: OutcomeResult,
    now: datetime,
    by: int = MAIN_CONTACT,
) -> Answer:
    """Sets this side's answer, or changes it if `by` gave it (the value and note stay)."""
    meeting, slot = _meeting(session, meeting_id, participant_id, now)
    row = _mine(session, meeting_id, participant_id, by)
    if row is None:
        other = meeting.seller_id if meeting.buyer_id == participant_id else meeting.buyer_id
        row = MeetingOutcome(
            meeting_id=meeting_id,
            participant_id=participant_id,
            counterpart_id=other,
            slot_id=slot.id,
            result=result,
            answered_at=now,
            updated_at=now,
            colleague_id=by,
        )
        try:
            with session.begin_nested():  # two of the company answering at the same moment
                session.add(row)
        except sa.exc.IntegrityError:
            row = _mine(session, meeting_id, participant_id, by)
            assert row is not None
    row.result, row.updated_at = result, now
    session.add(row)
    session.flush()
    record(
        session,
        actor(session, participant_id, by),
        "outcome",
        meeting=meeting_id,
        result=result.value,
    )
    return _answer(session, meeting, slot, participant_id)


def parse_amount(text: str) -> int:
    """USD as people type it: `15000`, `15,000`, `$15k`, `2.5m`, `1500만 달러`, `USD 3억`."""
    match = AMOUNT.fullmatch(text.strip())
    if match is None:
        raise BadAmount()
    number = float(match.group(1).replace(",", ""))
    amount = number * UNITS.get((match.group(2) or "").lower(), 1)
    if amount > VALUE_MAX:
        raise BadAmount()
    return round(amount)


def set_details(
    session: Session,
    meeting_id: int,
    participant_id: int,
    now: datetime,
    *,
    value_text: str | None = None,
    note: str | None = None,
    by: int = MAIN_CONTACT,
) -> Answer:
    """The optional expected deal value (typed) or note, after the answer itself, by whoever
    of the company gave it."""
    meeting, slot = _meeting(session, meeting_id, participant_id, now)
    row = _mine(session, meeting_id, participant_id, by)
    if row is None:
        raise NoOutcomeYet()
    if value_text is not None:
        row.value_usd = parse_amount(value_text)
    if note is not None:
        note = " ".join(note.split())
        if len(note) > NOTE_MAX:
            raise NoteTooLong(limit=NOTE_MAX)
        row.note = note
    row.updated_at = now
    session.add(row)
    session.flush()
    record(
        session,
        actor(session, participant_id, by),
        "outcome_details",
        meeting=meeting_id,
        value=row.value_usd,
        note=bool(row.note),
    )
    return _answer(session, meeting, slot, participant_id)


@dataclass(frozen=True)
class OutcomeCounts:
    asked: int  # sides of meetings whose slot has ended
    results: dict[str, int]
    expected_usd: int


def outcome_counts(session: Session, now: datetime) -> OutcomeCounts:
    """For /stats: answers by result and the expected value, against the sides asked."""
    event = get_event(session)
    ended = [s.id for s in slots(session) if slot_end(s, event.timezone) <= now]
    asked = (
        2
        * session.exec(
            select(func.count()).select_from(Meeting).where(col(Meeting.slot_id).in_(ended))
        ).one()
    )
    results = dict(
        session.exec(
            select(MeetingOutcome.result, func.count()).group_by(MeetingOutcome.result)
        ).all()
    )
    expected = session.exec(select(func.coalesce(func.sum(MeetingOutcome.value_usd), 0))).one()
    return OutcomeCounts(asked, {r.value: results.get(r, 0) for r in OutcomeResult}, int(expected))


def _slot_times(session: Session, now: datetime) -> list[SlotTimes]:
    """The slots' times while answers are open; none after."""
    return [] if now >= editable_until(session) else outcome_times(session)


def prompts_due(session: Session, now: datetime) -> list[Due]:
    """One prompt run at each slot's end (a restart resumes them; claims keep each message
    once)."""
    return [Due(slot.end, slot.code, slot.slot_id) for slot in _slot_times(session, now)]


def nudges_due(session: Session, now: datetime) -> list[Due]:
    """One reminder run after each slot's prompt."""
    return [Due(slot.nudge, slot.code, slot.slot_id) for slot in _slot_times(session, now)]
