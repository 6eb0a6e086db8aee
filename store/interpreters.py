"""Interpreters (통역원) in the fair's meetings: the meetings that need one, the assignment kept
in the database, and the organizers' view of what is covered.

A meeting needs an interpreter when one of its sides needs one (`Participant.
interpreter_language`, the buyer's as a rule). `reassign` runs `matching.interpreters.assign`
over every meeting, keeping each interpreter where they were unless the schedule changed under
them, and stores the result by pair; it is called after every change to the schedule (a
matching run, a meeting set or removed by hand, a cancellation, a refill) and after an
interpreter's ❌, in the same transaction as the change.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import Session, col, select

from matching.interpreters import Assignment, Coverage, Gap, Need, assign, coverage, gap_reason
from matching.interpreters import Interpreter as Person
from store.audit import record
from store.errors import AccountTaken, InviteUsed, NotFound
from store.event import get_event
from store.models import (
    Attendance,
    Interpreter,
    InterpreterAssignment,
    InterpreterDecline,
    Meeting,
    Participant,
    Phase,
    Slot,
    utcnow,
)
from store.participants import is_colleague
from store.video import is_online, links


def pair_key(buyer_id: int, seller_id: int) -> str:
    return f"{buyer_id}:{seller_id}"


def _pair(key: str) -> tuple[int, int]:
    buyer, seller = key.split(":")
    return int(buyer), int(seller)


def languages_of(interpreter: Interpreter) -> frozenset[str]:
    return frozenset(code for code in interpreter.languages.split(",") if code)


@dataclass(frozen=True)
class Changes:
    """What a re-assignment changed, by pair: whom to tell."""

    gained: dict[tuple[int, int], int]  # pair → its new interpreter
    lost: dict[tuple[int, int], int]  # pair → the interpreter who no longer has it
    covered: int
    gaps: dict[tuple[int, int], Gap]
    moves: int


def needs(session: Session) -> list[Need]:
    """Every meeting that needs an interpreter, as the engine reads it."""
    return [need for need, _ in _needed(session)[0]]


def _needed(session: Session) -> tuple[list[tuple[Need, Meeting]], dict[int, Participant]]:
    """The meetings that need an interpreter, with the participants read for them."""
    asks = select(Participant.id).where(col(Participant.interpreter_language).is_not(None))
    if session.exec(asks.limit(1)).first() is None:
        return [], {}  # the common case, and the fair day's cancellations must stay quick
    people = {p.id: p for p in session.exec(select(Participant)).all()}
    slots = {s.id: s for s in session.exec(select(Slot)).all()}
    result = []
    for meeting in session.exec(select(Meeting)).all():
        buyer, seller = people[meeting.buyer_id], people[meeting.seller_id]
        language = buyer.interpreter_language or seller.interpreter_language
        if not language:
            continue
        online = Attendance.online in (buyer.attendance, seller.attendance)
        slot = slots[meeting.slot_id]
        need = Need(
            meeting=pair_key(meeting.buyer_id, meeting.seller_id),
            day=slot.day.isoformat(),
            slot=slot.ordinal,
            language=language,
            booth=None if online else (meeting.booth or f"#{meeting.buyer_id}"),
        )
        result.append((need, meeting))
    return result, people


def _people(session: Session) -> list[Person]:
    return [
        Person(
            id=str(i.id),
            languages=languages_of(i),
            online=i.attendance == Attendance.online,
        )
        for i in session.exec(select(Interpreter).where(col(Interpreter.active))).all()
    ]


def reassign(session: Session, now: datetime | None = None) -> Changes:
    """Assigns interpreters to every meeting that needs one and stores it, keeping what can be
    kept; returns what changed. Each interpreter's schedule fingerprint is brought up to date
    with it, so that the push job knows whom a change reached without reading anyone else."""
    needed, people = _needed(session)
    wanted = [need for need, _ in needed]
    before = {
        pair_key(a.buyer_id, a.seller_id): str(a.interpreter_id)
        for a in session.exec(select(InterpreterAssignment)).all()
    }
    declined = [
        (str(d.interpreter_id), pair_key(d.buyer_id, d.seller_id))
        for d in session.exec(select(InterpreterDecline)).all()
    ]
    result = assign(wanted, _people(session), previous=before, declined=declined)
    now = now or utcnow()
    session.execute(sa.delete(InterpreterAssignment))
    rows = [
        {
            "buyer_id": _pair(key)[0],
            "seller_id": _pair(key)[1],
            "interpreter_id": int(person),
            "assigned_at": now,
        }
        for key, person in result.by_meeting.items()
    ]
    if rows:
        session.execute(sa.insert(InterpreterAssignment), rows)
    session.flush()
    assigned = [m for need, m in needed if need.meeting in result.by_meeting]
    _fingerprint(session, assigned, result.by_meeting, people)
    return Changes(
        gained={
            _pair(key): int(person)
            for key, person in result.by_meeting.items()
            if before.get(key) != person
        },
        lost={
            _pair(key): int(person)
            for key, person in before.items()
            if result.by_meeting.get(key) != person
        },
        covered=result.covered,
        gaps={_pair(key): gap for key, gap in result.gaps.items()},
        moves=result.moves,
    )


def _fingerprint(
    session: Session,
    meetings: list[Meeting],
    by_meeting: dict[str, str],
    people: dict[int, Participant],
) -> None:
    """Stores each interpreter's schedule fingerprint (`fingerprint`) where it changed;
    `people`, the participants `reassign` read already."""
    jobs: dict[int, list[Job]] = {
        i: [] for i in session.exec(select(Interpreter.id).where(col(Interpreter.active))).all()
    }
    if meetings:
        zone = ZoneInfo(get_event(session).timezone)
        for job in _jobs(session, meetings, zone, people):
            jobs[int(by_meeting[pair_key(job.buyer_id, job.seller_id)])].append(job)
    stored = dict(
        session.execute(sa.select(Interpreter.id, Interpreter.schedule_fingerprint)).all()
    )
    changed = [
        {"row": person, "now": now}
        for person, now in ((i, fingerprint(held)) for i, held in jobs.items())
        if stored.get(person) != now
    ]
    if changed:
        table = Interpreter.__table__
        session.connection().execute(
            table.update()
            .where(table.c.id == sa.bindparam("row"))
            .values(schedule_fingerprint=sa.bindparam("now")),
            changed,
        )


def decline(
    session: Session, interpreter_id: int, buyer_id: int, seller_id: int, now: datetime
) -> Changes:
    """The interpreter can't make the pair's meeting: it goes to someone else if anyone can."""
    held = session.get(InterpreterAssignment, (buyer_id, seller_id))
    if held is None or held.interpreter_id != interpreter_id:
        raise NotFound(what="meeting")
    session.add(
        InterpreterDecline(
            interpreter_id=interpreter_id, buyer_id=buyer_id, seller_id=seller_id, at=now
        )
    )
    session.flush()
    return reassign(session, now)


@dataclass(frozen=True)
class Report:
    """The organizers' view (/interpreters): coverage per language and day, and the gaps."""

    interpreters: int
    coverage: tuple[Coverage, ...]
    gaps: tuple[tuple[Meeting, Gap, str], ...]  # the meeting, why, its language


