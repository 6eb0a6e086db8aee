"""/announce: every participant's timetable (text and picture, in their language) pushed by a
job, with one progress message for the admin; /broadcast; who blocked the bot.

Deliveries are claimed in the database (store/announce.py), so the job can run in several bot
processes at once, and resumes after a restart where it stopped."""

from __future__ import annotations

import asyncio
import logging
import uuid
from dataclasses import dataclass
from datetime import datetime
from functools import partial

from telegram import ChatMember, InlineKeyboardMarkup, Update
from telegram.constants import MessageLimit, ParseMode
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import (
    Application,
    BaseHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
)

from handlers.admin_common import admin
from handlers.admin_sending import paced, replace_job
from handlers.services import services
from handlers.timetable_render import timetable_markup, timetable_messages, timetable_png
from handlers.ui import error_text, escape, refuse
from locales import moment, pick, t
from store.announce import (
    Change,
    Job,
    Progress,
    account_blocked,
    blocked,
    claim,
    claim_report,
    failed,
    part_sent,
    prepare,
    progress,
    release,
    set_blocked,
    start_round,
)
from store.audit import record
from store.errors import StoreError
from store.models import Role
from store.reminders import reachable

log = logging.getLogger(__name__)

WORKERS = 8  # deliveries in flight per process: enough that one always waits for its turn
PROGRESS_EVERY = 2.0  # seconds between edits of the admin's progress message
GROUPS = {"all": None, "buyers": Role.buyer, "sellers": Role.seller}


def holder(application: Application) -> str:
    """This process's name on its delivery claims."""
    return application.bot_data.setdefault("holder", uuid.uuid4().hex)


