"""Timed work, created from the job table (jobs/table.py): the features' jobs, the deadline's
(jobs/deadline.py), and a look every few seconds for announcement, broadcast and notice
messages nobody is sending (after a restart or a crash). Every time comes from the database
and is measured against `Services.clock`; `schedule_all` (re)creates the jobs, named so that
doing it again replaces them, at start-up and whenever the deadline moves."""

from __future__ import annotations

from telegram.ext import Application, ContextTypes

from handlers.services import Services, services
from jobs import notify
from jobs.announce import resume_job as resume_deliveries
from jobs.sending import replace_job, scheduled_by_name
from jobs.table import TimedJob, table
from store.due import each_due
from store.unsent import unsent

RESUME_JOB = "resume-sending"


async def resume_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Sends what nobody sends: announcements, broadcasts and notices (what there is to do
    read in one store call, store/unsent.py)."""
    svc = services(context)
    found = await svc.run(unsent, svc.clock(), svc.lease)
    await resume_deliveries(context, found)
    await notify.resume(context, found)


# The senders' own: first in the table (bot/app.py)
JOBS = (TimedJob(RESUME_JOB, resume_job),)


def resume_interval(svc: Services) -> float:
    """How often each process runs the jobs that look for work (deliveries nobody sends,
    interpreters' changed schedules): often enough that a crashed process's deliveries go out
    soon after their lease, rarely enough to cost nothing."""
    return min(10.0, max(0.5, svc.lease.total_seconds() / 4))


async def schedule_all(application: Application) -> None:
    """Creates every job of the table the database calls for; past-due ones run at once."""
    svc: Services = application.bot_data["services"]
    job_queue = application.job_queue
    assert job_queue is not None  # the job-queue extra is a dependency
    now = svc.clock()
    jobs = table(application)
    # every job's runs read in one transaction (store/due.py)
    runs = iter(await svc.run(each_due, [job.due for job in jobs if job.due is not None], now))
    scheduled = scheduled_by_name(job_queue)  # one walk of the queue, not one per run
    for job in jobs:
        if job.due is None:
            for running in scheduled.pop(job.name, []):
                running.schedule_removal()
            interval = resume_interval(svc)
            # APScheduler's interval trigger drops a first run already past when the scheduler
            # starts (at start-up it starts after this), which left a restarted process a whole
            # interval before resuming; a date trigger runs past-due, so the first run is one.
            job_queue.run_once(job.run, 0, name=job.name)
            job_queue.run_repeating(job.run, interval, first=interval, name=job.name)
            continue
        for due in next(runs):
            seconds = (due.at - now).total_seconds()
            replace_job(job_queue, job.run_name(due), job.run, seconds, due.data, scheduled)
