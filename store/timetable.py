"""A participant's announced schedule (the manual's 주선 결과 확인) as a plain snapshot.

`timetable()` reads everything a timetable needs in one session and returns frozen
dataclasses, so the text, the image and the calendar file can be made after the session has
closed, and the admin's announcement can render thousands of them without touching the
database again. `unscheduled()` lists the participant's requests that did not become a
meeting, with the engine's reason turned to the participant's point of view.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, or_, select

from matching import Reason
from matching.model import effective_cap
from store.availability import unavailable_slot_ids, unavailable_slot_ids_of
from store.errors import NotFound
from store.event import current_event, get_event, slots
from store.models import (
    Event,
    Meeting,
    MeetingRequest,
    Participant,
    Phase,
    Role,
    Tier,
    UnscheduledPair,
)
from store.names import in_language
from store.video import is_online, links
from store.zones import zone_of


@dataclass(frozen=True)
class Counterpart:
    """The company across the table, with its contact (shown once a meeting is confirmed)."""

    id: int
    code: str
    role: Role
    company: str
    company_en: str
    country: str
    industry: str
    products: str
    website: str
    description: str
    contact_name: str
    contact_title: str
    email: str
    phone: str


@dataclass(frozen=True)
class MeetingInfo:
    id: int
    counterpart: Counterpart
    booth: str | None
    tier: Tier
    created_at: datetime
    # Both sides' codes: a pair meets at most once, so they name the meeting across re-runs.
    buyer_code: str
    seller_code: str
    online: bool = False  # either side takes part online: no booth, a video link
    link: str | None = None  # the online meeting's video link (store/video.py)


@dataclass(frozen=True)
class SlotEntry:
    code: str
    start: datetime  # aware, in the event's time zone
    end: datetime
    available: bool
    meeting: MeetingInfo | None


@dataclass(frozen=True)
class Day:
    date: date
    slots: tuple[SlotEntry, ...]


@dataclass(frozen=True)
class Timetable:
    participant_id: int
    code: str
    company: str
    company_en: str
    role: Role
    language: str | None
    event_name: str
    event_name_en: str
    timezone: str
    reminder_minutes: int
    days: tuple[Day, ...]
    requested: bool = True  # sent or received any request
    # Requests the last matching left out that have no meeting by now: "why not scheduled"
    # has something to tell only when there are some.
    unplaced: int = 0
    # The zone this participant reads times in (store/zones.py): the fair's, or their own.
    reader_zone: str = ""

    def event_title(self, language: str) -> str:
        """The event's name for a reader of `language` (store/names.py)."""
        return in_language(self.event_name, self.event_name_en, language)

    @property
    def entries(self) -> tuple[SlotEntry, ...]:
        return tuple(entry for day in self.days for entry in day.slots)

    @property
    def meetings(self) -> tuple[SlotEntry, ...]:
        """The slots that hold a meeting, in time order."""
        return tuple(entry for entry in self.entries if entry.meeting is not None)

    def meeting(self, meeting_id: int) -> SlotEntry | None:
        return next((e for e in self.meetings if e.meeting and e.meeting.id == meeting_id), None)


def _counterpart(p: Participant) -> Counterpart:
    assert p.id is not None
    return Counterpart(
        id=p.id,
        code=p.code,
        role=p.role,
        company=p.company,
        company_en=p.company_en,
        country=p.country,
        industry=p.industry,
        products=p.products,
        website=p.website,
        description=p.description,
        contact_name=p.contact_name,
        contact_title=p.contact_title,
        email=p.email,
        phone=p.phone,
    )


def _participant(session: Session, participant_id: int) -> Participant:
    participant = session.get(Participant, participant_id)
    if participant is None:
        raise NotFound(what="participant")
    return participant


def _other(meeting: Meeting | UnscheduledPair, participant_id: int) -> int:
    return meeting.buyer_id if meeting.seller_id == participant_id else meeting.seller_id


def _meetings_of(session: Session, participant_id: int) -> list[Meeting]:
    return list(
        session.exec(
            select(Meeting).where(
                or_(Meeting.buyer_id == participant_id, Meeting.seller_id == participant_id)
            )
        ).all()
    )


def timetable(session: Session, participant_id: int) -> Timetable:
    found = timetables(session, [participant_id])
    if participant_id not in found:
        raise NotFound(what="participant")
    return found[participant_id]


