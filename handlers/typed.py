"""Conversation steps that wait for a typed answer."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes, MessageHandler, filters

from handlers.services import who
from handlers.ui import refuse
from locales import t

TYPED = filters.TEXT & ~filters.COMMAND


def text_only(key: str, state: int) -> MessageHandler:
    """Stickers, photos and files where a typed answer is expected: say so (catalog `key`),
    keep waiting in `state`."""

    async def refuse_non_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
        person = await who(update, context)
        await refuse(update, t(person.language, key))
        return state

    return MessageHandler(~filters.TEXT & ~filters.COMMAND, refuse_non_text)
