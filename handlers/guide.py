"""/help (a short guide: the manual's FAQ for participants, the organizer's steps for admins)
and the admins' home, which /start and /menu open for an organizer instead of the
participant's "apply" screen."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, ContextTypes

from handlers.commands import ADMIN_MENU, command_list
from handlers.feature import PARTICIPANTS, Command, Feature
from handlers.routes import Menu, route
from handlers.services import Who, services, who
from handlers.ui import answer_press, button, keyboard, show
from handlers.wording import escape
from locales import moment, t
from store.event import applications_closed, event_if_any
from store.names import event_name
from store.reports import AdminOverview, admin_overview


async def admin_home(
    update: Update, context: ContextTypes.DEFAULT_TYPE, person: Who, overview: AdminOverview | None
) -> None:
    """The organizer's tools: where the fair stands and the commands to move it on."""
    if overview is None:
        await show(update, t(person.language, "admin_home.no_event"))
        return
    event, total, joined = overview.event, overview.participants, overview.joined
    text = t(
        person.language,
        "admin_home.title",
        event=escape(event_name(event, person.language)),
        phase=t(person.language, f"admin.phase.{event.phase.value}"),
        deadline=moment(event.deadline, person.language, event.timezone),
        participants=total,
        joined=joined,
        commands=_commands(context, person.language),
    )
    rows = []
    if person.participant is not None:  # an organizer who also takes part
        rows.append([button(person.language, "admin_home.my_page", Menu())])
    await show(update, text, keyboard(*rows))


async def admin_home_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    person = await who(update, context)
    await answer_press(update.callback_query)
    if person.is_admin:
        await admin_home(update, context, person, await services(context).run(admin_overview))


def _commands(context: ContextTypes.DEFAULT_TYPE, language: str) -> str:
    """The admins' commands as the features declare them (bot/app.py), in menu order."""
    return command_list(language, context.application.bot_data[ADMIN_MENU])


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    person = await who(update, context)
    if person.is_admin:
        text = t(person.language, "help.admin", commands=_commands(context, person.language))
        await show(update, text)
        return
    svc = services(context)
    event = await svc.run(event_if_any)
    text = t(person.language, "help.participant")
    if event is not None and applications_closed(event, svc.clock()):
        # the steps are for before the deadline: say first what is left to do
        text = t(person.language, "help.closed") + "\n\n" + text
    await show(update, text)


def handlers() -> list[BaseHandler]:
    return [
        CallbackQueryHandler(admin_home_button, pattern=route("admin")),
    ]


FEATURE = Feature(
    commands=(Command("help", help_command, PARTICIPANTS),),
    others=handlers,
)
