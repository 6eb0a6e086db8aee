"""The senders' look every few seconds (store/unsent.py): one read of all there is to send."""

from datetime import timedelta

import builders
from builders import NOW
from store import notices
from store.db import session_scope
from store.models import NoticeKind
from store.unsent import Unsent, unsent

LEASE = timedelta(seconds=30)


def test_a_fair_with_nothing_queued_has_nothing_to_send(engine):
    with session_scope(engine) as session:
        builders.event(session)
    with session_scope(engine) as session:
        assert unsent(session, NOW, LEASE) == Unsent(None, None, [], [], False, False)


def test_a_queued_survey_question_waits_for_a_sender_and_its_count(engine):
    with session_scope(engine) as session:
        builders.event(session)
        person = builders.participant(session, "P", telegram_id=5000).id
        notices.queue(session, [notices.Draft(NoticeKind.survey, person, "meeting-1", "?")])
    with session_scope(engine) as session:
        found = unsent(session, NOW, LEASE)
    assert (found.notices, found.survey_report) == (True, True)
    with session_scope(engine) as session:
        notices.claim(session, "me", NOW, LEASE)
    with session_scope(engine) as session:
        assert not unsent(session, NOW, LEASE).notices  # its sender holds it
        assert unsent(session, NOW + LEASE * 2, LEASE).notices  # the sender died
