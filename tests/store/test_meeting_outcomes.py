"""Meeting outcomes in the store: when they may be given, amounts as people type them."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

import builders
from store.db import session_scope
from store.fairday import MeetingGone
from store.models import OutcomeResult, Phase, Slot
from store.outcomes import (
    BadAmount,
    MeetingNotOver,
    NoOutcomeYet,
    NoteTooLong,
    OutcomesClosed,
    outcome_counts,
    parse_amount,
    prompts,
    record_outcome,
    set_details,
)

END = datetime(2024, 6, 20, 9, 30, tzinfo=ZoneInfo("Asia/Seoul"))


@pytest.mark.parametrize(
    ("typed", "amount"),
    [
        ("15000", 15000),
        ("15,000", 15000),
        ("$15k", 15000),
        ("US$ 2.5m", 2_500_000),
        ("12,000 USD", 12000),
        ("1500만 달러", 15_000_000),
        ("USD 3억", 300_000_000),
        ("0", 0),
    ],
)
def test_amounts_as_people_type_them(typed, amount):
    assert parse_amount(typed) == amount


@pytest.mark.parametrize("typed", ["", "abc", "-5", "1.2.3", "15 k k", "99999999999"])
def test_what_is_not_an_amount(typed):
    with pytest.raises(BadAmount):
        parse_amount(typed)


@pytest.fixture
def meeting(engine):
    with session_scope(engine) as session:
        builders.event(session)
        b1 = builders.participant(session, "B1", telegram_id=1)
        s1 = builders.participant(session, "S1", telegram_id=2)
        row = builders.meeting(session, b1, s1, "D1-0900")
        builders.set_phase(session, Phase.announced)
        return row.id, b1.id, s1.id


def test_answers_only_after_the_meeting_and_until_a_week_after_the_fair(engine, meeting):
    meeting_id, buyer, seller = meeting
    with session_scope(engine) as session:
        with pytest.raises(MeetingNotOver):
            record_outcome(
                session, meeting_id, buyer, OutcomeResult.follow_up, END - timedelta(minutes=1)
            )
        with pytest.raises(MeetingGone):  # not theirs
            record_outcome(session, meeting_id, 999, OutcomeResult.follow_up, END)
        with pytest.raises(NoOutcomeYet):
            set_details(session, meeting_id, buyer, END, value_text="100")
        record_outcome(session, meeting_id, buyer, OutcomeResult.follow_up, END)
        with pytest.raises(NoteTooLong):
            set_details(session, meeting_id, buyer, END, note="x" * 301)
        answer = set_details(session, meeting_id, buyer, END, note="  two   words ")
        assert answer.note == "two words"
        assert [p.recipient.participant_id for p in prompts(session, answer_slot(session))] == [
            buyer,
            seller,
        ]
        counts = outcome_counts(session, END)
        assert (counts.asked, counts.results["follow_up"]) == (2, 1)
        closing = datetime(2024, 6, 21, 12, 0, tzinfo=ZoneInfo("Asia/Seoul")) + timedelta(days=7)
        with pytest.raises(OutcomesClosed):
            record_outcome(session, meeting_id, seller, OutcomeResult.no_show, closing)


def answer_slot(session):
    return session.exec(select(Slot).where(Slot.code == "D1-0900")).one().id
