"""Incoming updates parsed with less of PTB's object work on the pressed message.

Each button press brings the whole message it was pressed on, keyboard and all, and PTB's
`Update.de_json` turns it into objects: a `Message` of about 120 attributes, each set through
PTB's frozen-object check, and an object for every button. Two cuts, both for polling
(`UpdatesRequest`, `UpdatesBot`) and the webhook (bot/webhook.py, `parse`):

- The keyboard stays JSON (420 → 230 µs to parse a press on a day of times): the bot reads it
  only to compare it with the next screen's (handlers/ui.py `unchanged`, `pressed_keyboard`),
  which plain JSON does as well. It is moved under a name PTB does not know, and PTB keeps it
  in the message's `api_kwargs`.
- A plain text message (the bot's own menus: `_PLAIN_KEYS`) is built from a copy of a blank
  `Message` that PTB's constructor made once, with only the attributes the message has set,
  converted as `Message.de_json` converts them (230 → 120 µs a press; tests/bot/test_updates.py
  compares every attribute with PTB's own parse). Any other message, PTB parses.

So that PTB's parse leaves the plain message alone, `set_aside` moves it under another unknown
name (`PRESSED_MESSAGE`) before, and `with_pressed` puts it in place after.
"""

from __future__ import annotations

import datetime as dtm
import functools
from collections.abc import Sequence
from types import MappingProxyType
from typing import Any, TypeVar

from telegram import Bot, Chat, Message, MessageEntity, TelegramObject, Update, User
from telegram._utils import enum
from telegram._utils.argumentparsing import de_json_optional
from telegram._utils.datetime import extract_tzinfo_from_defaults, from_timestamp
from telegram._utils.types import JSONDict
from telegram.constants import MessageEntityType
from telegram.ext import ExtBot

from bot.api_request import ApiRequest
from handlers.ui import PRESSED_KEYBOARD

PRESSED_MESSAGE = "matchbot_pressed_message"
# What a text message the bot sent comes back with in a press (its keyboard already aside).
_PLAIN_KEYS = frozenset(
    {"message_id", "date", "chat", "from", "text", "entities", "edit_date", PRESSED_KEYBOARD}
)
# An entity with only these (a bold name, a link) is built beside PTB too.
_PLAIN_ENTITY_KEYS = frozenset({"type", "offset", "length", "url", "language", "custom_emoji_id"})
# Sets an attribute of a PTB object past its frozen-object check (PTB's parse does the same
# through `_unfrozen`).
_set = object.__setattr__
_T = TypeVar("_T", bound=TelegramObject)
_NO_API_KWARGS: MappingProxyType[str, Any] = MappingProxyType({})


def set_aside(data: Any) -> Any:
    """`data` (an update as Telegram sends it) with the pressed message's keyboard moved to
    `PRESSED_KEYBOARD` and, when the message is plain, the message to `PRESSED_MESSAGE`;
    anything else unchanged."""
    query = data.get("callback_query") if isinstance(data, dict) else None
    message = query.get("message") if isinstance(query, dict) else None
    if not isinstance(message, dict):
        return data
    if "reply_markup" in message:
        message[PRESSED_KEYBOARD] = message.pop("reply_markup")
    if _PLAIN_KEYS.issuperset(message) and _plain(message):
        query[PRESSED_MESSAGE] = query.pop("message")
    return data


def _plain(message: JSONDict) -> bool:
    """Whether the fields `_plain_message` reads have the types Telegram gives them (a date of
    0 would make PTB's parse an `InaccessibleMessage`)."""
    return (
        isinstance(message.get("message_id"), int)
        and isinstance(message.get("date"), int)
        and message["date"] != 0
        and isinstance(message.get("chat"), dict)
        and isinstance(message.get("text", ""), str)
        and isinstance(message.get("entities", []), list)
        and isinstance(message.get("from", {}), dict)
        and isinstance(message.get("edit_date", 1), int)
    )


