"""PTB's own HTTP stack (`HTTPXRequest`, as PTB builds it by default), for the tests that check
the fake against PTB itself rather than against our bot's `ApiRequest`.

All of them share one TLS context: by default httpx builds one per client, loading the whole
certificate bundle each time (0.04-0.09 s of CPU, a third of these tests' own), though the
fake speaks plain HTTP."""

from __future__ import annotations

import ssl
from functools import cache
from typing import Any

from telegram import Bot
from telegram.ext import ApplicationBuilder
from telegram.request import HTTPXRequest


@cache
def _tls() -> ssl.SSLContext:
    return ssl.create_default_context()


def stock_request(connection_pool_size: int = 1) -> HTTPXRequest:
    return HTTPXRequest(connection_pool_size, httpx_kwargs={"verify": _tls()})


def stock_bot(token: str, **options: Any) -> Bot:
    """`Bot(token, **options)` with PTB's default requests."""
    return Bot(token, request=stock_request(), get_updates_request=stock_request(), **options)


def stock_builder() -> ApplicationBuilder:
    """`ApplicationBuilder()` with PTB's default requests (256 connections, 1 for updates)."""
    return ApplicationBuilder().request(stock_request(256)).get_updates_request(stock_request())
