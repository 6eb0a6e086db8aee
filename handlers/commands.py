"""The command menus Telegram shows: participants' per language, and admins' own."""

from __future__ import annotations

import logging
from functools import cache

from telegram import Bot, BotCommand, BotCommandScopeChat, BotCommandScopeDefault
from telegram.error import TelegramError

from locales import LANGUAGES, t

log = logging.getLogger(__name__)

PARTICIPANT_COMMANDS = ("start", "menu", "schedule", "language", "help", "cancel")
# bot_data key of the admins' own commands, in menu order: built from the features' `ADMINS`
# commands (handlers/feature.py) by bot/app.py
ADMIN_MENU = "admin_commands"


# The menus are built once per process (the texts never change while it runs, and PTB's
# objects are frozen): every start sets four of them, and each admin who opens the bot one.
@cache
def commands(language: str, names: tuple[str, ...]) -> tuple[BotCommand, ...]:
    return tuple(BotCommand(name, t(language, f"command.{name}")) for name in names)


@cache
def admin_menu(language: str, admin: tuple[str, ...]) -> tuple[BotCommand, ...]:
    """The participants' commands, then the admins' own, each marked as theirs."""
    own = (
        BotCommand(c.command, t(language, "command.for_admins", description=c.description))
        for c in commands(language, admin)
    )
    return (*commands(language, PARTICIPANT_COMMANDS), *own)


def command_list(language: str, names: tuple[str, ...]) -> str:
    """One line per command with its menu description, for /help and the organizer's tools."""
    return "\n".join(
        t(language, "command.line", command=c.command, description=c.description)
        for c in commands(language, names)
    )


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
        await bot.set_my_commands(admin_menu(language, admin), scope=BotCommandScopeChat(admin_id))
    except TelegramError as error:
        log.info("admin %s gets the admin menu on opening the bot (%s)", admin_id, error)
