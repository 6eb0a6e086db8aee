"""The job table: every timed job as its name, when it is due and what it runs. Each feature
declares its own (`Feature.jobs`, handlers/feature.py), jobs/deadline.py the deadline's;
bot/app.py puts them in one table and jobs/schedule.py's `schedule_all` creates them from the
database at start-up and whenever the deadline moves (PTB's JobQueue forgets jobs when the
process stops)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from telegram.ext import Application, ContextTypes

from store.due import Due, DueReader

# bot_data key of the table (bot/app.py)
TABLE = "job_table"


@dataclass(frozen=True)
class TimedJob:
    name: str
    run: Callable[[ContextTypes.DEFAULT_TYPE], Awaitable[None]]
    # its runs, read from the database at `now` (store/due.py: past-due ones run at once; no
    # event, no runs); None: it runs every few seconds and looks for work itself
    due: DueReader | None = None

    def run_name(self, due: Due) -> str:
        """The name of one run: doing it again replaces the run of that name."""
        return f"{self.name}-{due.key}" if due.key else self.name


def table(application: Application) -> tuple[TimedJob, ...]:
    return application.bot_data[TABLE]
