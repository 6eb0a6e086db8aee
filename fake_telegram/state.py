"""Everything the fake server knows about one bot token."""

from __future__ import annotations

import io
import itertools
import time
from collections.abc import Callable
from typing import Any

from PIL import Image, UnidentifiedImageError
from telegram.ext import Application

from fake_telegram import errors
from fake_telegram.changes import Changes
from fake_telegram.errors import bad_request
from fake_telegram.failures import Failures
from fake_telegram.models import (
    ApiCall,
    CallbackAnswer,
    ChatMessage,
    StoredFile,
    TranscriptEvent,
)

# Telegram's default when a bot never asked for specific update types.
DEFAULT_EXCLUDED_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})


def update_type(update: dict[str, Any]) -> str:
    return next(key for key in update if key != "update_id")


class BotState:
    """Chats, messages, pending updates, files and settings of one bot."""

    def __init__(
        self,
        token: str,
        *,
        first_name: str,
        username: str,
        changes: Changes,
        emit: Callable[[TranscriptEvent], None],
        rate_limit_per_second: int | None,
        strict_html: bool,
        stars: int = 0,
    ) -> None:
        self.token = token
        self.bot_user: dict[str, Any] = {
            "id": int(token.split(":", 1)[0]),
            "is_bot": True,
            "first_name": first_name,
            "username": username,
        }
        self.changes = changes
        self.emit = emit
        self.strict_html = strict_html
        self.failures = Failures(rate_limit_per_second, stars)
        self.users: dict[int, dict[str, Any]] = {}
        self.chats: dict[int, dict[str, Any]] = {}
        self.messages: dict[int, dict[int, ChatMessage]] = {}
        # Per chat: every message the bot sent or edited, in order (an edited one reappears).
        self.bot_activity: dict[int, list[ChatMessage]] = {}
        self.calls: list[ApiCall] = []
        self.chat_calls: dict[int, int] = {}  # chat id -> number of calls aimed at it
        self.application: Application | None = None  # attached by `running_bot`
        self.applications: list[Application] = []  # attached by `running_balanced`
        self.pending_updates: list[dict[str, Any]] = []
        self.delivered_updates: set[int] = set()
        self.dropped_updates: set[int] = set()
        self.processing_updates: set[int] = set()
        self.allowed_updates: frozenset[str] | None = None
        self.webhook: dict[str, Any] | None = None  # setWebhook's url, secret_token, ...
        self.webhook_answers: list[tuple[int, int]] = []  # (update id, HTTP status; 0: none)
        # Set by `pushing_to_webhooks`: it stands in front of the webhook as the balancer and
        # posts each update itself, so the fake's own delivery to `webhook` stays off.
        self.balanced = False
        self.closing = False  # set on shutdown so that long polls return at once
        self.callback_queries: dict[str, int] = {}  # unanswered query id -> chat id
        self.callback_answers: dict[int, list[CallbackAnswer]] = {}
        self.commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.menu_buttons: dict[int | None, dict[str, Any]] = {}
        self.chat_actions: list[tuple[int, str]] = []
        self.files: dict[str, StoredFile] = {}
        self._update_ids = itertools.count(1)
        self._query_ids = itertools.count(1)
        self._file_ids = itertools.count(1)
        self._message_ids: dict[int, itertools.count[int]] = {}

    # Chats and messages

    def chat(self, chat_id: Any) -> dict[str, Any]:
        """The known private chat `chat_id`, or Telegram's "chat not found"."""
        if isinstance(chat_id, str) and chat_id.lstrip("-").isdigit():
            chat_id = int(chat_id)
        if not isinstance(chat_id, int) or chat_id not in self.chats:
            raise bad_request(errors.CHAT_NOT_FOUND)
        return self.chats[chat_id]

    def open_chat(self, user: dict[str, Any]) -> dict[str, Any]:
        """The private chat with `user`, known to the bot from now on."""
        chat = {"id": user["id"], "type": "private", "first_name": user["first_name"]}
        for key in ("last_name", "username"):
            if user.get(key):
                chat[key] = user[key]
        self.chats[user["id"]] = chat
        self.messages.setdefault(user["id"], {})
        return chat

    def add_message(self, chat: dict[str, Any], *, from_bot: bool, **content: Any) -> ChatMessage:
        chat_id = chat["id"]
        counter = self._message_ids.setdefault(chat_id, itertools.count(1))
        message = ChatMessage(
            message_id=next(counter),
            chat=chat,
            sender=self.bot_user if from_bot else self.users[chat_id],
            date=int(time.time()),
            from_bot=from_bot,
            **content,
        )
        self.messages[chat_id][message.message_id] = message
        if from_bot:
            self.bot_activity.setdefault(chat_id, []).append(message)
        return message

    def message(self, chat_id: Any, message_id: Any, missing: str) -> ChatMessage:
        """A live message of a known chat, or a 400 with the `missing` description."""
        chat = self.chat(chat_id)
        found = self.messages[chat["id"]].get(message_id) if isinstance(message_id, int) else None
        if found is None or found.deleted:
            raise bad_request(missing)
        return found

    def touched(self, message: ChatMessage) -> None:
        """Record that the bot edited `message`."""
        self.bot_activity.setdefault(message.chat_id, []).append(message)

    # Files

    def store_file(
        self,
        kind: str,
        data: bytes,
        *,
        file_name: str | None = None,
        mime_type: str | None = None,
    ) -> StoredFile:
        number = next(self._file_ids)
        width = height = 0
        if kind == "photo":
            try:
                with Image.open(io.BytesIO(data)) as image:
                    width, height = image.size
            except (UnidentifiedImageError, OSError) as exc:
                raise bad_request("IMAGE_PROCESS_FAILED") from exc
        extension = "bin"
        if kind == "photo":
            extension = "jpg"
        elif file_name and "." in file_name:
            extension = file_name.rpartition(".")[2]
        stored = StoredFile(
            file_id=f"fake-{kind}-{number}",
            file_unique_id=f"u{kind}{number}",
            data=data,
            file_path=f"{kind}s/file_{number}.{extension}",
            file_name=file_name,
            mime_type=mime_type,
            width=width,
            height=height,
        )
        self.files[stored.file_id] = stored
        return stored

    def file_by_path(self, path: str) -> StoredFile | None:
        return next((file for file in self.files.values() if file.file_path == path), None)

    # Updates

    def queue_update(self, kind: str, payload: dict[str, Any]) -> int:
        update_id = next(self._update_ids)
        self.pending_updates.append({"update_id": update_id, kind: payload})
        self.changes.notify()
        return update_id

    def new_callback_query_id(self, chat_id: int) -> str:
        query_id = str(4_000_000_000_000_000 + next(self._query_ids))
        self.callback_queries[query_id] = chat_id
        return query_id

    def is_allowed(self, update: dict[str, Any]) -> bool:
        kind = update_type(update)
        if self.allowed_updates is None:
            return kind not in DEFAULT_EXCLUDED_UPDATES
        return kind in self.allowed_updates

    def deliverable(self, offset: int | None, limit: int) -> list[dict[str, Any]]:
        """Confirm updates below `offset`, drop disallowed types, return up to `limit`."""
        if offset is not None:
            self.pending_updates = [u for u in self.pending_updates if u["update_id"] >= offset]
        kept = []
        for update in self.pending_updates:
            if self.is_allowed(update):
                kept.append(update)
            else:
                self.dropped_updates.add(update["update_id"])
        self.pending_updates = kept
        return kept[:limit]

    def drop_pending_updates(self) -> None:
        self.dropped_updates.update(update["update_id"] for update in self.pending_updates)
        self.pending_updates.clear()
