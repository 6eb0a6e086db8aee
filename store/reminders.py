"""Reminders to participants: before the deadline and before each meeting. Who gets which;
each is then queued once as a notice and sent by the outbox (store/notices.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, func, select

from store.due import Due
from store.event import get_event, slots
from store.models import (
    Attendance,
    Meeting,
    MeetingRequest,
    Participant,
    Phase,
    RequestStatus,
    Slot,
)
from store.names import CompanyNames
from store.participants import by_number
from store.readers import reachable_company
from store.video import links
from store.zones import own_zone

DEADLINE_OFFSETS = (timedelta(hours=24), timedelta(hours=1))


@dataclass(frozen=True)
class Recipient:
    """A company a notice goes to: to its main contact and each colleague who joined
    (store/notices.py), rendered in its main contact's language (`language`) and the others."""

    participant_id: int
    language: str | None
    zone: str = ""  # the zone they read times in, "" for the fair's (store/zones.py)

    @classmethod
    def of(cls, person: Participant) -> Recipient:
        assert person.id is not None
        return cls(person.id, person.language, own_zone(person))


def _reachable(session: Session) -> list[Participant]:
    """The companies that can be reached: any of their people can (store/readers.py)."""
    return by_number(session.exec(select(Participant).where(reachable_company())).all())


@dataclass(frozen=True)
class DeadlineReminder:
    recipient: Recipient
    unanswered: int


def deadline_reminders(session: Session) -> list[DeadlineReminder]:
    """Everyone reachable, with the number of requests they received and have not answered."""
    waiting = dict(
        session.exec(
            select(MeetingRequest.to_id, func.count())
            .where(MeetingRequest.status == RequestStatus.pending)
            .group_by(MeetingRequest.to_id)
        ).all()
    )
    return [DeadlineReminder(Recipient.of(p), waiting.get(p.id, 0)) for p in _reachable(session)]


def slot_start(slot: Slot, timezone: str) -> datetime:
    return datetime.combine(slot.day, slot.start, tzinfo=ZoneInfo(timezone))


def slot_end(slot: Slot, timezone: str) -> datetime:
    return datetime.combine(slot.day, slot.end, tzinfo=ZoneInfo(timezone))


@dataclass(frozen=True)
class MeetingReminder:
    recipient: Recipient
    meeting_id: int
    counterpart: CompanyNames
    booth: str | None
    start: datetime
    online: bool = False  # a video meeting: `link` to join it (None: the link follows)
    link: str | None = None


def meeting_reminders(session: Session, slot_id: int) -> list[MeetingReminder]:
    """Both sides of every meeting in the slot, once the timetables are announced."""
    event = get_event(session)
    slot = session.get(Slot, slot_id)
    if slot is None or event.phase != Phase.announced:
        return []
    people = {p.id: p for p in _reachable(session)}
    ways = select(Participant.id, Participant.attendance)
    online = {row[0] for row in session.exec(ways).all() if row[1] == Attendance.online}
    names = select(Participant.id, Participant.company, Participant.company_en)
    companies = {row[0]: CompanyNames(row[1], row[2]) for row in session.exec(names).all()}
    meetings = session.exec(select(Meeting).where(Meeting.slot_id == slot_id)).all()
    video = links(session, meetings) if online else {}
    found = []
    for m in meetings:
        by_video = bool({m.buyer_id, m.seller_id} & online)
        for me, other in ((m.buyer_id, m.seller_id), (m.seller_id, m.buyer_id)):
            if me in people:
                found.append(
                    MeetingReminder(
                        Recipient.of(people[me]),
                        m.id,
                        companies[other],
                        None if by_video else m.booth,
                        slot_start(slot, event.timezone),
                        by_video,
                        video.get(m.id),
                    )
                )
    return found


def upcoming_slots(session: Session, now: datetime) -> list[tuple[Slot, datetime]]:
    """Slots not started yet, each with the instant its meeting reminders are due."""
    event = get_event(session)
    before = timedelta(minutes=event.reminder_minutes)
    return [
        (slot, slot_start(slot, event.timezone) - before)
        for slot in slots(session)
        if slot_start(slot, event.timezone) > now
    ]


def deadline_key(deadline: datetime, offset: timedelta) -> str:
    """Names one reminder of one deadline: moving the deadline makes new reminders due."""
    return f"{deadline.isoformat()}-{int(offset.total_seconds() // 60)}m"


def meetings_due(session: Session, now: datetime) -> list[Due]:
    """Each slot not started yet, its reminders minutes before it (a `TimedJob`'s runs)."""
    return [Due(due, slot.code, slot.id) for slot, due in upcoming_slots(session, now)]


def deadline_due(session: Session, now: datetime) -> list[Due]:
    """The deadline's own run, while applications are open."""
    event = get_event(session)
    return [Due(event.deadline)] if event.phase == Phase.open else []


def deadline_reminders_due(session: Session, now: datetime) -> list[Due]:
    """One run per reminder still ahead; of those already due, only the latest is sent (a
    bot that was down at 24 h before and starts 30 min before sends the 1-hour one)."""
    event = get_event(session)
    if event.phase != Phase.open or now >= event.deadline:
        return []
    due = [offset for offset in DEADLINE_OFFSETS if event.deadline - offset <= now]
    latest_due = min(due, default=None)
    return [
        Due(event.deadline - offset, str(int(offset.total_seconds() // 60)), offset)
        for offset in DEADLINE_OFFSETS
        if offset not in due or offset == latest_due
    ]
