"""The fair's results, as KOTRA reports a fair: meetings scheduled, held, no-show, cancelled
and refilled, the outcomes participants gave and the deal value they expect, with answer
rates; overall, per company, per industry and per country; and the day so far (/today).

Counting rules (docs/organizers.md): a meeting counts in the groups of both its sides, once
per group (so a cosmetics buyer meeting a cosmetics seller is one cosmetics meeting, and the
industries add up to more than the whole); *scheduled* is a meeting in the timetables now,
refilled ones included; *held* is a scheduled meeting whose slot has ended and that neither
side reported as a no-show; *cancelled* is a meeting given up (or removed by an admin on the
fair day); outcomes, values and the follow-up survey's contracts, MOUs and signed values count
for the group of the side that wrote them; the answer rate is answers over sides asked (both
sides of every meeting whose slot has ended).

Everyone is listed: every active company, and every industry and country of the fair, has its
row with zeros included, and those with no meeting held come first (companies by code,
industries and countries by the names the reader reads: `none_held`), since they are whom the
organizers follow up.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from store.audit import record
from store.event import get_event, slots
from store.models import (
    Meeting,
    MeetingCancellation,
    MeetingOutcome,
    OfferState,
    OutcomeResult,
    Participant,
    RefillOffer,
    Signed,
    Slot,
    SurveyAnswer,
)
from store.participants import by_number
from store.reminders import slot_end, slot_start


@dataclass
class Tally:
    scheduled: int = 0
    held: int = 0
    no_show: int = 0
    cancelled: int = 0
    refilled: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    expected_usd: int = 0
    asked: int = 0
    answered: int = 0
    # From the follow-up survey (store/survey.py), per side that answered.
    contracts: int = 0
    mous: int = 0
    signed_usd: int = 0

    @property
    def answer_rate(self) -> float | None:
        return self.answered / self.asked if self.asked else None


@dataclass(frozen=True)
class Company:
    code: str
    company: str
    company_en: str
    role: str
    country: str
    industry: str


@dataclass(frozen=True)
class SlotFigures:
    code: str
    held: int
    no_show: int


@dataclass
class Results:
    overall: Tally
    companies: list[tuple[Company, Tally]]
    industries: dict[str, Tally]  # the views list them by name, none held first (none_held)
    countries: dict[str, Tally]
    per_slot: list[SlotFigures]


def results(session: Session, now: datetime, admin_id: int | None = None) -> Results:
    """The fair's results at `now`; an admin's look (/results) is audited with them."""
    if admin_id is not None:
        record(session, admin_id, "results")
    event = get_event(session)
    grid = {s.id: s for s in slots(session)}
    ended = {i for i, s in grid.items() if slot_end(s, event.timezone) <= now}
    people = {p.id: p for p in by_number(session.exec(select(Participant)).all())}
    overall = Tally()
    listed = [p for p in people.values() if p.active]
    by_company: dict[int, Tally] = {p.id: Tally() for p in listed if p.id is not None}
    industries: dict[str, Tally] = {p.industry: Tally() for p in listed}
    countries: dict[str, Tally] = {p.country: Tally() for p in listed}

    def tallies(*sides: int) -> list[Tally]:
        """The tallies a meeting between `sides` counts in, each once."""
        found = [overall]
        for groups, key in (
            (industries, lambda p: p.industry),
            (countries, lambda p: p.country),
        ):
            for name in dict.fromkeys(key(people[s]) for s in sides):
                found.append(groups.setdefault(name, Tally()))
        found += [by_company.setdefault(s, Tally()) for s in sides]
        return found

    outcomes = session.exec(select(MeetingOutcome)).all()
    no_shows = {o.meeting_id for o in outcomes if o.result == OutcomeResult.no_show}
    refilled = set(
        session.exec(
            select(RefillOffer.meeting_id).where(RefillOffer.state == OfferState.booked)
        ).all()
    )
    slot_held: Counter[int] = Counter()
    slot_no_show: Counter[int] = Counter()
    for m in session.exec(select(Meeting)).all():
        over = m.slot_id in ended
        for tally in tallies(m.buyer_id, m.seller_id):
            tally.scheduled += 1
            tally.refilled += m.id in refilled
            tally.no_show += m.id in no_shows
            tally.held += over and m.id not in no_shows
        if over:
            slot_held[m.slot_id] += m.id not in no_shows
            slot_no_show[m.slot_id] += m.id in no_shows
            for side in (m.buyer_id, m.seller_id):
                for tally in tallies(side):
                    tally.asked += 1
    for c in session.exec(select(MeetingCancellation)).all():
        for tally in tallies(c.buyer_id, c.seller_id):
            tally.cancelled += 1
    for o in outcomes:
        for tally in tallies(o.participant_id):
            tally.outcomes[o.result.value] += 1
            tally.expected_usd += o.value_usd or 0
            tally.answered += 1
    for a in session.exec(select(SurveyAnswer)).all():
        for tally in tallies(a.participant_id):
            tally.contracts += a.signed == Signed.contract
            tally.mous += a.signed == Signed.mou
            tally.signed_usd += a.value_usd or 0
    companies = [
        (
            Company(p.code, p.company, p.company_en, p.role.value, p.country, p.industry),
            by_company[p.id],
        )
        for p in people.values()
        if p.id in by_company
    ]
    return Results(
        overall=overall,
        companies=sorted(companies, key=lambda row: (row[1].held > 0, row[0].code)),
        industries=industries,
        countries=countries,
        per_slot=[SlotFigures(s.code, slot_held[i], slot_no_show[i]) for i, s in grid.items()],
    )


def none_held(tally: Tally) -> bool:
    """Whether a group had no meeting held: the views list those first (by their names)."""
    return tally.held == 0


@dataclass(frozen=True)
class Today:
    day: date | None  # None: the fair has no slot today
    now_slot: str | None
    now_meetings: int
    next_slot: str | None
    next_start: datetime | None
    next_meetings: int
    cancellations: int
    refills: int
    no_shows: int
    idle_booths: list[str]  # buyers' booths with no meeting in the slot now
    booths: int
    timezone: str  # the event's, in which the screen shows the times


def today(session: Session, now: datetime, admin_id: int | None = None) -> Today:
    """The fair day so far, for organizers walking the hall (an admin's look audited)."""
    if admin_id is not None:
        record(session, admin_id, "today")
    event = get_event(session)
    zone = ZoneInfo(event.timezone)
    day = now.astimezone(zone).date()
    todays = [s for s in slots(session) if s.day == day]
    current = next(
        (s for s in todays if slot_start(s, event.timezone) <= now < slot_end(s, event.timezone)),
        None,
    )
    upcoming = next((s for s in todays if slot_start(s, event.timezone) > now), None)

    def meetings_in(slot: Slot | None) -> list[Meeting]:
        if slot is None:
            return []
        return list(session.exec(select(Meeting).where(Meeting.slot_id == slot.id)).all())

    ids = [s.id for s in todays]
    cancellations = session.exec(
        select(MeetingCancellation.id).where(col(MeetingCancellation.slot_id).in_(ids))
    ).all()
    refills = session.exec(
        select(RefillOffer.id).where(
            col(RefillOffer.slot_id).in_(ids), RefillOffer.state == OfferState.booked
        )
    ).all()
    no_shows = session.exec(
        select(MeetingOutcome.meeting_id).where(
            col(MeetingOutcome.slot_id).in_(ids), MeetingOutcome.result == OutcomeResult.no_show
        )
    ).all()
    booths = {
        p.id: p.booth
        for p in session.exec(
            select(Participant).where(
                col(Participant.booth).is_not(None),
                Participant.active == True,  # noqa: E712
            )
        ).all()
    }
    now_meetings = meetings_in(current)
    busy = {m.buyer_id for m in now_meetings}
    idle = sorted(b for p, b in booths.items() if p not in busy and b) if current else []
    return Today(
        day=day if todays else None,
        now_slot=current.code if current else None,
        now_meetings=len(now_meetings),
        next_slot=upcoming.code if upcoming else None,
        next_start=slot_start(upcoming, event.timezone) if upcoming else None,
        next_meetings=len(meetings_in(upcoming)),
        cancellations=len(cancellations),
        refills=len(refills),
        no_shows=len(set(no_shows)),
        idle_booths=idle,
        booths=len(booths),
        timezone=event.timezone,
    )