def timetables(session: Session, participant_ids: Collection[int]) -> dict[int, Timetable]:
    """The timetables of those of `participant_ids` who exist, by id. Each kind of row is read
    once for all of them: /announce prepares its deliveries in batches (store/announce.py)."""
    ids = sorted(set(participant_ids))
    people = {
        p.id: p for p in session.exec(select(Participant).where(col(Participant.id).in_(ids)))
    }
    if not people:
        return {}
    event = get_event(session)
    zone = ZoneInfo(event.timezone)
    meetings = session.exec(
        select(Meeting).where(or_(col(Meeting.buyer_id).in_(ids), col(Meeting.seller_id).in_(ids)))
    ).all()
    others = {side for m in meetings for side in (m.buyer_id, m.seller_id)} - people.keys()
    people |= {
        p.id: p
        for p in session.exec(select(Participant).where(col(Participant.id).in_(sorted(others))))
    }
    of: dict[int, list[Meeting]] = {}
    for m in meetings:
        for side in (m.buyer_id, m.seller_id):
            of.setdefault(side, []).append(m)
    off = unavailable_slot_ids_of(session, ids)
    video = links(session, meetings, people)
    # Whether "why not scheduled" can say anything: a request sent or received (whatever
    # became of it), or a pair the last matching left unscheduled.
    asked = session.exec(
        select(MeetingRequest.from_id, MeetingRequest.to_id).where(
            or_(col(MeetingRequest.from_id).in_(ids), col(MeetingRequest.to_id).in_(ids))
        )
    ).all()
    pairs = session.exec(
        select(UnscheduledPair).where(
            or_(col(UnscheduledPair.buyer_id).in_(ids), col(UnscheduledPair.seller_id).in_(ids))
        )
    ).all()
    requested = {who for row in asked for who in row}
    requested |= {who for pair in pairs for who in (pair.buyer_id, pair.seller_id)}
    grid = slots(session)

    def one(me: Participant) -> Timetable:
        assert me.id is not None
        mine = {m.slot_id: m for m in of.get(me.id, [])}
        met = {_other(m, me.id) for m in mine.values()}

        def info(m: Meeting) -> MeetingInfo:
            assert m.id is not None
            other = people[_other(m, me.id)]
            buyer, seller = (me, other) if me.role == Role.buyer else (other, me)
            return MeetingInfo(
                id=m.id,
                counterpart=_counterpart(other),
                booth=m.booth,
                tier=m.tier,
                created_at=m.created_at,
                buyer_code=buyer.code,
                seller_code=seller.code,
                online=is_online(buyer, seller),
                link=video.get(m.id),
            )

        days: dict[date, list[SlotEntry]] = {}
        for slot in grid:
            meeting = mine.get(slot.id)
            days.setdefault(slot.day, []).append(
                SlotEntry(
                    code=slot.code,
                    start=datetime.combine(slot.day, slot.start, tzinfo=zone),
                    end=datetime.combine(slot.day, slot.end, tzinfo=zone),
                    available=slot.id not in off.get(me.id, ()),
                    meeting=info(meeting) if meeting is not None else None,
                )
            )
        return Timetable(
            participant_id=me.id,
            code=me.code,
            company=me.company,
            company_en=me.company_en,
            role=me.role,
            language=me.language,
            event_name=event.name,
            event_name_en=event.name_en,
            timezone=event.timezone,
            reminder_minutes=event.reminder_minutes,
            days=tuple(Day(day, tuple(entries)) for day, entries in days.items()),
            requested=me.id in requested,
            unplaced=sum(
                (p.buyer_id if me.role == Role.buyer else p.seller_id) == me.id
                and _other(p, me.id) not in met
                for p in pairs
            ),
            reader_zone=zone_of(me, event.timezone),
        )

    return {i: one(people[i]) for i in ids if i in people}


