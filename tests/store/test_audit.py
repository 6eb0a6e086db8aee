"""An admin's action and its audit line are one unit of work: both or neither."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from store.audit import audited
from store.db import session_scope
from store.errors import NoEvent
from store.event import get_event
from store.models import AuditLog


def _lines(engine) -> list[tuple[int, str, str]]:
    with Session(engine) as session:
        rows = session.exec(select(AuditLog)).all()
        return [(row.admin_id, row.action, row.detail) for row in rows]


def test_the_line_is_written_with_the_operation(engine, small_fair):
    with session_scope(engine) as session:
        event = audited(session, 7, "deadline_shown", {"why": "test"}, get_event)
    assert event.name
    assert _lines(engine) == [(7, "deadline_shown", '{"why": "test"}')]


def test_a_refused_operation_leaves_no_line(engine):
    with pytest.raises(NoEvent), session_scope(engine) as session:
        audited(session, 7, "deadline_shown", {}, get_event)  # no event imported yet
    assert _lines(engine) == []


def test_a_failed_transaction_takes_the_line_with_it(engine, small_fair):
    with pytest.raises(RuntimeError), session_scope(engine) as session:
        audited(session, 7, "stats", {}, get_event)
        raise RuntimeError("the rest of the unit of work failed")
    assert _lines(engine) == []
