"""A fake Telegram Bot API server for end-to-end tests and demos of the bot.

The bot runs unmodified over real HTTP against it (PTB's ``base_url``/``base_file_url``);
simulated users queue updates and read what the bot sent, edited and answered.
"""

from fake_telegram.balancer import pushing_to_webhooks, running_balanced
from fake_telegram.errors import ApiError
from fake_telegram.models import (
    ApiCall,
    Button,
    CallbackAnswer,
    ChatMessage,
    Revision,
    StoredFile,
    TranscriptEvent,
)
from fake_telegram.running import attached, running_bot
from fake_telegram.server import DEFAULT_TOKEN, FakeTelegram
from fake_telegram.state import BotState
from fake_telegram.transcript import format_event, printer
from fake_telegram.users import FakeUser

__all__ = [
    "DEFAULT_TOKEN",
    "ApiCall",
    "ApiError",
    "BotState",
    "Button",
    "CallbackAnswer",
    "ChatMessage",
    "FakeTelegram",
    "FakeUser",
    "Revision",
    "StoredFile",
    "TranscriptEvent",
    "attached",
    "format_event",
    "printer",
    "pushing_to_webhooks",
    "running_balanced",
    "running_bot",
]
