"""What every handler needs: the database, the admins, the clock, and the user's language.

The bot assembles one `Services` at start-up and keeps it in `bot_data`; handlers reach it
through `services(context)`. Store operations are synchronous SQLModel code, so they run in a
worker thread, each in its own session (one unit of work per update), never on the event loop.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import sqlalchemy as sa
from telegram import Update
from telegram.ext import ContextTypes

from handlers.ui import refuse
from locales import pick, t
from store.colleagues import Account, account_of
from store.db import transaction
from store.models import Colleague, Participant
from store.participants import starting_language
from store.user_state import TOGETHER

T = TypeVar("T")


@dataclass
class _Preloaded:
    """Whom the user acts for, read with the user's state at the start of the update
    (bot/user_state.py), good until the update's first store call, which may change it."""

    telegram_id: int
    account: Account
    current: bool = True


_preloaded: ContextVar[_Preloaded | None] = ContextVar("preloaded", default=None)


@contextmanager
def preloaded(telegram_id: int, account: Account) -> Iterator[None]:
    """Lets the update's first `who` use `account` instead of reading it again."""
    token = _preloaded.set(_Preloaded(telegram_id, account))
    try:
        yield
    finally:
        _preloaded.reset(token)


def _forget_preloaded() -> None:
    known = _preloaded.get()
    if known is not None:
        known.current = False


