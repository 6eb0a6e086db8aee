"""Failure injection: one-off errors, blocked chats and a global flood limit."""

from __future__ import annotations

import bisect
import math
import time
from collections import deque
from dataclasses import dataclass

from fake_telegram import errors
from fake_telegram.errors import ApiError, too_many_requests

# Calls that put something into a chat; a blocked chat refuses all of them.
CHAT_WRITE_METHODS = frozenset(
    {
        "sendmessage",
        "sendphoto",
        "senddocument",
        "sendchataction",
        "editmessagetext",
        "editmessagecaption",
        "editmessagereplymarkup",
    }
)
# Calls a failure planned without a method applies to.
TARGETED_METHODS = CHAT_WRITE_METHODS | {"answercallbackquery", "deletemessage"}
# Calls that count against the flood limit (about 30 messages per second in production).
MESSAGE_METHODS = frozenset({"sendmessage", "sendphoto", "senddocument"})
DEFAULT_DESCRIPTIONS = {
    400: "Bad Request: chat not found",
    403: errors.BLOCKED,
    500: "Internal Server Error",
    502: "Bad Gateway",
}


@dataclass
class _Planned:
    chat_id: int | None
    method: str | None
    error: ApiError
    remaining: int


class Failures:
    """The failures planned for one bot token."""

    def __init__(self, rate_limit_per_second: int | None = None) -> None:
        self.rate_limit_per_second = rate_limit_per_second
        self.blocked: set[int] = set()
        self._planned: list[_Planned] = []
        self._sent_at: deque[float] = deque()

    def fail_next(
        self,
        chat_id: int | None,
        *,
        code: int,
        retry_after: int,
        times: int,
        description: str | None,
        method: str | None,
    ) -> None:
        if code == 429:
            error = too_many_requests(retry_after)
            if description:
                error = ApiError(429, description, retry_after)
        else:
            text = description or DEFAULT_DESCRIPTIONS.get(code, f"Error {code}")
            error = ApiError(code, text)
        self._planned.append(_Planned(chat_id, method.lower() if method else None, error, times))

    def check(self, method: str, chat_id: int | None, arrived: float | None = None) -> None:
        """Raise the error planned or due for this call (arrived at `arrived`, monotonic
        seconds; now if None), if any."""
        for planned in self._planned:
            if planned.method is not None and planned.method != method:
                continue
            if planned.method is None and method not in TARGETED_METHODS:
                continue
            if planned.chat_id is not None and planned.chat_id != chat_id:
                continue
            planned.remaining -= 1
            if planned.remaining <= 0:
                self._planned.remove(planned)
            raise planned.error
        if chat_id is not None and chat_id in self.blocked and method in CHAT_WRITE_METHODS:
            raise ApiError(403, errors.BLOCKED)
        if method in MESSAGE_METHODS and self.rate_limit_per_second is not None:
            self._check_rate(time.monotonic() if arrived is None else arrived)

    def _check_rate(self, now: float) -> None:
        # Calls are counted at arrival but checked once read, so they can come slightly out
        # of order: the times are kept sorted, and those a second before `now` count.
        while self._sent_at and self._sent_at[0] <= now - 2.0:
            self._sent_at.popleft()
        within = [at for at in self._sent_at if at > now - 1.0]
        if len(within) >= (self.rate_limit_per_second or 0):
            raise too_many_requests(max(1, math.ceil(1.0 - (now - within[0]))))
        bisect.insort(self._sent_at, now)