def report(session: Session, admin_id: int | None = None) -> Report:
    """Who interprets which meeting, and the gaps; an admin's look is audited with it."""
    if admin_id is not None:
        record(session, admin_id, "interpreters")
    wanted = needs(session)
    stored = Assignment(
        by_meeting={
            pair_key(a.buyer_id, a.seller_id): str(a.interpreter_id)
            for a in session.exec(select(InterpreterAssignment)).all()
        }
    )
    people = _people(session)
    meetings = {pair_key(m.buyer_id, m.seller_id): m for m in session.exec(select(Meeting)).all()}
    gaps = [
        (meetings[need.meeting], gap_reason(need, people), need.language)
        for need in sorted(wanted, key=lambda n: (n.slot, n.meeting))
        if need.meeting not in stored.by_meeting
    ]
    return Report(
        interpreters=len(people),
        coverage=tuple(coverage(wanted, stored)),
        gaps=tuple(gaps),
    )


def interpreter_of(
    session: Session, pairs: Iterable[tuple[int, int]]
) -> dict[tuple[int, int], Interpreter]:
    """The interpreter of each given pair's meeting that has one."""
    found = {}
    for buyer_id, seller_id in pairs:
        held = session.get(InterpreterAssignment, (buyer_id, seller_id))
        if held is not None:
            found[(buyer_id, seller_id)] = session.get(Interpreter, held.interpreter_id)
    return found


