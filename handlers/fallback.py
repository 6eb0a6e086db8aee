"""What nothing else handled: unknown commands, stray messages and files, forged buttons.

Registered last, so each gets a clear answer instead of silence."""

from __future__ import annotations

import html
import logging
import traceback

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import (
    ApplicationHandlerStop,
    BaseHandler,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from handlers.services import services, who
from handlers.ui import refuse
from locales import t

log = logging.getLogger(__name__)
TRACE_LIMIT = 3500  # leaves room for the heading inside Telegram's 4096 characters


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    person = await who(update, context)
    await refuse(update, t(person.language, "fallback.unknown_command"))


async def stray_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    person = await who(update, context)
    await refuse(update, t(person.language, "fallback.use_menu"))


async def stale_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    person = await who(update, context)
    await refuse(update, t(person.language, "error.bad_button"))


async def outside_private_chat(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The bot works one to one; in a group or channel it stays quiet rather than answer
    everyone's messages there."""
    raise ApplicationHandlerStop


async def edited_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A user edited something they sent: features read new messages only, so say so."""
    person = await who(update, context)
    await refuse(update, t(person.language, "fallback.edited"))
    raise ApplicationHandlerStop


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Tells the user something went wrong and sends the trace to every admin."""
    log.error("update %s failed", update, exc_info=context.error)
    found = services(context)
    if isinstance(update, Update) and update.effective_user is not None:
        try:
            person = await who(update, context)
            await refuse(update, t(person.language, "error.unexpected"))
        except Exception:  # the failure may be the database itself; the admins still hear
            log.exception("could not tell the user about the failure")
    trace = "".join(traceback.format_exception(context.error))[-TRACE_LIMIT:]
    for admin in found.admin_ids:
        try:
            await context.bot.send_message(
                admin,
                t(found.default_language, "error.admin_report", trace=html.escape(trace)),
                parse_mode="HTML",
            )
        except TelegramError:
            log.warning("could not report the failure to admin %s", admin)


def early_handlers() -> list[BaseHandler]:
    """Registered before every feature (group -1): edits never reach a feature's handlers."""
    return [
        MessageHandler(~filters.ChatType.PRIVATE, outside_private_chat),
        MessageHandler(filters.UpdateType.EDITED, edited_message),
    ]


def handlers() -> list[BaseHandler]:
    return [
        MessageHandler(filters.COMMAND, unknown_command),
        MessageHandler(filters.ALL & ~filters.COMMAND, stray_message),
        CallbackQueryHandler(stale_button),
    ]
