"""Sending many messages from jobs: evenly paced under Telegram's flood limit, waiting out
429s, and naming jobs so that scheduling one again replaces it."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any, TypeVar

from telegram.error import RetryAfter
from telegram.ext import Application, JobQueue

T = TypeVar("T")

# Telegram allows about 30 messages a second. AIORateLimiter lets a full second's worth go
# out at once and then one every 1/30 s, which a strict rolling one-second window answers
# with 429 and a one-second pause for everybody; spacing our own bulk sends evenly, a little
# under the limit, never trips it.
MESSAGES_PER_SECOND = 29.0
MAX_WAITS = 10  # 429s in a row for one message before giving up on it


class Pacer:
    """Hands out evenly spaced send times to every bulk sender of one process."""

    def __init__(self, per_second: float = MESSAGES_PER_SECOND) -> None:
        self.interval = 1.0 / per_second
        self._next = 0.0
        self._lock = asyncio.Lock()

    async def wait(self) -> None:
        loop = asyncio.get_running_loop()
        async with self._lock:
            now = loop.time()
            at = max(self._next, now)
            self._next = at + self.interval
        await asyncio.sleep(at - now)


def pacer(application: Application) -> Pacer:
    return application.bot_data.setdefault("pacer", Pacer())


def _seconds(retry_after: int | float | timedelta) -> float:
    return retry_after.total_seconds() if isinstance(retry_after, timedelta) else retry_after


async def paced(application: Application, send: Callable[[], Awaitable[T]]) -> T:
    """One bulk message: waits for its turn, and after a 429 (past AIORateLimiter's own
    retries) waits as told and tries again. Other errors go to the caller."""
    for attempt in range(MAX_WAITS + 1):
        await pacer(application).wait()
        try:
            return await send()
        except RetryAfter as error:
            if attempt == MAX_WAITS:
                raise
            await asyncio.sleep(_seconds(error.retry_after))
    raise AssertionError("unreachable")


def replace_job(
    job_queue: JobQueue,
    name: str,
    callback: Callable[..., Awaitable[Any]],
    when: float,
    data: object = None,
) -> None:
    """Schedules `callback` once, `when` seconds from now, instead of any job of that name."""
    for job in job_queue.get_jobs_by_name(name):
        job.schedule_removal()
    job_queue.run_once(callback, when=max(when, 0.0), data=data, name=name)
