"""Timed work: the deadline, the reminders before it and before each meeting, and a look every
few seconds for announcement, broadcast and notice messages nobody is sending (after a
restart or a crash). Every time comes from the database and is measured against
`Services.clock`; `schedule_all` (re)creates the jobs, named so that doing it again replaces
them, at start-up and whenever the deadline moves."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from telegram.ext import Application, ContextTypes

from handlers.admin_withdraw import announce_withdrawals
from handlers.interpreter_home import schedule_pushes
from handlers.meeting_day import attendance_keyboard
from handlers.outcomes import schedule_outcomes
from handlers.refill_offers import resume as resume_refills
from handlers.services import Services, services
from handlers.survey import schedule_survey
from handlers.ui import escape
from jobs import notify
from jobs.announce import resume_job as resume_deliveries
from jobs.notify import tell_admins
from jobs.sending import replace_job
from locales import moment, pick, t, time_left, tn
from store.errors import NoEvent
from store.event import get_event
from store.matching_run import EventKeptChanging, close_at_deadline
from store.models import Event, NoticeKind, Phase
from store.names import company_name
from store.notices import Draft
from store.reminders import (
    DEADLINE_OFFSETS,
    deadline_key,
    deadline_reminders,
    meeting_reminders,
    upcoming_slots,
)
from views.matching_summary import summary_text

log = logging.getLogger(__name__)

DEADLINE_JOB = "deadline"
RESUME_JOB = "resume-sending"


async def resume_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Sends what nobody sends: announcements, broadcasts, withdrawals' notices and notices."""
    await resume_deliveries(context)
    await announce_withdrawals(context.application)  # one made from the command line
    await notify.resume(context)


def resume_interval(svc: Services) -> float:
    """How often each process looks for deliveries nobody sends (and for interpreters'
    changed schedules): often enough that a crashed process's deliveries go out soon after
    their lease, rarely enough to cost nothing."""
    return min(10.0, max(0.5, svc.lease.total_seconds() / 4))


DEADLINE_RETRY = 60.0  # seconds before the deadline's matching is tried again


def _seconds_until(when: datetime, now: datetime) -> float:
    return (when - now).total_seconds()


async def schedule_all(application: Application) -> None:
    """Creates every job the database calls for; past-due ones run at once."""
    svc: Services = application.bot_data["services"]
    job_queue = application.job_queue
    assert job_queue is not None  # the job-queue extra is a dependency
    for job in job_queue.get_jobs_by_name(RESUME_JOB):
        job.schedule_removal()
    job_queue.run_repeating(resume_job, resume_interval(svc), first=0, name=RESUME_JOB)
    schedule_pushes(job_queue, resume_interval(svc))
    try:
        event = await svc.run(get_event)
    except NoEvent:
        return
    now = svc.clock()
    if event.phase == Phase.open:
        replace_job(job_queue, DEADLINE_JOB, deadline_job, _seconds_until(event.deadline, now))
        _schedule_deadline_reminders(application, event, now)
    for slot, due in await svc.run(upcoming_slots, now):
        name = f"meeting-reminders-{slot.code}"
        replace_job(job_queue, name, meeting_reminder_job, _seconds_until(due, now), slot.id)
    await resume_refills(application)
    await schedule_outcomes(application)
    await schedule_survey(application)


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
    svc = services(context)
    now = svc.clock()
    event = await svc.run(get_event)
    if event.phase != Phase.open:
        return
    if now < event.deadline:  # the deadline moved later since this job was made
        replace_job(
            context.job_queue, DEADLINE_JOB, deadline_job, _seconds_until(event.deadline, now)
        )
        return
    try:
        summary = await svc.run(close_at_deadline, now)
    except EventKeptChanging as error:
        # Admins kept changing meetings during every solve: try again a little later.
        replace_job(context.job_queue, DEADLINE_JOB, deadline_job, DEADLINE_RETRY)
        text = t(
            svc.default_language,
            "admin.deadline_retry",
            attempts=error.values["attempts"],
            seconds=int(DEADLINE_RETRY),
        )
        await tell_admins(context.bot, svc, text)
        return
    if summary is None:
        return
    language = svc.default_language
    await tell_admins(context.bot, svc, summary_text(language, summary, "admin.deadline_passed"))


async def deadline_reminder_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Applications close soon: each participant hears how many received requests still wait
    for their answer (the manual's FAQ Q5: answering raises their chances)."""
    svc = services(context)
    offset: timedelta = context.job.data
    event = await svc.run(get_event)
    now = svc.clock()
    if event.phase != Phase.open or now >= event.deadline:
        return
    key = deadline_key(event.deadline, offset)
    # The time actually left, not the offset's name: a deadline moved to a minute away, or a
    # bot that started late, sends the 1-hour reminder with less than an hour to go.
    left = event.deadline - now
    drafts = []
    for reminder in await svc.run(deadline_reminders):
        language = pick(reminder.recipient.language, svc.default_language)
        text = t(
            language,
            "reminder.deadline_unanswered" if reminder.unanswered else "reminder.deadline",
            left=time_left(language, left),
            deadline=moment(event.deadline, language, event.timezone),
            unanswered=tn(language, "count.unanswered", reminder.unanswered),
        )
        drafts.append(
            Draft(
                NoticeKind.deadline,
                reminder.recipient.participant_id,
                key,
                text,
                "",
                event.deadline,
            )
        )
    await notify.queue(context.application, drafts)


async def meeting_reminder_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Minutes before a slot, both sides of each meeting in it hear whom they meet, where;
    a reminder not sent by the slot's start is given up."""
    svc = services(context)
    slot_id: int = context.job.data
    event = await svc.run(get_event)
    drafts = []
    for reminder in await svc.run(meeting_reminders, slot_id):
        language = pick(reminder.recipient.language, svc.default_language)
        booth = reminder.booth or t(language, "reminder.no_booth")
        text = t(
            language,
            "reminder.meeting",
            left=time_left(language, timedelta(minutes=event.reminder_minutes)),
            start=moment(reminder.start, language, event.timezone),
            company=escape(company_name(reminder.counterpart, language)),
            booth=escape(booth),
        )
        markup = notify.keyboard_json(attendance_keyboard(language, reminder.meeting_id))
        drafts.append(
            Draft(
                NoticeKind.meeting,
                reminder.recipient.participant_id,
                f"slot-{slot_id}",
                text,
                markup,
                reminder.start,
            )
        )
    await notify.queue(context.application, drafts)
