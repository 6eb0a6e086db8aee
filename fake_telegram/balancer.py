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

import aiohttp
from telegram import Update
from telegram.ext import Application

from fake_telegram.running import PROBE_GROUP, _probe
from fake_telegram.server import FakeTelegram
from fake_telegram.state import BotState

AnyApplication = Application[Any, Any, Any, Any, Any, Any]


async def _updates(bot: BotState) -> AsyncIterator[dict[str, Any]]:
    """Each update the users send, once, marked delivered and confirmed as getUpdates would."""
    while not bot.closing:
        await bot.changes.wait_for(lambda: bool(bot.pending_updates) or bot.closing, 60.0)
        updates = bot.deliverable(None, 100)
        for data in updates:
            bot.delivered_updates.add(data["update_id"])
            yield data
        if updates:
            bot.deliverable(updates[-1]["update_id"] + 1, 0)


async def _hand_out(bot: BotState, applications: Sequence[AnyApplication]) -> None:
    turns = itertools.cycle(applications)
    async for data in _updates(bot):
        application = next(turns)
        await application.update_queue.put(Update.de_json(data, application.bot))


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


async def _post_each(bot: BotState, urls: Sequence[str], connections: int) -> None:
    turns = itertools.cycle(urls)
    room = asyncio.Semaphore(connections)
    secret = (bot.webhook or {}).get("secret_token")
    headers = {"X-Telegram-Bot-Api-Secret-Token": str(secret)} if secret else {}
    in_flight: set[asyncio.Task[None]] = set()
    async with aiohttp.ClientSession() as session:

        async def post(url: str, data: dict[str, Any]) -> None:
            try:
                async with session.post(url, json=data, headers=headers) as response:
                    await response.read()
            finally:
                room.release()

        async for data in _updates(bot):
            await room.acquire()
            task = asyncio.create_task(post(next(turns), data))
            in_flight.add(task)
            task.add_done_callback(in_flight.discard)


@asynccontextmanager
async def pushing_to_webhooks(
    fake: FakeTelegram, urls: Sequence[str], token: str | None = None, connections: int = 40
) -> AsyncIterator[None]:
    """POSTs each update the users send to the next of `urls` in turn, as Telegram posts to a
    webhook behind a round-robin load balancer (up to `connections` at once, Telegram's
    default `max_connections`), with the secret token the bot set, if any. Meanwhile the fake's
    own delivery to the webhook the bots set is off: otherwise it would post some updates a
    second time, and the second press's answer be refused as an already answered query."""
    bot = fake.bot(token)
    bot.balanced = True
    feeder = asyncio.create_task(_post_each(bot, urls, connections))
    try:
        yield
    finally:
        feeder.cancel()
        bot.balanced = False
