from sqlmodel import select

import builders
from store.db import session_scope
from store.models import Participant


async def test_the_first_language_follows_telegram_and_language_switches(bot, fake, engine):
    with session_scope(engine) as session:
        builders.event(session)
        token = builders.participant(session, "B1", company="Acme").invite_token
    john = fake.user(2002, "John", language_code="en-US")
    _, menu = await john.ask(f"/start {token}")
    assert "My page" in menu.text
    [chooser] = await john.ask("/language")
    await john.press(chooser, "한국어")
    [menu] = await john.wait_reply()
    assert "마이페이지" in menu.text and "신청 마감" in menu.text
    assert john.callback_answers[-1].text == "언어: 한국어"
    with session_scope(engine) as session:
        assert session.exec(select(Participant)).one().language == "ko"
    [menu] = await john.ask("/menu")
    assert "마이페이지" in menu.text


async def test_dates_follow_the_language_in_the_event_time_zone(bot, fake, engine):
    with session_scope(engine) as session:
        builders.event(session)
        builders.participant(session, "B1", telegram_id=2002, language="en")
        builders.participant(session, "S1", telegram_id=2003, language="ko")
    # The deadline is 2024-06-10 09:00 UTC, 18:00 in Seoul.
    [english] = await fake.user(2002, "John").ask("/menu")
    [korean] = await fake.user(2003, "Kim").ask("/menu")
    assert "Mon, Jun 10, 2024 18:00" in english.text
    assert "2024년 6월 10일 (월) 18:00" in korean.text


async def test_a_stranger_can_switch_language_too(bot, fake, engine):
    with session_scope(engine) as session:
        builders.event(session)
    guest = fake.user(2004, "Guest", language_code="ko")
    [welcome] = await guest.ask("/start")
    assert "환영합니다" in welcome.text
    [chooser] = await guest.ask("/language")
    await guest.press(chooser, "English")
    [welcome] = await guest.wait_reply()
    assert "Welcome to" in welcome.text
    await guest.press_data(welcome, "lang:fr")
    await guest.wait_reply()
    assert guest.callback_answers[-1].show_alert
