"""Validation of `reply_markup` the way the Bot API rejects bad keyboards."""

from __future__ import annotations

import json
from typing import Any

from fake_telegram import errors
from fake_telegram.errors import bad_request

MAX_CALLBACK_DATA_BYTES = 64
ACTION_FIELDS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)
BUTTON_PREFIX = "Bad Request: can't parse inline keyboard button: "


def reply_markup(raw: Any) -> dict[str, Any] | None:
    """The validated markup (decoded if still a JSON string), or None when absent."""
    if raw is None or raw == "":
        return None
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            raw = None
    if not isinstance(raw, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in raw:
        _check_rows(raw["inline_keyboard"], "inline_keyboard", "InlineKeyboardMarkup")
        for row in raw["inline_keyboard"]:
            for button in row:
                _check_inline_button(button)
    elif "keyboard" in raw:
        _check_rows(raw["keyboard"], "keyboard", "ReplyKeyboardMarkup")
    return raw


def _check_rows(rows: Any, field: str, kind: str) -> None:
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request(f'field "{field}" of the {kind} should be an Array of Arrays')


def _check_inline_button(button: Any) -> None:
    if not isinstance(button, dict):
        raise bad_request("InlineKeyboardButton should be an Object")
    if "text" not in button:
        raise bad_request(f'{BUTTON_PREFIX}Can\'t find field "text"')
    if not isinstance(button["text"], str):
        raise bad_request(f'{BUTTON_PREFIX}Field "text" must be of type String')
    actions = [field for field in ACTION_FIELDS if button.get(field) not in (None, "")]
    if not actions:
        raise bad_request(f"{BUTTON_PREFIX}Text buttons are unallowed in the inline keyboard")
    if len(actions) > 1:
        # Telegram silently uses one of them; the fake refuses so that the bug shows.
        raise bad_request(
            f"{BUTTON_PREFIX}exactly one of {', '.join(actions)} must be set "
            "(strict check of the fake server)"
        )
    data = button.get("callback_data")
    if data is not None and (
        not isinstance(data, str) or len(data.encode("utf-8")) > MAX_CALLBACK_DATA_BYTES
    ):
        raise bad_request(errors.BUTTON_DATA_INVALID)
