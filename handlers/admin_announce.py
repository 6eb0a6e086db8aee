"""/announce: every participant's timetable (text and picture, in their language) pushed by a
job, with one progress message for the admin; /broadcast; who blocked the bot.

Deliveries are claimed in the database (store/announce.py, store/broadcast.py), so the jobs
can run in several bot processes at once, and resume after a restart where they stopped: a
repeating job (`resume_job`) looks for deliveries nobody is sending, e.g. those of a process
that died, once their lease ran out."""

from __future__ import annotations

import asyncio
import logging
import uuid
from dataclasses import dataclass
from datetime import datetime
from functools import partial

from telegram import ChatMember, InlineKeyboardMarkup, Message, Update
from telegram.constants import MessageLimit, ParseMode
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import (
    Application,
    BaseHandler,
    ChatMemberHandler,
    ContextTypes,
)

from handlers.admin_sending import paced
from handlers.admin_withdraw import announce_withdrawals
from handlers.feature import ADMINS, Command, Feature
from handlers.guard import organizer
from handlers.services import Who, services
from handlers.timetable_render import timetable_markup, timetable_messages, timetable_png
from handlers.ui import error_text, escape, refuse
from locales import moment, pick, t
from store import broadcast as broadcasts
from store.announce import (
    Change,
    Job,
    Progress,
    account_blocked,
    blocked,
    claim,
    claim_report,
    claimable_round,
    failed,
    part_sent,
    prepare,
    progress,
    release,
    report_due,
    set_blocked,
    start_round,
)
from store.audit import audited
from store.errors import StoreError
from store.models import DeliveryStatus, Role
from store.names import in_language

log = logging.getLogger(__name__)

WORKERS = 8  # deliveries in flight per process: enough that one always waits for its turn
BROADCAST_WORKERS = 4  # one message each: fewer suffice
PROGRESS_EVERY = 2.0  # seconds between edits of the admin's progress message
GROUPS = {"all": None, "buyers": Role.buyer, "sellers": Role.seller}


def holder(application: Application) -> str:
    """This process's name (on its users' holds, and the first half of its claims')."""
    return application.bot_data.setdefault("holder", uuid.uuid4().hex)


def sender(application: Application) -> str:
    """The name on one sending job's claims: the process's, then the job's own, so that a job
    that stops gives back only its own claims, never those another job is still sending."""
    return f"{holder(application)[:12]}-{uuid.uuid4().hex[:12]}"


def _working(application: Application) -> set[tuple[str, int]]:
    """The rounds and broadcasts this process is sending now."""
    return application.bot_data.setdefault("working", set())


def start_sending(application: Application, kind: str, number: int) -> None:
    """Starts the job sending announcement round or broadcast `number`, unless this process
    is already sending it."""
    working = _working(application)
    if (kind, number) in working:
        return
    working.add((kind, number))
    callback = announce_job if kind == "announce" else broadcast_job
    application.job_queue.run_once(callback, 0, data=number, name=f"{kind}-{number}")


@organizer()
async def announce(update: Update, context: ContextTypes.DEFAULT_TYPE, person: Who) -> None:
    svc = services(context)
    # The job edits this message later, in the bot's default language: so it starts in it.
    status = await update.effective_chat.send_message(t(svc.default_language, "announce.preparing"))
    try:
        started = await svc.run(start_round, person.telegram_id, status.chat_id, status.message_id)
    except StoreError as error:
        await status.edit_text(
            escape(error_text(svc.default_language, error)), parse_mode=ParseMode.HTML
        )
        return
    await status.edit_text(
        t(
            svc.default_language,
            "announce.started",
            round=started.number,
            queued=started.queued,
            never_joined=started.never_joined,
            blocked=started.blocked,
        ),
        parse_mode=ParseMode.HTML,
    )
    start_sending(context.application, "announce", started.number)


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
        company = in_language(m["company"], m.get("company_en", ""), language)
        return t(language, key, start=when, company=escape(company), booth=escape(booth))

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


async def _deliver(context: ContextTypes.DEFAULT_TYPE, delivery_id: int, me: str) -> None:
    svc = services(context)
    job = await svc.run(prepare, delivery_id)
    if job is None:
        return
    parts = await asyncio.to_thread(render, job, svc.default_language)
    language = pick(job.language, svc.default_language)
    for number in range(job.parts_sent, len(parts)):
        if not context.application.running:
            return  # stopping: the claim is released, the rest resumes later
        send = partial(_send_part, context, job.telegram_id, parts[number], language)
        try:
            await paced(context.application, job.telegram_id, send)
        except Forbidden:
            await svc.run(blocked, delivery_id, svc.clock())
            return
        except TelegramError as error:
            log.warning("announcement %s failed: %s", delivery_id, error)
            await svc.run(failed, delivery_id, str(error))
            return
        done = number + 1 == len(parts)
        if not await svc.run(part_sent, delivery_id, number + 1, done, svc.clock(), me):
            return  # held so long that another process took it over: it sends the rest


