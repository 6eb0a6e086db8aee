"""An admin's action and its audit line are one unit of work: both or neither, written by the
store operation itself."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlmodel import Session, select

from store.db import session_scope
from store.errors import NoEvent
from store.event import deadline_shown
from store.export import export_data
from store.interpreters import report
from store.manual_matching import low_counts, proposals
from store.models import AuditLog, Participant
from store.reports import figures_now
from store.results import results, today

NOW = datetime(2026, 6, 9, 10, tzinfo=UTC)


def _lines(engine) -> list[tuple[int, str, str]]:
    with Session(engine) as session:
        rows = session.exec(select(AuditLog).order_by(AuditLog.id)).all()
        return [(row.admin_id, row.action, row.detail) for row in rows]


def test_the_line_is_written_with_the_operation(engine, small_fair):
    with session_scope(engine) as session:
        event = deadline_shown(session, 7)
    assert event.name
    assert _lines(engine) == [(7, "deadline_shown", "{}")]


def test_a_refused_operation_leaves_no_line(engine):
    with pytest.raises(NoEvent), session_scope(engine) as session:
        deadline_shown(session, 7)  # no event imported yet
    assert _lines(engine) == []


def test_a_failed_transaction_takes_the_line_with_it(engine, small_fair):
    with pytest.raises(RuntimeError), session_scope(engine) as session:
        figures_now(session, NOW, 7)
        raise RuntimeError("the rest of the unit of work failed")
    assert _lines(engine) == []


def _first(session: Session) -> int:
    return session.exec(select(Participant.id)).first()


LOOKS = {
    "stats": lambda session: figures_now(session, NOW, 7),
    "results": lambda session: results(session, NOW, 7),
    "today": lambda session: today(session, NOW, 7),
    "interpreters": lambda session: report(session, 7),
    "export": lambda session: export_data(session, 7),
    "lowcount": lambda session: low_counts(session, None, 1, admin_id=7),
    "proposals": lambda session: proposals(session, _first(session), admin_id=7),
}


@pytest.mark.parametrize("action", LOOKS)
def test_an_admins_look_is_audited_by_the_store_and_nobody_elses(engine, small_fair, action):
    with session_scope(engine) as session:
        LOOKS[action](session)
    [(admin, written, _)] = _lines(engine)
    assert (admin, written) == (7, action)
    with session_scope(engine) as session:  # the same read for the bot itself: no line
        low_counts(session)
        figures_now(session, NOW)
    assert len(_lines(engine)) == 1
