"""A real PTB application, polling over HTTP, against the fake Bot API server."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
from stock_ptb import stock_builder
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from fake_telegram import FakeTelegram, FakeUser, printer, running_bot
from fake_telegram.users import tiny_png

App = Application[Any, Any, Any, Any, Any, Any]


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_user is not None and update.message is not None
    payload = " ".join(context.args or [])
    await update.message.reply_text(f"Welcome, {update.effective_user.first_name}! {payload}")


async def menu(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message is not None
    keyboard = InlineKeyboardMarkup(
        [
            [InlineKeyboardButton("Save", callback_data="save")],
            [InlineKeyboardButton("Again", callback_data="same")],
            [InlineKeyboardButton("Twice", callback_data="twice")],
            [InlineKeyboardButton("Site", url="https://example.com")],
        ]
    )
    await update.message.reply_text("Menu", reply_markup=keyboard)


async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None and query.message is not None
    if query.data == "save":
        await query.answer("Saved")
        await query.edit_message_text("Saved ✅")
    elif query.data == "same":
        await query.answer()
        await query.edit_message_text("Menu", reply_markup=query.message.reply_markup)
    elif query.data == "twice":
        await query.answer("one")
        await query.answer("two")
    else:
        await query.answer(f"unknown {query.data}", show_alert=True)


async def send_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/text <n> [html]: n letters, or the rest of the message as HTML."""
    assert update.message is not None and update.message.text is not None
    args = context.args or []
    if args and args[0].isdigit():
        await update.message.reply_text("x" * int(args[0]))
    else:
        html = update.message.text.split(" ", 1)[1]
        await update.message.reply_text(html, parse_mode=ParseMode.HTML)


async def big_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message is not None
    data = (context.args or ["x"])[0]
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Pick", callback_data=data)]])
    await update.message.reply_text("Choose", reply_markup=markup)


async def photo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message is not None
    await update.message.reply_photo(tiny_png(), caption="Your badge 🎫")
    await update.message.reply_document(b"a,b\n1,2\n", filename="meetings.csv")


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message is not None and update.message.text is not None
    await update.message.reply_text(update.message.text)


async def received_photo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message is not None
    file = await update.message.photo[-1].get_file()
    data = await file.download_as_bytearray()
    await update.message.reply_text(f"got {len(data)} bytes")


def build(fake: FakeTelegram, errors: list[TelegramError], **options: Any) -> App:
    builder = (
        stock_builder().token(fake.token).base_url(fake.base_url).base_file_url(fake.base_file_url)
    )
    if "rate_limiter" in options:
        builder = builder.rate_limiter(options["rate_limiter"])
    app = builder.build()
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CommandHandler("menu", menu))
    app.add_handler(CommandHandler("text", send_text))
    app.add_handler(CommandHandler("button", big_button))
    app.add_handler(CommandHandler("photo", photo))
    app.add_handler(CallbackQueryHandler(pressed))
    app.add_handler(MessageHandler(filters.PHOTO, received_photo))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))

    async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert isinstance(context.error, TelegramError)
        errors.append(context.error)

    app.add_error_handler(on_error)
    return app


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as server:
        yield server


@pytest.fixture
def errors() -> list[TelegramError]:
    return []


@pytest.fixture
async def app(fake: FakeTelegram, errors: list[TelegramError]) -> AsyncIterator[App]:
    async with running_bot(build(fake, errors), fake) as running:
        yield running


@pytest.fixture
def kim(fake: FakeTelegram) -> FakeUser:
    return fake.user(1001, "Kim", language_code="ko", username="kim_buyer")


async def test_start_with_deep_link_round_trips(app: App, kim: FakeUser) -> None:
    replies = await kim.ask("/start abc")
    assert [m.text for m in replies] == ["Welcome, Kim! abc"]
    assert kim.last_message is replies[0]


async def test_hangul_and_emoji_survive(app: App, kim: FakeUser) -> None:
    text = "안녕하세요 👋🏽 수출 상담회 — 𝕏"
    replies = await kim.ask(text)
    assert replies[0].text == text


async def test_button_press_is_answered_and_edits_the_message(app: App, kim: FakeUser) -> None:
    [menu_message] = await kim.ask("/menu")
    assert menu_message.keyboard[0] == [("Save", "save")]
    assert menu_message.keyboard[3] == [("Site", "https://example.com")]
    await kim.press(menu_message, "Save")
    replies = await kim.wait_reply()
    assert replies == [menu_message]
    assert menu_message.text == "Saved ✅"
    assert menu_message.buttons == []
    assert menu_message.history[0].text == "Menu"
    assert [a.text for a in kim.callback_answers] == ["Saved"]


async def test_identical_edit_is_not_modified(
    app: App, kim: FakeUser, errors: list[TelegramError]
) -> None:
    [menu_message] = await kim.ask("/menu")
    await kim.press(menu_message, "Again")
    assert await kim.wait_reply() == []
    assert isinstance(errors[0], BadRequest)
    assert errors[0].message.startswith("Message is not modified")


async def test_answering_twice_fails(app: App, kim: FakeUser, errors: list[TelegramError]) -> None:
    [menu_message] = await kim.ask("/menu")
    await kim.press(menu_message, "Twice")
    await kim.wait_reply()
    assert [a.text for a in kim.callback_answers] == ["one"]
    assert "Query is too old" in errors[0].message