# An operation for `Services.run_core`: the operation, its user, its other arguments, and the
# future its caller awaits.
_Queued = tuple[Callable[..., Any], int, tuple[Any, ...], asyncio.Future[Any]]
# `Services.run_core`'s batches in the database at once on PostgreSQL.
POSTGRES_BATCHES = 4


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Services:
    engine: sa.Engine
    admin_ids: frozenset[int]
    default_language: str = "ko"
    clock: Callable[[], datetime] = field(default=utc_now)
    # How long a delivery claimed by a process stays its own (store/claims.py): after a crash,
    # another process sends it once this ran out.
    lease: timedelta = timedelta(minutes=2)
    # /announce and /broadcast offer the paid pace when the free one would take longer.
    paid_offer_after: float = 60.0
    # This process's name, on its users' holds (bot/user_state.py) and as the first half of
    # its senders' claims (jobs/sending.py): one Services per bot process (bot/runner.py).
    process: str = field(default_factory=lambda: uuid.uuid4().hex)
    # `run_core`'s operations waiting for a batch, and the tasks running batches.
    _batch: list[_Queued] = field(default_factory=list, init=False, repr=False, compare=False)
    _drains: set[asyncio.Task[None]] = field(
        default_factory=set, init=False, repr=False, compare=False
    )

    async def run(self, operation: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Runs `operation(session, *args, **kwargs)` in its own transaction, off the loop."""
        _forget_preloaded()  # the operation may change the participant read before

        def work() -> T:
            with transaction(self.engine) as run:
                return run(operation, *args, **kwargs)

        return await asyncio.to_thread(work)

    async def run_core(self, operation: Callable[..., T], telegram_id: int, *args: Any) -> T:
        """Runs `operation(connection, telegram_id, *args)` off the loop on a plain connection:
        for the core statements every update runs (its user's state taken and put back,
        store/user_state.py), which an ORM session's set-up and commit would make cost half as
        much again. They change no participant, so the preloaded one stays good.

        Those asked while batches are in the database wait and then run together, in one
        thread hand-off and one transaction: two of them an update, and each hand-off and
        commit cost about as much CPU as the statements. Taking and putting back a user's
        state, 16 at once on `python -m bench.load`'s fair (SQLite), cost 700-735 µs of CPU
        alone and 380-405 µs batched. SQLite writes one transaction at a time whatever the
        threads, so it runs one batch at a time; PostgreSQL runs transactions side by side and
        a batch waits on its round trips, so up to `POSTGRES_BATCHES` at once. In a batch the
        takes run as one statement, then the put-backs as one (store/user_state.py `TOGETHER`:
        per user on PostgreSQL 670-790 µs of CPU in a batch of 6 against 220 µs together),
        then any other operation in the order of `telegram_id`; should a batch fail, each of
        its operations runs again alone, so a failure stays its own caller's."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        self._batch.append((operation, telegram_id, args, future))
        # (a task of another loop is a test's that ended: it runs no more)
        self._drains = {
            task for task in self._drains if not task.done() and task.get_loop() is loop
        }
        at_once = 1 if self.engine.dialect.name == "sqlite" else POSTGRES_BATCHES
        if len(self._drains) < at_once:
            self._drains.add(asyncio.create_task(self._drain()))
        return await future

    async def _drain(self) -> None:
        while self._batch:
            batch = sorted(self._batch, key=lambda queued: queued[1])
            self._batch = []
            try:
                outcomes = await asyncio.to_thread(self._run_batch, batch)
            except BaseException:  # cancelled with the loop: so are the callers
                for *_, future in batch:
                    future.cancel()
                raise
            for (*_, future), (failed, value) in zip(batch, outcomes, strict=True):
                if future.done():  # its caller was cancelled meanwhile
                    continue
                if failed:
                    future.set_exception(value)
                else:
                    future.set_result(value)

    def _run_batch(self, batch: list[_Queued]) -> list[tuple[bool, Any]]:
        """Each queued operation's (failed, result or error)."""
        try:
            with self.engine.begin() as connection:
                if len(batch) == 1:
                    op, user, args, _ = batch[0]
                    return [(False, op(connection, user, *args))]
                return [(False, result) for result in _together(connection, batch)]
        except Exception as error:
            if len(batch) == 1:
                return [(True, error)]
        return [self._run_batch([queued])[0] for queued in batch]


def _together(connection: sa.Connection, batch: list[_Queued]) -> list[Any]:
    """The batch's results in its order: first the operations of `TOGETHER`, each kind as one
    call of its form for many, in that order, then any other one by one (in the users'
    order)."""
    results: dict[int, Any] = {}
    for op, many in TOGETHER.items():
        mine = [place for place, (queued, *_) in enumerate(batch) if queued is op]
        if mine:
            done = many(connection, [(batch[place][1], batch[place][2]) for place in mine])
            results.update(zip(mine, done, strict=True))
    for place, (op, user, args, _) in enumerate(batch):
        if place not in results:
            results[place] = op(connection, user, *args)
    return [results[place] for place in range(len(batch))]


# In an admin's saved state: the language they read the bot in at their last update, which
# what the bot sends admins on its own (a job's report) is written in (jobs/notify.py).
ADMIN_LANGUAGE = "admin_language"


def services(context: ContextTypes.DEFAULT_TYPE) -> Services:
    return context.application.bot_data["services"]


@dataclass(frozen=True)
class Who:
    """The person behind an update: the participant they act for, if any (as its main contact,
    or as a colleague: `colleague`), and their own language."""

    telegram_id: int
    language: str
    participant: Participant | None
    is_admin: bool
    withdrawn: bool = False  # a participant the organizers withdrew: told so, let in nowhere
    colleague: Colleague | None = None

    @property
    def main_contact(self) -> bool:
        """Whether they may change the company's profile and manage its colleagues."""
        return self.participant is not None and self.colleague is None

    @property
    def by(self) -> int:
        """Who of the company acts, as the store records answers: 0 its main contact, else
        the colleague's id (store/readers.py)."""
        return self.colleague.id if self.colleague is not None and self.colleague.id else 0


async def who(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Who:
    user = update.effective_user
    assert user is not None  # handlers are registered for user updates only
    svc = services(context)
    known = _preloaded.get()
    if known is not None and known.current and known.telegram_id == user.id:
        found = known.account
    else:
        found = await svc.run(account_of, user.id)
    return who_of(update, context, found)


def who_of(update: Update, context: ContextTypes.DEFAULT_TYPE, found: Account) -> Who:
    """The person behind the update, acting for `found` (as a store call returned it)."""
    user = update.effective_user
    svc = services(context)
    company = found.participant
    withdrawn = company is not None and not company.active
    participant = None if withdrawn else company
    speaker = found.colleague or company  # a colleague reads their own language
    chosen = speaker.language if speaker else context.user_data.get("language")
    role = company.role if company else None
    fallback = starting_language(role, user.language_code, svc.default_language)
    language = pick(chosen, fallback) if chosen else fallback
    is_admin = user.id in svc.admin_ids
    if is_admin:  # saved only when it changed (bot/user_state.py)
        context.user_data[ADMIN_LANGUAGE] = language
    return Who(user.id, language, participant, is_admin, withdrawn, found.colleague)


async def member(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Who | None:
    """The participant behind the update, or None after telling a stranger to join first."""
    person = await who(update, context)
    if person.participant is None:
        key = "error.withdrawn" if person.withdrawn else "error.not_registered"
        await refuse(update, t(person.language, key))
        return None
    return person
