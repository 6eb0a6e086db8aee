"""Sending many messages from jobs: evenly paced under Telegram's flood limit, one budget for
all bot processes (store/send_pace.py), waiting out 429s, and naming jobs so that scheduling
one again replaces it."""

from __future__ import annotations

import asyncio
import logging
import math
import time
import uuid
from collections import deque
from collections.abc import Awaitable, Callable, Iterable
from contextvars import ContextVar
from datetime import timedelta
from functools import partial
from typing import Any, TypeVar

from sqlalchemy.exc import OperationalError
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError
from telegram.ext import Application, Job, JobQueue

from handlers.services import Services
from store.send_pace import reserve

T = TypeVar("T")

log = logging.getLogger(__name__)

# Telegram (Bot API FAQ, "Broadcasting to users"): about 30 messages a second to different
# chats, counted where they arrive; the fake server counts them in a strict rolling second.
# AIORateLimiter lets a full second's worth go out at once and then one every 1/30 s, which
# such a window answers with 429 and a one-second pause for everybody: our bulk sends are
# spaced evenly instead, 1/MESSAGES_PER_SECOND apart, so that any 31 of them in a row span
# 1 + GUARD seconds. Half the guard is for our own lateness: a message not written within it
# after its slot (a busy event loop, a thread holding the interpreter) takes a later slot
# instead (`SlotMissed`); the other half for how unevenly messages written on time reach
# Telegram (measured against the fake on the shared 2-core machine, docs/benchmarks.md).
FREE_PER_SECOND = 30  # what Telegram allows, and does not charge for
GUARD = 0.035  # seconds
MESSAGES_PER_SECOND = FREE_PER_SECOND / (1 + GUARD)  # 28.99
MAX_WAITS = 10  # 429s in a row for one message before giving up on it
# Telegram's paid broadcasts (`allow_paid_broadcast`, the organizer's choice): up to 1,000
# messages a second, 0.1 Star for each beyond the free 30 a second. Paced a little under.
PAID_LIMIT = 1000
PAID_MESSAGES_PER_SECOND = 900.0
STARS_PER_MESSAGE = 0.1


# Slots reserved per database round trip: fewer writes, and a slot left unused when a
# process stops sending is only a 1/29 s gap (paid: 25 slots, 28 ms).
BATCH = 2
PAID_BATCH = 25
# Telegram (and AIORateLimiter, which would hold the message back past its slot) allows one
# message a second into one chat: a delivery's next part waits this long before its slot.
PER_CHAT = 1.05
# Slots a message gives up for being late before it goes anyway, unchecked. Each miss leaves its
# slot unused, so a busy process slows itself down; going unchecked is for a machine so slow
# that nothing would go out otherwise, and it is what can bunch messages up (every worker of a
# stalled process going at once): with 4, three processes on the loaded machine met a 429.
LATE_TRIES = 20


class SlotMissed(TelegramError):
    """A paced message not written by its slot's deadline: it takes a later slot."""


# The wall-clock time by which the paced message being sent in this task must be written, set
# by `paced` and checked by the transport (bot/api_request.py) right before it writes:
# anything between the slot and the socket (PTB building the request, the rate limiter, the
# event loop or the interpreter busy elsewhere) then counts as lateness.
_send_by: ContextVar[float | None] = ContextVar("send_by", default=None)


def check_on_time() -> None:
    """Raises SlotMissed if the paced message about to be written is past its deadline."""
    deadline = _send_by.get()
    if deadline is not None and time.time() > deadline:
        raise SlotMissed("late for its sending slot")


