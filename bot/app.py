"""The Application: built in one place, every feature's handlers registered in order."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from telegram.ext import Application, ApplicationBuilder, Defaults

from bot.api_request import ApiRequest
from bot.processing import PerUserProcessor
from bot.ratelimit import BroadcastRateLimiter
from bot.settings import Settings
from bot.updates import UpdatesBot, UpdatesRequest
from handlers import (
    admin_announce,
    admin_hybrid,
    admin_match,
    admin_reopen,
    admin_reports,
    admin_withdraw,
    apply,
    availability,
    colleagues,
    fallback,
    find,
    guide,
    interpreter_home,
    language,
    meeting_day,
    menu,
    outcomes,
    profile,
    refill_offers,
    request_actions,
    requests,
    results,
    schedule,
    survey,
    typed,
)
from handlers.commands import ADMIN_MENU, set_admin_menu, set_participant_menus
from handlers.feature import Feature, admin_commands, job_table
from handlers.services import Services
from jobs import deadline
from jobs.notify import admin_languages
from jobs.schedule import JOBS as SENDERS
from jobs.schedule import schedule_all
from jobs.table import TABLE

# Order matters: the catch-all last. Typed answers are claimed earlier, in handlers/typed.py.
FEATURES: tuple[Feature, ...] = tuple(
    module.FEATURE
    for module in (
        profile,
        colleagues,
        apply,
        menu,
        language,
        availability,
        request_actions,
        requests,
        schedule,
        meeting_day,
        refill_offers,
        outcomes,
        survey,
        find,
        guide,
        interpreter_home,
        admin_match,
        admin_reopen,
        admin_withdraw,
        admin_announce,
        admin_reports,
        results,
        admin_hybrid,
        fallback,
    )
)


async def set_command_menus(application: Application) -> None:
    """Participants' commands for everyone, per language; admins also see theirs."""
    svc: Services = application.bot_data["services"]
    await set_participant_menus(application.bot, svc.default_language)
    for admin, reads in (await admin_languages(svc)).items():
        await set_admin_menu(application.bot, admin, reads, application.bot_data[ADMIN_MENU])


async def post_init(application: Application) -> None:
    await set_command_menus(application)
    # every job the database calls for (PTB's JobQueue forgets them when the process stops);
    # ones missed while down run at once
    await schedule_all(application)


def late_jobs_run(application: Application) -> None:
    """A job runs however late a loaded process gets to it. APScheduler's default skips a run
    more than a second late ("was missed by"): a process busy at its deadline would never close
    the applications, and a reminder due then would never go out."""
    job_queue = application.job_queue
    assert job_queue is not None  # the job-queue extra is a dependency
    job_queue.scheduler.configure(
        **job_queue.scheduler_configuration, job_defaults={"misfire_grace_time": None}
    )


def make_bot(settings: Settings) -> UpdatesBot:
    """The bot as `ApplicationBuilder` would make it from the same settings, of the class that
    parses presses lighter (bot/updates.py)."""
    urls = {}
    if settings.telegram_api_base_url:
        base = settings.telegram_api_base_url.rstrip("/")
        urls = {"base_url": f"{base}/bot", "base_file_url": f"{base}/file/bot"}
    return UpdatesBot(
        settings.telegram_bot_token,
        defaults=Defaults(tzinfo=ZoneInfo(settings.timezone)),
        request=ApiRequest.lasting(settings.telegram_timeout_seconds),
        get_updates_request=UpdatesRequest(connection_limit=1),
        rate_limiter=BroadcastRateLimiter(max_retries=3),
        **urls,
    )


def build(settings: Settings, services: Services) -> Application:
    processor = PerUserProcessor()
    application = (
        ApplicationBuilder()
        .bot(make_bot(settings))
        .concurrent_updates(processor)
        .post_init(post_init)
        .build()
    )
    late_jobs_run(application)
    application.bot_data["services"] = services
    application.bot_data[ADMIN_MENU] = admin_commands(FEATURES)
    application.bot_data[TABLE] = (*SENDERS, *deadline.JOBS, *job_table(FEATURES))
    processor.attach(application)
    application.add_handlers(fallback.early_handlers(), group=-1)
    application.add_handlers(typed.handlers(), group=typed.GROUP)
    for feature in FEATURES:
        application.add_handlers(feature.handlers())
    application.add_error_handler(fallback.on_error)
    return application