def digest(table: Timetable) -> str:
    """A stable hash of the meetings as the participant sees them (slot, counterpart, booth):
    equal digests mean an announcement would tell them nothing new. Meeting ids are left out
    because re-storing the same schedule gives the same meetings new ids."""
    meetings = [
        [
            e.code,
            e.meeting.counterpart.code,
            e.meeting.counterpart.company,
            e.meeting.counterpart.country,
            e.meeting.booth,
            # Only when there is one, so that digests stored before video links still match.
            *([e.meeting.link] if e.meeting.link else []),
        ]
        for e in table.meetings
        if e.meeting is not None
    ]
    encoded = json.dumps(meetings, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


class Requester(StrEnum):
    """Who asked for the meeting, seen from the participant."""

    both = "both"
    me = "me"
    them = "them"


class Why(StrEnum):
    """The engine's reason codes, with `buyer_full`/`seller_full` turned into whose day it was."""

    no_common_availability = "no_common_availability"
    both_full = "both_full"
    own_full = "own_full"
    their_full = "their_full"
    no_common_free_slot = "no_common_free_slot"


class Blocked(StrEnum):
    """What kept one side from every time both sides had available, read from the schedule."""

    booked = "booked"  # another of its meetings sat in each of those times
    capped = "capped"  # those days had already reached its daily cap
    mixed = "mixed"  # some of each


@dataclass(frozen=True)
class SideState:
    blocked: Blocked
    cap: int  # the side's daily cap, for the sentence


@dataclass(frozen=True)
class Unscheduled:
    counterpart: Counterpart
    requester: Requester
    why: Why
    reason: str  # the engine's code, as stored
    # For the "full" reasons: what filled each side, from the stored schedule (None: that side
    # was not the one full, or it has a usable time by now, e.g. after a meeting was removed).
    mine: SideState | None = None
    theirs: SideState | None = None


@dataclass(frozen=True)
class _Side:
    """One participant's grid as the stored schedule leaves it."""

    off: set[int]
    booked: set[int]  # slots with a meeting
    per_day: dict[date, int]  # meetings per day
    cap: int


def _side(session: Session, participant: Participant, day_of: dict[int, date], cap: int) -> _Side:
    assert participant.id is not None
    booked = {m.slot_id for m in _meetings_of(session, participant.id)}
    per_day: dict[date, int] = {}
    for slot_id in booked:
        per_day[day_of[slot_id]] = per_day.get(day_of[slot_id], 0) + 1
    own_cap = effective_cap(participant.daily_cap, cap)
    return _Side(unavailable_slot_ids(session, participant.id), booked, per_day, own_cap)


def _blocked(side: _Side, common: list[int], day_of: dict[int, date]) -> SideState | None:
    """Why `side` could take none of the `common` times, or None if it could take one now."""
    booked = [s for s in common if s in side.booked]
    rest = [s for s in common if s not in side.booked]
    if any(side.per_day.get(day_of[s], 0) < side.cap for s in rest):
        return None
    if not rest:
        return SideState(Blocked.booked, side.cap)
    return SideState(Blocked.mixed if booked else Blocked.capped, side.cap)


def _why(reason: str, role: Role) -> Why:
    full = {Reason.BUYER_FULL: Role.buyer, Reason.SELLER_FULL: Role.seller}
    code = Reason(reason)
    if code in full:
        return Why.own_full if full[code] == role else Why.their_full
    return Why(code.value)


def _requester(tier: Tier, role: Role) -> Requester:
    if tier == Tier.mutual:
        return Requester.both
    return Requester.me if tier.value == role.value else Requester.them


def _unplaced(session: Session, me: Participant) -> list[UnscheduledPair]:
    """The participant's pairs the last matching run could not place, in the engine's order,
    without those that have a meeting by now (an admin may have placed one by hand)."""
    assert me.id is not None
    side = UnscheduledPair.buyer_id if me.role == Role.buyer else UnscheduledPair.seller_id
    rows = session.exec(
        select(UnscheduledPair).where(side == me.id).order_by(col(UnscheduledPair.id))
    ).all()
    met = {_other(m, me.id) for m in _meetings_of(session, me.id)}
    return [row for row in rows if _other(row, me.id) not in met]


def unscheduled(session: Session, participant_id: int) -> list[Unscheduled]:
    """The participant's candidate pairs the last matching run could not place, in the order
    the engine took them, leaving out any pair that has a meeting by now (an admin may have
    placed it by hand after the run)."""
    me = _participant(session, participant_id)
    rows = _unplaced(session, me)
    wanted = {_other(row, participant_id) for row in rows}
    people = {
        p.id: p
        for p in session.exec(select(Participant).where(col(Participant.id).in_(wanted))).all()
    }
    day_of = {slot.id: slot.day for slot in slots(session) if slot.id is not None}
    cap = get_event(session).daily_cap
    mine = _side(session, me, day_of, cap) if rows else None
    result = []
    for row in rows:
        other = people[_other(row, participant_id)]
        why = _why(row.reason, me.role)
        my_state = their_state = None
        if mine is not None and why in (Why.own_full, Why.their_full, Why.both_full):
            theirs = _side(session, other, day_of, cap)
            common = [s for s in day_of if s not in mine.off and s not in theirs.off]
            if why != Why.their_full:
                my_state = _blocked(mine, common, day_of)
            if why != Why.own_full:
                their_state = _blocked(theirs, common, day_of)
        result.append(
            Unscheduled(
                counterpart=_counterpart(other),
                requester=_requester(row.tier, me.role),
                why=why,
                reason=row.reason,
                mine=my_state,
                theirs=their_state,
            )
        )
    return result


@dataclass(frozen=True)
class ScheduleScreen:
    """What My schedule shows, read in one transaction: before the announcement the event
    alone (its deadline); after it the timetable, or the pairs that did not become meetings."""

    event: Event
    table: Timetable | None = None
    unscheduled: list[Unscheduled] | None = None
    standby: bool = False  # slots are still ahead: a freed one may yet be offered (refill)


def schedule_screen(
    session: Session, participant_id: int, why: bool, now: datetime | None = None
) -> ScheduleScreen:
    """`why`: the pairs that were not placed instead of the timetable, and whether a place
    freed on the fair day may still be offered to them (a slot starts after `now`)."""
    event = current_event(session)
    if event.phase != Phase.announced:
        return ScheduleScreen(event)
    if why:
        zone = ZoneInfo(event.timezone)
        ahead = now is None or any(
            datetime.combine(slot.day, slot.start, tzinfo=zone) > now for slot in slots(session)
        )
        return ScheduleScreen(
            event, unscheduled=unscheduled(session, participant_id), standby=ahead
        )
    return ScheduleScreen(event, table=timetable(session, participant_id))
