"""Moving the deadline (the admin's /deadline), and reopening applications after it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, delete, func, select, update

from store.audit import record
from store.errors import ApplicationsClosed, StoreError
from store.event import applications_closed, get_event
from store.interpreters import reassign
from store.models import Event, Meeting, Phase, Slot, Tier, UnscheduledPair


class DeadlinePast(StoreError):
    key = "deadline_past"


class DeadlineAfterStart(StoreError):
    """Requests close, and the matching runs, before the fair's first meeting."""

    key = "deadline_after_start"


def _before_fair(session: Session, event: Event, deadline: datetime) -> None:
    first = session.exec(select(Slot).order_by(col(Slot.ordinal))).first()
    if first is None:
        return
    start = datetime.combine(first.day, first.start, tzinfo=ZoneInfo(event.timezone))
    if deadline > start:
        raise DeadlineAfterStart(start=f"{start:%Y-%m-%d %H:%M}")


class ScheduleAnnounced(StoreError):
    """Participants already hold their timetables: reopening would change them under them."""

    key = "schedule_announced"


def set_deadline(session: Session, admin_id: int, deadline: datetime, now: datetime) -> Event:
    """A new deadline, while applications are open and only in the future: a typo must not
    close applications and run the matching at once."""
    event = get_event(session)
    if applications_closed(event, now):
        raise ApplicationsClosed(deadline=event.deadline)
    if deadline <= now:
        raise DeadlinePast()
    _before_fair(session, event, deadline)
    before = event.deadline
    event.deadline = deadline
    session.add(event)
    session.flush()
    record(session, admin_id, "deadline", before=before, after=deadline)
    return event


@dataclass(frozen=True)
class Reopening:
    """What reopening drops (or would): the automatic meetings; and the event's time zone, in
    which the screens show the new deadline."""

    dropped: int
    timezone: str


def automatic_meetings(session: Session) -> int:
    """Meetings the matching made (not set by hand): what reopening drops."""
    query = select(func.count()).select_from(Meeting).where(col(Meeting.tier) != Tier.fixed)
    return session.exec(query).one()


def reopen(session: Session, admin_id: int, deadline: datetime, now: datetime) -> Reopening:
    """Extends applications after they closed (신청 기간 연장), while no timetable has been
    announced: the phase goes back to open with the new deadline, where the matching runs
    again. Its automatic meetings and unscheduled pairs go (they would be replaced then, and
    requests may change meanwhile); meetings set by hand stay."""
    event = get_event(session)
    if deadline <= now:
        raise DeadlinePast()
    _before_fair(session, event, deadline)
    before, phase = event.deadline, event.phase
    # Conditional, so that an /announce starting at the same moment wins or loses as a whole.
    reopened = session.execute(
        update(Event)
        .where(col(Event.phase) != Phase.announced, col(Event.announce_round) == 0)
        .values(phase=Phase.open, deadline=deadline, matching_runs=col(Event.matching_runs) + 1)
    )
    if reopened.rowcount != 1:
        raise ScheduleAnnounced()
    removed = automatic_meetings(session)
    session.execute(delete(Meeting).where(col(Meeting.tier) != Tier.fixed))
    session.execute(delete(UnscheduledPair))
    reassign(session)
    session.refresh(event)
    record(
        session,
        admin_id,
        "reopen",
        before=before,
        after=deadline,
        phase=phase.value,
        meetings_removed=removed,
    )
    return Reopening(removed, event.timezone)


def reopen_check(session: Session, deadline: datetime, now: datetime) -> Reopening:
    """What `reopen` would refuse, refused now (before the organizer confirms); otherwise what
    it would drop."""
    event = get_event(session)
    if event.phase == Phase.announced or event.announce_round:
        raise ScheduleAnnounced()
    if deadline <= now:
        raise DeadlinePast()
    _before_fair(session, event, deadline)
    return Reopening(automatic_meetings(session), event.timezone)


@dataclass(frozen=True)
class Moved:
    """/deadline with a time: the event with its deadline moved to `wanted`; or, once
    applications are closed, nothing moved and what reopening them until then would drop
    (`reopening`, for the organizer to confirm)."""

    event: Event
    wanted: datetime
    reopening: Reopening | None


def move_deadline(session: Session, admin_id: int, typed: datetime, now: datetime) -> Moved:
    """The deadline as the organizer typed it (without a zone: the event's)."""
    event = get_event(session)
    wanted = typed if typed.tzinfo else typed.replace(tzinfo=ZoneInfo(event.timezone))
    if applications_closed(event, now):
        return Moved(event, wanted, reopen_check(session, wanted, now))
    return Moved(set_deadline(session, admin_id, wanted, now), wanted, None)
