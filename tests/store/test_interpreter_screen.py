"""An interpreter's screen in one store call per press (store/interpreter_screen.py): their
home recorded as read, a meeting pressed that is not theirs, someone else pressing, and ❌
handing the meeting on."""

import pytest
from sqlmodel import select

import builders
from builders import NOW
from store.db import session_scope
from store.interpreter_screen import Home, home, press
from store.interpreters import changed_interpreters, reassign
from store.models import Interpreter, InterpreterAssignment, InterpreterDecline
from store.participants import new_invite_token

KIM, LEE = 7001, 7002


@pytest.fixture
def fair(engine) -> dict[str, int]:
    """B1 (Japanese) meets S1 in D1-0900; Kim (I1) and Lee (I2) interpret Japanese, joined."""
    with session_scope(engine) as session:
        builders.event(session)
        b1 = builders.participant(session, "B1", interpreter_language="ja")
        s1 = builders.participant(session, "S1")
        builders.meeting(session, b1, s1, "D1-0900")
        for code, telegram_id in (("I1", KIM), ("I2", LEE)):
            session.add(
                Interpreter(
                    code=code,
                    name=code,
                    languages="ja",
                    invite_token=new_invite_token(),
                    telegram_id=telegram_id,
                )
            )
        session.flush()
        reassign(session)
        held = session.exec(select(InterpreterAssignment)).one()
        return {"B1": b1.id, "S1": s1.id, "holder": held.interpreter_id}


def _press(engine, telegram_id: int, pair, declined: bool = False):
    with session_scope(engine) as session:
        return press(session, telegram_id, pair, declined, NOW)


def _holder(engine, fair) -> int:
    with session_scope(engine) as session:
        return session.exec(
            select(Interpreter.telegram_id).where(Interpreter.id == fair["holder"])
        ).one()


def test_the_home_is_the_schedule_recorded_as_read(engine, fair):
    holder = _holder(engine, fair)
    with session_scope(engine) as session:
        assert fair["holder"] in changed_interpreters(session)
    seen = _press(engine, holder, None).home
    assert seen.event.name == "Boom Up Korea 2024" and len(seen.plan.jobs) == 1
    with session_scope(engine) as session:  # nothing new to push to them now
        assert fair["holder"] not in changed_interpreters(session)


def test_before_an_event_the_home_is_empty(engine):
    with session_scope(engine) as session:
        session.add(Interpreter(code="I1", name="I1", languages="ja", invite_token="t" * 20))
        session.flush()
        assert home(session, session.exec(select(Interpreter.id)).one()) == Home(None, None)


def test_a_meeting_not_theirs_and_a_stranger_change_nothing(engine, fair):
    pair = (fair["B1"], fair["S1"])
    other = LEE if _holder(engine, fair) == KIM else KIM
    assert _press(engine, 4242, pair, True).interpreter is None  # no interpreter's account
    refused = _press(engine, other, pair, True)
    assert refused.interpreter is not None and refused.job is None and refused.changes is None
    with session_scope(engine) as session:
        assert session.exec(select(InterpreterDecline)).all() == []


def test_asking_changes_nothing_and_declining_hands_it_on(engine, fair):
    pair, holder = (fair["B1"], fair["S1"]), _holder(engine, fair)
    asked = _press(engine, holder, pair)
    assert asked.job is not None and asked.changes is None
    with session_scope(engine) as session:
        assert session.exec(select(InterpreterDecline)).all() == []
    done = _press(engine, holder, pair, True)
    assert done.job is not None and pair in done.changes.gained
    with session_scope(engine) as session:
        moved = session.exec(select(InterpreterAssignment)).one().interpreter_id
    assert moved != fair["holder"]
