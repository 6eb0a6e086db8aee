"""Moving the deadline (the admin's /deadline)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from store.audit import record
from store.errors import ApplicationsClosed, StoreError
from store.event import get_event
from store.models import Event, Phase


class DeadlinePast(StoreError):
    key = "deadline_past"


def set_deadline(session: Session, admin_id: int, deadline: datetime, now: datetime) -> Event:
    """A new deadline, while applications are open and only in the future: a typo must not
    close applications and run the matching at once."""
    event = get_event(session)
    if event.phase != Phase.open or now >= event.deadline:
        raise ApplicationsClosed(deadline=event.deadline)
    if deadline <= now:
        raise DeadlinePast()
    before = event.deadline
    event.deadline = deadline
    session.add(event)
    session.flush()
    record(session, admin_id, "deadline", before=before, after=deadline)
    return event
