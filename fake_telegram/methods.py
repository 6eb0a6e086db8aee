"""The Bot API methods the fake serves, each answering like Telegram (errors included)."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Awaitable, Callable
from typing import Any

from fake_telegram import errors, keyboards, text_rules
from fake_telegram.errors import ApiError, bad_request
from fake_telegram.models import CallbackAnswer, ChatMessage, StoredFile, TranscriptEvent
from fake_telegram.params import Params, Upload
from fake_telegram.state import BotState

Method = Callable[[BotState, Params], Awaitable[Any]]
MAX_POLL_TIMEOUT = 50.0
COMMAND_NAME = re.compile(r"[A-Za-z0-9_]{1,32}")


async def get_me(bot: BotState, p: Params) -> dict[str, Any]:
    return {
        **bot.bot_user,
        "can_join_groups": True,
        "can_read_all_group_messages": False,
        "supports_inline_queries": False,
    }


async def set_webhook(bot: BotState, p: Params) -> bool:
    bot.webhook = {"url": p.require("url"), **{k: v for k, v in p.values.items() if k != "url"}}
    allowed = p.get("allowed_updates")
    if isinstance(allowed, list):  # as with getUpdates: applies from now on
        bot.allowed_updates = frozenset(allowed) if allowed else None
    return True


async def delete_webhook(bot: BotState, p: Params) -> bool:
    bot.webhook = None
    if p.get("drop_pending_updates"):
        bot.drop_pending_updates()
    return True


async def get_webhook_info(bot: BotState, p: Params) -> dict[str, Any]:
    return {
        "url": (bot.webhook or {}).get("url", ""),
        "has_custom_certificate": False,
        "pending_update_count": len(bot.pending_updates),
    }


async def get_updates(bot: BotState, p: Params) -> list[dict[str, Any]]:
    """Long poll: answer at once if updates are pending, else when one arrives or on timeout."""
    if bot.webhook is not None:
        raise ApiError(
            409,
            "Conflict: can't use getUpdates method while webhook is active; "
            "use deleteWebhook to delete the webhook first",
        )
    allowed = p.get("allowed_updates")
    if isinstance(allowed, list):
        bot.allowed_updates = frozenset(allowed) if allowed else None
    offset = p.get("offset")
    offset = offset if isinstance(offset, int) and offset > 0 else None
    limit = p.get("limit")
    limit = min(max(limit, 1), 100) if isinstance(limit, int) else 100
    timeout = p.get("timeout")
    timeout = min(float(timeout), MAX_POLL_TIMEOUT) if isinstance(timeout, int | float) else 0.0
    updates = bot.deliverable(offset, limit)
    if not updates and timeout > 0:
        await bot.changes.wait_for(lambda: bool(bot.pending_updates) or bot.closing, timeout)
        updates = bot.deliverable(None, limit)
    bot.delivered_updates.update(update["update_id"] for update in updates)
    return updates


def _reply_to(p: Params) -> int | None:
    reply = p.get("reply_parameters")
    if isinstance(reply, dict) and isinstance(reply.get("message_id"), int):
        return reply["message_id"]
    reply_id = p.get("reply_to_message_id")
    return reply_id if isinstance(reply_id, int) else None


def _bot_event(bot: BotState, kind: str, message: ChatMessage, text: str) -> None:
    bot.emit(
        TranscriptEvent(
            "bot", kind, message.chat_id, bot.bot_user["first_name"], text, message.message_id
        )
    )


def _keyboard_note(markup: dict[str, Any] | None) -> str:
    rows = (markup or {}).get("inline_keyboard") or (markup or {}).get("keyboard") or []
    labels = [b["text"] if isinstance(b, dict) else str(b) for row in rows for b in row]
    return f"  [{' | '.join(labels)}]" if labels else ""


async def send_message(bot: BotState, p: Params) -> dict[str, Any]:
    chat = bot.chat(p.require("chat_id"))
    text, entities = text_rules.message_text(
        p.get("text"), p.get("parse_mode"), p.get("entities"), strict_html=bot.strict_html
    )
    markup = keyboards.reply_markup(p.get("reply_markup"))
    message = bot.add_message(
        chat,
        from_bot=True,
        text=text,
        entities=entities,
        reply_markup=markup,
        reply_to_message_id=_reply_to(p),
    )
    _bot_event(bot, "message", message, text + _keyboard_note(markup))
    return message.to_api()


def _media(bot: BotState, p: Params, field: str) -> StoredFile:
    """The file sent as `field`: an upload, a known file_id, or a URL (kept without bytes)."""
    upload: Upload | None = p.uploads.get(field)
    value = p.get(field)
    if upload is None and isinstance(value, str) and value.startswith("attach://"):
        upload = p.uploads.get(value.removeprefix("attach://"))
    if upload is not None:
        return bot.store_file(
            field, upload.data, file_name=upload.filename, mime_type=upload.content_type
        )
    if isinstance(value, str) and value in bot.files:
        return bot.files[value]
    if isinstance(value, str) and value.startswith(("http://", "https://")):
        # The real server would download it; the fake keeps the URL and no bytes.
        return StoredFile(
            file_id=value, file_unique_id=value, data=b"", file_path="", file_name=value
        )
    if not value:
        raise bad_request(f"there is no {field} in the request")
    raise bad_request("wrong file identifier/HTTP URL specified")


async def send_photo(bot: BotState, p: Params) -> dict[str, Any]:
    return _send_media(bot, p, "photo")


async def send_document(bot: BotState, p: Params) -> dict[str, Any]:
    return _send_media(bot, p, "document")


def _caption(bot: BotState, p: Params) -> tuple[str | None, list[dict[str, Any]]]:
    return text_rules.caption_text(
        p.get("caption"),
        p.get("parse_mode"),
        p.get("caption_entities"),
        strict_html=bot.strict_html,
    )


def _send_media(bot: BotState, p: Params, field: str) -> dict[str, Any]:
    chat = bot.chat(p.require("chat_id"))
    caption, entities = _caption(bot, p)
    markup = keyboards.reply_markup(p.get("reply_markup"))
    stored = _media(bot, p, field)
    message = bot.add_message(
        chat,
        from_bot=True,
        caption=caption,
        entities=entities,
        reply_markup=markup,
        reply_to_message_id=_reply_to(p),
        **{field: stored},
    )
    label = f"{_media_label(field, stored)} {caption or ''}".strip()
    _bot_event(bot, field, message, label + _keyboard_note(markup))
    return message.to_api()


def _size(data: bytes) -> str:
    return f"{len(data)} B" if len(data) < 1024 else f"{round(len(data) / 1024)} KB"


def _media_label(field: str, stored: StoredFile) -> str:
    """How a transcript names a file: "[photo 1240×860, 85 KB]", "[document S001.ics, 2 KB]".
    Telegram keeps no name for a photo, so a photo is named by its size in pixels."""
    if not stored.data:  # a URL the fake does not download
        return f"[{field} {stored.file_name}]"
    if field == "photo":
        return f"[photo {stored.width}×{stored.height}, {_size(stored.data)}]"
    return f"[{field} {stored.file_name or 'file'}, {_size(stored.data)}]"


def _editable(bot: BotState, p: Params) -> ChatMessage:
    if p.get("inline_message_id"):
        raise bad_request("MESSAGE_ID_INVALID")
    message = bot.message(p.get("chat_id"), p.get("message_id"), errors.MESSAGE_TO_EDIT_NOT_FOUND)
    if not message.from_bot:
        raise bad_request("message can't be edited")
    return message


def _apply_edit(
    bot: BotState,
    message: ChatMessage,
    *,
    text: str | None,
    caption: str | None,
    entities: list[dict[str, Any]],
    markup: dict[str, Any] | None,
) -> dict[str, Any]:
    if (text, caption, entities, markup) == (
        message.text,
        message.caption,
        message.entities,
        message.reply_markup,
    ):
        raise bad_request(errors.NOT_MODIFIED)
    message.revise()
    message.text, message.caption, message.entities = text, caption, entities
    message.reply_markup = markup
    message.edit_date = int(time.time())
    bot.touched(message)
    _bot_event(bot, "edit", message, message.content + _keyboard_note(markup))
    return message.to_api()


async def edit_message_text(bot: BotState, p: Params) -> dict[str, Any]:
    message = _editable(bot, p)
    text, entities = text_rules.message_text(
        p.get("text"), p.get("parse_mode"), p.get("entities"), strict_html=bot.strict_html
    )
    if message.text is None:
        raise bad_request(errors.NO_TEXT_TO_EDIT)
    markup = keyboards.reply_markup(p.get("reply_markup"))
    return _apply_edit(bot, message, text=text, caption=None, entities=entities, markup=markup)


async def edit_message_caption(bot: BotState, p: Params) -> dict[str, Any]:
    message = _editable(bot, p)
    caption, entities = _caption(bot, p)
    if message.photo is None and message.document is None:
        raise bad_request(errors.NO_CAPTION_TO_EDIT)
    markup = keyboards.reply_markup(p.get("reply_markup"))
    return _apply_edit(bot, message, text=None, caption=caption, entities=entities, markup=markup)


async def edit_message_reply_markup(bot: BotState, p: Params) -> dict[str, Any]:
    message = _editable(bot, p)
    markup = keyboards.reply_markup(p.get("reply_markup"))
    return _apply_edit(
        bot,
        message,
        text=message.text,
        caption=message.caption,
        entities=message.entities,
        markup=markup,
    )


async def delete_message(bot: BotState, p: Params) -> bool:
    message = bot.message(p.get("chat_id"), p.get("message_id"), errors.MESSAGE_TO_DELETE_NOT_FOUND)
    message.deleted = True
    bot.touched(message)
    _bot_event(bot, "delete", message, message.content)
    return True


async def answer_callback_query(bot: BotState, p: Params) -> bool:
    query_id = p.get("callback_query_id")
    chat_id = bot.callback_queries.pop(query_id, None) if isinstance(query_id, str) else None
    if chat_id is None:
        raise bad_request(errors.QUERY_TOO_OLD)
    text = p.get("text")
    if isinstance(text, str) and len(text) > text_rules.MAX_CALLBACK_ANSWER:
        bot.callback_queries[query_id] = chat_id
        raise bad_request("MESSAGE_TOO_LONG")
    answer = CallbackAnswer(query_id, text or None, bool(p.get("show_alert")), p.get("url"))
    bot.callback_answers.setdefault(chat_id, []).append(answer)
    note = ("[alert] " if answer.show_alert else "") + (answer.text or "(no text)")
    bot.emit(TranscriptEvent("bot", "answer", chat_id, bot.bot_user["first_name"], note))
    return True


def _commands_key(p: Params) -> tuple[str, str]:
    scope = p.get("scope") or {"type": "default"}
    return json.dumps(scope, sort_keys=True), p.get("language_code") or ""


async def set_my_commands(bot: BotState, p: Params) -> bool:
    commands = p.get("commands")
    if not isinstance(commands, list) or len(commands) > 100:
        raise bad_request("can't parse commands JSON object")
    for command in commands:
        name = command.get("command", "") if isinstance(command, dict) else ""
        description = command.get("description", "") if isinstance(command, dict) else ""
        if not COMMAND_NAME.fullmatch(name):
            raise bad_request("BOT_COMMAND_INVALID")
        if not (1 <= len(description) <= 256):
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
    scope = p.get("scope") or {}
    if "chat_id" in scope:  # a chat scope names a chat that must exist, as in Telegram
        bot.chat(scope["chat_id"])
    bot.commands[_commands_key(p)] = [
        {"command": c["command"].lower(), "description": c["description"]} for c in commands
    ]
    return True


async def get_my_commands(bot: BotState, p: Params) -> list[dict[str, Any]]:
    return bot.commands.get(_commands_key(p), [])


async def delete_my_commands(bot: BotState, p: Params) -> bool:
    bot.commands.pop(_commands_key(p), None)
    return True


async def set_chat_menu_button(bot: BotState, p: Params) -> bool:
    chat_id = p.get("chat_id")
    if chat_id is not None:
        chat_id = bot.chat(chat_id)["id"]
    bot.menu_buttons[chat_id] = p.get("menu_button") or {"type": "default"}
    return True


async def get_chat_menu_button(bot: BotState, p: Params) -> dict[str, Any]:
    chat_id = p.get("chat_id")
    if chat_id is not None:
        chat_id = bot.chat(chat_id)["id"]
    return bot.menu_buttons.get(chat_id) or bot.menu_buttons.get(None) or {"type": "commands"}


async def get_chat(bot: BotState, p: Params) -> dict[str, Any]:
    chat = bot.chat(p.require("chat_id"))
    gift_types = dict.fromkeys(
        (
            "unlimited_gifts",
            "limited_gifts",
            "unique_gifts",
            "premium_subscription",
            "gifts_from_channels",
        ),
        True,
    )
    return {
        **chat,
        "accent_color_id": 0,
        "max_reaction_count": 11,
        "accepted_gift_types": gift_types,
    }


async def send_chat_action(bot: BotState, p: Params) -> bool:
    chat = bot.chat(p.require("chat_id"))
    bot.chat_actions.append((chat["id"], p.require("action")))
    return True


async def get_file(bot: BotState, p: Params) -> dict[str, Any]:
    stored = bot.files.get(p.get("file_id") or "")
    if stored is None:
        raise bad_request("invalid file_id")
    return {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": len(stored.data),
        "file_path": stored.file_path,
    }


METHODS: dict[str, Method] = {
    name.lower(): method
    for name, method in {
        "getMe": get_me,
        "setWebhook": set_webhook,
        "deleteWebhook": delete_webhook,
        "getWebhookInfo": get_webhook_info,
        "getUpdates": get_updates,
        "sendMessage": send_message,
        "sendPhoto": send_photo,
        "sendDocument": send_document,
        "editMessageText": edit_message_text,
        "editMessageCaption": edit_message_caption,
        "editMessageReplyMarkup": edit_message_reply_markup,
        "deleteMessage": delete_message,
        "answerCallbackQuery": answer_callback_query,
        "setMyCommands": set_my_commands,
        "getMyCommands": get_my_commands,
        "deleteMyCommands": delete_my_commands,
        "setChatMenuButton": set_chat_menu_button,
        "getChatMenuButton": get_chat_menu_button,
        "getChat": get_chat,
        "sendChatAction": send_chat_action,
        "getFile": get_file,
    }.items()
}
