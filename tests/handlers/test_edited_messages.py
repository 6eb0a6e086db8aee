"""Users can edit what they sent; the bot reads new messages only, and says so."""

from sqlmodel import select

import builders
from store.db import session_scope
from store.models import Participant


async def test_an_edited_answer_is_not_taken_and_the_user_is_told(bot, fake, engine):
    with session_scope(engine) as session:
        builders.event(session)
        builders.participant(session, "S1", telegram_id=1001, language="en")
    kim = fake.user(1001, "Kim")
    [menu] = await kim.ask("/menu")
    await kim.press(menu, "👤 Account info")
    [section] = await kim.wait_reply()
    await kim.press(section, "✏️ E-mail")
    await kim.wait_reply()
    await kim.ask("not-an-email")
    sent = next(m for m in kim.bot.messages[1001].values() if m.text == "not-an-email")
    await kim.edit(sent, "kim@hanbit.kr")
    [told] = await kim.wait_reply()
    assert "send it again" in told.text
    with session_scope(engine) as session:
        assert session.exec(select(Participant)).one().email == ""
    _, view = await kim.ask("kim@hanbit.kr")
    assert "E-mail: kim@hanbit.kr" in view.text


async def test_messages_in_groups_get_no_answer_and_no_error(bot, fake, engine):
    with session_scope(engine) as session:
        builders.event(session)
    state = fake.bot()
    sender = {"id": 1500, "is_bot": False, "first_name": "Guest"}
    group = {"id": -100123, "type": "supergroup", "title": "Fair chat"}
    update_id = state.queue_update(
        "message",
        {"message_id": 1, "date": 0, "chat": group, "from": sender, "text": "hello bot"},
    )
    assert await state.changes.wait_for(lambda: update_id in state.processing_updates, 5)
    await bot.update_queue.join()
    assert [call.method for call in fake.calls if call.chat_id in (-100123, builders.ADMIN)] == []
