"""Simulated Telegram users: they send messages and press buttons, and read what the bot did."""

from __future__ import annotations

import asyncio
import io
import re
import time
from collections.abc import Callable
from typing import Any

from PIL import Image

from fake_telegram.html_markup import utf16_len
from fake_telegram.models import CallbackAnswer, ChatMessage, EventKind, TranscriptEvent
from fake_telegram.state import BotState

COMMAND = re.compile(r"(?<!\S)/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?")
# Without an attached application, a reply counts as complete after this long without calls.
QUIET_PERIOD = 0.05
# How long a user waits for the bot before giving up. Waits end as soon as their condition
# holds, so this only bounds a failure; it is generous because on a shared 2-core machine
# running several test workers one update can take seconds.
WAIT = 30.0


def command_entities(text: str) -> list[dict[str, Any]]:
    """The `bot_command` entities Telegram attaches to a user's text (UTF-16 offsets)."""
    return [
        {
            "type": "bot_command",
            "offset": utf16_len(text[: match.start()]),
            "length": utf16_len(match.group()),
        }
        for match in COMMAND.finditer(text)
    ]


def tiny_png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


class FakeUser:
    """One user in a private chat with the bot (create with `FakeTelegram.user`).

    Actions queue updates for the bot's getUpdates. `wait_reply()` then waits until the bot
    has processed the last action and returns what it sent, edited or deleted meanwhile.
    """

    def __init__(self, bot: BotState, profile: dict[str, Any]) -> None:
        self.bot = bot
        self.profile = profile
        self.id: int = profile["id"]
        self.first_name: str = profile["first_name"]
        self._last_update_id: int | None = None
        self._calls_before_action = 0
        self._activity_before_action = 0
        self._cursor = 0

    # What the user sees

    @property
    def messages(self) -> list[ChatMessage]:
        """The bot's messages in this chat that are not deleted, oldest first."""
        chat_messages = self.bot.messages.get(self.id, {})
        return [m for m in chat_messages.values() if m.from_bot and not m.deleted]

    @property
    def last_message(self) -> ChatMessage | None:
        messages = self.messages
        return messages[-1] if messages else None

    @property
    def callback_answers(self) -> list[CallbackAnswer]:
        return self.bot.callback_answers.get(self.id, [])

    @property
    def chat_actions(self) -> list[str]:
        return [action for chat_id, action in self.bot.chat_actions if chat_id == self.id]

    @property
    def reply_keyboard(self) -> list[list[str]] | None:
        """Labels of the reply keyboard the bot last showed, None if none or removed."""
        for message in reversed(self.messages):
            markup = message.reply_markup or {}
            if "remove_keyboard" in markup:
                return None
            if "keyboard" in markup:
                return [
                    [b["text"] if isinstance(b, dict) else str(b) for b in row]
                    for row in markup["keyboard"]
                ]
        return None

    # Actions

    async def send(self, text: str) -> ChatMessage:
        """Send a text; commands get `bot_command` entities as in Telegram."""
        return self._send("message", text, text=text, entities=command_entities(text))

    async def ask(self, text: str, timeout: float = WAIT) -> list[ChatMessage]:
        """`send(text)` then `wait_reply()`."""
        await self.send(text)
        return await self.wait_reply(timeout)

    async def edit(self, message: ChatMessage, text: str) -> None:
        """Edit one of the user's own sent texts: Telegram sends the bot an `edited_message`."""
        if message.from_bot:
            raise LookupError("users can only edit their own messages")
        self._begin_action()
        message.text = text
        message.entities = command_entities(text)
        message.edit_date = int(time.time())
        self._last_update_id = self.bot.queue_update("edited_message", message.to_api())
        self._emit("edit", text, message.message_id)

    async def send_photo(
        self, data: bytes | None = None, caption: str | None = None
    ) -> ChatMessage:
        stored = self.bot.store_file("photo", data if data is not None else tiny_png())
        return self._send("photo", caption or "", photo=stored, caption=caption)

    async def send_document(
        self,
        data: bytes,
        file_name: str = "document.pdf",
        mime_type: str = "application/pdf",
        caption: str | None = None,
    ) -> ChatMessage:
        stored = self.bot.store_file("document", data, file_name=file_name, mime_type=mime_type)
        return self._send("document", file_name, document=stored, caption=caption)

    async def send_sticker(self, emoji: str = "👍") -> ChatMessage:
        number = len(self.bot.files) + 1
        sticker = {
            "file_id": f"fake-sticker-{number}",
            "file_unique_id": f"usticker{number}",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "type": "regular",
            "emoji": emoji,
        }
        return self._send("sticker", emoji, sticker=sticker)

    async def press(self, message: ChatMessage, text: str) -> str:
        """Press the inline button labelled `text`; returns the callback query id."""
        if message.deleted:
            raise LookupError(f"message {message.message_id} was deleted")
        button = message.button(text)
        if button.callback_data is None:
            raise LookupError(f"button {text!r} opens {button.url!r}, it sends no callback")
        return await self.press_data(message, button.callback_data, label=text)

    async def press_data(self, message: ChatMessage, data: str, label: str | None = None) -> str:
        """Send a callback query with any `data` (forged data included) from `message`."""
        self._begin_action()
        query_id = self.bot.new_callback_query_id(self.id)
        self._last_update_id = self.bot.queue_update(
            "callback_query",
            {
                "id": query_id,
                "from": self.profile,
                "message": message.to_api(),
                "chat_instance": str(self.id),
                "data": data,
            },
        )
        self._emit("press", label or f"(data) {data}", message.message_id)
        return query_id

    async def block_bot(self) -> None:
        """Block the bot: sends fail with 403 and a `my_chat_member` update is queued."""
        self.bot.failures.blocked.add(self.id)
        self._member_update("member", "kicked")

    async def unblock_bot(self) -> None:
        self.bot.failures.blocked.discard(self.id)
        self._member_update("kicked", "member")

    # Waiting for the bot

    async def wait_reply(self, timeout: float = WAIT) -> list[ChatMessage]:
        """Wait until the bot processed this user's last action; return the messages it sent,
        edited or deleted in this chat since that action (each once, current state)."""
        if self._last_update_id is None:
            raise RuntimeError(f"{self.first_name} has not done anything to reply to")
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        update_id = self._last_update_id
        bot = self.bot
        attached = bot.applications or ([bot.application] if bot.application else [])
        if attached:
            started = await bot.changes.wait_for(
                lambda: update_id in bot.processing_updates or update_id in bot.dropped_updates,
                timeout,
            )
            if not started:
                raise self._timeout(timeout, "the bot never received the update")
            queues = (application.update_queue.join() for application in attached)
            try:
                await asyncio.wait_for(asyncio.gather(*queues), max(deadline - loop.time(), 0))
            except TimeoutError:
                raise self._timeout(timeout, "the bot is still processing") from None
        else:
            await self._wait_quiet(update_id, timeout)
        activity = bot.bot_activity.get(self.id, [])
        self._cursor = len(activity)
        return _unique(activity[self._activity_before_action :])

    async def wait_for(
        self,
        condition: int | Callable[[ChatMessage], bool] = 1,
        timeout: float = WAIT,
    ) -> list[ChatMessage]:
        """Wait for the bot's next sends/edits in this chat (e.g. from a scheduled job).

        `condition` is a number of new sends/edits, or a predicate one new message must meet.
        Returns the new messages since the last `wait_reply`/`wait_for` (each once).
        """
        start = self._cursor

        def new() -> list[ChatMessage]:
            return self.bot.bot_activity.get(self.id, [])[start:]

        def met() -> bool:
            if isinstance(condition, int):
                return len(new()) >= condition
            return any(condition(message) for message in new())

        if not await self.bot.changes.wait_for(met, timeout):
            raise self._timeout(timeout, f"the bot sent {len(new())} matching updates")
        self._cursor = start + len(new())
        return _unique(new())

    # Internals

    def _chat(self) -> dict[str, Any]:
        return self.bot.chats.get(self.id) or self.bot.open_chat(self.profile)

    def _begin_action(self) -> None:
        self._calls_before_action = self.bot.chat_calls.get(self.id, 0)
        self._activity_before_action = len(self.bot.bot_activity.get(self.id, []))
        self._chat()

    def _send(self, kind: EventKind, summary: str, **content: Any) -> ChatMessage:
        self._begin_action()
        message = self.bot.add_message(self._chat(), from_bot=False, **content)
        self._last_update_id = self.bot.queue_update("message", message.to_api())
        self._emit(kind, summary, message.message_id)
        return message

    def _member_update(self, old: str, new: str) -> None:
        self._begin_action()
        self._last_update_id = self.bot.queue_update(
            "my_chat_member",
            {
                "chat": self._chat(),
                "from": self.profile,
                "date": int(time.time()),
                "old_chat_member": {"status": old, "user": self.bot.bot_user, "until_date": 0},
                "new_chat_member": {"status": new, "user": self.bot.bot_user, "until_date": 0},
            },
        )
        self._emit("message", f"[{new} the bot]", None)

    def _emit(self, kind: EventKind, text: str, message_id: int | None) -> None:
        self.bot.emit(TranscriptEvent("user", kind, self.id, self.first_name, text, message_id))

    async def _wait_quiet(self, update_id: int, timeout: float) -> None:
        """Without the application at hand: wait for the update to be fetched, for a first
        call aimed at this chat, then until no call came for `QUIET_PERIOD` seconds."""
        bot = self.bot

        def calls() -> int:
            return bot.chat_calls.get(self.id, 0)

        fetched = await bot.changes.wait_for(
            lambda: update_id in bot.delivered_updates or update_id in bot.dropped_updates,
            timeout,
        )
        if not fetched:
            raise self._timeout(timeout, "the bot never fetched the update")
        if update_id in bot.dropped_updates:
            return
        if not await bot.changes.wait_for(lambda: calls() > self._calls_before_action, timeout):
            raise self._timeout(timeout, "the bot made no call for this chat")

        async def more_calls_soon(seen: int) -> bool:
            return await bot.changes.wait_for(lambda: calls() != seen, QUIET_PERIOD)

        while await more_calls_soon(calls()):
            pass

    def _timeout(self, timeout: float, why: str) -> TimeoutError:
        return TimeoutError(f"{self.first_name} ({self.id}): {why} within {timeout}s")


def _unique(messages: list[ChatMessage]) -> list[ChatMessage]:
    """Each message once, in the order of its first appearance."""
    return list({id(message): message for message in messages}.values())
