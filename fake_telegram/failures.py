"""Failure injection: one-off errors, blocked chats and a global flood limit."""

from __future__ import annotations

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
    504: "Gateway Timeout",
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
        delay: float = 0.0,
    ) -> None:
        if code == 429:
            error = too_many_requests(retry_after)
            if description:
                error = ApiError(429, description, retry_after)
        else:
            text = description or DEFAULT_DESCRIPTIONS.get(code, f"Error {code}")
            error = ApiError(code, text)
        error.delay = delay
        self._planned.append(_Planned(chat_id, method.lower() if method else None, error, times))

    def check(self, method: str, chat_id: int | None) -> None:
        """Raise the error planned or due for this call, if any."""
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
            self._check_rate(time.monotonic())

    def _check_rate(self, now: float) -> None:
        # Counted when the call arrives, as Telegram counts: counting when the fake has done
        # the work would turn its own delays (e.g. decoding a photo) into bursts.
        while self._sent_at and now - self._sent_at[0] >= 1.0:
            self._sent_at.popleft()
        if len(self._sent_at) >= (self.rate_limit_per_second or 0):
            raise too_many_requests(max(1, math.ceil(1.0 - (now - self._sent_at[0]))))
        self._sent_at.append(now)
