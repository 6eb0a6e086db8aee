"""Starting the bot for real: polling (or a webhook), on a schema `python -m bot` has brought
up to date (bot/cli.py, `open_database`)."""

from __future__ import annotations

import asyncio
import gc
import logging
import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from telegram import Update
from telegram.ext import Application

from bot.app import build
from bot.settings import Settings
from handlers.services import Services
from store.db import make_engine

log = logging.getLogger(__name__)

# The pause after each getUpdates answer before asking again, in seconds; `bench.load` polls
# with the same (`--poll-interval` to compare others). A pause lets the updates arriving
# meanwhile come in one answer, one request and one wake-up instead of one each, at the price
# of that much latency; docs/benchmarks.md ("a fourth round") has what it was measured to give:
# on a quiet machine 0.7-1.1 ms less CPU per press and 200 a second within p95 100 ms.
POLL_INTERVAL = 0.02
# Python's collector of reference cycles runs its youngest generation every this many new
# objects (its default: 700), see `collect_less`.
COLLECT_AFTER = 20_000


def collect_less() -> None:
    """Called once the bot is built, before it serves. The objects made so far (modules, PTB's
    and SQLAlchemy's, the catalogs) live as long as the process: the collector stops walking
    them (`gc.freeze`), and runs after `COLLECT_AFTER` new objects instead of 700. A press
    makes thousands of short-lived objects, nearly all freed at once by their reference count;
    in `bench.load` the collector took 4% of the bot's CPU, its oldest generation 100 ms at a
    time, and 0.8% after (docs/benchmarks.md, "a fourth round")."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(COLLECT_AFTER, *gc.get_threshold()[1:])


@dataclass(frozen=True)
class Webhook:
    """Where Telegram (or the proxy in front) posts updates, and where this process listens."""

    url: str | None
    secret: str
    listen: str = "0.0.0.0"
    port: int = 8443
    path: str = "/"


def run(settings: Settings, webhook: Webhook | None = None) -> None:
    logging.basicConfig(
        format="%(asctime)s %(levelname)s %(name)s: %(message)s", level=logging.INFO
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)
    engine = make_engine(settings.database_url)
    services = Services(
        engine,
        settings.admin_ids,
        settings.default_language,
        lease=timedelta(seconds=settings.delivery_lease_seconds),
        paid_offer_after=settings.paid_broadcast_offer_seconds,
    )
    application = build(settings, services)
    collect_less()
    if webhook:
        asyncio.run(run_webhook(application, webhook))
    else:
        application.run_polling(poll_interval=POLL_INTERVAL, allowed_updates=Update.ALL_TYPES)


def _stop_signals() -> asyncio.Event:
    """An event set on SIGINT or SIGTERM (what a service manager sends to stop the process),
    listened for before the bot starts: a signal while it still starts stops it once started,
    cleanly. Listened for only once it served, such a signal killed the process (exit -15)."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for number in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(number, stop.set)
    return stop


@asynccontextmanager
async def webhook_running(
    application: Application[Any, Any, Any, Any, Any, Any], webhook: Webhook
) -> AsyncIterator[str]:
    """The lifecycle `run_polling` has, with our webhook server instead of the updater; yields
    the URL given to Telegram (without `webhook.url`, the one it listens on: for tests)."""
    from bot.webhook import serving  # aiohttp's server: only a webhook process imports it

    async with application:
        if application.post_init:
            await application.post_init(application)
        await application.start()
        try:
            # The server closes first: an update answered 200 must already be in the queue,
            # and `stop` still handles what is queued.
            async with serving(
                application,
                listen=webhook.listen,
                port=webhook.port,
                path=webhook.path,
                secret=webhook.secret,
            ) as port:
                url = webhook.url or f"http://{webhook.listen}:{port}{webhook.path}"
                # Every process sets the same URL and secret: harmless repetition behind a
                # balancer.
                await application.bot.set_webhook(
                    url, secret_token=webhook.secret, allowed_updates=Update.ALL_TYPES
                )
                log.info("webhook: listening on %s:%s%s", webhook.listen, port, webhook.path)
                yield url
        finally:
            await application.stop()
            if application.post_stop:
                await application.post_stop(application)
    if application.post_shutdown:
        await application.post_shutdown(application)


async def run_webhook(
    application: Application[Any, Any, Any, Any, Any, Any], webhook: Webhook
) -> None:
    stop = _stop_signals()
    async with webhook_running(application, webhook):
        await stop.wait()