def by_telegram_id(session: Session, telegram_id: int) -> Interpreter | None:
    return session.exec(
        select(Interpreter).where(Interpreter.telegram_id == telegram_id, col(Interpreter.active))
    ).first()


def join_interpreter(
    session: Session, token: str, telegram_id: int, language: str | None
) -> Interpreter | None:
    """Binds a Telegram account to the interpreter an invite was made for; None when the
    token is no interpreter's (it may be a participant's). The same account again is welcome;
    a link bound to another account is refused like a participant's."""
    person = session.exec(select(Interpreter).where(Interpreter.invite_token == token)).first()
    if person is None or not person.active:
        return None
    if person.telegram_id == telegram_id:
        return person
    taken = session.exec(select(Participant.id).where(Participant.telegram_id == telegram_id))
    if person.telegram_id is not None or taken.first() is not None:
        raise InviteUsed()
    if is_colleague(session, telegram_id):
        raise AccountTaken()
    person.telegram_id = telegram_id
    person.language = person.language or (language if language in ("ko", "en") else None)
    session.add(person)
    session.flush()
    return person


@dataclass(frozen=True)
class Job:
    """One meeting an interpreter sits in, as their schedule shows it."""

    buyer_id: int
    seller_id: int
    start: datetime  # aware, in the event's time zone
    end: datetime
    online: bool
    booth: str | None  # None: online, or no booth yet
    link: str | None  # online: the video link, if the event gives one
    buyer: Participant
    seller: Participant
    language: str


@dataclass(frozen=True)
class Schedule:
    interpreter: Interpreter
    event_zone: str
    jobs: tuple[Job, ...]


def schedule(session: Session, interpreter_id: int) -> Schedule:
    """The interpreter's meetings in time order, with each meeting's place and sides."""
    person = session.get(Interpreter, interpreter_id)
    if person is None:
        raise NotFound(what="interpreter")
    event = get_event(session)
    zone = ZoneInfo(event.timezone)
    held = session.exec(
        select(InterpreterAssignment).where(InterpreterAssignment.interpreter_id == person.id)
    ).all()
    pairs = {(a.buyer_id, a.seller_id) for a in held}
    meetings = [
        m
        for m in session.exec(
            select(Meeting).where(col(Meeting.buyer_id).in_({b for b, _ in pairs}))
        ).all()
        if (m.buyer_id, m.seller_id) in pairs
    ]
    return Schedule(person, event.timezone, tuple(_jobs(session, meetings, zone)))


def _jobs(
    session: Session,
    meetings: list[Meeting],
    zone: ZoneInfo,
    people: dict[int, Participant] | None = None,
) -> list[Job]:
    """The meetings as interpreters read them, in time order; `people`, the meetings' sides
    by id when the caller has read them already."""
    if people is None:
        sides = {m.buyer_id for m in meetings} | {m.seller_id for m in meetings}
        found = select(Participant).where(col(Participant.id).in_(sides))
        people = {p.id: p for p in session.exec(found).all()}
    video = links(session, meetings, people)
    slots = {s.id: s for s in session.exec(select(Slot)).all()}
    jobs = []
    for m in sorted(meetings, key=lambda m: slots[m.slot_id].ordinal):
        slot, buyer, seller = slots[m.slot_id], people[m.buyer_id], people[m.seller_id]
        online = is_online(buyer, seller)
        jobs.append(
            Job(
                buyer_id=m.buyer_id,
                seller_id=m.seller_id,
                start=datetime.combine(slot.day, slot.start, tzinfo=zone),
                end=datetime.combine(slot.day, slot.end, tzinfo=zone),
                online=online,
                booth=None if online else m.booth,
                link=video.get(m.id) if online else None,
                buyer=buyer,
                seller=seller,
                language=buyer.interpreter_language or seller.interpreter_language or "",
            )
        )
    return jobs


def slot_jobs(session: Session, slot_id: int) -> list[tuple[Interpreter, Job]]:
    """The slot's meetings and their interpreters who use the bot, once timetables are
    announced: whom to remind before it."""
    event = get_event(session)
    if event.phase != Phase.announced:
        return []
    meetings = list(session.exec(select(Meeting).where(Meeting.slot_id == slot_id)).all())
    held = {
        (a.buyer_id, a.seller_id): a.interpreter_id
        for a in session.exec(select(InterpreterAssignment)).all()
    }
    meetings = [m for m in meetings if (m.buyer_id, m.seller_id) in held]
    people = {i.id: i for i in session.exec(select(Interpreter)).all()}
    found = []
    for job in _jobs(session, meetings, ZoneInfo(event.timezone)):
        person = people[held[(job.buyer_id, job.seller_id)]]
        if person.telegram_id is not None and person.active:
            found.append((person, job))
    return found


