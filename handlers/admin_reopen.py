"""Reopening applications after the deadline (신청 기간 연장): `/deadline DATE TIME` once they
are closed asks the organizer to confirm, then reopens them until that time and tells every
participant, in their language, through the broadcast job."""

from __future__ import annotations

from datetime import UTC, datetime

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, ContextTypes

from handlers.admin_announce import start_broadcast
from handlers.feature import Feature
from handlers.guard import organizer
from handlers.routes import ReopenConfirm, route
from handlers.services import Who, services
from handlers.ui import answer_press, button, keyboard, show
from jobs.schedule import schedule_all
from locales import LANGUAGES, moment, t, tn
from store.deadline import Reopening, reopen


async def ask_reopen(update: Update, person: Who, wanted: datetime, would: Reopening) -> None:
    """The organizer asked for a new deadline while applications are closed: what reopening
    means (`would`, store/deadline.py's `move_deadline`), and one button to do it."""
    when = moment(wanted, person.language, would.timezone)
    text = tn(person.language, "reopen.confirm", would.dropped, deadline=when)
    confirm = button(person.language, "reopen.button", ReopenConfirm(int(wanted.timestamp())))
    await show(update, text, keyboard([confirm]))


@organizer(data=ReopenConfirm)
async def confirmed(
    update: Update, context: ContextTypes.DEFAULT_TYPE, person: Who, pressed: ReopenConfirm
) -> None:
    svc = services(context)
    wanted = datetime.fromtimestamp(pressed.until, UTC)
    done = await svc.run(reopen, person.telegram_id, wanted, svc.clock())
    await answer_press(update.callback_query)
    await schedule_all(context.application)
    when = moment(wanted, person.language, done.timezone)
    await show(update, tn(person.language, "reopen.done", done.dropped, deadline=when))
    status = await update.effective_chat.send_message(t(person.language, "broadcast.started"))
    bodies = {
        language: t(language, "reopen.notice", deadline=moment(wanted, language, done.timezone))
        for language in LANGUAGES
    }
    await start_broadcast(context, None, "", status, person.language, bodies)


def handlers() -> list[BaseHandler]:
    return [CallbackQueryHandler(confirmed, pattern=route("reopen"))]


FEATURE = Feature(
    others=handlers,
)
