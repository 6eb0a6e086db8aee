"""The command menus Telegram shows: participants' per language, and admins' own."""

from __future__ import annotations

import logging

from telegram import Bot, BotCommand, BotCommandScopeChat, BotCommandScopeDefault
from telegram.error import TelegramError

from locales import LANGUAGES, t

log = logging.getLogger(__name__)

PARTICIPANT_COMMANDS = ("start", "menu", "schedule", "language", "help", "cancel")
# bot_data key of the admins' own commands, in menu order: built from the features' `ADMINS`
# commands (handlers/feature.py) by bot/app.py
ADMIN_MENU = "admin_commands"


def commands(language: str, names: tuple[str, ...]) -> list[BotCommand]:
    return [BotCommand(name, t(language, f"command.{name}")) for name in names]


async def set_participant_menus(bot: Bot, default_language: str) -> None:
    await bot.set_my_commands(
        commands(default_language, PARTICIPANT_COMMANDS), scope=BotCommandScopeDefault()
    )
    for code in LANGUAGES:
        await bot.set_my_commands(
            commands(code, PARTICIPANT_COMMANDS), scope=BotCommandScopeDefault(), language_code=code
        )


async def set_admin_menu(bot: Bot, admin_id: int, language: str, admin: tuple[str, ...]) -> None:
    """The admin's own chat gets the admin commands too. Telegram refuses this for a chat that
    does not exist yet, so it is done at start-up and again when an admin opens the bot."""
    try:
        await bot.set_my_commands(
            commands(language, PARTICIPANT_COMMANDS + admin),
            scope=BotCommandScopeChat(admin_id),
        )
    except TelegramError as error:
        log.info("admin %s gets the admin menu on opening the bot (%s)", admin_id, error)
