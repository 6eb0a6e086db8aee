"""Telegram's paid broadcasts as the organizer's choice: when /announce or /broadcast would take
long at the free pace, the organizer first sees how long, what the paid pace costs in Stars and
how long it takes, and chooses with a button (handlers/admin_announce.py answers it).

Telegram (Bot API, "Paid Broadcasts"): with paid broadcasts switched on in @BotFather a bot may
send up to 1,000 messages a second; each message beyond the free 30 a second costs 0.1 Star
from the bot's balance, which must hold at least 10,000 Stars."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import timedelta

from babel.dates import format_timedelta
from telegram import InlineKeyboardMarkup

from handlers.routes import Pace, Press
from handlers.ui import button, keyboard
from jobs.sending import PAID_MESSAGES_PER_SECOND, free_seconds, paid_cost
from locales import pick, t, tn

# How fast the bot itself sends at the paid pace, per process: drawing each timetable's picture,
# not Telegram, sets the pace of an announcement (about 17 ms of CPU per timetable on a quiet
# machine, docs/benchmarks.md); a text message costs far less.
ANNOUNCE_PAID_PER_SECOND = 60.0
BROADCAST_PAID_PER_SECOND = min(300.0, PAID_MESSAGES_PER_SECOND)


def worth_offering(messages: int, offer_after: float) -> bool:
    """Whether the free pace would take longer than the organizer's setting."""
    return free_seconds(messages) > offer_after


def duration(language: str, seconds: float) -> str:
    """“3 minutes”, “5 seconds” (3분, 5초): an estimate, whole minutes rounded up."""
    whole = max(1, round(seconds))
    delta = timedelta(seconds=whole if whole < 60 else math.ceil(whole / 60) * 60)
    return format_timedelta(delta, threshold=1, locale=pick(language))


def offer(
    language: str,
    title: str,
    messages: int,
    paid_per_second: float,
    choice: Callable[[Pace], Press],
) -> tuple[str, InlineKeyboardMarkup]:
    """The question under `title` and its buttons, whose data `choice(free|paid|no)` makes."""
    free = free_seconds(messages)
    paid = messages / paid_per_second
    # At most: what the messages cost if all processes together sent them as fast as the shared
    # paid pace allows (more processes, or a faster machine, send faster and pay more).
    most = paid_cost(messages, messages / PAID_MESSAGES_PER_SECOND)
    stars = tn(language, "pace.stars", most)
    text = "\n\n".join(
        (
            title,
            t(
                language,
                "pace.offer",
                free=duration(language, free),
                paid=duration(language, paid),
                stars=stars,
            ),
        )
    )
    return text, keyboard(
        [
            button(
                language,
                "pace.free_button",
                choice("free"),
                time=duration(language, free),
            )
        ],
        [
            button(
                language,
                "pace.paid_button",
                choice("paid"),
                time=duration(language, paid),
            )
        ],
        [button(language, "pace.cancel_button", choice("no"))],
    )