async def test_forged_callback_data_reaches_the_bot(app: App, kim: FakeUser) -> None:
    [menu_message] = await kim.ask("/menu")
    await kim.press_data(menu_message, "evil:42")
    await kim.wait_reply()
    assert kim.callback_answers[-1].text == "unknown evil:42"
    assert kim.callback_answers[-1].show_alert


@pytest.mark.parametrize(
    ("data", "ok"),
    [("a" * 64, True), ("a" * 65, False), ("가" * 21, True), ("가" * 22, False)],
)
async def test_callback_data_is_limited_to_64_bytes(
    app: App, kim: FakeUser, errors: list[TelegramError], data: str, ok: bool
) -> None:
    replies = await kim.ask(f"/button {data}")
    assert bool(replies) is ok
    if not ok:
        assert isinstance(errors[0], BadRequest)
        assert errors[0].message == "Button_data_invalid"


async def test_text_is_limited_to_4096_utf16_units(
    app: App, kim: FakeUser, errors: list[TelegramError]
) -> None:
    assert len((await kim.ask("/text 4096"))[0].text or "") == 4096
    assert await kim.ask("/text 4097") == []
    assert isinstance(errors[0], BadRequest)
    assert errors[0].message == "Message is too long"


async def test_html_is_parsed_and_bad_html_rejected(
    app: App, kim: FakeUser, errors: list[TelegramError]
) -> None:
    [good] = await kim.ask("/text <b>Fair</b> &amp; <i>meetings</i>")
    assert good.text == "Fair & meetings"
    assert [(e["type"], e["offset"], e["length"]) for e in good.entities] == [
        ("bold", 0, 4),
        ("italic", 7, 8),
    ]
    assert await kim.ask("/text price < 5") == []
    assert errors[0].message == ('Can\'t parse entities: unsupported start tag "" at byte offset 6')


async def test_photo_and_document_uploads_arrive_with_their_bytes(app: App, kim: FakeUser) -> None:
    badge, sheet = await kim.ask("/photo")
    assert badge.photo_bytes == tiny_png()
    assert badge.caption == "Your badge 🎫"
    assert (badge.photo.width, badge.photo.height) == (8, 8)  # type: ignore[union-attr]
    assert sheet.document_bytes == b"a,b\n1,2\n"
    assert sheet.document_name == "meetings.csv"


async def test_bot_downloads_a_photo_the_user_sent(app: App, kim: FakeUser) -> None:
    await kim.send_photo()
    replies = await kim.wait_reply()
    assert replies[0].text == f"got {len(tiny_png())} bytes"


async def test_injected_429_surfaces_as_retry_after(
    fake: FakeTelegram, app: App, kim: FakeUser, errors: list[TelegramError]
) -> None:
    await kim.ask("/start")
    fake.fail_next(kim.id, code=429, retry_after=3)
    assert await kim.ask("hello") == []
    assert isinstance(errors[0], RetryAfter)
    assert errors[0].retry_after == timedelta(seconds=3)  # PTB_TIMEDELTA (bot/__init__.py)
    assert [m.text for m in await kim.ask("hello again")] == ["hello again"]


async def test_rate_limiter_retries_injected_429(fake: FakeTelegram) -> None:
    errors: list[TelegramError] = []
    app = build(fake, errors, rate_limiter=AIORateLimiter(max_retries=2))
    lee = fake.user(1002, "Lee")
    async with running_bot(app, fake):
        await lee.ask("/start")
        fake.fail_next(lee.id, code=429, retry_after=1)
        replies = await lee.ask("are you there?")
    assert [m.text for m in replies] == ["are you there?"]
    assert errors == []
    assert [c.error_code for c in fake.calls if c.method == "sendMessage"] == [None, 429, None]


async def test_blocked_user_surfaces_as_forbidden(
    fake: FakeTelegram, app: App, kim: FakeUser, errors: list[TelegramError]
) -> None:
    await kim.ask("/start")
    fake.block(kim.id)
    assert await kim.ask("hi") == []
    assert isinstance(errors[0], Forbidden)
    assert errors[0].message == "Forbidden: bot was blocked by the user"
    fake.unblock(kim.id)
    assert [m.text for m in await kim.ask("hi")] == ["hi"]


async def test_sending_to_a_user_who_never_started_fails(fake: FakeTelegram, app: App) -> None:
    with pytest.raises(BadRequest, match="Chat not found"):
        await app.bot.send_message(424242, "hello")


async def test_transcript_reads_like_a_chat(fake: FakeTelegram, app: App, kim: FakeUser) -> None:
    lines: list[str] = []
    fake.on_event(printer(lines.append))
    [menu_message] = await kim.ask("/menu")
    await kim.press(menu_message, "Save")
    await kim.wait_reply()
    assert lines == [
        "👤 Kim: /menu",
        "🤖 Matchbot → 1001: Menu  [Save | Again | Twice | Site]",
        "👤 Kim: [pressed] Save",
        "🤖 Matchbot → 1001: [answer] Saved",
        "🤖 Matchbot → 1001: [edited] Saved ✅",
    ]


async def test_many_exchanges_are_fast_and_ordered(app: App, kim: FakeUser) -> None:
    for number in range(100):
        replies = await kim.ask(f"message {number}")
        assert [m.text for m in replies] == [f"message {number}"]