class Slots:
    """Evenly spaced sending times at one pace under a limit of `limit` a second, reserved in
    the database in batches."""

    def __init__(self, svc: Services, per_second: float, batch: int, limit: int) -> None:
        self.services = svc
        self.interval = 1.0 / per_second
        # A slot this far gone by is not used: half the guard the pace leaves under the limit
        # (free 17 ms; paid 56 ms, where half a slot, 0.6 ms, would make nearly every message
        # late).
        self.late = (limit / per_second - 1.0) / 2
        self.batch = batch
        self._slots: deque[float] = deque()
        self._lock = asyncio.Lock()

    async def next(self) -> float:
        async with self._lock:
            while True:
                now = time.time()
                # A slot gone by is skipped, not spent late: spending it would bunch messages
                # up against the next process's slots.
                while self._slots and self._slots[0] < now - self.late:
                    self._slots.popleft()
                if self._slots:
                    return self._slots.popleft()
                first = await self.services.run(reserve, self.batch, self.interval, now)
                self._slots.extend(first + i * self.interval for i in range(self.batch))


class Pacer:
    """Hands out evenly spaced send times to every bulk sender of this process, from slots
    reserved in the database, so that all processes together keep to one budget: the free
    pace's, or, for messages sent paid, the paid one's (one timeline, each slot as long as
    its pace makes it)."""

    def __init__(
        self, svc: Services, per_second: float = MESSAGES_PER_SECOND, batch: int = BATCH
    ) -> None:
        self.free = Slots(svc, per_second, batch, FREE_PER_SECOND)
        self.paid = Slots(svc, PAID_MESSAGES_PER_SECOND, PAID_BATCH, PAID_LIMIT)
        self._last_in_chat: dict[int, float] = {}
        # The chat's slot before the one handed out last, while that one may still be missed.
        self._before: dict[int, float | None] = {}

    async def wait(self, chat_id: int, paid: bool = False) -> float:
        """Returns at this message's slot, at least PER_CHAT after the last one to `chat_id`:
        the time by which it must be written."""
        previous = self._last_in_chat.get(chat_id)
        if previous is not None:
            await asyncio.sleep(max(previous + PER_CHAT - time.time(), 0.0))
        slots = self.paid if paid else self.free
        at = await slots.next()
        await asyncio.sleep(max(at - time.time(), 0.0))
        self._before[chat_id] = self._last_in_chat.get(chat_id)
        self._last_in_chat[chat_id] = at
        if len(self._last_in_chat) > 10_000:  # keep only chats of the last seconds
            horizon = time.time() - PER_CHAT
            self._last_in_chat = {c: t for c, t in self._last_in_chat.items() if t > horizon}
        return at + slots.late

    def written(self, chat_id: int) -> None:
        """The message of the chat's last slot was written (or it went to Telegram)."""
        self._before.pop(chat_id, None)

    def missed(self, chat_id: int) -> None:
        """The message of the chat's last slot was not written (`SlotMissed`): the chat's
        pause counts from the message before it, so the next try waits no second for nothing."""
        if chat_id not in self._before:
            return
        before = self._before.pop(chat_id)
        if before is None:
            self._last_in_chat.pop(chat_id, None)
        else:
            self._last_in_chat[chat_id] = before


def pacer(application: Application) -> Pacer:
    pacing = application.bot_data.get("pacer")
    if pacing is None:
        pacing = application.bot_data["pacer"] = Pacer(application.bot_data["services"])
    return pacing


def _seconds(retry_after: int | float | timedelta) -> float:
    return retry_after.total_seconds() if isinstance(retry_after, timedelta) else retry_after


async def paced(
    application: Application,
    chat_id: int,
    send: Callable[[], Awaitable[T]],
    paid: bool = False,
) -> T:
    """One bulk message to `chat_id`: waits for its turn (at the paid pace if `paid`), takes
    a later one if it was not written in time (LATE_TRIES times, then it goes late), and
    after a 429 (past AIORateLimiter's own retries) waits as told and tries again. Other
    errors go to the caller."""
    late = waits = 0
    pacing = pacer(application)
    while True:
        deadline = await pacing.wait(chat_id, paid)
        token = _send_by.set(deadline if late < LATE_TRIES else None)
        try:
            return await send()
        except SlotMissed:
            pacing.missed(chat_id)
            late += 1
        except RetryAfter as error:
            waits += 1
            if waits > MAX_WAITS:
                raise
            await asyncio.sleep(_seconds(error.retry_after))
        finally:
            _send_by.reset(token)
            pacing.written(chat_id)


