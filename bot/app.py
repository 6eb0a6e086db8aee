"""The Application: built in one place, every feature's handlers registered in order."""

from __future__ import annotations

import warnings
from zoneinfo import ZoneInfo

from telegram.ext import Application, ApplicationBuilder, Defaults
from telegram.warnings import PTBUserWarning

from bot.aiohttp_request import AiohttpRequest
from bot.jobs import start_jobs
from bot.persistence import NoPersistence
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
from handlers.commands import set_admin_menu, set_participant_menus
from handlers.services import Services

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


async def set_command_menus(application: Application) -> None:
    """Participants' commands for everyone, per language; admins also see theirs."""
    found: Services = application.bot_data["services"]
    await set_participant_menus(application.bot, found.default_language)
    for admin in found.admin_ids:
        await set_admin_menu(application.bot, admin, found.default_language)


async def post_init(application: Application) -> None:
    await set_command_menus(application)
    await start_jobs(application)


def build(settings: Settings, services: Services) -> Application:
    # Our conversations wait for typed answers and deliberately track them per chat, not per
    # message (per_message=False); PTB warns about that choice each time one is built.
    warnings.filterwarnings("ignore", "If 'per_message=False'", PTBUserWarning)
    processor = PerUserProcessor()
    builder = (
        ApplicationBuilder()
        .token(settings.telegram_bot_token)
        .defaults(Defaults(tzinfo=ZoneInfo(settings.timezone)))
        .concurrent_updates(processor)
        .rate_limiter(BroadcastRateLimiter(max_retries=3))
        .request(AiohttpRequest())
        .get_updates_request(AiohttpRequest(connection_limit=1))
        .persistence(NoPersistence())
        .post_init(post_init)
    )
    if settings.telegram_api_base_url:
        base = settings.telegram_api_base_url.rstrip("/")
        builder = builder.base_url(f"{base}/bot").base_file_url(f"{base}/file/bot")
    application = builder.build()
    application.bot_data["services"] = services
    processor.attach(application)
    application.add_handlers(fallback.early_handlers(), group=-1)
    for feature in FEATURES:
        application.add_handlers(feature.handlers())
    application.add_error_handler(fallback.on_error)
    return application
