"""A broadcast "something changed" signal that waiters re-check a condition on."""

from __future__ import annotations

import asyncio
from collections.abc import Callable


class Changes:
    """Wakes every waiter on `notify()`; each waiter re-evaluates its own predicate.

    Cheaper to reason about than one event per condition: every state mutation of the fake
    calls `notify()`, and `wait_for` returns as soon as its predicate holds.
    """

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def notify(self) -> None:
        self._event.set()
        self._event = asyncio.Event()

    async def wait_for(self, predicate: Callable[[], bool], timeout: float) -> bool:
        """Wait until `predicate()` is true; False if `timeout` seconds passed first."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not predicate():
            remaining = deadline - loop.time()
            if remaining <= 0:
                return False
            event = self._event
            try:
                await asyncio.wait_for(event.wait(), remaining)
            except TimeoutError:
                return predicate()
        return True
