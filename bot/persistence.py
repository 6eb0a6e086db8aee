"""A persistence that keeps nothing, for PTB's sake.

PTB accepts a `ConversationHandler(persistent=True)` only in an application with a
persistence. Every user's state (their data and conversation steps) is read and written per
update by bot/user_state.py instead, so that any bot process can handle any update; this
class only answers PTB's calls with "nothing saved" and writes nothing.
"""

from __future__ import annotations

from typing import Any

from telegram.ext import BasePersistence, PersistenceInput

ConversationKey = tuple[int | str, ...]

# PTB still calls update_persistence on this interval; there is nothing for it to write.
UPDATE_INTERVAL = 3600.0


class NoPersistence(BasePersistence[dict, dict, dict]):
    def __init__(self) -> None:
        super().__init__(
            store_data=PersistenceInput(
                bot_data=False, chat_data=False, user_data=False, callback_data=False
            ),
            update_interval=UPDATE_INTERVAL,
        )

    async def get_user_data(self) -> dict[int, dict]:
        return {}

    async def get_chat_data(self) -> dict[int, dict]:
        return {}

    async def get_bot_data(self) -> dict:
        return {}

    async def get_callback_data(self) -> None:
        return None

    async def get_conversations(self, name: str) -> dict[ConversationKey, object]:
        return {}

    async def update_conversation(
        self, name: str, key: ConversationKey, new_state: object | None
    ) -> None:
        """Kept in the user's saved state (bot/user_state.py)."""

    async def update_user_data(self, user_id: int, data: dict) -> None:
        """Kept in the user's saved state (bot/user_state.py)."""

    async def update_chat_data(self, chat_id: int, data: dict) -> None:
        """Chat data is not used."""

    async def update_bot_data(self, data: dict) -> None:
        """Bot data holds live objects and is not kept."""

    async def update_callback_data(self, data: Any) -> None:
        """Callback data is not used."""

    async def drop_user_data(self, user_id: int) -> None:
        """Nothing kept here."""

    async def drop_chat_data(self, chat_id: int) -> None:
        """Nothing kept here."""

    async def refresh_user_data(self, user_id: int, user_data: dict) -> None:
        """Loaded per update by bot/user_state.py."""

    async def refresh_chat_data(self, chat_id: int, chat_data: dict) -> None:
        """Chat data is not used."""

    async def refresh_bot_data(self, bot_data: dict) -> None:
        """Bot data is not kept."""

    async def flush(self) -> None:
        """Nothing buffered."""
