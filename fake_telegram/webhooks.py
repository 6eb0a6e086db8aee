"""Delivering updates to a bot's webhook, as Telegram does once `setWebhook` was called.

Each pending update is POSTed to the webhook's URL with the `X-Telegram-Bot-Api-Secret-Token`
header when a `secret_token` was set; a 2xx answer confirms it, anything else (or no answer)
leaves it pending and it is tried again shortly. Updates go one at a time, in order.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from typing import Any

import aiohttp

from fake_telegram.changes import Changes
from fake_telegram.state import BotState

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
RETRY_DELAY = 0.2
POST_TIMEOUT = 10.0


def _due(bot: BotState) -> bool:
    return (
        bot.webhook is not None
        and bool(bot.pending_updates)
        and not bot.closing
        and not bot.balanced
    )


async def deliver(
    bots: Callable[[], Iterable[BotState]], changes: Changes, stopped: Callable[[], bool]
) -> None:
    """Runs until `stopped()` (checked on every change: `FakeTelegram.stop` notifies)."""
    timeout = aiohttp.ClientTimeout(total=POST_TIMEOUT)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        while not stopped():
            await changes.wait_for(lambda: stopped() or any(_due(bot) for bot in bots()), 3600)
            for bot in list(bots()):
                if _due(bot) and not await _deliver_one(session, bot):
                    await asyncio.sleep(RETRY_DELAY)


async def _deliver_one(session: aiohttp.ClientSession, bot: BotState) -> bool:
    """POSTs the bot's first pending update; True if the webhook confirmed it."""
    updates = bot.deliverable(None, 1)
    if not updates or bot.webhook is None:
        return True
    update: dict[str, Any] = updates[0]
    secret = bot.webhook.get("secret_token")
    headers = {SECRET_HEADER: secret} if isinstance(secret, str) else {}
    try:
        async with session.post(bot.webhook["url"], json=update, headers=headers) as answer:
            status = answer.status
    except (aiohttp.ClientError, TimeoutError):
        status = 0
    bot.webhook_answers.append((update["update_id"], status))
    if not 200 <= status < 300:
        return False
    bot.pending_updates = [u for u in bot.pending_updates if u is not update]
    bot.delivered_updates.add(update["update_id"])
    bot.changes.notify()
    return True
