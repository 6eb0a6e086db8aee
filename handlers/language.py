"""/language: Korean or English, at any time."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, ContextTypes

from handlers.feature import PARTICIPANTS, Command, Feature
from handlers.menu import main_menu
from handlers.routes import LanguagePick, Menu, route
from handlers.services import services, who, who_of
from handlers.ui import answer_press, button, keyboard, refuse, show
from locales import LANGUAGES, t
from store.landing import switch_language


async def choose(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    person = await who(update, context)
    if update.callback_query is not None:
        await answer_press(update.callback_query)
    buttons = [button(code, f"language.{code}", LanguagePick(code)) for code in LANGUAGES]
    await show(
        update,
        t(person.language, "language.choose"),
        keyboard(buttons, [button(person.language, "common.back", Menu())]),
    )


async def switch(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    pressed = LanguagePick.decode(query.data)
    if pressed is None:
        person = await who(update, context)
        await refuse(update, t(person.language, "error.bad_button"))
        return
    language = pressed.language
    context.user_data["language"] = language
    person = await who(update, context)
    svc = services(context)
    switched = await svc.run(switch_language, person.telegram_id, language, person.is_admin)
    await answer_press(query, t(language, "language.set"))
    await main_menu(update, context, who_of(update, context, switched.account), switched.landing)


def handlers() -> list[BaseHandler]:
    return [
        CallbackQueryHandler(choose, pattern=route("language")),
        CallbackQueryHandler(switch, pattern=route("language.pick")),
    ]


FEATURE = Feature(
    commands=(Command("language", choose, PARTICIPANTS),),
    others=handlers,
)
