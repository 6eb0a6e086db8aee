"""Sending /announce's rounds and /broadcast's messages (handlers/admin_announce.py starts
them), each with a few workers and one progress message for the admin.

Deliveries are claimed in the database (store/announce.py, store/broadcast.py), so the jobs
can run in several bot processes at once, and resume after a restart where they stopped: a
repeating job (`resume_job`) looks for deliveries nobody is sending, e.g. those of a process
that died, once their lease ran out."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Iterator
from concurrent.futures import Executor
from contextlib import contextmanager

from telegram import Message
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import Application, ContextTypes

from handlers.services import services
from handlers.ui import markup_json, post_unread
from jobs.drawing import drawing_pool
from jobs.sending import all_stopped, paid_or_free, raise_first, record_sent, sender
from locales import pick, t, tn
from store import broadcast as broadcasts
from store.announce import (
    Job,
    blocked,
    claim,
    failed,
    part_sent,
    prepare,
    progress,
    release,
    report_due,
    report_sent,
    round_paid,
    stop_paid,
)
from store.models import DeliveryStatus, Role
from store.readers import mark_blocked
from store.unsent import Unsent
from views.announcement import progress_text, render

log = logging.getLogger(__name__)

WORKERS = 8  # senders per process: enough that one always waits for its turn
BROADCAST_WORKERS = 4  # one message each: fewer suffice
PAID_WORKERS = 24  # at the paid pace, drawing the pictures (or the database) sets the speed
# Deliveries a worker claims and prepares at once: one transaction and one read of each kind
# of row for all of them (store/announce.py `prepare`; 11 ms of CPU a delivery alone, 5 in
# fours). With WORKERS, 32 claims in flight: the last is sent about a second after its claim
# at the free pace, far within the lease.
BATCH = 4
# Processes drawing the timetables (jobs/drawing.py): one keeps up with the free pace; the paid
# one can use both cores of a small machine.
DRAWING = 1
PAID_DRAWING = 2
PROGRESS_EVERY = 2.0  # seconds between edits of the admin's progress message


def _working(application: Application) -> set[tuple[str, int]]:
    """The rounds and broadcasts this process is sending now, and the final counts it is
    showing."""
    return application.bot_data.setdefault("working", set())


@contextmanager
def _alone(application: Application, work: tuple[str, int]) -> Iterator[bool]:
    """False if this process is doing `work` already. A final count is recorded after its
    edit: the job that finished the round and the look every few seconds, which finds it not
    yet recorded meanwhile, would both edit it, and Telegram refuses the second edit."""
    working = _working(application)
    if work in working:
        yield False
        return
    working.add(work)
    try:
        yield True
    finally:
        working.discard(work)


def start_sending(application: Application, kind: str, number: int) -> None:
    """Starts the job sending announcement round or broadcast `number`, unless this process
    is already sending it."""
    working = _working(application)
    if (kind, number) in working:
        return
    working.add((kind, number))
    callback = announce_job if kind == "announce" else broadcast_job
    application.job_queue.run_once(callback, 0, data=number, name=f"{kind}-{number}")


def draw(job: Job, default_language: str) -> tuple[dict[str, object], bytes]:
    """Runs in the drawing pool: the sendPhoto parameters as plain JSON values, the buttons
    included (PTB turning them into JSON, and parsing the message Telegram sends back, cost
    the event loop several milliseconds a timetable, between its slot and the socket), and
    the picture."""
    message = render(job, default_language)
    parameters = {
        "chat_id": job.telegram_id,
        "caption": message.caption,
        "parse_mode": ParseMode.HTML.value,
        "reply_markup": markup_json(message.markup),
    }
    return parameters, message.photo


async def _deliver(
    context: ContextTypes.DEFAULT_TYPE,
    job: Job,
    drawing: Awaitable[tuple[dict[str, object], bytes]] | None,
    me: str,
) -> bool:
    """Sends one prepared delivery, its message from `drawing` (None: sent by a version that
    sent several messages, only to record); False if it was sent but could not be recorded
    (the caller keeps the claim and stops)."""
    svc = services(context)
    delivery_id = job.delivery_id
    if drawing is not None:
        parameters, photo = await drawing

        def send(paid: bool) -> Awaitable[None]:
            paying = {"allow_paid_broadcast": True} if paid else {}
            picture = {"photo": ("timetable.png", photo, "image/png")}
            return post_unread(context.bot, "sendPhoto", parameters | paying, picture)

        if not context.application.running:
            return True  # stopping: the claim is released, the delivery resumes later
        try:
            _, refused = await paid_or_free(context.application, job.telegram_id, send, job.paid)
        except Forbidden:
            await svc.run(blocked, delivery_id, svc.clock())
            return True
        except TelegramError as error:
            log.warning("announcement %s failed: %s", delivery_id, error)
            await svc.run(failed, delivery_id, str(error))
            return True
        if not await record_sent(svc, part_sent, delivery_id, 1, True, svc.clock(), me):
            return False
        if refused:
            told = await svc.run(stop_paid, job.round)
            if told is not None:
                await paid_refused(context, *told)
        return True
    return await record_sent(svc, part_sent, delivery_id, 1, True, svc.clock(), me)


async def paid_refused(
    context: ContextTypes.DEFAULT_TYPE, chat_id: int | None, language: str | None
) -> None:
    """Tells the organizer, once, in their `language` (None: the bot's default), that
    Telegram refused the paid pace."""
    if chat_id is None:
        return
    language = pick(language, services(context).default_language)
    try:
        await context.bot.send_message(chat_id, t(language, "pace.refused"))
    except TelegramError as error:
        log.warning("paid pace refused, and the organizer could not be told: %s", error)


async def _worker(
    context: ContextTypes.DEFAULT_TYPE,
    round_number: int,
    me: str,
    kept: set[int],
    pool: Executor,
) -> None:
    """Claims and sends deliveries until none is left to claim (the others are sent by other
    workers, or wait for their lease to run out: `resume_job` comes back for those). One sent
    but not recorded goes into `kept`, and the worker stops."""
    svc = services(context)
    loop = asyncio.get_running_loop()
    while context.application.running:
        claimed = await svc.run(claim, round_number, me, svc.clock(), svc.lease, BATCH)
        if not claimed:
            return
        jobs = await svc.run(prepare, claimed)
        # All drawn at once: the next pictures are drawn while the first waits for its slot.
        drawings = [
            loop.run_in_executor(pool, draw, job, svc.default_language)
            if job.parts_sent == 0
            else None
            for job in jobs
        ]
        try:
            for job, drawing in zip(jobs, drawings, strict=True):
                if not context.application.running:
                    return
                if not await _deliver(context, job, drawing, me):
                    kept.add(job.delivery_id)
                    return
        finally:
            for drawing in drawings:
                if drawing is not None:
                    drawing.cancel()  # not needed any more: stopping


async def _show_progress(
    context: ContextTypes.DEFAULT_TYPE, round_number: int, final: bool
) -> bool:
    """Edits the round's progress message; False after a passing error (worth trying again)."""
    svc = services(context)
    state = await svc.run(progress, round_number)
    if state.chat_id is None or state.message_id is None:
        return True
    try:
        await context.bot.edit_message_text(
            progress_text(pick(state.language, svc.default_language), state, final),
            chat_id=state.chat_id,
            message_id=state.message_id,
            parse_mode=ParseMode.HTML,
        )
    except BadRequest as error:  # "not modified": another process edited it just now
        if "not modified" not in str(error):
            log.warning("progress message: %s", error)
    except TelegramError as error:
        log.warning("progress message: %s", error)
        return False
    return True


async def announce_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Sends the round's deliveries with a few workers, editing the progress message every
    few seconds; whichever process finishes the round last sends the final count."""
    svc = services(context)
    round_number: int = context.job.data
    me = sender(context.application)
    paid = await svc.run(round_paid, round_number)
    count, drawing = (PAID_WORKERS, PAID_DRAWING) if paid else (WORKERS, DRAWING)
    kept: set[int] = set()
    try:
        async with drawing_pool(drawing) as pool:
            # Every worker stops before the claims are given back (jobs/sending.py
            # `all_stopped`), and before the drawing processes are.
            workers = asyncio.gather(
                *(_worker(context, round_number, me, kept, pool) for _ in range(count)),
                return_exceptions=True,
            )
            while not workers.done():
                await asyncio.wait([workers], timeout=PROGRESS_EVERY)
                if not workers.done():
                    await _show_progress(context, round_number, final=False)
            stopped = await workers
    finally:
        _working(context.application).discard(("announce", round_number))
        await svc.run(release, me, kept)
    raise_first(stopped)
    await _report_round(context, round_number)


async def _report_round(context: ContextTypes.DEFAULT_TYPE, round_number: int) -> None:
    """The round's final count, then its record (`report_sent`): at least once, whatever
    process dies when; after a passing error, again at the next look (`resume_job`). Once
    in a process: one at a time, each after reading that it is still due."""
    svc = services(context)
    with _alone(context.application, ("announce report", round_number)) as alone:
        due = alone and await svc.run(report_due) == round_number
        if due and await _show_progress(context, round_number, final=True):
            await svc.run(report_sent, round_number)


async def resume_job(context: ContextTypes.DEFAULT_TYPE, found: Unsent) -> None:
    """Runs every few seconds in every process (jobs/schedule.py, with what it `found`):
    starts sending what nobody sends (a round or broadcast interrupted by a crash or a
    restart, once its leases ran out), and sends a final count that a process which died
    could not."""
    if found.round is not None:
        start_sending(context.application, "announce", found.round)
    if found.round_report is not None:
        await _report_round(context, found.round_report)
    for broadcast_id in found.broadcasts:
        start_sending(context.application, "broadcast", broadcast_id)
    for broadcast_id in found.unreported:
        if ("broadcast", broadcast_id) not in _working(context.application):
            await _report_broadcast(context, broadcast_id)


async def start_broadcast(
    context: ContextTypes.DEFAULT_TYPE,
    role: Role | None,
    body: str,
    status: Message,
    language: str,
    bodies: dict[str, str] | None = None,
    *,
    audit: tuple[int, dict[str, object]] | None = None,
    paid: bool = False,
) -> None:
    """Queues `body` (HTML) for every reachable person (main contacts and colleagues) of the
    participants of `role` (all if None), or for the bot's own notices `bodies`: the text in
    each person's language, by language
    code. The admin's `status` message gets the counts, in `language`, at the end. With
    `audit` (the admin's id and what they asked), the audit line commits with the queue;
    `paid`: at Telegram's paid broadcast pace."""
    svc = services(context)
    queue = (role, body, status.chat_id, status.message_id, language, bodies, paid, audit)
    broadcast_id = await svc.run(broadcasts.start, *queue)
    start_sending(context.application, "broadcast", broadcast_id)


async def _broadcast_worker(
    context: ContextTypes.DEFAULT_TYPE, broadcast_id: int, me: str, batch: int, kept: set[int]
) -> None:
    """Claims and sends copies until none is left; one sent but not recorded goes into `kept`,
    and the worker stops."""
    svc = services(context)
    while context.application.running:
        claimed = await svc.run(
            broadcasts.claim, broadcast_id, me, svc.clock(), svc.lease, limit=batch
        )
        if not claimed:
            return
        for delivery in claimed:
            if not context.application.running:
                return
            reader = delivery.reader
            text = delivery.text_for(pick(reader.language, svc.default_language))

            def send(paid: bool, chat_id: int = reader.telegram_id, text: str = text):
                return context.bot.send_message(
                    chat_id, text, parse_mode=ParseMode.HTML, allow_paid_broadcast=paid or None
                )

            refused = False
            try:
                _, refused = await paid_or_free(
                    context.application, reader.telegram_id, send, delivery.paid
                )
                status = DeliveryStatus.sent
            except Forbidden:
                status = DeliveryStatus.blocked
                await svc.run(mark_blocked, reader.participant_id, reader.colleague_id, svc.clock())
            except TelegramError:
                status = DeliveryStatus.failed
            if not await record_sent(svc, broadcasts.finish, delivery.id, status, svc.clock()):
                kept.add(delivery.id)
                return
            if refused:
                told = await svc.run(broadcasts.stop_paid, broadcast_id)
                if told is not None:
                    await paid_refused(context, *told)


async def _report_broadcast(context: ContextTypes.DEFAULT_TYPE, broadcast_id: int) -> None:
    """The final count, then its record (`report_sent`): at least once, whatever process
    dies when; after a passing error, again at the next look (`resume_job`). Once in a
    process, as a round's (`_report_round`)."""
    with _alone(context.application, ("broadcast report", broadcast_id)) as alone:
        if alone:
            await _show_broadcast_count(context, broadcast_id)


async def _show_broadcast_count(context: ContextTypes.DEFAULT_TYPE, broadcast_id: int) -> None:
    svc = services(context)
    report = await svc.run(broadcasts.final_report, broadcast_id)
    if report is None:
        return
    try:
        await context.bot.edit_message_text(
            tn(report.language, "broadcast.done", sum(report.counts.values()), **report.counts),
            chat_id=report.chat_id,
            message_id=report.message_id,
        )
    except BadRequest as error:
        if "not modified" not in str(error):  # another process edited it just now
            log.warning("broadcast report: %s", error)
    except TelegramError as error:
        log.warning("broadcast report: %s", error)
        return
    await svc.run(broadcasts.report_sent, broadcast_id)


async def broadcast_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Sends a broadcast with a few workers; whichever process finishes it tells the admin."""
    svc = services(context)
    broadcast_id: int = context.job.data
    me = sender(context.application)
    paid = await svc.run(broadcasts.is_paid, broadcast_id)
    count, batch = (PAID_WORKERS, 8) if paid else (BROADCAST_WORKERS, 2)
    kept: set[int] = set()
    try:
        await all_stopped(
            _broadcast_worker(context, broadcast_id, me, batch, kept) for _ in range(count)
        )
    finally:
        _working(context.application).discard(("broadcast", broadcast_id))
        await svc.run(broadcasts.release, me, kept)
    await _report_broadcast(context, broadcast_id)
