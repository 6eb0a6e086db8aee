import builders
from store.db import session_scope


async def test_unknown_commands_stray_messages_and_forged_buttons_get_answers(bot, fake, engine):
    with session_scope(engine) as session:
        builders.event(session)
        builders.participant(session, "S1", telegram_id=1001, language="en")
    kim = fake.user(1001, "Kim")
    [reply] = await kim.ask("/frobnicate")
    assert "don't know that command" in reply.text
    [reply] = await kim.ask("안녕하세요 👋")
    assert "/menu" in reply.text
    await kim.send_photo()
    [reply] = await kim.wait_reply()
    assert "/menu" in reply.text
    await kim.send_document(b"%PDF-1.4", "catalog.pdf")
    [reply] = await kim.wait_reply()
    assert "/menu" in reply.text
    await kim.press_data(reply, "zz:\u0000:" + "가" * 20)
    await kim.wait_reply()
    assert kim.callback_answers[-1].show_alert


async def test_strangers_are_sent_to_their_invite(bot, fake, engine):
    with session_scope(engine) as session:
        builders.event(session)
    guest = fake.user(1500, "Guest")
    [welcome] = await guest.ask("/start")
    await guest.press_data(welcome, "acct")
    await guest.wait_reply()
    assert "not registered" in guest.callback_answers[-1].text
    for token in ("short", "A" * 30, "bad token!"):
        replies = await guest.ask(f"/start {token}")
        assert "invite link is not valid" in replies[0].text  # mistyped or unknown alike
