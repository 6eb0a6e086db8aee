"""/language: Korean or English, at any time."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, ContextTypes

from handlers.feature import PARTICIPANTS, Command, Feature
from handlers.menu import main_menu
from handlers.routes import LanguagePick, Menu, route
from handlers.services import services, who
from handlers.ui import button, keyboard, refuse, show
from locales import LANGUAGES, t
from store.colleagues import set_colleague_language
from store.participants import set_language


async def choose(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    person = await who(update, context)
    if update.callback_query is not None:
        await update.callback_query.answer()
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
    if person.colleague is not None:  # their own language, not the main contact's
        await services(context).run(set_colleague_language, person.colleague.id, language)
    elif person.participant is not None:
        await services(context).run(set_language, person.participant.id, language)
    await query.answer(t(language, "language.set"))
    await main_menu(update, context, await who(update, context))


def handlers() -> list[BaseHandler]:
    return [
        CallbackQueryHandler(choose, pattern=route("language")),
        CallbackQueryHandler(switch, pattern=route("language.pick")),
    ]


FEATURE = Feature(
    commands=(Command("language", choose, PARTICIPANTS),),
    others=handlers,
)
