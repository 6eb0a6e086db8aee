"""The real bot, polling over HTTP against the fake Telegram server, on the test database."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime

import pytest
from telegram.ext import Application

from bot.app import build
from bot.fake_telegram import DEFAULT_TOKEN, FakeTelegram, running_bot
from bot.settings import Settings
from builders import NOW
from handlers.services import Services

ADMIN = 9000


class Clock:
    """The bot's notion of now; tests move it, e.g. past the deadline."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock(NOW)


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as server:
        yield server


@pytest.fixture
async def bot(fake: FakeTelegram, engine, clock: Clock) -> AsyncIterator[Application]:
    settings = Settings(
        _env_file=None,
        telegram_bot_token=DEFAULT_TOKEN,
        telegram_api_base_url=f"http://127.0.0.1:{fake.port}",
        admin_ids=[ADMIN],
    )
    services = Services(engine, settings.admin_ids, settings.default_language, clock)
    async with running_bot(build(settings, services), fake) as application:
        yield application
