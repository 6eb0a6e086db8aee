"""참가 정보's hybrid-fair choices: an online buyer picks the zone they read times in (their
country's zones and the fair's), a buyer the language they need an interpreter for (or none),
which moves interpreters at once; forged choices change nothing."""

from __future__ import annotations

import pytest
from sqlmodel import select

import builders
from store.db import session_scope
from store.event import parse_config, setup_event
from store.models import Attendance, Interpreter, InterpreterAssignment, Participant, Phase
from store.participants import new_invite_token

TEMPLATE = "https://meet.jit.si/BoomUpKorea-{room}"


@pytest.fixture
def people(bot, fake, engine):
    with session_scope(engine) as session:
        setup_event(session, parse_config(builders.EVENT_FILE | {"video_link": TEMPLATE}))
        ann = builders.participant(
            session, "B1", telegram_id=2001, language="en", attendance=Attendance.online
        )
        kim = builders.participant(session, "S1", telegram_id=2002, language="ko")
        builders.meeting(session, ann, kim, "D1-0900")
        session.add(
            Interpreter(code="I1", name="Aoki", languages="ja", invite_token=new_invite_token())
        )
    return fake.user(2001, "Ann", language_code="en"), fake.user(2002, "Kim", language_code="ko")


def stored(engine, code: str) -> Participant:
    with session_scope(engine) as session:
        return session.exec(select(Participant).where(Participant.code == code)).one()


async def participation(user, label: str):
    [menu] = await user.ask("/menu")
    await user.press(menu, label)
    [section] = await user.wait_reply()
    return section


async def test_an_online_buyer_chooses_another_zone_of_their_country(people, engine):
    ann, _ = people
    section = await participation(ann, "🏢 Participation info")
    assert "Time zone: New York (UTC-4)" in section.text
    assert "Interpreter language: No interpreter needed" in section.text
    await ann.press(section, "✏️ Time zone")
    [choices] = await ann.wait_reply()
    labels = [b.text for row in choices.buttons for b in row]
    assert labels[0] == "✅ New York (UTC-4)"
    assert "Los Angeles (UTC-7)" in labels and "The fair's time (Seoul)" in labels
    await ann.press(choices, "Los Angeles (UTC-7)")
    [section] = await ann.wait_reply()
    assert "Time zone: Los Angeles (UTC-7)" in section.text
    assert stored(engine, "B1").timezone == "America/Los_Angeles"
    with session_scope(engine) as session:
        builders.set_phase(session, Phase.announced)
    [timetable] = await ann.ask("/schedule")  # times in the chosen zone, Seoul's beside
    assert "17:00–17:30 (Seoul 09:00)" in timetable.text


async def test_a_buyer_needs_an_interpreter_and_one_is_assigned_at_once(people, engine):
    ann, kim = people
    section = await participation(ann, "🏢 Participation info")
    await ann.press(section, "✏️ Interpreter language")
    [choices] = await ann.wait_reply()
    labels = [b.text for row in choices.buttons for b in row]
    assert labels[0] == "Japanese" and "✅ No interpreter needed" in labels
    await ann.press(choices, "Japanese")
    [section] = await ann.wait_reply()
    assert "Interpreter language: Japanese" in section.text
    with session_scope(engine) as session:
        assert len(session.exec(select(InterpreterAssignment)).all()) == 1
    await ann.press(section, "✏️ Interpreter language")
    [choices] = await ann.wait_reply()
    await ann.press(choices, "No interpreter needed")
    await ann.wait_reply()
    assert stored(engine, "B1").interpreter_language is None
    with session_scope(engine) as session:
        assert session.exec(select(InterpreterAssignment)).all() == []
    # a Korean company on site has neither choice
    section = await participation(kim, "🏢 참가 정보")
    assert "표준 시간대" not in section.text and "통역 언어" not in section.text


@pytest.mark.parametrize("data", ["pz:set:Asia/Tokyo", "pi:set:ko", "pz:set:../etc", "pi:ask:-"])
async def test_forged_choices_change_nothing(people, engine, data):
    ann, kim = people
    user = kim if data.startswith("pi:ask") else ann
    [menu] = await user.ask("/menu")
    before = stored(engine, "B1"), stored(engine, "S1")
    await user.press_data(menu, data)
    await user.wait_reply()
    [answer] = user.callback_answers[-1:]
    assert answer.show_alert and ("not valid" in answer.text or "사용할 수 없는" in answer.text)
    assert (stored(engine, "B1"), stored(engine, "S1")) == before