async def _worker(context: ContextTypes.DEFAULT_TYPE, round_number: int, me: str) -> None:
    """Claims and sends deliveries until none is left to claim (the others are sent by other
    workers, or wait for their lease to run out: `resume_job` comes back for those)."""
    svc = services(context)
    while context.application.running:
        claimed = await svc.run(claim, round_number, me, svc.clock(), svc.lease)
        if not claimed:
            return
        for delivery_id in claimed:
            if not context.application.running:
                return
            await _deliver(context, delivery_id, me)


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
    svc = services(context)
    state = await svc.run(progress, round_number)
    if state.chat_id is None or state.message_id is None:
        return
    try:
        await context.bot.edit_message_text(
            progress_text(svc.default_language, state, final),
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
    svc = services(context)
    round_number: int = context.job.data
    me = sender(context.application)
    workers = asyncio.gather(*(_worker(context, round_number, me) for _ in range(WORKERS)))
    try:
        while not workers.done():
            await asyncio.wait([workers], timeout=PROGRESS_EVERY)
            if not workers.done():
                await _show_progress(context, round_number, final=False)
        await workers
    finally:
        _working(context.application).discard(("announce", round_number))
        await svc.run(release, me)
    if await svc.run(claim_report, round_number):
        await _show_progress(context, round_number, final=True)


async def resume_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Runs every few seconds in every process: starts sending what nobody sends (a round or
    broadcast interrupted by a crash or a restart, once its leases ran out), and sends a final
    count that a process which died could not."""
    svc = services(context)
    now = svc.clock()
    waiting = await svc.run(claimable_round, now, svc.lease)
    if waiting is not None:
        start_sending(context.application, "announce", waiting)
    due = await svc.run(report_due)
    if due is not None and await svc.run(claim_report, due):
        await _show_progress(context, due, final=True)
    for broadcast_id in await svc.run(broadcasts.waiting, now, svc.lease):
        start_sending(context.application, "broadcast", broadcast_id)
    for broadcast_id in await svc.run(broadcasts.unreported):
        if ("broadcast", broadcast_id) not in _working(context.application):
            await _report_broadcast(context, broadcast_id)
    await announce_withdrawals(context.application)  # one made from the command line


@organizer()
async def broadcast(update: Update, context: ContextTypes.DEFAULT_TYPE, person: Who) -> None:
    """/broadcast all|buyers|sellers TEXT: the text, as typed, to every reachable participant
    of the group, sent by a job; the admin gets the counts at the end."""
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
    status = await update.effective_chat.send_message(t(person.language, "broadcast.started"))
    audit = (person.telegram_id, {"group": group, "text": body})
    await start_broadcast(
        context, GROUPS[group], escape(body), status, person.language, audit=audit
    )


async def start_broadcast(
    context: ContextTypes.DEFAULT_TYPE,
    role: Role | None,
    body: str,
    status: Message,
    language: str,
    bodies: dict[str, str] | None = None,
    *,
    audit: tuple[int, dict[str, object]] | None = None,
) -> None:
    """Queues `body` (HTML) for every reachable participant of `role` (all if None), or for
    the bot's own notices `bodies`: the text in each participant's language, by language
    code. The admin's `status` message gets the counts, in `language`, at the end. With
    `audit` (the admin's id and what they asked), the audit line commits with the queue."""
    svc = services(context)
    queue = (role, body, status.chat_id, status.message_id, language, bodies)
    if audit is None:
        broadcast_id = await svc.run(broadcasts.start, *queue)
    else:
        admin_id, detail = audit
        broadcast_id = await svc.run(
            audited, admin_id, "broadcast", detail, broadcasts.start, *queue
        )
    start_sending(context.application, "broadcast", broadcast_id)


async def _broadcast_worker(context: ContextTypes.DEFAULT_TYPE, broadcast_id: int, me: str) -> None:
    svc = services(context)
    while context.application.running:
        claimed = await svc.run(broadcasts.claim, broadcast_id, me, svc.clock(), svc.lease)
        if not claimed:
            return
        for delivery in claimed:
            if not context.application.running:
                return
            text = delivery.text_for(pick(delivery.language, svc.default_language))
            send = partial(
                context.bot.send_message, delivery.telegram_id, text, parse_mode=ParseMode.HTML
            )
            try:
                await paced(context.application, delivery.telegram_id, send)
                status = DeliveryStatus.sent
            except Forbidden:
                status = DeliveryStatus.blocked
                await svc.run(set_blocked, delivery.participant_id, svc.clock())
            except TelegramError:
                status = DeliveryStatus.failed
            await svc.run(broadcasts.finish, delivery.id, status, svc.clock())


async def _report_broadcast(context: ContextTypes.DEFAULT_TYPE, broadcast_id: int) -> None:
    report = await services(context).run(broadcasts.claim_report, broadcast_id)
    if report is None:
        return
    try:
        await context.bot.edit_message_text(
            t(report.language, "broadcast.done", **report.counts),
            chat_id=report.chat_id,
            message_id=report.message_id,
        )
    except TelegramError as error:
        log.warning("broadcast report: %s", error)


async def broadcast_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Sends a broadcast with a few workers; whichever process finishes it tells the admin."""
    svc = services(context)
    broadcast_id: int = context.job.data
    me = sender(context.application)
    try:
        await asyncio.gather(
            *(_broadcast_worker(context, broadcast_id, me) for _ in range(BROADCAST_WORKERS))
        )
    finally:
        _working(context.application).discard(("broadcast", broadcast_id))
        await svc.run(broadcasts.release, me)
    await _report_broadcast(context, broadcast_id)


async def membership(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Telegram tells the bot when a user blocks or unblocks it: reminders and announcements
    skip blocked participants, and start again once they come back."""
    change = update.my_chat_member
    svc = services(context)
    gone = change.new_chat_member.status in (ChatMember.BANNED, ChatMember.LEFT)
    await svc.run(account_blocked, change.from_user.id, svc.clock() if gone else None)


def handlers() -> list[BaseHandler]:
    return [
        ChatMemberHandler(membership, ChatMemberHandler.MY_CHAT_MEMBER),
    ]


FEATURE = Feature(
    commands=(
        Command("announce", announce, ADMINS),
        Command("broadcast", broadcast, ADMINS),
    ),
    others=handlers,
)