async def paid_or_free(
    application: Application,
    chat_id: int,
    send: Callable[[bool], Awaitable[T]],
    paid: bool,
) -> tuple[T, bool]:
    """One bulk message, `send(paid)`, at the paid pace if `paid`. If Telegram refuses it paid
    (the bot's Stars balance is too low, or paid broadcasts are off; Telegram does not
    document the answer), the same message is sent at the free pace; the second value then
    says that the paid pace was refused. A message refused at the free pace too raises."""
    if paid:
        try:
            return await paced(application, chat_id, partial(send, True), paid=True), False
        except (BadRequest, Forbidden):
            pass  # told apart below: a message Telegram refuses anyway fails at the free pace
    return await paced(application, chat_id, partial(send, False)), paid


# Recording a message already sent: tries, and the first wait between them (doubled each time).
RECORD_TRIES = 5
RECORD_WAIT = 0.5


async def record_sent(svc: Services, operation: Callable[..., object], *args: Any) -> bool:
    """Runs `operation(session, *args)`, which records a message already sent, trying again
    after a passing database error (SQLite's write lock held past the busy timeout, a
    PostgreSQL lock timeout or deadlock): a claim given back unrecorded would be sent again at
    once. False if it still failed: the caller keeps its claim (giving it back would send the
    message again) and stops; the lease runs out long after the database came back."""
    wait = RECORD_WAIT
    for attempt in range(1, RECORD_TRIES + 1):
        try:
            await svc.run(operation, *args)
            return True
        except OperationalError as error:
            log.warning("recording a sent message failed (%d/%d): %s", attempt, RECORD_TRIES, error)
            if attempt < RECORD_TRIES:
                await asyncio.sleep(wait)
                wait *= 2
    return False


def raise_first(results: Iterable[object]) -> None:
    """Raises the first error among the results of `asyncio.gather(..., return_exceptions=True)`."""
    for result in results:
        if isinstance(result, BaseException):
            raise result


async def all_stopped(workers: Iterable[Awaitable[object]]) -> None:
    """Runs the workers until every one has stopped, then raises the first one's error: their
    claims are given back after this, and giving back a claim another worker is still
    sending would send its message twice."""
    raise_first(await asyncio.gather(*workers, return_exceptions=True))


def free_seconds(messages: int) -> float:
    """How long `messages` take at the free pace."""
    return messages / MESSAGES_PER_SECOND


def paid_cost(messages: int, seconds: float) -> int:
    """The Stars `messages` sent paid over `seconds` cost at most (those beyond the free
    amount, rounded up)."""
    return math.ceil(STARS_PER_MESSAGE * max(0.0, messages - FREE_PER_SECOND * seconds))


def scheduled_by_name(job_queue: JobQueue) -> dict[str | None, list[Job]]:
    """Every scheduled job by its name, from one walk of the queue: `get_jobs_by_name` walks
    every job for each name, which made scheduling a fair's runs one by one quadratic."""
    named: dict[str | None, list[Job]] = {}
    for job in job_queue.jobs():
        named.setdefault(job.name, []).append(job)
    return named


def replace_job(
    job_queue: JobQueue,
    name: str,
    callback: Callable[..., Awaitable[Any]],
    when: float,
    data: object = None,
    scheduled: dict[str | None, list[Job]] | None = None,
) -> None:
    """Schedules `callback` once, `when` seconds from now, instead of any job of that name.
    Given `scheduled` (`scheduled_by_name`'s, for many jobs in a row), those jobs are found
    there, and it is kept up to date."""
    running = job_queue.get_jobs_by_name(name) if scheduled is None else scheduled.get(name, [])
    for job in running:
        job.schedule_removal()
    job = job_queue.run_once(callback, when=max(when, 0.0), data=data, name=name)
    if scheduled is not None:
        scheduled[name] = [job]


def sender(application: Application) -> str:
    """The name on one sending job's claims: the process's, then the job's own, so that a job
    that stops gives back only its own claims, never those another job is still sending."""
    process = application.bot_data["services"].process
    return f"{process[:12]}-{uuid.uuid4().hex[:12]}"
