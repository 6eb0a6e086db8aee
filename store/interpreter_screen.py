"""An interpreter's own screen, one transaction per press (handlers/interpreter_home.py): their
schedule, a meeting of it they pressed, and declining one, which hands it on at once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from store.event import event_if_any
from store.interpreters import (
    Changes,
    Job,
    Schedule,
    by_telegram_id,
    claim_change,
    decline,
    digest,
    schedule,
)
from store.models import Event, Interpreter


@dataclass(frozen=True)
class Home:
    """The schedule and the event it is of (both None before an event is set up)."""

    event: Event | None
    plan: Schedule | None


def home(session: Session, interpreter_id: int) -> Home:
    """The interpreter's schedule, recorded as read: what they see now is no change for the
    push job (`push_changes`) to send them later."""
    event = event_if_any(session)
    if event is None:
        return Home(None, None)
    plan = schedule(session, interpreter_id)
    seen, known = plan.interpreter.schedule_digest, plan.interpreter.schedule_fingerprint
    claim_change(session, interpreter_id, seen, digest(plan), known)
    return Home(event, plan)


@dataclass(frozen=True)
class Pressed:
    """Who pressed (None: no interpreter's account) and what the press shows: their home, or
    the meeting pressed (None: not theirs any more) and, declined, what that changed."""

    interpreter: Interpreter | None
    home: Home | None = None
    job: Job | None = None
    changes: Changes | None = None


def press(
    session: Session, telegram_id: int, pair: tuple[int, int] | None, declined: bool, now: datetime
) -> Pressed:
    """A button of the interpreter's screen: `pair` None their home, else that meeting;
    `declined`, they can't make it."""
    person = by_telegram_id(session, telegram_id)
    if person is None or person.id is None:
        return Pressed(None)
    if pair is None:
        return Pressed(person, home(session, person.id))
    plan = schedule(session, person.id)
    job = next((j for j in plan.jobs if (j.buyer_id, j.seller_id) == pair), None)
    if job is None or not declined:
        return Pressed(person, job=job)
    return Pressed(person, job=job, changes=decline(session, person.id, *pair, now))
