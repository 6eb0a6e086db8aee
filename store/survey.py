"""The follow-up survey: `follow_up_weeks` after the fair's last slot, each participant is
asked once per meeting held (slot over, no side reported a no-show) whether a contract or an
MOU was signed, and its value. Each question is claimed in the `notice` table before it is
sent (store/reminders.py), so a restarted bot, or a second process, picks up where it stopped
and nobody is asked twice."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from store.audit import record
from store.due import Due
from store.event import get_event, slots
from store.fairday import participants_meeting
from store.models import (
    Meeting,
    MeetingOutcome,
    Notice,
    NoticeKind,
    OutcomeResult,
    Participant,
    Phase,
    Signed,
    SurveyAnswer,
)
from store.names import CompanyNames
from store.outcomes import NoOutcomeYet, parse_amount, prompt_key
from store.readers import reachable_ids
from store.reminders import Recipient, slot_end, slot_start


def survey_time(session: Session) -> datetime | None:
    """When the survey goes out; None before any slot exists."""
    event = get_event(session)
    grid = slots(session)
    if not grid:
        return None
    last = max(slot_end(s, event.timezone) for s in grid)
    return last + timedelta(weeks=event.follow_up_weeks)


@dataclass(frozen=True)
class Question:
    recipient: Recipient
    meeting_id: int
    counterpart: CompanyNames
    start: datetime


def questions(session: Session, now: datetime) -> list[Question]:
    """Every side of every meeting held that has not been asked yet (none before the time)."""
    event = get_event(session)
    when = survey_time(session)
    if when is None or now < when or event.phase != Phase.announced:
        return []
    grid = {s.id: s for s in slots(session)}
    no_shows = set(
        session.exec(
            select(MeetingOutcome.meeting_id).where(MeetingOutcome.result == OutcomeResult.no_show)
        ).all()
    )
    asked = set(
        session.exec(
            select(Notice.participant_id, Notice.key).where(Notice.kind == NoticeKind.survey)
        ).all()
    )
    people = {p.id: p for p in session.exec(select(Participant)).all()}
    reachable = reachable_ids(session)
    found = []
    meetings = session.exec(select(Meeting).order_by(col(Meeting.id))).all()
    for m in meetings:
        if m.id in no_shows or slot_end(grid[m.slot_id], event.timezone) > now:
            continue
        for me, other in ((m.buyer_id, m.seller_id), (m.seller_id, m.buyer_id)):
            p = people[me]
            if (me, prompt_key(m.id)) in asked:
                continue
            if me not in reachable:
                continue
            found.append(
                Question(
                    Recipient.of(p),
                    m.id,
                    CompanyNames.of(people[other]),
                    slot_start(grid[m.slot_id], event.timezone),
                )
            )
    return found


@dataclass(frozen=True)
class SurveyReply:
    meeting_id: int
    counterpart: CompanyNames
    signed: Signed
    value_usd: int | None


def _names(session: Session, participant_id: int) -> CompanyNames:
    participant = session.get(Participant, participant_id)
    assert participant is not None
    return CompanyNames.of(participant)


def answer_survey(
    session: Session, meeting_id: int, participant_id: int, signed: Signed, now: datetime
) -> SurveyReply:
    """Records (or changes) the answer; a value stays only with a contract or an MOU."""
    meeting = participants_meeting(session, meeting_id, participant_id)
    other = meeting.seller_id if meeting.buyer_id == participant_id else meeting.buyer_id
    row = session.exec(
        select(SurveyAnswer).where(
            SurveyAnswer.meeting_id == meeting_id, SurveyAnswer.participant_id == participant_id
        )
    ).first() or SurveyAnswer(
        meeting_id=meeting_id,
        participant_id=participant_id,
        counterpart_id=other,
        slot_id=meeting.slot_id,
        signed=signed,
        answered_at=now,
    )
    row.signed, row.answered_at = signed, now
    if signed == Signed.nothing:
        row.value_usd = None
    session.add(row)
    session.flush()
    actor = session.get(Participant, participant_id).telegram_id or 0
    record(session, actor, "survey", meeting=meeting_id, signed=signed.value)
    return SurveyReply(meeting_id, _names(session, other), signed, row.value_usd)


def survey_value(
    session: Session, meeting_id: int, participant_id: int, text: str, now: datetime
) -> SurveyReply:
    meeting = participants_meeting(session, meeting_id, participant_id)
    row = session.exec(
        select(SurveyAnswer).where(
            SurveyAnswer.meeting_id == meeting_id, SurveyAnswer.participant_id == participant_id
        )
    ).first()
    if row is None or row.signed == Signed.nothing:
        raise NoOutcomeYet()
    row.value_usd = parse_amount(text)
    row.answered_at = now
    session.add(row)
    session.flush()
    other = meeting.seller_id if meeting.buyer_id == participant_id else meeting.buyer_id
    actor = session.get(Participant, participant_id).telegram_id or 0
    record(session, actor, "survey_value", meeting=meeting_id, value=row.value_usd)
    return SurveyReply(meeting_id, _names(session, other), row.signed, row.value_usd)


def survey_due(session: Session, now: datetime) -> list[Due]:
    """The survey's one run, once there are slots."""
    when = survey_time(session)
    return [] if when is None else [Due(when)]
