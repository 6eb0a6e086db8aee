"""The shared pace of bulk messages: a message not written by its slot's deadline (the event
loop busy after the slot) takes a later slot instead of going late, a few times at most; the
fake counts what arrives."""

from __future__ import annotations

import time

import pytest

from jobs.sending import LATE_TRIES, PER_CHAT, paced, pacer

pytestmark = [pytest.mark.bot, pytest.mark.per_chat]

CHAT = 4242


def opened(fake):
    kim = fake.user(CHAT, "Kim")
    kim.bot.open_chat(kim.profile)
    return kim


def sends(bot, busy_for: int) -> tuple[list[float], object]:
    """A send whose first `busy_for` attempts find the event loop busy past their deadline
    (as a long-running callback would keep it) before the request is written."""
    attempts: list[float] = []

    async def send():
        attempts.append(time.time())
        if len(attempts) <= busy_for:
            time.sleep(pacer(bot).free.late * 3)  # blocking on purpose: a busy event loop
        return await bot.bot.send_message(CHAT, "paced")

    return attempts, send


async def test_a_message_late_for_its_slot_takes_a_later_one(bot, fake):
    kim = opened(fake)
    attempts, send = sends(bot, busy_for=1)
    await paced(bot, CHAT, send)
    # Tried again (more than once on a loaded machine), written once: the late attempt never
    # reached Telegram.
    assert len(attempts) >= 2
    assert [c.method for c in fake.calls if c.chat_id == CHAT] == ["sendMessage"]
    assert [m.text for m in kim.messages] == ["paced"]


async def test_a_message_always_late_goes_after_a_few_slots(bot, fake):
    kim = opened(fake)
    attempts, send = sends(bot, busy_for=100)
    await paced(bot, CHAT, send)
    assert len(attempts) == LATE_TRIES + 1
    assert [m.text for m in kim.messages] == ["paced"]


async def test_a_late_try_holds_the_chat_no_pause(bot, fake):
    """A try that missed its slot wrote nothing to the chat: the next one waits no second."""
    kim = opened(fake)
    attempts, send = sends(bot, busy_for=1)
    await paced(bot, CHAT, send)
    assert len(attempts) >= 2
    assert attempts[-1] - attempts[-2] < PER_CHAT * 0.8  # a few slots later, not a second
    assert [m.text for m in kim.messages] == ["paced"]
