"""Updates from different users run concurrently; one user's updates run in order, in this
process (an asyncio lock per user) and across processes (the user's row in the database,
bot/user_state.py), each with the user's saved state in place."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import Application, BaseUpdateProcessor

from bot.user_state import user_state


class PerUserProcessor(BaseUpdateProcessor):
    """A double tap or a quick reply must not overtake the update before it, but one slow
    user must not hold up the others: so one lock per user, many users at once."""

    def __init__(self, max_concurrent_updates: int = 64) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[int, asyncio.Lock] = {}
        self._queued: dict[int, int] = {}
        self.application: Application | None = None

    def attach(self, application: Application) -> None:
        """The application whose users' state is loaded and saved around each update."""
        self.application = application

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        user = update.effective_user if isinstance(update, Update) else None
        if user is None:
            await coroutine
            return
        lock = self._locks.setdefault(user.id, asyncio.Lock())
        self._queued[user.id] = self._queued.get(user.id, 0) + 1
        try:
            async with lock:
                if self.application is None:
                    await coroutine
                    return
                async with user_state(self.application, user.id):
                    await coroutine
        finally:
            self._queued[user.id] -= 1
            if not self._queued[user.id]:  # nobody waits behind: forget the user's lock
                del self._queued[user.id], self._locks[user.id]

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        self._locks.clear()
        self._queued.clear()
