from sqlmodel import select

import builders
from store.db import session_scope
from store.models import Participant


async def test_before_any_event_the_bot_still_answers(bot, fake):
    kim = fake.user(1001, "Kim", language_code="en")
    [reply] = await kim.ask("/start")
    assert "not set up yet" in reply.text


async def test_an_invite_link_binds_the_account_and_greets_by_company(bot, fake, engine):
    with session_scope(engine) as session:
        builders.event(session)
        token = builders.participant(session, "S1", company="한빛화장품 🌸").invite_token
    kim = fake.user(1001, "Kim", language_code="ko")
    replies = await kim.ask(f"/start {token}")
    assert "한빛화장품 🌸" in replies[0].text and "환영합니다" in replies[0].text
    assert "마이페이지" in replies[1].text
    assert [label for row in replies[1].keyboard for label, _ in row][:2] == [
        "👤 회원정보",
        "🏢 참가 정보",
    ]
    with session_scope(engine) as session:
        stored = session.exec(select(Participant).where(Participant.code == "S1")).one()
        assert stored.telegram_id == 1001
        assert stored.language == "ko"


async def test_a_button_on_a_message_telegram_no_longer_shows_opens_a_new_menu(bot, fake, engine):
    with session_scope(engine) as session:
        builders.event(session)
        builders.participant(session, "S1", telegram_id=1001, language="en")
    kim = fake.user(1001, "Kim")
    [menu] = await kim.ask("/menu")
    menu.date = 0  # how Telegram marks an inaccessible message in a callback query
    await kim.press(menu, "👤 Account info")
    replies = await kim.wait_reply()
    assert [m.message_id for m in replies] != [menu.message_id]
    assert "Account info" in replies[-1].text


async def test_a_menu_edit_telegram_answers_429_is_waited_out_and_made(bot, fake, engine):
    with session_scope(engine) as session:
        builders.event(session)
        builders.participant(session, "S1", telegram_id=1001, language="en")
    kim = fake.user(1001, "Kim")
    [menu] = await kim.ask("/menu")
    fake.fail_next(1001, code=429, retry_after=1, method="editMessageText")
    await kim.press(menu, "👤 Account info")
    [edited] = await kim.wait_for(
        lambda m: m.message_id == menu.message_id and "Account info" in m.text
    )
    assert edited.keyboard  # the menu's buttons came with the edit
