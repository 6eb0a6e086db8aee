"""Scheduling a job again replaces it: however the jobs of its name are found (the whole queue
walked, or `scheduled_by_name`'s map, as `schedule_all` does for a fair's many runs), exactly
one job of each name is left."""

from datetime import UTC, datetime

from telegram.ext import JobQueue

from jobs.sending import replace_job, scheduled_by_name


async def run(context) -> None:
    pass


def names(queue: JobQueue) -> list[str | None]:
    return sorted(job.name for job in queue.jobs())


def in_seconds(job) -> float:
    return (job.job.trigger.run_date - datetime.now(UTC)).total_seconds()


def test_a_replaced_job_leaves_no_other_of_its_name():
    queue = JobQueue()
    replace_job(queue, "deadline", run, 60)
    replace_job(queue, "deadline", run, 30)
    assert names(queue) == ["deadline"]

    scheduled = scheduled_by_name(queue)
    for when in (10, 20, 5):  # the same names again within one map
        for name in ("deadline", "reminder-1", "reminder-2"):
            replace_job(queue, name, run, when, scheduled=scheduled)
    assert names(queue) == ["deadline", "reminder-1", "reminder-2"]
    assert all(in_seconds(job) < 10 for job in queue.jobs())  # the last round's, 5 s away

    # The map's last jobs are what the queue holds: one scheduled without it replaces them too.
    replace_job(queue, "reminder-1", run, 1)
    assert names(queue) == ["deadline", "reminder-1", "reminder-2"]
    assert set(scheduled_by_name(queue)) == {"deadline", "reminder-1", "reminder-2"}
