"""/announce's one store call: the round planned and started, or only planned when the
organizer is first offered the pace; refused before the matching."""

import pytest
from sqlmodel import select

import builders
from store.announce import NotMatched, Plan, Round, announce_round
from store.db import session_scope
from store.models import AnnouncementDelivery, Event, Phase

STATUS = 77  # the organizer's status message


def test_the_round_starts_with_the_status_message_unless_the_pace_is_offered(engine):
    with session_scope(engine) as session:
        builders.team(session, Phase.matched)
        counted = []

        def offer(count: int) -> bool:
            counted.append(count)
            return True

        planned = announce_round(session, builders.ADMIN, builders.ADMIN, STATUS, offer)
    assert planned == Plan(0, 4) and counted == [4]
    with session_scope(engine) as session:
        assert session.exec(select(AnnouncementDelivery)).all() == []
        started = announce_round(session, builders.ADMIN, builders.ADMIN, STATUS, lambda n: False)
        event = session.exec(select(Event)).one()
        assert (event.phase, event.announce_message_id) == (Phase.announced, STATUS)
    assert isinstance(started, Round) and (started.number, started.queued) == (1, 4)


def test_announcing_before_the_matching_is_refused(engine):
    with session_scope(engine) as session:
        builders.team(session, Phase.open)
    with pytest.raises(NotMatched), session_scope(engine) as session:
        announce_round(session, builders.ADMIN, builders.ADMIN, STATUS, lambda n: False)
