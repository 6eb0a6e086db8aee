"""The messages the bot sends participants on its own, through the notice outbox
(store/notices.py): jobs queue them and this process's sender sends them; a store call queues
a handler's with its change, and the handler sends them at once (`send_queued`). Each is
claimed, sent, then marked sent, so a crash resends at most the message in flight; a passing
Telegram error (429 after its waits, 5xx, timeout, network) is retried with a backoff until
the notice is of no use (then given up); Forbidden marks the participant as having blocked
the bot. `resume` runs every few seconds in every process and takes over notices nobody
sends."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from functools import partial

from sqlalchemy.exc import SQLAlchemyError
from telegram import Bot, InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.ext import Application, ContextTypes

from handlers.services import ADMIN_LANGUAGE, Services
from handlers.wording import counted_items, escape
from jobs.sending import all_stopped, paced, record_sent, sender
from locales import LANGUAGES, moment, pick, t, tn
from store import notices
from store.fairday import Side
from store.models import DeliveryStatus, NoticeKind
from store.names import company_name
from store.unsent import Unsent
from store.user_state import saved_values
from views.timetable_render import calendar_document, timetable_messages

log = logging.getLogger(__name__)

WORKERS = 4  # notices in flight per process: each waits for its turn in the shared pace
RETRY_FIRST = 1.0  # seconds before the first retry after a passing error; doubled each time
RETRY_MAX = 60.0
JOB = "notices"
REACHED = (DeliveryStatus.sent, DeliveryStatus.pending)  # sent, or being retried


def _services(application: Application) -> Services:
    return application.bot_data["services"]


async def admin_languages(svc: Services) -> dict[int, str]:
    """Each admin's language: the one they last read the bot in (`ADMIN_LANGUAGE`), else the
    bot's default (an admin who never wrote to the bot, or the database out of reach: the
    report of that very failure still goes out)."""
    try:
        saved = await svc.run(saved_values, svc.admin_ids, ADMIN_LANGUAGE)
    except SQLAlchemyError:
        saved = {}
    return {
        admin_id: pick(str(saved.get(admin_id, "")), svc.default_language)
        for admin_id in svc.admin_ids
    }


async def tell_admins(
    bot: Bot,
    svc: Services,
    render: Callable[[str], str],
    buttons: Callable[[str], InlineKeyboardMarkup] | None = None,
) -> None:
    """`render(language)` (HTML), with `buttons(language)` if given, to every admin in their
    own language (`admin_languages`); one who cannot be reached is logged, not retried."""
    texts: dict[str, str] = {}
    for admin_id, language in (await admin_languages(svc)).items():
        if language not in texts:
            texts[language] = render(language)
        markup = buttons(language) if buttons is not None else None
        try:
            await bot.send_message(
                admin_id, texts[language], parse_mode=ParseMode.HTML, reply_markup=markup
            )
        except TelegramError:
            log.warning("could not reach admin %s", admin_id)


def keyboard_json(markup: InlineKeyboardMarkup | None) -> str:
    """An inline keyboard as stored with its notice."""
    return json.dumps(markup.to_dict(), ensure_ascii=False) if markup is not None else ""


Rendered = tuple[str, InlineKeyboardMarkup | None]  # a notice's text and keyboard


def draft(
    kind: NoticeKind,
    participant_id: int,
    key: str,
    language: str,
    render: Callable[[str], Rendered],
    not_after: datetime | None = None,
    colleague_id: int = 0,
) -> notices.Draft:
    """A notice for a participant rendered in `language` (its main contact's) and in the
    other languages, for colleagues who read another one (store/notices.py `queue`);
    `colleague_id`: for that colleague only."""

    def stored(code: str) -> tuple[str, str]:
        text, markup = render(code)
        return text, keyboard_json(markup)

    text, markup = stored(language)
    translations = {code: stored(code) for code in LANGUAGES if code != language}
    return notices.Draft(
        kind, participant_id, key, text, markup, not_after, translations, colleague_id
    )


def drafted(
    side: Side,
    timezone: str,
    default_language: str,
    notice: tuple[NoticeKind, str],
    key: str,
    markup: InlineKeyboardMarkup | Callable[[str], InlineKeyboardMarkup] | None = None,
    not_after: datetime | None = None,
    **values: object,
) -> notices.Draft | None:
    """One side's notice (`notice` is its kind and key: each goes out once) in their language
    and, for colleagues, in the others (`draft`), for a store operation that queues it with
    its change: a `start` value shown in their zone (an online side: the fair's `timezone`
    beside it), a `company` value (a `Side`) by its name in that language, a callable value or
    `markup` called with the language; `not_after` is when it stops being of use. None if the
    side cannot be reached (never joined, blocked)."""
    recipient = side.recipient
    if recipient is None:
        return None

    def rendered(language: str) -> Rendered:
        shown = {
            "start": lambda value: moment(value, language, timezone, reader_zone=recipient.zone),
            "company": lambda value: escape(company_name(value, language)),
        }
        text = t(
            language,
            key,
            **{
                name: value(language) if callable(value) else shown.get(name, lambda v: v)(value)
                for name, value in values.items()
            },
        )
        return text, markup(language) if callable(markup) else markup

    kind, notice_key = notice
    language = pick(recipient.language, default_language)
    return draft(kind, side.participant_id, notice_key, language, rendered, not_after)


async def send_queued(
    application: Application, drafts: Sequence[notices.Draft | None], ids: Sequence[int]
) -> list[bool]:
    """Sends at once, to each one's main contact and colleagues, drafts that a store call
    queued with its change (`ids`: the rows queued for them; a crash leaves none behind):
    False for one that reaches none of them (None, blocked, given up), never an exception; a
    passing error leaves it to the senders, who retry it."""
    svc = _services(application)
    me = sender(application)
    reached = []
    for draft in drafts:
        if draft is None:
            reached.append(False)
            continue
        copies = await svc.run(notices.find, draft.kind, draft.participant_id, draft.key, ids)
        if not copies:  # queued before: sent, or being sent
            reached.append(True)
            continue
        statuses = []
        for copy in copies:
            claimed = await svc.run(notices.claim, me, svc.clock(), svc.lease, 1, [copy])
            # Taken by a sender meanwhile: being sent. Sent but not recorded (None): the
            # claim stays this sender's until its lease runs out.
            statuses.append(await _deliver(application, copy, me, retry=False) if claimed else None)
        reached.append(any(status is None or status in REACHED for status in statuses))
    return reached


async def queue(application: Application, drafts: Sequence[notices.Draft]) -> int:
    """Queues a job's notices (those not queued before) and starts sending; how many new."""
    new = await _services(application).run(notices.queue, drafts)
    if new:
        start(application)
    return len(new)


def start(application: Application) -> None:
    """Starts this process's sender, or has the running one look again when it is done."""
    state = application.bot_data.setdefault(JOB, {"running": False, "again": False})
    if state["running"]:
        state["again"] = True
        return
    state["running"] = True
    # However late a loaded process gets to it (bot/app.py late_jobs_run): a run skipped as
    # missed would leave "running" set, and no sender would start again.
    application.job_queue.run_once(_send_job, 0, name=JOB)


async def _send_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    application = context.application
    svc = _services(application)
    state = application.bot_data[JOB]
    me = sender(application)
    kept: set[int] = set()
    try:
        while True:
            state["again"] = False
            await all_stopped(_worker(application, me, kept) for _ in range(WORKERS))
            if not state["again"] or not application.running:
                break
    finally:
        state["running"] = False
        await svc.run(notices.release, me, kept)
    await report_survey(application)


async def _worker(application: Application, me: str, kept: set[int]) -> None:
    """Claims and sends notices until none is left; one sent but not recorded goes into
    `kept`, and the worker stops."""
    svc = _services(application)
    while application.running:
        claimed = await svc.run(notices.claim, me, svc.clock(), svc.lease)
        if not claimed:
            return
        if await _deliver(application, claimed[0], me, retry=True) is None:
            kept.add(claimed[0])
            return


async def _attempt(
    application: Application, notice: notices.Outgoing
) -> tuple[DeliveryStatus | None, str]:
    """One send: its final status, or None (and the error) after a passing failure."""
    try:
        for send in await _messages(application, notice):
            await paced(application, notice.telegram_id, send)
    except Forbidden:
        return DeliveryStatus.blocked, ""
    except BadRequest as error:  # a NetworkError, but sending it again would fail again
        return DeliveryStatus.given_up, str(error)
    except (RetryAfter, NetworkError) as error:  # 429 after its waits, 5xx, timeout, network
        return None, str(error) or type(error).__name__
    except TelegramError as error:
        return DeliveryStatus.given_up, str(error)
    return DeliveryStatus.sent, ""


async def _messages(
    application: Application, notice: notices.Outgoing
) -> list[Callable[[], Awaitable[object]]]:
    """What a notice sends: its stored text and keyboard, or a `timetable` notice's pages and
    calendar file, drawn now in the reader's language. A passing failure part way through a
    timetable sends it again whole."""
    bot, chat = application.bot, notice.telegram_id
    table = notice.timetable
    if table is None:
        markup = (
            InlineKeyboardMarkup.de_json(json.loads(notice.markup), bot) if notice.markup else None
        )
        html = {"parse_mode": ParseMode.HTML, "reply_markup": markup}
        return [partial(bot.send_message, chat, notice.text, **html)]
    language = pick(notice.language, _services(application).default_language)
    document = await asyncio.to_thread(calendar_document, table, language)
    pages = timetable_messages(table, language)
    return [
        *(partial(bot.send_message, chat, page, parse_mode=ParseMode.HTML) for page in pages),
        partial(bot.send_document, chat, **document),
    ]


async def _deliver(
    application: Application, notice_id: int, me: str, *, retry: bool
) -> DeliveryStatus | None:
    """Sends one claimed notice: with `retry`, again and again after passing errors while it
    is of use; without, a passing error hands it over to the senders. None: sent, but it could
    not be recorded (the caller keeps the claim)."""
    svc = _services(application)
    delay = RETRY_FIRST
    while True:
        outgoing = await svc.run(notices.prepare, notice_id, svc.clock())
        if isinstance(outgoing, DeliveryStatus):
            return outgoing  # blocked, gone or too late: nothing sent
        status, error = await _attempt(application, outgoing)
        if status is not None:
            finish = (notices.finish, notice_id, me, status, svc.clock(), error)
            return status if await record_sent(svc, *finish) else None
        log.warning("notice %s (%s) failed, will retry: %s", notice_id, outgoing.kind, error)
        if not retry:
            await svc.run(notices.hand_over, notice_id, me, error)
            start(application)
            return DeliveryStatus.pending
        if not await svc.run(notices.failed_once, notice_id, me, svc.clock(), error):
            return DeliveryStatus.pending  # held too long: another sender took it over
        # Never longer than half the lease, which the next failure renews.
        delay = min(delay, RETRY_MAX, svc.lease.total_seconds() / 2)
        if not await _pause(application, delay):
            return DeliveryStatus.pending  # stopping: released, resumed later
        delay *= 2


async def _pause(application: Application, seconds: float) -> bool:
    """Sleeps, waking early if the bot stops (False then)."""
    step = 0.25
    while seconds > 0 and application.running:
        await asyncio.sleep(min(step, seconds))
        seconds -= step
    return application.running


async def resume(context: ContextTypes.DEFAULT_TYPE, found: Unsent) -> None:
    """Every few seconds in every process (jobs/schedule.py, with what it `found`): sends
    notices nobody sends (a job stopped by a restart, a process that died, a handler's failed
    send), and the survey's final count that a process which died could not."""
    application = context.application
    if found.notices:
        start(application)
    state = application.bot_data.get(JOB, {})
    if found.survey_report and not state.get("running"):
        await report_survey(application)


async def report_survey(application: Application) -> None:
    """Once every survey question is sent, blocked or given up, one process tells the
    organizers the whole round's count, whatever restarts came in between."""
    svc = _services(application)
    now = svc.clock()
    counts = await svc.run(notices.claim_survey_report, now, svc.lease)
    if counts is None:
        return
    shown = {
        "sent": counts.sent,
        "answered": counts.answered,
        "blocked": counts.blocked,
        "given_up": counts.given_up,
    }

    def render(language: str) -> str:
        items = counted_items(language, "stats.questions", shown)  # no "답변 0건"
        return tn(language, "survey.done", counts.total, items=items)

    await tell_admins(application.bot, svc, render)
    await svc.run(notices.survey_report_sent, now)
