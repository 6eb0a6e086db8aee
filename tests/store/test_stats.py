"""The organizer's figures (store/stats.py)."""

import builders
from store.db import session_scope
from store.stats import stats


def test_participants_are_counted_in_the_roles_order_whatever_order_the_rows_come_in(engine):
    with session_scope(engine) as session:
        builders.event(session)
        for code in ("S1", "S2", "B1"):  # a Korean company's row first
            builders.participant(session, code)
        assert list(stats(session).participants.items()) == [("buyer", 1), ("seller", 2)]
