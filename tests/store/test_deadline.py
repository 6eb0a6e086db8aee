"""/deadline with a time in one transaction (store/deadline.py `move_deadline`): moved while
applications are open, only asked about once they are closed, and each refusal changing
nothing."""

from datetime import datetime, timedelta

import pytest
from sqlmodel import select

import builders
from builders import ADMIN, DEADLINE, NOW
from store.db import session_scope
from store.deadline import DeadlineAfterStart, DeadlinePast, ScheduleAnnounced, move_deadline
from store.models import AuditLog, Event, Phase, Tier

SEOUL_NOON = datetime(2024, 6, 12, 12, 0)  # as typed: no zone, the event's (Asia/Seoul)


@pytest.fixture
def fair(engine) -> None:
    with session_scope(engine) as session:
        builders.event(session)
        buyer, seller = builders.participant(session, "B1"), builders.participant(session, "S1")
        builders.meeting(session, buyer, seller, "D1-0900")


def _move(engine, typed: datetime, now: datetime):
    with session_scope(engine) as session:
        return move_deadline(session, ADMIN, typed, now)


def _state(engine) -> tuple[datetime, Phase, list[str]]:
    with session_scope(engine) as session:
        event = session.exec(select(Event)).one()
        audit = [row.action for row in session.exec(select(AuditLog).order_by(AuditLog.id)).all()]
        return event.deadline, event.phase, audit


def test_while_open_the_deadline_moves_in_the_events_zone_and_is_audited(engine, fair):
    moved = _move(engine, SEOUL_NOON, NOW)
    assert moved.reopening is None
    assert moved.wanted.isoformat() == "2024-06-12T12:00:00+09:00"
    assert moved.event.deadline == moved.wanted and moved.event.timezone == "Asia/Seoul"
    deadline, phase, audit = _state(engine)
    assert deadline == moved.wanted and phase == Phase.open and audit == ["deadline"]


def test_once_closed_it_only_says_what_reopening_would_drop(engine, fair):
    closed = DEADLINE + timedelta(minutes=1)
    with session_scope(engine) as session:
        builders.set_phase(session, Phase.matched)
    moved = _move(engine, SEOUL_NOON, closed)
    assert moved.reopening is not None
    assert (moved.reopening.dropped, moved.reopening.timezone) == (1, "Asia/Seoul")
    assert _state(engine) == (DEADLINE, Phase.matched, [])  # nothing moved before the yes


@pytest.mark.parametrize("closed", [False, True], ids=["open", "closed"])
@pytest.mark.parametrize(
    ("typed", "refusal"),
    [
        (datetime(2024, 5, 31, 9, 0), DeadlinePast),
        (datetime(2024, 6, 25, 9, 0), DeadlineAfterStart),  # after the first meeting
    ],
    ids=["past", "after the fair starts"],
)
def test_a_refused_time_changes_nothing(engine, fair, closed, typed, refusal):
    now = DEADLINE + timedelta(minutes=1) if closed else NOW
    if closed:
        with session_scope(engine) as session:
            builders.set_phase(session, Phase.matched)
    with pytest.raises(refusal) as refused:
        _move(engine, typed, now)
    if refusal is DeadlineAfterStart:  # the time it names, in the event's zone
        assert refused.value.values == {"start": "2024-06-20 09:00"}
    assert _state(engine)[0] == DEADLINE and _state(engine)[2] == []


def test_after_the_announcement_reopening_is_refused(engine, fair):
    with session_scope(engine) as session:
        event = session.exec(select(Event)).one()
        event.phase, event.announce_round = Phase.announced, 1
        session.add(event)
    with pytest.raises(ScheduleAnnounced):
        _move(engine, SEOUL_NOON, DEADLINE + timedelta(minutes=1))
    assert _state(engine) == (DEADLINE, Phase.announced, [])


def test_meetings_set_by_hand_are_not_counted_as_dropped(engine, fair):
    with session_scope(engine) as session:
        builders.meeting(
            session,
            builders.participant(session, "B2"),
            builders.participant(session, "S2"),
            "D1-0930",
            tier=Tier.fixed,
        )
        builders.set_phase(session, Phase.matched)
    moved = _move(engine, SEOUL_NOON, DEADLINE + timedelta(minutes=1))
    assert moved.reopening is not None and moved.reopening.dropped == 1
