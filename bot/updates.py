"""Incoming updates parsed without the pressed menu's keyboard.

Each button press brings the whole message it was pressed on, keyboard and all; PTB's
`Update.de_json` builds an object for every button, about half the CPU of parsing a press
(420 → 230 µs for a day of available times, a loop of 3,000). The bot reads that keyboard
only to compare it with the next screen's (handlers/ui.py `unchanged`, `pressed_keyboard`),
which plain JSON does as well: so before parsing, the keyboard is moved under a name PTB
does not know, and PTB keeps it as it came in the message's `api_kwargs`. Polling
(`UpdatesRequest`) and the webhook (bot/webhook.py) both parse through here.
"""

from __future__ import annotations

from typing import Any

from telegram import Bot, Update
from telegram._utils.types import JSONDict

from bot.api_request import ApiRequest
from handlers.ui import PRESSED_KEYBOARD


def keyboard_aside(data: Any) -> Any:
    """`data` (an update as Telegram sends it) with the pressed message's keyboard moved to
    `PRESSED_KEYBOARD`; anything else unchanged."""
    query = data.get("callback_query") if isinstance(data, dict) else None
    message = query.get("message") if isinstance(query, dict) else None
    if isinstance(message, dict) and "reply_markup" in message:
        message[PRESSED_KEYBOARD] = message.pop("reply_markup")
    return data


def parse(data: Any, bot: Bot) -> Update:
    """`Update.de_json` of one update, the pressed keyboard left as JSON."""
    return Update.de_json(keyboard_aside(data), bot)


class UpdatesRequest(ApiRequest):
    """The transport of `getUpdates` (bot/app.py): its answer's updates come with the pressed
    keyboards set aside, before PTB parses them."""

    def parse_json_payload(self, payload: bytes) -> JSONDict:
        answer = super().parse_json_payload(payload)
        updates = answer.get("result")
        if isinstance(updates, list):
            for update in updates:
                keyboard_aside(update)
        return answer
