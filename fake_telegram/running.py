"""Running a real PTB application against the fake, with completion tracking for tests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from telegram import Update
from telegram.ext import Application, ContextTypes, TypeHandler

from fake_telegram.server import FakeTelegram
from fake_telegram.state import BotState

# The probe must see each update before any handler of the bot can stop its processing.
PROBE_GROUP = -(10**9)


def _probe(bot: BotState) -> TypeHandler[Update, Any]:
    """A handler that notes which update the application started processing.

    Together with `Application.update_queue.join()` (PTB marks a queued update done only
    after all its handlers ran), this tells `FakeUser.wait_reply` exactly when the bot is done.
    """

    async def seen(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        bot.processing_updates.add(update.update_id)
        bot.changes.notify()

    return TypeHandler(Update, seen)


@asynccontextmanager
async def attached(
    application: Application[Any, Any, Any, Any, Any, Any], fake: FakeTelegram
) -> AsyncIterator[BotState]:
    """Lets `FakeUser.wait_reply` see when `application` is done with an update, however the
    application receives its updates (polling here, or a webhook the caller runs)."""
    bot = fake.bot(application.bot.token)
    probe = _probe(bot)
    application.add_handler(probe, group=PROBE_GROUP)
    bot.application = application
    try:
        yield bot
    finally:
        bot.application = None
        application.remove_handler(probe, group=PROBE_GROUP)


@asynccontextmanager
async def running_bot(
    application: Application[Any, Any, Any, Any, Any, Any],
    fake: FakeTelegram,
    *,
    poll_timeout: float = 10.0,
) -> AsyncIterator[Application[Any, Any, Any, Any, Any, Any]]:
    """Initialize, start and poll `application` against `fake`; stop it cleanly on exit.

    The application must be built with `fake.base_url` and `fake.base_file_url`.
    """
    async with attached(application, fake), application:
        # The same lifecycle hooks run_polling() calls, in the same places.
        if application.post_init:
            await application.post_init(application)
        await application.start()
        assert application.updater is not None, "the application needs an updater to poll"
        await application.updater.start_polling(poll_interval=0, timeout=poll_timeout)
        try:
            yield application
        finally:
            await application.updater.stop()
            await application.stop()
            if application.post_stop:
                await application.post_stop(application)
    if application.post_shutdown:
        await application.post_shutdown(application)
