"""Telegram's paid broadcasts as the organizer's choice, through the fake Telegram (which
models the paid pace, its price in Stars and its refusal): the offer with durations and cost,
an announcement and a broadcast at the paid pace, the fall back to the free pace when Telegram
refuses, cancelling, and stale buttons."""

import time
from functools import partial

import pytest
from admin_helpers import build_process, matched_people, organizer, users
from sqlmodel import select

from builders import DEADLINE
from fake_telegram import DEFAULT_TOKEN, FakeTelegram, running_bot
from handlers.admin_pace import offer
from handlers.routes import AnnouncePace, BroadcastPace
from store.db import session_scope
from store.models import AnnouncementDelivery, DeliveryStatus, Event

WAIT = 60.0


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
    application = build_process(fake, engine, clock, DEFAULT_TOKEN, paid_offer_after=0)
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
    with session_scope(engine) as session:
        assert session.exec(select(Event)).one().announce_paid is False
        statuses = {d.status for d in session.exec(select(AnnouncementDelivery)).all()}
    assert statuses == {DeliveryStatus.sent}


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
