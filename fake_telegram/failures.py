"""Failure injection: one-off errors, blocked chats, a global flood limit, and Telegram's paid
broadcasts (Bot API, "Paid Broadcasts"): a message sent with `allow_paid_broadcast` may go
beyond the free ~30 a second up to 1,000 a second, each one "over the free amount of 30
messages per second" costing 0.1 Star from the bot's balance, which must hold at least 10,000
Stars, else the message is refused (the wording of that refusal is not documented; the fake's
is errors.PAID_REFUSED). The free amount is counted like the free limit, in a rolling second,
but only over the messages that were free: a paid message is free while fewer than 30 free
ones arrived within the second before it, so a steady 60 a second pays for half of them."""

from __future__ import annotations

import bisect
import math
import time
from collections import deque
from dataclasses import dataclass

from fake_telegram import errors
from fake_telegram.errors import ApiError, bad_request, too_many_requests

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
FREE_PER_SECOND = 30  # what paid broadcasts count as free when no flood limit is modelled
PAID_PER_SECOND = 1000
PAID_MINIMUM_BALANCE = 10_000  # Stars
PAID_PRICE_TENTHS = 1  # 0.1 Star per message beyond the free amount
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

    def __init__(self, rate_limit_per_second: int | None = None, stars: int = 0) -> None:
        self.rate_limit_per_second = rate_limit_per_second
        self.stars_tenths = stars * 10  # the bot's balance, in tenths of a Star
        self.paid_messages = 0  # sent beyond the free amount, and charged
        self.blocked: set[int] = set()
        self._planned: list[_Planned] = []
        self._sent_at: deque[float] = deque()  # every message, sorted by arrival
        self._free_at: deque[float] = deque()  # those not charged for

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

    def check(
        self, method: str, chat_id: int | None, arrived: float | None = None, paid: bool = False
    ) -> None:
        """Raise the error planned or due for this call (arrived at `arrived`, monotonic
        seconds, now if None; `paid`: sent with `allow_paid_broadcast`), if any."""
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
        if method in MESSAGE_METHODS and (paid or self.rate_limit_per_second is not None):
            self._check_rate(time.monotonic() if arrived is None else arrived, paid)

    @property
    def stars(self) -> float:
        return self.stars_tenths / 10

    def _check_rate(self, now: float, paid: bool) -> None:
        # Calls are counted at arrival but checked once read, so they can come slightly out
        # of order: the times are kept sorted, and those a second before `now` count.
        within = _within(self._sent_at, now)
        free_within = _within(self._free_at, now)
        free = self.rate_limit_per_second or FREE_PER_SECOND
        if paid and self.stars_tenths < PAID_MINIMUM_BALANCE * 10:
            raise bad_request(errors.PAID_REFUSED)
        if paid and len(within) >= PAID_PER_SECOND:
            raise too_many_requests(_retry_after(within, now))
        if not paid and self.rate_limit_per_second is not None and len(free_within) >= free:
            raise too_many_requests(_retry_after(free_within, now))
        if paid and len(free_within) >= free:
            self.stars_tenths -= PAID_PRICE_TENTHS
            self.paid_messages += 1
        else:
            bisect.insort(self._free_at, now)
        bisect.insort(self._sent_at, now)


def _within(times: deque[float], now: float) -> list[float]:
    """The times of `times` in the second before `now`; older than two seconds are dropped."""
    while times and times[0] <= now - 2.0:
        times.popleft()
    return [at for at in times if at > now - 1.0]


def _retry_after(within: list[float], now: float) -> int:
    """Whole seconds until the first of `within` leaves the window."""
    return max(1, math.ceil(1.0 - (now - within[0])))
