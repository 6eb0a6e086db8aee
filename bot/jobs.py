"""Start-up of the timed work: the deadline, reminders and an interrupted announcement are
re-created from the database (PTB's JobQueue forgets them when the process stops)."""

from __future__ import annotations

from telegram.ext import Application

from handlers.admin_jobs import schedule_all


async def start_jobs(application: Application) -> None:
    """The post_init hook: every job due is scheduled; ones missed while down run at once."""
    await schedule_all(application)
