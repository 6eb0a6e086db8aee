"""Every timed job's runs read in one transaction (store/due.py)."""

from datetime import timedelta

import builders
from builders import NOW
from store.db import session_scope
from store.due import Due, each_due
from store.event import get_event
from store.reminders import deadline_due, deadline_reminders_due


def test_each_job_gets_its_own_runs_in_order(engine):
    with session_scope(engine) as session:
        builders.event(session, deadline=NOW + timedelta(hours=2))
    with session_scope(engine) as session:
        deadline = get_event(session).deadline
        runs = each_due(session, [deadline_due, lambda session, now: [Due(now, "x")]], NOW)
    assert runs == [[Due(deadline)], [Due(NOW, "x")]]


def test_without_an_event_nothing_is_due(engine):
    with session_scope(engine) as session:
        assert each_due(session, [deadline_due, deadline_reminders_due], NOW) == [(), ()]