def with_pressed(update: Update, bot: Bot) -> Update:
    """`update` (parsed by PTB after `set_aside`) with its press's plain message in place."""
    query = update.callback_query
    if query is None or PRESSED_MESSAGE not in query.api_kwargs:
        return update
    others = dict(query.api_kwargs)
    _set(query, "message", _plain_message(others.pop(PRESSED_MESSAGE), bot))
    _set(query, "api_kwargs", MappingProxyType(others))
    return update


def parse(data: Any, bot: Bot) -> Update:
    """`Update.de_json` of one update, the pressed message parsed as above."""
    return with_pressed(Update.de_json(set_aside(data), bot), bot)


def _attributes(cls: type) -> tuple[str, ...]:
    """Every slot of `cls` and its bases."""
    names = (name for klass in cls.__mro__ for name in getattr(klass, "__slots__", ()))
    return tuple(dict.fromkeys(name for name in names if not name.startswith("__")))


@functools.cache
def _blank(cls: type[TelegramObject]) -> tuple[tuple[str, object], ...]:
    """Each attribute of a `cls` as PTB's constructor sets it when the object has nothing but
    its required fields (None, empty tuples: values that never change, so every copy can share
    them)."""
    epoch = dtm.datetime(2000, 1, 1, tzinfo=dtm.UTC)
    examples = {
        Message: lambda: Message(message_id=0, date=epoch, chat=Chat(0, Chat.PRIVATE)),
        MessageEntity: lambda: MessageEntity(MessageEntity.BOLD, 0, 0),
    }
    blank = examples[cls]()
    return tuple((name, getattr(blank, name)) for name in _attributes(cls))


def _built(cls: type[_T], given: dict[str, object]) -> _T:
    """A `cls` with the attributes in `given`, the others blank."""
    made = cls.__new__(cls)
    for name, value in _blank(cls):
        _set(made, name, given.get(name, value))
    return made


def _entity(data: Any, bot: Bot) -> MessageEntity:
    """`MessageEntity.de_json(data, bot)`, beside PTB for a plain one."""
    if not (_PLAIN_ENTITY_KEYS.issuperset(data) and isinstance(data.get("type"), str)):
        return MessageEntity.de_json(data, bot)
    kind = enum.get_member(MessageEntityType, data["type"], data["type"])
    offset, length = data.get("offset"), data.get("length")
    given = {name: data.get(name) for name in _PLAIN_ENTITY_KEYS}
    given |= {"type": kind, "_id_attrs": (kind, offset, length), "_bot": bot}
    return _built(MessageEntity, given | {"api_kwargs": _NO_API_KWARGS})


def _plain_message(data: JSONDict, bot: Bot) -> Message:
    """`Message.de_json(data, bot)` for a message `set_aside` found plain."""
    tzinfo = extract_tzinfo_from_defaults(bot)
    chat = Chat.de_json(data["chat"], bot)
    entities: Sequence[MessageEntity] = [_entity(e, bot) for e in data.get("entities") or ()]
    given = {
        "message_id": data["message_id"],
        "chat": chat,
        "date": from_timestamp(data["date"], tzinfo=tzinfo),
        "edit_date": from_timestamp(data.get("edit_date"), tzinfo=tzinfo),
        "from_user": de_json_optional(data.get("from"), User, bot),
        "text": data.get("text"),
        "entities": tuple(entities),
        "api_kwargs": MappingProxyType({k: v for k, v in data.items() if k == PRESSED_KEYBOARD}),
        "_id_attrs": (data["message_id"], chat),
        "_bot": bot,
    }
    return _built(Message, given)


class UpdatesRequest(ApiRequest):
    """The transport of `getUpdates` (bot/app.py): its answer's presses come set aside
    (`set_aside`) before PTB parses them."""

    def parse_json_payload(self, payload: bytes) -> JSONDict:
        answer = super().parse_json_payload(payload)
        updates = answer.get("result")
        if isinstance(updates, list):
            for update in updates:
                set_aside(update)
        return answer


class UpdatesBot(ExtBot[Any]):
    """The bot's `ExtBot`, whose `getUpdates` puts the presses' plain messages in place."""

    async def get_updates(self, *args: Any, **kwargs: Any) -> tuple[Update, ...]:
        updates = await super().get_updates(*args, **kwargs)
        return tuple(with_pressed(update, self) for update in updates)
