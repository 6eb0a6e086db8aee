"""Telegram's paid broadcasts as the organizer's choice, through the fake Telegram (which
models the paid pace, its price in Stars and its refusal): the offer with durations and cost,
an announcement and a broadcast at the paid pace, the fall back to the free pace when Telegram
refuses, cancelling, and stale buttons."""

import re
import time
from functools import partial

import pytest
from admin_helpers import build_process, matched_people, organizer, users
from sqlmodel import select

import builders
from builders import DEADLINE
from fake_telegram import DEFAULT_TOKEN, FakeTelegram, running_bot
from handlers.admin_pace import offer
from handlers.routes import AnnouncePace, BroadcastPace
from store.db import session_scope
from store.models import AnnouncementDelivery, DeliveryStatus, Event

WAIT = 60.0
HANGUL = re.compile("[가-힣]")


@pytest.fixture
async def fake():
    """Telegram's free flood limit, and a bot with 20,000 Stars for paid broadcasts."""
    async with FakeTelegram(rate_limit_per_second=30, stars=20_000) as server:
        yield server


@pytest.fixture
async def app(fake, engine, clock):
    """The bot, offering the paid pace for any number of messages."""
    clock.now = DEADLINE
    application = build_process(fake, engine, clock, DEFAULT_TOKEN, paid_offer_after=0)
    async with running_bot(application, fake):
        yield application


def sends(fake, people):
    """When each bulk message to a participant arrived (monotonic seconds)."""
    times: list[float] = []
    chats = {user.id for user in people.values()}
    fake.on_event(
        lambda e: (
            times.append(time.monotonic())
            if e.actor == "bot" and e.kind in ("message", "photo") and e.chat_id in chats
            else None
        )
    )
    return times


def busiest_second(times: list[float]) -> int:
    """The most messages that arrived within one second."""
    return max(sum(1 for at in times[i:] if at - start < 1.0) for i, start in enumerate(times))


def paid_button(question) -> str:
    return next(label for row in question.keyboard for label, _ in row if "Paid" in label)


def done(message):
    return "Announcement" in (message.text or "") and "done" in message.text


def texts(message) -> list[str]:
    """Every text the message showed, its edits in order."""
    return [revision.text or "" for revision in message.history] + [message.text or ""]


def in_english(message) -> bool:
    return not any(HANGUL.search(text) for text in texts(message))


def korean_bot(fake, engine, clock, offer_after: float = 0):
    """A bot whose default language is Korean (its organizer's English, as in `organizer`),
    at `clock`'s time."""
    return build_process(
        fake, engine, clock, DEFAULT_TOKEN, paid_offer_after=offer_after, default_language="ko"
    )


def test_the_offer_says_how_long_each_pace_takes_and_what_the_paid_one_costs():
    text, buttons = offer("en", "<b>title</b>", 4200, 60.0, partial(AnnouncePace, after=3))
    assert "about 3 minutes" in text  # 4,200 at 29 a second: 145 s
    assert "about 2 minutes" in text  # at the 60 a second one process draws
    assert "at most 406 Stars" in text  # 4,200 − 30 × 4.7 s at the shared paid pace, 900/s
    assert [[b.callback_data for b in row] for row in buttons.inline_keyboard] == [
        ["ann:free:3"],
        ["ann:paid:3"],
        ["ann:no:3"],
    ]
    text, buttons = offer("ko", "<b>제목</b>", 4200, 60.0, partial(BroadcastPace, key="a1b2c3"))
    assert "약 3분 걸립니다" in text and "최대 스타 406개가 차감됩니다" in text
    labels = [b.text for row in buttons.inline_keyboard for b in row]
    assert labels == ["무료 속도 · 약 3분", "유료 속도 · 약 2분", "✖️ 취소"]


@pytest.mark.slow
async def test_a_paid_announcement_goes_beyond_the_free_pace_and_is_charged(app, fake, engine):
    matched_people(engine, 100, 100)
    people = users(fake, 100, 100)
    times = sends(fake, people)
    admin = organizer(fake)
    [question] = await admin.ask("/announce")
    assert question.text.startswith("📣 Announcing the timetables to 200 people")
    assert "about 7 seconds" in question.text  # at the free pace
    await admin.press(question, "Paid pace · about 3 seconds")
    [final] = await admin.wait_for(done, timeout=WAIT)
    assert "200 sent" in final.text
    assert all(len(user.messages) == 1 for user in people.values())
    photos = [call for call in fake.calls if call.method == "sendPhoto"]
    assert len(photos) == 200 and all(c.params.get("allow_paid_broadcast") for c in photos)
    assert not [call for call in fake.calls if call.error_code == 429]
    # Charged for what went beyond the free 30 a second, if anything: how fast the bot draws
    # and sends the pictures depends on the machine (bench.announce --paid measures it).
    failures = fake.bot().failures
    assert (failures.paid_messages > 0) == (busiest_second(times) > 30)
    assert failures.stars == 20_000 - failures.paid_messages / 10