def fingerprint(jobs: Iterable[Job]) -> str:
    """A schedule as the interpreter reads it (times, places, sides, languages), in time order."""
    seen = [
        [j.start.isoformat(), j.booth, j.link, j.buyer.code, j.seller.code, j.language]
        for j in jobs
    ]
    return hashlib.sha256(json.dumps(seen).encode()).hexdigest()


def digest(plan: Schedule) -> str:
    return fingerprint(plan.jobs)


def changed_interpreters(session: Session) -> list[int]:
    """The joined interpreters whose schedule may differ from the one last sent them: the
    fingerprint a re-assignment wrote is not what was sent, or is not known. An interval with
    no change reads this one short list and nothing else."""
    found = select(Interpreter.id).where(
        col(Interpreter.telegram_id).is_not(None),
        col(Interpreter.active),
        sa.or_(
            col(Interpreter.schedule_fingerprint) == "",
            col(Interpreter.schedule_fingerprint) != col(Interpreter.schedule_digest),
        ),
    )
    return list(session.exec(found.order_by(col(Interpreter.id))).all())


def _note_fingerprint(session: Session, interpreter_id: int, current: str, known: str) -> None:
    """`known`, the fingerprint read with the schedule, becomes `current` (the interpreter is
    not looked at again until a re-assignment changes it), unless one wrote another since."""
    session.execute(
        sa.update(Interpreter)
        .where(
            col(Interpreter.id) == interpreter_id, col(Interpreter.schedule_fingerprint) == known
        )
        .values(schedule_fingerprint=current)
    )


def claim_change(
    session: Session, interpreter_id: int, seen: str, current: str, known: str | None = None
) -> bool:
    """Records that the interpreter has the schedule with digest `current` (they read it), if
    the one last sent is still `seen`. `known`: see `_note_fingerprint`."""
    if known is not None:
        _note_fingerprint(session, interpreter_id, current, known)
    if current == seen:
        return False
    claimed = session.execute(
        sa.update(Interpreter)
        .where(col(Interpreter.id) == interpreter_id, col(Interpreter.schedule_digest) == seen)
        .values(schedule_digest=current)
    )
    return claimed.rowcount == 1


def claim_push(
    session: Session,
    interpreter_id: int,
    seen: str,
    current: str,
    known: str,
    now: datetime,
    lease: timedelta,
) -> bool:
    """Takes the interpreter's changed schedule (`current`) to send, if the one last sent is
    still `seen` and no process is sending one: of several bot processes noticing a change,
    one sends it. The claim is a lease: a process killed before it recorded the send
    (`pushed`) leaves the change to the others once the lease ran out, so it is sent late
    rather than never; one killed after the send but before the record sends it twice."""
    _note_fingerprint(session, interpreter_id, current, known)
    if current == seen:
        return False
    claimed = session.execute(
        sa.update(Interpreter)
        .where(
            col(Interpreter.id) == interpreter_id,
            col(Interpreter.schedule_digest) == seen,
            sa.or_(
                col(Interpreter.schedule_claimed_at).is_(None),
                col(Interpreter.schedule_claimed_at) < now - lease,
            ),
        )
        .values(schedule_claimed_at=now)
    )
    return claimed.rowcount == 1


def pushed(
    session: Session, interpreter_id: int, current: str, claimed_at: datetime, sent: bool
) -> None:
    """Ends the claim `claim_push` took at `claimed_at`: `sent` (or not to be sent: the
    interpreter blocked the bot), `current` is the schedule they have; else (a passing error)
    the change is given back for the next look. Nothing if the lease ran out meanwhile and
    another process took the change (it sends it too)."""
    done = {"schedule_digest": current} if sent else {}
    session.execute(
        sa.update(Interpreter)
        .where(
            col(Interpreter.id) == interpreter_id,
            col(Interpreter.schedule_claimed_at) == claimed_at,
        )
        .values(schedule_claimed_at=None, **done)
    )
