"""What nothing else handled: unknown commands, stray messages and files, forged buttons.

Registered last, so each gets a clear answer instead of silence."""

from __future__ import annotations

import html
import logging
import traceback
from functools import partial

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

from handlers.error_reports import DATABASE, ErrorReports, kind
from handlers.feature import Feature
from handlers.services import services, who
from handlers.ui import refuse
from handlers.wording import escape
from jobs.notify import tell_admins
from locales import pick, t, tn

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
    """Tells the user something went wrong; the admins get the first failure of each kind
    with its trace, and later how many more of that kind there were (handlers/error_reports)."""
    log.error("update %s failed", update, exc_info=context.error)
    svc = services(context)
    if isinstance(update, Update) and update.effective_user is not None:
        await _tell_user(update, context)
    error = context.error
    if error is None:
        return
    reports: ErrorReports = context.bot_data.setdefault("error_reports", ErrorReports())
    error_kind = kind(error)
    if not reports.first(error_kind):
        return
    trace = "".join(traceback.format_exception(error))[-TRACE_LIMIT:]
    report = partial(t, key="error.admin_report", trace=html.escape(trace))
    await tell_admins(context.bot, svc, report)
    if context.job_queue is not None:
        context.job_queue.run_once(_held_back, reports.window, data=error_kind)


async def _tell_user(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """In the user's language if the database can say it, else in their Telegram's."""
    svc = services(context)
    try:
        language = (await who(update, context)).language
    except Exception:  # the failure may be the database itself
        language = pick(update.effective_user.language_code, svc.default_language)
    try:
        await refuse(update, t(language, "error.unexpected"))
    except TelegramError:
        log.warning("could not tell user %s about the failure", update.effective_user.id)


async def _held_back(context: ContextTypes.DEFAULT_TYPE) -> None:
    """The window of one kind closed: the admins hear how many more there were, if any."""
    svc = services(context)
    reports: ErrorReports = context.bot_data["error_reports"]
    error_kind: str = context.job.data
    count = reports.close(error_kind)
    if not count:
        return

    def render(language: str) -> str:
        what = t(language, "error.kind_database") if error_kind == DATABASE else error_kind
        return tn(language, "error.admin_report_repeated", count, kind=escape(what))

    await tell_admins(context.bot, svc, render)


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


FEATURE = Feature(
    others=handlers,
)
