"""/start, invite links and the main menu (the manual's 마이페이지)."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, ContextTypes

from handlers.commands import ADMIN_MENU, set_admin_menu
from handlers.feature import PARTICIPANTS, Command, Feature
from handlers.guide import admin_home
from handlers.interpreter_home import show_home
from handlers.routes import (
    AdminHome,
    ApplyStart,
    AvailabilityOpen,
    Colleagues,
    FindOpen,
    LanguageMenu,
    ProfileSection,
    Requests,
    ScheduleOpen,
    route,
)
from handlers.services import Who, services, who, who_of
from handlers.ui import answer_press, button, keyboard, refuse, show
from handlers.wording import error_text, escape
from jobs.announce import start_sending
from locales import moment, t
from store.errors import StoreError
from store.landing import Landing, join_by_link, landing
from store.models import Phase
from store.names import company_name, event_name

ITEMS = (
    ("menu.account", ProfileSection("acct")),
    ("menu.company", ProfileSection("comp")),
    ("menu.availability", AvailabilityOpen()),
    ("menu.find", FindOpen()),
    ("menu.requests", Requests()),
    ("menu.schedule", ScheduleOpen()),
    ("menu.colleagues", Colleagues()),  # the main contact's only
    ("menu.language", LanguageMenu()),
)


async def main_menu(
    update: Update, context: ContextTypes.DEFAULT_TYPE, person: Who, seen: Landing
) -> None:
    """My page; an organizer who is not a participant gets the organizer's home instead, an
    interpreter their schedule (`seen`: store/landing.py)."""
    if person.is_admin and person.participant is None:
        await admin_home(update, context, person, seen.overview)
        return
    event = seen.event
    if event is None:
        await show(update, t(person.language, "start.no_event"))
        return
    if person.withdrawn:
        await show(update, t(person.language, "error.withdrawn"))
        return
    if person.participant is None:
        if seen.interpreter is not None and seen.home is not None:
            await show_home(update, seen.interpreter, seen.home)
            return
        await show(
            update,
            t(person.language, "start.stranger", event=escape(event_name(event, person.language))),
            keyboard([button(person.language, "apply.button", ApplyStart())]),
        )
        return
    now = services(context).clock()
    if event.phase == Phase.open and now < event.deadline:
        key = "menu.title"
    else:
        # Closed before a deadline still ahead (an old database): no "closed <future date>".
        key = "menu.title_closed" if event.deadline <= now else "menu.title_closed_early"
    text = t(
        person.language,
        key,
        company=escape(company_name(person.participant, person.language)),
        event=escape(event_name(event, person.language)),
        deadline=moment(event.deadline, person.language, event.timezone),
    )
    if person.colleague is not None:  # acts for the company: named, and who manages it
        text += "\n\n" + t(person.language, "menu.as_colleague")
    items = [(k, d) for k, d in ITEMS if person.main_contact or not isinstance(d, Colleagues)]
    buttons = [button(person.language, key, data) for key, data in items]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    if person.is_admin:
        rows.append([button(person.language, "admin_home.button", AdminHome())])
    await show(update, text, keyboard(*rows))


async def open_menu(update: Update, context: ContextTypes.DEFAULT_TYPE, person: Who) -> None:
    """The menu of the person as the update began (one store call: what it shows)."""
    svc = services(context)
    taking_part = person.participant is not None
    seen = await svc.run(
        landing, person.telegram_id, person.is_admin, taking_part, person.withdrawn
    )
    await main_menu(update, context, person, seen)


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/start` alone opens the menu; `/start TOKEN` (from an invite link) joins first."""
    person = await who(update, context)
    if person.is_admin:
        admin_menu = context.bot_data[ADMIN_MENU]
        await set_admin_menu(context.bot, person.telegram_id, person.language, admin_menu)
    if not context.args:
        await open_menu(update, context, person)
        return
    svc = services(context)
    user = update.effective_user
    try:
        arrived = await svc.run(
            join_by_link,
            context.args[0],
            person.telegram_id,
            user.full_name,
            user.language_code,
            person.language,
            svc.clock(),
            person.is_admin,
        )
    except StoreError as error:
        await refuse(update, error_text(person.language, error))
        return
    if arrived.interpreter is not None and arrived.landing.home is not None:
        await show_home(update, arrived.interpreter, arrived.landing.home)
        return
    person = who_of(update, context, arrived.account)
    colleague = arrived.colleague  # the colleague the link joined, if it was a colleague's
    key = "start.joined"
    if colleague is not None:
        key = "start.colleague_again" if colleague.again else "start.colleague_joined"
    await update.effective_chat.send_message(
        t(
            person.language,
            key,
            company=escape(company_name(person.participant, person.language)),
        ),
        parse_mode="HTML",
    )
    await main_menu(update, context, person, arrived.landing)
    if arrived.announced is not None:
        # Joined after the announcement: the company's timetable follows the welcome.
        start_sending(context.application, "announce", arrived.announced)


async def menu_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await answer_press(update.callback_query)
    await open_menu(update, context, await who(update, context))


async def menu_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await open_menu(update, context, await who(update, context))


def handlers() -> list[BaseHandler]:
    return [
        CallbackQueryHandler(menu_button, pattern=route("menu")),
    ]


FEATURE = Feature(
    commands=(
        Command("start", start, PARTICIPANTS),
        Command("menu", menu_command, PARTICIPANTS),
    ),
    others=handlers,
)
