"""Several applications of one bot behind a round-robin "load balancer".

In production each bot process receives the webhook POSTs a load balancer hands it, in turn.
Here the fake hands each update its users send to the next application in turn, straight into
the application's update queue (the same place PTB's webhook server puts it), so tests can
run several "processes" of the bot on one database.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any

from telegram import Update
from telegram.ext import Application

from fake_telegram.running import PROBE_GROUP, _probe
from fake_telegram.server import FakeTelegram
from fake_telegram.state import BotState

AnyApplication = Application[Any, Any, Any, Any, Any, Any]


async def _hand_out(bot: BotState, applications: Sequence[AnyApplication]) -> None:
    turns = itertools.cycle(applications)
    while not bot.closing:
        await bot.changes.wait_for(lambda: bool(bot.pending_updates) or bot.closing, 60.0)
        updates = bot.deliverable(None, 100)
        if not updates:
            continue
        for data in updates:
            application = next(turns)
            bot.delivered_updates.add(data["update_id"])
            await application.update_queue.put(Update.de_json(data, application.bot))
        bot.deliverable(updates[-1]["update_id"] + 1, 0)  # confirmed, as getUpdates would


@asynccontextmanager
async def running_balanced(
    applications: Sequence[AnyApplication], fake: FakeTelegram
) -> AsyncIterator[Sequence[AnyApplication]]:
    """Initialize and start every application (built with the fake's URLs and one token);
    each update goes to the next one in turn. Stops them all cleanly on exit."""
    bot = fake.bot(applications[0].bot.token)
    probe = _probe(bot)
    async with AsyncExitStack() as stack:
        for application in applications:
            application.add_handler(probe, group=PROBE_GROUP)
            await stack.enter_async_context(application)
            if application.post_init:
                await application.post_init(application)
            await application.start()
            stack.push_async_callback(application.stop)
        bot.applications = list(applications)
        feeder = asyncio.create_task(_hand_out(bot, applications))
        try:
            yield applications
        finally:
            feeder.cancel()
            bot.applications = []
            for application in applications:
                application.remove_handler(probe, group=PROBE_GROUP)
