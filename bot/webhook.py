"""Receiving updates by webhook: Telegram's POSTs on one path, checked against the secret token,
and a health check for the load balancer.

Our own small aiohttp server rather than PTB's `run_webhook`: PTB's Tornado server has the path
and the secret but no health route, and a load balancer needs one. The server only checks and
queues; `Application.update_queue` does the rest exactly as with polling.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import urlsplit

import sqlalchemy as sa
from aiohttp import web
from telegram.ext import Application

from bot.updates import parse

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
HEALTH_PATH = "/healthz"
# A load balancer's probe must get an answer even when the database hangs.
HEALTH_TIMEOUT = 5.0


def path_of(url: str) -> str:
    """The path Telegram will POST to: that of the webhook URL, `/` if it has none."""
    return urlsplit(url).path or "/"


def database_reachable(engine: sa.Engine) -> bool:
    try:
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError:
        log.warning("health check: the database is unreachable", exc_info=True)
        return False
    return True


def webhook_app(application: Application[Any, Any, Any, Any, Any, Any], path: str, secret: str):
    """The aiohttp application: POST `path` with the secret queues the update; GET /healthz."""
    engine: sa.Engine = application.bot_data["services"].engine
    expected = secret.encode()

    async def receive(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        # Constant-time comparison: the answer's timing must not reveal the secret.
        if not hmac.compare_digest(given, expected):
            log.warning("webhook: refused a POST from %s without the secret", request.remote)
            return web.Response(status=403)
        try:
            update = parse(await request.json(), application.bot)
        except (ValueError, TypeError, KeyError):
            return web.Response(status=400)
        await application.update_queue.put(update)
        return web.Response()

    async def health(request: web.Request) -> web.Response:
        try:
            ok = await asyncio.wait_for(
                asyncio.to_thread(database_reachable, engine), HEALTH_TIMEOUT
            )
        except TimeoutError:
            ok = False
        return web.Response(status=200 if ok else 503, text="ok" if ok else "unavailable")

    app = web.Application()
    app.router.add_post(path, receive)
    app.router.add_get(HEALTH_PATH, health)
    return app


@asynccontextmanager
async def serving(
    application: Application[Any, Any, Any, Any, Any, Any],
    *,
    listen: str,
    port: int,
    path: str,
    secret: str,
) -> AsyncIterator[int]:
    """Serves the webhook while inside; yields the port (useful with `port=0`)."""
    runner = web.AppRunner(webhook_app(application, path, secret), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, listen, port)
    await site.start()
    try:
        sockets = site._server.sockets if site._server else []  # type: ignore[union-attr]
        yield sockets[0].getsockname()[1] if sockets else port
    finally:
        await runner.cleanup()
