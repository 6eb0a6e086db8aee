"""The Application: built in one place, every feature's handlers registered in order."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from telegram import BotCommand, BotCommandScopeChat, BotCommandScopeDefault
from telegram.error import TelegramError
from telegram.ext import Application, ApplicationBuilder, Defaults

from bot.aiohttp_request import AiohttpRequest
from bot.jobs import start_jobs
from bot.processing import PerUserProcessor
from bot.ratelimit import BroadcastRateLimiter
from bot.settings import Settings
from handlers import (
    admin_announce,
    admin_match,
    admin_reports,
    apply,
    availability,
    fallback,
    find,
    language,
    menu,
    profile,
    request_actions,
    requests,
    schedule,
)
from handlers.services import Services
from locales import LANGUAGES, t

# Order matters: conversations first (they claim typed answers), the catch-all last.
FEATURES = (
    profile,
    apply,
    menu,
    language,
    availability,
    request_actions,
    requests,
    schedule,
    find,
    admin_match,
    admin_announce,
    admin_reports,
    fallback,
)

PARTICIPANT_COMMANDS = ("start", "menu", "schedule", "language", "cancel")
ADMIN_COMMANDS: tuple[str, ...] = (
    "deadline",
    "match",
    "matchmode",
    "lowcount",
    "assign",
    "unassign",
    "announce",
    "broadcast",
    "stats",
    "export",
)


def commands(language: str, names: tuple[str, ...]) -> list[BotCommand]:
    return [BotCommand(name, t(language, f"command.{name}")) for name in names]


async def set_command_menus(application: Application) -> None:
    """Participants' commands for everyone, per language; admins also see theirs."""
    found: Services = application.bot_data["services"]
    bot = application.bot
    await bot.set_my_commands(
        commands(found.default_language, PARTICIPANT_COMMANDS), scope=BotCommandScopeDefault()
    )
    for code in LANGUAGES:
        await bot.set_my_commands(
            commands(code, PARTICIPANT_COMMANDS),
            scope=BotCommandScopeDefault(),
            language_code=code,
        )
    for admin in found.admin_ids:
        try:
            await bot.set_my_commands(
                commands(found.default_language, PARTICIPANT_COMMANDS + ADMIN_COMMANDS),
                scope=BotCommandScopeChat(admin),
            )
        except TelegramError:
            continue  # an admin who has not opened the bot yet gets the menu next start


async def post_init(application: Application) -> None:
    await set_command_menus(application)
    await start_jobs(application)


def build(settings: Settings, services: Services) -> Application:
    builder = (
        ApplicationBuilder()
        .token(settings.telegram_bot_token)
        .defaults(Defaults(tzinfo=ZoneInfo(settings.timezone)))
        .concurrent_updates(PerUserProcessor())
        .rate_limiter(BroadcastRateLimiter(max_retries=3))
        .request(AiohttpRequest())
        .get_updates_request(AiohttpRequest(connection_limit=1))
        .post_init(post_init)
    )
    if settings.telegram_api_base_url:
        base = settings.telegram_api_base_url.rstrip("/")
        builder = builder.base_url(f"{base}/bot").base_file_url(f"{base}/file/bot")
    application = builder.build()
    application.bot_data["services"] = services
    for feature in FEATURES:
        application.add_handlers(feature.handlers())
    application.add_error_handler(fallback.on_error)
    return application