async def test_when_telegram_refuses_the_paid_pace_the_round_goes_on_free(fake, engine, clock):
    matched_people(engine, 20, 20)
    fake.bot().failures.stars_tenths = 0  # no balance: Telegram refuses paid broadcasts
    clock.now = DEADLINE
    # Korean by default: the English organizer is still told in English.
    application = korean_bot(fake, engine, clock)
    people = users(fake, 20, 20)
    admin = organizer(fake)
    async with running_bot(application, fake):
        [question] = await admin.ask("/announce")
        await admin.press(question, paid_button(question))
        await admin.wait_for(done, timeout=WAIT)
    assert "40 sent" in next(m for m in admin.messages if done(m)).text
    assert all(len(user.messages) == 1 for user in people.values())
    refused = [m for m in admin.messages if "refused the paid pace" in (m.text or "")]
    assert len(refused) == 1
    assert all(in_english(m) for m in admin.messages)
    with session_scope(engine) as session:
        assert session.exec(select(Event)).one().announce_paid is False
        statuses = {d.status for d in session.exec(select(AnnouncementDelivery)).all()}
    assert statuses == {DeliveryStatus.sent}


@pytest.mark.parametrize("offered", [True, False], ids=["pace offered", "no offer"])
async def test_an_english_organizer_of_a_korean_bot_sees_the_whole_round_in_english(
    fake, engine, clock, offered
):
    """The one status message (preparing, the offer, the progress until done) never turns
    into the bot's default language: the round keeps the organizer's."""
    matched_people(engine, 3, 3)
    users(fake, 3, 3)
    admin = organizer(fake)
    clock.now = DEADLINE
    async with running_bot(korean_bot(fake, engine, clock, 0 if offered else 3600), fake):
        [status] = await admin.ask("/announce")
        if offered:
            assert status.text.startswith("📣 Announcing the timetables to 6 people")
            free = next(label for row in status.keyboard for label, _ in row if "Free" in label)
            await admin.press(status, free)
        assert await fake.changes.wait_for(lambda: done(status), WAIT)
    assert "6 sent" in status.text
    assert texts(status)[0] == "Preparing the announcement…", texts(status)
    assert in_english(status), texts(status)


async def test_an_english_organizer_of_a_korean_bot_is_refused_in_english(fake, engine, clock):
    """Refused after the pace choice (another round started meanwhile): the status message
    in English throughout."""
    matched_people(engine, 3, 3)
    users(fake, 3, 3)
    admin = organizer(fake)
    clock.now = DEADLINE
    async with running_bot(korean_bot(fake, engine, clock), fake):
        [first] = await admin.ask("/announce")
        [second] = await admin.ask("/announce")
        await admin.press(first, paid_button(first))
        assert await fake.changes.wait_for(lambda: done(first), WAIT)
        await admin.press(second, paid_button(second))
        assert await fake.changes.wait_for(lambda: "out of date" in second.text, WAIT)
    assert in_english(first), texts(first)
    assert in_english(second), texts(second)


async def test_an_english_organizer_of_a_korean_bot_is_refused_before_the_matching_in_english(
    fake, engine, clock
):
    """Before the deadline (the clock's start), so nothing is matched."""
    with session_scope(engine) as session:
        builders.fair(session, buyers=1, sellers=1)
    admin = organizer(fake)
    async with running_bot(korean_bot(fake, engine, clock), fake):
        [refusal] = await admin.ask("/announce")
    assert texts(refusal)[0] == "Preparing the announcement…", texts(refusal)
    assert "Run the matching first" in refusal.text and in_english(refusal), texts(refusal)


async def test_a_broadcast_waits_for_its_pace_and_a_stale_choice_sends_nothing(app, fake, engine):
    matched_people(engine, 10, 10)
    people = users(fake, 10, 10)
    admin = organizer(fake)
    [question] = await admin.ask("/broadcast all Hall B opens at 10:00")
    assert question.text.startswith("✉️ Sending your message to 20 people")
    paid = question.button(paid_button(question)).callback_data
    await admin.press(question, "✖️ Cancel")
    [cancelled] = await admin.wait_reply()
    assert cancelled.text == "Cancelled: nothing was sent."
    await admin.press_data(question, paid)  # a double tap: nothing waits any more
    await admin.wait_reply()
    assert "out of date" in admin.callback_answers[-1].text

    [question] = await admin.ask("/broadcast all Hall B opens at 10:00")
    await admin.press(question, paid_button(question))
    await admin.wait_for(lambda m: "20 delivered" in (m.text or ""), timeout=WAIT)
    for user in people.values():
        assert [m.text for m in user.messages] == ["Hall B opens at 10:00"]
    assert fake.bot().failures.paid_messages == 0  # 20 messages: all within the free amount
