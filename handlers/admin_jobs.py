"""Timed work: the deadline, the reminders before it and before each meeting, and a look every
few seconds for announcement and broadcast messages nobody is sending (after a restart or a
crash). Every time comes from the database and is measured against
`Services.clock`; `schedule_all` (re)creates the jobs, named so that doing it again replaces
them, at start-up and whenever the deadline moves."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from telegram.constants import ParseMode
from telegram.error import Forbidden, TelegramError
from telegram.ext import Application, ContextTypes

from handlers.admin_announce import resume_job
from handlers.admin_common import summary_text, tell_admins
from handlers.admin_sending import paced, replace_job
from handlers.services import Services, services
from handlers.ui import escape
from locales import moment, pick, t
from store.announce import set_blocked
from store.errors import NoEvent
from store.event import get_event
from store.matching_run import close_at_deadline
from store.models import Event, NoticeKind, Phase
from store.reminders import (
    DEADLINE_OFFSETS,
    Recipient,
    claim_notice,
    deadline_key,
    deadline_reminders,
    meeting_reminders,
    notice_sent,
    upcoming_slots,
)

log = logging.getLogger(__name__)

DEADLINE_JOB = "deadline"
RESUME_JOB = "resume-sending"


def resume_interval(found: Services) -> float:
    """How often each process looks for deliveries nobody sends: often enough that a crashed
    process's deliveries go out soon after their lease, rarely enough to cost nothing."""
    return min(10.0, max(0.5, found.lease.total_seconds() / 4))


def _seconds_until(when: datetime, now: datetime) -> float:
    return (when - now).total_seconds()


async def schedule_all(application: Application) -> None:
    """Creates every job the database calls for; past-due ones run at once."""
    found: Services = application.bot_data["services"]
    job_queue = application.job_queue
    assert job_queue is not None  # the job-queue extra is a dependency
    for job in job_queue.get_jobs_by_name(RESUME_JOB):
        job.schedule_removal()
    job_queue.run_repeating(resume_job, resume_interval(found), first=0, name=RESUME_JOB)
    try:
        event = await found.run(get_event)
    except NoEvent:
        return
    now = found.clock()
    if event.phase == Phase.open:
        replace_job(job_queue, DEADLINE_JOB, deadline_job, _seconds_until(event.deadline, now))
        _schedule_deadline_reminders(application, event, now)
    for slot, due in await found.run(upcoming_slots, now):
        name = f"meeting-reminders-{slot.code}"
        replace_job(job_queue, name, meeting_reminder_job, _seconds_until(due, now), slot.id)


def _schedule_deadline_reminders(application: Application, event: Event, now: datetime) -> None:
    """One job per reminder still ahead; of those already due, only the latest is sent (a
    bot that was down at 24 h before and starts 30 min before sends the 1-hour one)."""
    if now >= event.deadline:
        return
    due = [offset for offset in DEADLINE_OFFSETS if event.deadline - offset <= now]
    latest_due = min(due, default=None)
    for offset in DEADLINE_OFFSETS:
        if offset in due and offset != latest_due:
            continue
        name = f"deadline-reminder-{int(offset.total_seconds() // 60)}"
        replace_job(
            application.job_queue,
            name,
            deadline_reminder_job,
            _seconds_until(event.deadline - offset, now),
            offset,
        )


async def deadline_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Closes applications, runs the matching and tells every admin, in one process only."""
    found = services(context)
    now = found.clock()
    event = await found.run(get_event)
    if event.phase != Phase.open:
        return
    if now < event.deadline:  # the deadline moved later since this job was made
        replace_job(
            context.job_queue, DEADLINE_JOB, deadline_job, _seconds_until(event.deadline, now)
        )
        return
    summary = await found.run(close_at_deadline, now)
    if summary is None:
        return
    language = found.default_language
    await tell_admins(context.bot, found, summary_text(language, summary, "admin.deadline_passed"))


async def _remind(
    context: ContextTypes.DEFAULT_TYPE, recipient: Recipient, kind: NoticeKind, key: str, text: str
) -> None:
    found = services(context)
    now = found.clock()
    if not await found.run(claim_notice, kind, recipient.participant_id, key, now):
        return
    try:
        await paced(
            context.application,
            recipient.telegram_id,
            lambda: context.bot.send_message(
                recipient.telegram_id, text, parse_mode=ParseMode.HTML
            ),
        )
    except Forbidden:
        await found.run(set_blocked, recipient.participant_id, now)
        return
    except TelegramError:
        log.warning("reminder %s %s to %s failed", kind, key, recipient.participant_id)
        return
    await found.run(notice_sent, kind, recipient.participant_id, key, now)


async def deadline_reminder_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Applications close soon: each participant hears how many received requests still wait
    for their answer (the manual's FAQ Q5: answering raises their chances)."""
    found = services(context)
    offset: timedelta = context.job.data
    event = await found.run(get_event)
    if event.phase != Phase.open or found.clock() >= event.deadline:
        return
    key = deadline_key(event.deadline, offset)
    hours = int(offset.total_seconds() // 3600)
    for reminder in await found.run(deadline_reminders):
        if not context.application.running:
            return
        language = pick(reminder.recipient.language, found.default_language)
        text = t(
            language,
            "reminder.deadline_unanswered" if reminder.unanswered else "reminder.deadline",
            hours=hours,
            deadline=moment(event.deadline, language, event.timezone),
            count=reminder.unanswered,
        )
        await _remind(context, reminder.recipient, NoticeKind.deadline, key, text)


async def meeting_reminder_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Minutes before a slot, both sides of each meeting in it hear whom they meet, where."""
    found = services(context)
    slot_id: int = context.job.data
    event = await found.run(get_event)
    for reminder in await found.run(meeting_reminders, slot_id):
        if not context.application.running:
            return
        language = pick(reminder.recipient.language, found.default_language)
        booth = reminder.booth or t(language, "reminder.no_booth")
        text = t(
            language,
            "reminder.meeting",
            minutes=event.reminder_minutes,
            start=moment(reminder.start, language, event.timezone),
            company=escape(reminder.counterpart),
            booth=escape(booth),
        )
        await _remind(context, reminder.recipient, NoticeKind.meeting, f"slot-{slot_id}", text)
