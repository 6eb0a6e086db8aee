"""Flood control that throttles what Telegram throttles: new messages across chats.

Telegram allows about 30 messages a second to different chats (bulk notifications, such as
an announce to thousands). PTB's AIORateLimiter counts every call that names a chat against
that budget, including the edit and the callback answer that follow a user's own button press;
with every menu press costing one edit, the whole bot would then serve 30 presses a second.
Edits and answers to the user in front of us are not bulk messages, so they skip the budget;
all calls still wait and retry when Telegram answers 429.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from telegram.ext import AIORateLimiter

INTERACTIVE = frozenset(
    {
        "answerCallbackQuery",
        "editMessageText",
        "editMessageReplyMarkup",
        "editMessageCaption",
        "deleteMessage",
        "sendChatAction",
    }
)


class BroadcastRateLimiter(AIORateLimiter):
    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Any]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Any:
        if endpoint in INTERACTIVE:
            # `data` only decides which limits apply; the call itself goes out unchanged.
            data = {key: value for key, value in data.items() if key != "chat_id"}
        return await super().process_request(
            callback, args, kwargs, endpoint, data, rate_limit_args
        )
