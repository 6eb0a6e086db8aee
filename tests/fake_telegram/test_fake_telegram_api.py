"""Bot API calls against the fake, made directly with PTB's `Bot` and raw HTTP."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiohttp import web
from stock_ptb import stock_bot
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    MenuButtonCommands,
    ReplyKeyboardMarkup,
)
from telegram.constants import ChatAction, ParseMode
from telegram.error import BadRequest, Conflict, InvalidToken, RetryAfter, TimedOut

import fake_telegram.users
from fake_telegram import FakeTelegram, FakeUser, pushing_to_webhooks


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as server:
        yield server


@pytest.fixture
async def bot(fake: FakeTelegram) -> AsyncIterator[Bot]:
    async with stock_bot(fake.token, base_url=fake.base_url, base_file_url=fake.base_file_url) as b:
        yield b


@pytest.fixture
async def park(fake: FakeTelegram) -> FakeUser:
    user = fake.user(2001, "Park", language_code="ko")
    await user.send("/start")
    return user


async def test_get_me_describes_the_bot(bot: Bot) -> None:
    me = await bot.get_me()
    assert (me.id, me.username, me.is_bot) == (123456, "matchbot_test_bot", True)


async def test_unknown_method_is_404_like_telegram(fake: FakeTelegram) -> None:
    url = f"{fake.base_url}{fake.token}/sendPoll"
    async with aiohttp.ClientSession() as session, session.post(url) as response:
        assert response.status == 404
        assert await response.json() == {"ok": False, "error_code": 404, "description": "Not Found"}


async def test_json_bodies_are_accepted_too(fake: FakeTelegram, park: FakeUser) -> None:
    async with aiohttp.ClientSession() as session:
        url = f"{fake.base_url}{fake.token}/sendMessage"
        async with session.post(url, json={"chat_id": park.id, "text": "123"}) as response:
            body = await response.json()
    assert body["ok"] and body["result"]["text"] == "123"


async def test_get_updates_honours_offset_limit_and_timeout(bot: Bot, park: FakeUser) -> None:
    await park.send("one")
    await park.send("two")
    first = await bot.get_updates(limit=2, timeout=0)
    assert [u.message.text for u in first if u.message] == ["/start", "one"]
    again = await bot.get_updates(timeout=0)
    assert len(again) == 3, "unconfirmed updates are delivered again"
    rest = await bot.get_updates(offset=first[-1].update_id + 1, timeout=0)
    assert [u.message.text for u in rest if u.message] == ["two"]
    started = time.monotonic()
    assert await bot.get_updates(offset=rest[-1].update_id + 1, timeout=0.2) == ()
    assert time.monotonic() - started >= 0.2


async def test_long_poll_returns_as_soon_as_an_update_arrives(bot: Bot, park: FakeUser) -> None:
    offset = (await bot.get_updates(timeout=0))[-1].update_id + 1
    poll = asyncio.create_task(bot.get_updates(offset=offset, timeout=5))
    await asyncio.sleep(0.05)
    await park.send("wake up")
    updates = await asyncio.wait_for(poll, 1)
    assert updates[0].message is not None and updates[0].message.text == "wake up"


async def test_allowed_updates_drop_other_types(bot: Bot, park: FakeUser) -> None:
    message = await bot.send_message(
        park.id,
        "Pick",
        reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("A", callback_data="a")]]),
    )
    stored = park.messages[0]
    assert stored.message_id == message.message_id
    await park.press(stored, "A")
    updates = await bot.get_updates(timeout=0, allowed_updates=["callback_query"])
    assert [u.callback_query.data for u in updates if u.callback_query] == ["a"]
    assert all(u.message is None for u in updates)


async def test_webhook_blocks_polling_until_deleted(bot: Bot, fake: FakeTelegram) -> None:
    await bot.set_webhook("https://example.com/hook")
    assert fake.bot().webhook == {"url": "https://example.com/hook"}
    with pytest.raises(Conflict):
        await bot.get_updates(timeout=0)
    await bot.delete_webhook()
    assert await bot.get_updates(timeout=0) == ()


async def test_balancer_in_front_of_the_webhook_posts_each_update_once(
    bot: Bot, fake: FakeTelegram, park: FakeUser
) -> None:
    """`pushing_to_webhooks` stands for the load balancer at the webhook's URL: the fake's own
    delivery to the URL the bots set must not post the same update a second time (a press
    handled twice gets "query is too old" on its second answer)."""
    seen: list[int] = []

    async def receive(request: web.Request) -> web.Response:
        seen.append((await request.json())["update_id"])
        fake.changes.notify()
        return web.Response()

    app = web.Application()
    app.router.add_post("/hook", receive)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    url = f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}/hook"
    try:
        async with pushing_to_webhooks(fake, [url]):
            await bot.set_webhook(url)  # as each bot process does at start
            for number in range(30):
                await park.send(f"message {number}")
            assert await fake.changes.wait_for(lambda: len(set(seen)) == 31, 10)
            # Anything posted twice would have been posted by now: the fake's delivery is
            # one update at a time and was due as soon as the first update was queued.
            await bot.delete_webhook()
        assert sorted(seen) == sorted(set(seen))
        assert fake.bot().webhook_answers == []
    finally:
        await runner.cleanup()


async def test_unknown_chat_and_messages(bot: Bot, park: FakeUser) -> None:
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.send_message(999, "hi")
    with pytest.raises(BadRequest, match="Message to edit not found"):
        await bot.edit_message_text("x", chat_id=park.id, message_id=77)
    with pytest.raises(BadRequest, match="Message to delete not found"):
        await bot.delete_message(park.id, 77)
    with pytest.raises(BadRequest, match="Message can't be edited"):
        await bot.edit_message_text("x", chat_id=park.id, message_id=1)


async def test_text_rules(bot: Bot, park: FakeUser) -> None:
    with pytest.raises(BadRequest, match="Message text is empty"):
        await bot.send_message(park.id, " \n ")
    with pytest.raises(BadRequest, match="Message text is empty"):
        await bot.send_message(park.id, "<b> </b>", parse_mode=ParseMode.HTML)
    emoji = "😀" * 2048  # 4096 UTF-16 code units
    assert (await bot.send_message(park.id, emoji)).text == emoji
    with pytest.raises(BadRequest, match="Message is too long"):
        await bot.send_message(park.id, emoji + "x")
    html = "<b>" + "x" * 4096 + "</b>"
    assert await bot.send_message(park.id, html, parse_mode=ParseMode.HTML)


async def test_caption_limit(bot: Bot, park: FakeUser) -> None:
    from fake_telegram.users import tiny_png

    await bot.send_photo(park.id, tiny_png(), caption="c" * 1024)
    with pytest.raises(BadRequest, match="Message caption is too long"):
        await bot.send_photo(park.id, tiny_png(), caption="c" * 1025)
    with pytest.raises(BadRequest, match="Image_process_failed"):
        await bot.send_photo(park.id, b"not an image")


async def test_edits_and_not_modified(bot: Bot, park: FakeUser) -> None:
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("A", callback_data="a")]])
    sent = await bot.send_message(park.id, "Hello", reply_markup=markup)
    with pytest.raises(BadRequest, match="Message is not modified"):
        await bot.edit_message_text("Hello", park.id, sent.message_id, reply_markup=markup)
    with pytest.raises(BadRequest, match="Message is not modified"):
        await bot.edit_message_reply_markup(park.id, sent.message_id, reply_markup=markup)
    edited = await bot.edit_message_text("Hello", park.id, sent.message_id)
    assert edited.reply_markup is None, "an edit without markup removes the keyboard"
    with pytest.raises(BadRequest, match="There is no caption in the message to edit"):
        await bot.edit_message_caption(park.id, sent.message_id, caption="c")
    await bot.delete_message(park.id, sent.message_id)
    assert park.messages == []
    with pytest.raises(BadRequest, match="Message to edit not found"):
        await bot.edit_message_text("Bye", park.id, sent.message_id)


async def test_keyboard_validation(bot: Bot, park: FakeUser) -> None:
    # PTB refuses to build bad buttons, so they go as raw JSON.
    with pytest.raises(BadRequest, match=r"(?i)text buttons are unallowed"):
        await bot.send_message(
            park.id, "x", reply_markup={"inline_keyboard": [[{"text": "no action"}]]}
        )
    with pytest.raises(BadRequest, match=r'(?i)can.t find field "text"'):
        await bot.send_message(
            park.id, "x", reply_markup={"inline_keyboard": [[{"callback_data": "x"}]]}
        )
    with pytest.raises(BadRequest, match=r"(?i)exactly one of url, callback_data"):
        await bot.send_message(
            park.id,
            "x",
            reply_markup={
                "inline_keyboard": [[{"text": "t", "url": "https://a.b", "callback_data": "x"}]]
            },
        )
    with pytest.raises(BadRequest, match=r"(?i)should be an array of arrays"):
        await bot.send_message(park.id, "x", reply_markup={"inline_keyboard": [{"text": "t"}]})


async def test_reply_keyboard_is_visible_to_the_user(bot: Bot, park: FakeUser) -> None:
    await bot.send_message(
        park.id, "Language?", reply_markup=ReplyKeyboardMarkup([["한국어", "English"]])
    )
    assert park.reply_keyboard == [["한국어", "English"]]


async def test_commands_menu_chat_and_actions(bot: Bot, park: FakeUser) -> None:
    scope = BotCommandScopeChat(park.id)
    await bot.set_my_commands([BotCommand("start", "시작")], scope=scope, language_code="ko")
    assert await bot.get_my_commands() == ()
    assert await bot.get_my_commands(scope=scope, language_code="ko") == (
        BotCommand("start", "시작"),
    )
    await bot.delete_my_commands(scope=scope, language_code="ko")
    assert await bot.get_my_commands(scope=scope, language_code="ko") == ()
    with pytest.raises(BadRequest, match="Bot_command_invalid"):
        await bot.set_my_commands([BotCommand("no spaces", "x")])
    await bot.set_chat_menu_button(park.id, MenuButtonCommands())
    chat = await bot.get_chat(park.id)
    assert (chat.first_name, chat.type) == ("Park", "private")
    await bot.send_chat_action(park.id, ChatAction.TYPING)
    assert park.chat_actions == ["typing"]


async def test_user_document_can_be_downloaded(bot: Bot, park: FakeUser) -> None:
    sent = await park.send_document(b"%PDF-1.4 brochure", file_name="brochure.pdf")
    assert sent.document is not None
    file = await bot.get_file(sent.document.file_id)
    assert bytes(await file.download_as_bytearray()) == b"%PDF-1.4 brochure"


async def test_global_rate_limit() -> None:
    async with FakeTelegram(rate_limit_per_second=5) as limited:
        user = limited.user(3001, "Choi")
        await user.send("/start")
        async with stock_bot(limited.token, base_url=limited.base_url) as bot:
            for number in range(5):
                await bot.send_message(user.id, f"{number}")
            with pytest.raises(RetryAfter):
                await bot.send_message(user.id, "sixth")
    assert [c.error_code for c in limited.calls][-1] == 429


async def test_fail_next_by_method_and_other_codes(
    bot: Bot, fake: FakeTelegram, park: FakeUser
) -> None:
    fake.fail_next(method="getUpdates", code=502)
    with pytest.raises(Exception, match="Bad Gateway"):
        await bot.get_updates(timeout=0)
    fake.fail_next(park.id, code=400, description="Bad Request: custom", times=2)
    for _ in range(2):
        with pytest.raises(BadRequest, match="Custom"):
            await bot.send_message(park.id, "x")
    assert await bot.send_message(park.id, "x")


async def test_invalid_token_format_is_rejected(fake: FakeTelegram) -> None:
    async with stock_bot("123:ABC", base_url=fake.base_url) as good:
        assert (await good.get_me()).id == 123
    with pytest.raises(InvalidToken):
        async with stock_bot("not-a-token", base_url=fake.base_url) as bad:
            await bad.get_me()


async def test_blocking_the_bot_queues_my_chat_member(bot: Bot, park: FakeUser) -> None:
    await park.block_bot()
    updates = await bot.get_updates(timeout=0)
    member = updates[-1].my_chat_member
    assert member is not None and member.new_chat_member.status == "kicked"
    with pytest.raises(Exception, match="blocked"):
        await bot.send_message(park.id, "still there?")


async def test_wait_reply_without_attached_application(
    bot: Bot, park: FakeUser, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The two sends are one round trip apart: far below this quiet period even on a loaded
    # machine, where the default 0.05 s may pass between them.
    monkeypatch.setattr(fake_telegram.users, "QUIET_PERIOD", 0.5)

    async def tiny_bot() -> None:
        offset = None
        while True:
            for update in await bot.get_updates(offset=offset, timeout=1):
                offset = update.update_id + 1
                if update.message and update.message.text == "ping":
                    await asyncio.sleep(0.02)
                    await bot.send_message(park.id, "pong")
                    await bot.send_message(park.id, "pong again")

    task = asyncio.create_task(tiny_bot())
    try:
        await park.send("ping")
        replies = await park.wait_reply()
    finally:
        task.cancel()
    assert [m.text for m in replies] == ["pong", "pong again"]


async def test_a_delayed_failure_times_the_bot_out_and_sends_nothing(
    bot: Bot, fake: FakeTelegram, park: FakeUser
) -> None:
    fake.fail_next(park.id, code=504, delay=1.0)
    with pytest.raises(TimedOut):
        await bot.send_message(park.id, "lost", read_timeout=0.3)
    assert await fake.changes.wait_for(lambda: any(c.error_code == 504 for c in fake.calls), 5)
    assert await bot.send_message(park.id, "through")
    assert "lost" not in [m.text for m in park.messages]
