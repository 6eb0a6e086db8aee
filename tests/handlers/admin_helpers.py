"""Shared pieces of the organizer tests: a fair with Telegram users, and a second bot process."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from contextlib import asynccontextmanager
from datetime import timedelta

import pytest

import builders
from bot.app import build
from bot.settings import Settings
from builders import ADMIN, DEADLINE
from fake_telegram import DEFAULT_TOKEN, FakeTelegram, running_bot
from handlers.services import Services
from store.db import session_scope
from store.matching_run import close_at_deadline


def users(fake: FakeTelegram, buyers: int, sellers: int, token: str | None = None) -> dict:
    """The fair's participants as fake users (ids as in builders.fair), their chats open."""
    people = {}
    for prefix, base, count, language in (("B", 1000, buyers, "en"), ("S", 2000, sellers, "ko")):
        for n in range(1, count + 1):
            user = fake.user(base + n, f"{prefix}{n}", language_code=language, token=token)
            user.bot.open_chat(user.profile)
            people[f"{prefix}{n}"] = user
    return people


# A Korean bot's English admin, and an English bot's Korean one: what the bot sends admins on
# its own (a job's report) is in each admin's language, not the bot's.
ADMIN_LANGUAGES = pytest.mark.parametrize(
    ("bot_language", "admin_language"),
    [("ko", "en"), ("en", "ko")],
    ids=["ko bot, en admin", "en bot, ko admin"],
)


async def admin_reading(fake: FakeTelegram, language: str):
    """The organizer, whose Telegram speaks `language`, after their first /start: the bot
    knows an admin's language from their updates."""
    user = fake.user(ADMIN, "Organizer", language_code=language)
    await user.ask("/start")
    return user


@asynccontextmanager
async def bot_and_admin(fake: FakeTelegram, engine, clock, bot_language: str, admin_language: str):
    """A bot speaking `bot_language` by default, running, and its organizer (`admin_reading`)."""
    application = build_process(fake, engine, clock, DEFAULT_TOKEN, default_language=bot_language)
    async with running_bot(application, fake):
        yield application, await admin_reading(fake, admin_language)


def organizer(fake: FakeTelegram, token: str | None = None):
    user = fake.user(ADMIN, "Organizer", language_code="en", token=token)
    user.bot.open_chat(user.profile)
    return user


def build_process(
    fake: FakeTelegram,
    engine,
    clock,
    token: str,
    lease: timedelta = timedelta(minutes=2),
    paid_offer_after: float = 60.0,
    default_language: str = "en",
    telegram_timeout: float = 10.0,
):
    """A bot process's Application on the shared database (English for the organizer); the
    paid pace is offered when the free one would take longer than `paid_offer_after` s; a
    call to Telegram fails after `telegram_timeout` s (TELEGRAM_TIMEOUT_SECONDS)."""
    settings = Settings(
        _env_file=None,
        telegram_bot_token=token,
        telegram_api_base_url=f"http://127.0.0.1:{fake.port}",
        admin_ids=[ADMIN],
        default_language=default_language,
        telegram_timeout_seconds=telegram_timeout,
    )
    services = Services(
        engine, settings.admin_ids, settings.default_language, clock, lease, paid_offer_after
    )
    return build(settings, services)


@asynccontextmanager
async def process(
    fake: FakeTelegram,
    engine,
    clock,
    token: str,
    lease: timedelta = timedelta(minutes=2),
    telegram_timeout: float = 10.0,
):
    """Another bot process on the same database: its own Application and bot token. A test
    that waits for the jobs that look for work gives a short `lease` (their interval is its
    quarter, jobs/schedule.py); one that waits out a call to Telegram, a short
    `telegram_timeout`."""
    application = build_process(
        fake, engine, clock, token, lease, telegram_timeout=telegram_timeout
    )
    async with running_bot(application, fake) as application:
        yield application


def matched_people(engine, buyers: int, sellers: int) -> None:
    """An event with buyers B1.. and sellers S1.. (Telegram ids as in `users`), no requests,
    matched (so that /announce sends everyone a timetable)."""
    with session_scope(engine) as session:
        builders.event(session)
        for n in range(1, buyers + 1):
            builders.participant(session, f"B{n}", telegram_id=1000 + n)
        for n in range(1, sellers + 1):
            builders.participant(session, f"S{n}", telegram_id=2000 + n)
    with session_scope(engine) as session:
        close_at_deadline(session, DEADLINE)


def chat_users(fake: FakeTelegram, codes: dict[str, int]) -> dict:
    """Fake users by participant code (their Telegram ids given), chats open; buyers (B...)
    write in English, Korean companies in Korean."""
    people = {}
    for code, telegram_id in codes.items():
        language = "en" if code.startswith("B") else "ko"
        user = fake.user(telegram_id, code, language_code=language)
        user.bot.open_chat(user.profile)
        people[code] = user
    return people


async def give_up(user, message, button: str, reason: str) -> None:
    """Presses a cancel button (a reminder's ❌, a meeting card's) and then the reason."""
    await user.press(message, button)
    [why] = await user.wait_reply()
    await user.press(why, reason)
    await user.wait_reply()


async def until(condition: Callable[[], bool], timeout: float = 60.0) -> bool:
    """Polls a database condition (no fake call tells when it changes) until a deadline."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.1)
    return True
