"""The deadline's timed work: at the deadline applications close and the matching runs (the
admins get the summary); before it, the reminders. Both are re-created from the event's
deadline by `schedule_all` (jobs/schedule.py), also when the deadline moves."""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import partial

from telegram.ext import ContextTypes

from handlers.services import services
from jobs import notify
from jobs.notify import tell_admins
from jobs.sending import replace_job
from jobs.table import TimedJob
from locales import moment, pick, t, time_left, tn
from store.event import get_event
from store.matching_run import EventKeptChanging, close_at_deadline
from store.models import NoticeKind, Phase
from store.reminders import (
    DeadlineReminder,
    deadline_due,
    deadline_key,
    deadline_reminders,
    deadline_reminders_due,
)
from views.matching_summary import summary_text

DEADLINE_JOB = "deadline"
DONE = "admin.deadline_passed"  # the summary's title
DEADLINE_RETRY = 60.0  # seconds before the deadline's matching is tried again


def _seconds_until(when: datetime, now: datetime) -> float:
    return (when - now).total_seconds()


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
        attempts = error.values["attempts"]

        def retry(language: str) -> str:
            return t(
                language, "admin.deadline_retry", attempts=attempts, seconds=int(DEADLINE_RETRY)
            )

        await tell_admins(context.bot, svc, retry)
        return
    if summary is None:
        return
    await tell_admins(context.bot, svc, partial(summary_text, summary=summary, title_key=DONE))


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

        def render(language: str, reminder: DeadlineReminder = reminder) -> notify.Rendered:
            text = t(
                language,
                "reminder.deadline_unanswered" if reminder.unanswered else "reminder.deadline",
                left=time_left(language, left),
                deadline=moment(
                    event.deadline, language, event.timezone, reader_zone=reminder.recipient.zone
                ),
                unanswered=tn(language, "count.unanswered", reminder.unanswered),
            )
            return text, None

        language = pick(reminder.recipient.language, svc.default_language)
        drafts.append(
            notify.draft(
                NoticeKind.deadline,
                reminder.recipient.participant_id,
                key,
                language,
                render,
                event.deadline,
            )
        )
    await notify.queue(context.application, drafts)


JOBS = (
    TimedJob(DEADLINE_JOB, deadline_job, deadline_due),
    TimedJob("deadline-reminder", deadline_reminder_job, deadline_reminders_due),
)