async def announce(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    person = await admin(update, context)
    if person is None:
        return
    found = services(context)
    # The job edits this message later, in the bot's default language: so it starts in it.
    status = await update.effective_chat.send_message(
        t(found.default_language, "announce.preparing")
    )
    try:
        started = await found.run(
            start_round, person.telegram_id, status.chat_id, status.message_id
        )
    except StoreError as error:
        await status.edit_text(
            escape(error_text(found.default_language, error)), parse_mode=ParseMode.HTML
        )
        return
    await status.edit_text(
        t(
            found.default_language,
            "announce.started",
            round=started.number,
            queued=started.queued,
            never_joined=started.never_joined,
            blocked=started.blocked,
        ),
        parse_mode=ParseMode.HTML,
    )
    replace_job(context.job_queue, "announce", announce_job, 0, started.number)


@dataclass(frozen=True)
class Part:
    text: str | None = None
    photo: bytes | None = None
    markup: InlineKeyboardMarkup | None = None  # under the timetable's last message


def render(job: Job, default_language: str) -> list[Part]:
    """The messages of one delivery: what changed (after an earlier announcement), the
    timetable as text, then as a picture."""
    language = pick(job.language, default_language)
    parts = []
    if job.change is not None:
        parts.append(Part(text=change_text(job.change, language, job.table.timezone)))
    texts = timetable_messages(job.table, language)
    # The timetable speaks of the buttons below it (meetings, picture, calendar, why not).
    markup = timetable_markup(job.table, language, back=False)
    parts += [
        Part(text=text, markup=markup if n == len(texts) - 1 else None)
        for n, text in enumerate(texts)
    ]
    parts.append(Part(photo=timetable_png(job.table, language)))
    return parts


def change_text(change: Change, language: str, timezone: str) -> str:
    def line(key: str, m: dict) -> str:
        when = moment(datetime.fromisoformat(m["start"]), language, timezone)
        booth = m["booth"] or t(language, "reminder.no_booth")
        return t(language, key, start=when, company=escape(m["company"]), booth=escape(booth))

    lines = [t(language, "announce.changed")]
    lines += [line("announce.removed", m) for m in change.removed]
    lines += [line("announce.added", m) for m in change.added]
    if not change.added and not change.removed:
        lines.append(t(language, "announce.details_changed"))
    return "\n".join(lines)


async def _send_part(
    context: ContextTypes.DEFAULT_TYPE, chat_id: int, part: Part, language: str
) -> None:
    if part.photo is not None:
        await context.bot.send_photo(chat_id, part.photo, caption=t(language, "announce.caption"))
    else:
        await context.bot.send_message(
            chat_id, part.text, parse_mode=ParseMode.HTML, reply_markup=part.markup
        )


async def _deliver(context: ContextTypes.DEFAULT_TYPE, delivery_id: int) -> None:
    found = services(context)
    job = await found.run(prepare, delivery_id)
    if job is None:
        return
    parts = await asyncio.to_thread(render, job, found.default_language)
    language = pick(job.language, found.default_language)
    for number in range(job.parts_sent, len(parts)):
        if not context.application.running:
            return  # stopping: the claim is released, the rest resumes later
        send = partial(_send_part, context, job.telegram_id, parts[number], language)
        try:
            await paced(context.application, send)
        except Forbidden:
            await found.run(blocked, delivery_id, found.clock())
            return
        except TelegramError as error:
            log.warning("announcement %s failed: %s", delivery_id, error)
            await found.run(failed, delivery_id, str(error))
            return
        done = number + 1 == len(parts)
        await found.run(part_sent, delivery_id, number + 1, done, found.clock())


async def _worker(context: ContextTypes.DEFAULT_TYPE, round_number: int) -> None:
    found = services(context)
    me = holder(context.application)
    while context.application.running:
        claimed = await found.run(claim, round_number, me, found.clock())
        if not claimed:
            return
        for delivery_id in claimed:
            if not context.application.running:
                return
            await _deliver(context, delivery_id)


def progress_text(language: str, state: Progress, final: bool) -> str:
    counts = state.counts
    return t(
        language,
        "announce.done" if final else "announce.progress",
        round=state.round,
        total=state.total,
        sent=counts["sent"],
        unchanged=counts["unchanged"],
        failed=counts["failed"],
        blocked=counts["blocked"],
        left=state.left,
    )


async def _show_progress(
    context: ContextTypes.DEFAULT_TYPE, round_number: int, final: bool
) -> None:
    found = services(context)
    state = await found.run(progress, round_number)
    if state.chat_id is None or state.message_id is None:
        return
    try:
        await context.bot.edit_message_text(
            progress_text(found.default_language, state, final),
            chat_id=state.chat_id,
            message_id=state.message_id,
            parse_mode=ParseMode.HTML,
        )
    except BadRequest as error:
        if "not modified" not in str(error):
            log.warning("progress message: %s", error)
    except TelegramError as error:
        log.warning("progress message: %s", error)


async def announce_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Sends the round's deliveries with a few workers, editing the progress message every
    few seconds; whichever process finishes the round last sends the final count."""
    found = services(context)
    round_number: int = context.job.data
    workers = asyncio.gather(*(_worker(context, round_number) for _ in range(WORKERS)))
    try:
        while not workers.done():
            await asyncio.wait([workers], timeout=PROGRESS_EVERY)
            if not workers.done():
                await _show_progress(context, round_number, final=False)
        await workers
    finally:
        await found.run(release, holder(context.application))
    if await found.run(claim_report, round_number):
        await _show_progress(context, round_number, final=True)


async def broadcast(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/broadcast all|buyers|sellers TEXT: the text, as typed, to every reachable participant
    of the group, sent by a job; the admin gets the counts at the end."""
    person = await admin(update, context)
    if person is None:
        return
    text = update.message.text.split(maxsplit=2)
    if len(text) < 3 or text[1].lower() not in GROUPS:
        await refuse(update, t(person.language, "broadcast.usage"))
        return
    group, body = text[1].lower(), text[2]
    if len(body) > MessageLimit.MAX_TEXT_LENGTH:
        await refuse(
            update, t(person.language, "broadcast.too_long", limit=MessageLimit.MAX_TEXT_LENGTH)
        )
        return
    found = services(context)
    await found.run(record, person.telegram_id, "broadcast", group=group, text=body)
    status = await update.effective_chat.send_message(t(person.language, "broadcast.started"))
    context.job_queue.run_once(
        broadcast_job,
        when=0,
        data=BroadcastJob(
            GROUPS[group], escape(body), status.chat_id, status.message_id, person.language
        ),
        name=f"broadcast-{status.message_id}",
    )


@dataclass(frozen=True)
class BroadcastJob:
    role: Role | None
    body: str  # HTML-escaped: sent as typed
    chat_id: int  # the admin's status message, edited with the counts at the end
    message_id: int
    language: str
    # The bot's own notices (e.g. applications reopened): the body in each participant's
    # language, by language code, instead of `body`.
    bodies: dict[str, str] | None = None

    def text_for(self, language: str | None, default_language: str) -> str:
        if self.bodies is None:
            return self.body
        return self.bodies[pick(language, default_language)]


async def broadcast_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    found = services(context)
    job: BroadcastJob = context.job.data
    counts = {"sent": 0, "failed": 0, "blocked": 0}
    for recipient in await found.run(reachable, job.role):
        if not context.application.running:
            break
        text = job.text_for(recipient.language, found.default_language)
        send = partial(
            context.bot.send_message, recipient.telegram_id, text, parse_mode=ParseMode.HTML
        )
        try:
            await paced(context.application, send)
            counts["sent"] += 1
        except Forbidden:
            counts["blocked"] += 1
            await found.run(set_blocked, recipient.participant_id, found.clock())
        except TelegramError:
            counts["failed"] += 1
    await context.bot.edit_message_text(
        t(job.language, "broadcast.done", **counts),
        chat_id=job.chat_id,
        message_id=job.message_id,
    )


async def membership(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Telegram tells the bot when a user blocks or unblocks it: reminders and announcements
    skip blocked participants, and start again once they come back."""
    change = update.my_chat_member
    found = services(context)
    gone = change.new_chat_member.status in (ChatMember.BANNED, ChatMember.LEFT)
    await found.run(account_blocked, change.from_user.id, found.clock() if gone else None)


def handlers() -> list[BaseHandler]:
    return [
        CommandHandler("announce", announce),
        CommandHandler("broadcast", broadcast),
        ChatMemberHandler(membership, ChatMemberHandler.MY_CHAT_MEMBER),
    ]
