"""PTB persistence on our own database: conversations and per-user data survive a restart.

A participant halfway through typing a new e-mail, a note or a search keyword, or paging
through Find's results, carries on after the bot restarts. Only user data and conversation
states are kept (bot data holds the live Services; chat data and callback data are unused).
Values are pickled: they are the bot's own objects, written and read only by the bot.
"""

from __future__ import annotations

import json
import pickle
from typing import Any

from telegram.ext import BasePersistence, PersistenceInput

from handlers.services import Services
from store import saved_state

ConversationKey = tuple[int | str, ...]
ConversationDict = dict[ConversationKey, object]

USER = "user"
CONVERSATION = "conversation:"
# PTB writes what changed this often; a crash loses at most this many seconds of typing state.
UPDATE_INTERVAL = 1.0


class DatabasePersistence(BasePersistence[dict, dict, dict]):
    def __init__(self, services: Services) -> None:
        super().__init__(
            store_data=PersistenceInput(bot_data=False, chat_data=False, callback_data=False),
            update_interval=UPDATE_INTERVAL,
        )
        self.services = services

    async def _load(self, kind: str) -> dict[str, Any]:
        raw = await self.services.run(saved_state.load, kind)
        return {key: pickle.loads(value) for key, value in raw.items()}

    async def get_user_data(self) -> dict[int, dict]:
        return {int(key): value for key, value in (await self._load(USER)).items()}

    async def update_user_data(self, user_id: int, data: dict) -> None:
        await self.services.run(saved_state.save, USER, str(user_id), pickle.dumps(data))

    async def drop_user_data(self, user_id: int) -> None:
        await self.services.run(saved_state.forget, USER, str(user_id))

    async def get_conversations(self, name: str) -> ConversationDict:
        saved = await self._load(CONVERSATION + name)
        return {tuple(json.loads(key)): state for key, state in saved.items()}

    async def update_conversation(
        self, name: str, key: ConversationKey, new_state: object | None
    ) -> None:
        kind, text = CONVERSATION + name, json.dumps(list(key))
        if new_state is None:
            await self.services.run(saved_state.forget, kind, text)
        else:
            await self.services.run(saved_state.save, kind, text, pickle.dumps(new_state))

    async def refresh_user_data(self, user_id: int, user_data: dict) -> None:
        """Nothing to refresh: this process's copy is the one it wrote."""

    # Not kept (see the module docstring): PTB still asks, so answer "nothing".

    async def get_chat_data(self) -> dict[int, dict]:
        return {}

    async def get_bot_data(self) -> dict:
        return {}

    async def get_callback_data(self) -> None:
        return None

    async def update_chat_data(self, chat_id: int, data: dict) -> None:
        """Chat data is not kept."""

    async def update_bot_data(self, data: dict) -> None:
        """Bot data holds live objects and is not kept."""

    async def update_callback_data(self, data: Any) -> None:
        """Callback data is not kept."""

    async def drop_chat_data(self, chat_id: int) -> None:
        """Chat data is not kept."""

    async def refresh_chat_data(self, chat_id: int, chat_data: dict) -> None:
        """Chat data is not kept."""

    async def refresh_bot_data(self, bot_data: dict) -> None:
        """Bot data is not kept."""

    async def flush(self) -> None:
        """Every update is written when PTB hands it over; nothing is buffered here."""
