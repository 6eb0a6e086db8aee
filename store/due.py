"""When timed jobs run (jobs/table.py `TimedJob.due`): a job that runs at set times reads its
runs from the database with a store function of a session and the time, giving one `Due` per
run. `each_due` reads every job's in one transaction, at every start and whenever the deadline
moves (jobs/schedule.py `schedule_all`): as a store call each, the eleven reads cost 10 ms of
CPU at each test bot's start (docs/benchmarks.md)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from store.errors import NoEvent


@dataclass(frozen=True)
class Due:
    """One run of a job: when, the end of its name (a slot's code, an offer's id) and what the
    run is handed as `context.job.data`."""

    at: datetime
    key: str = ""
    data: object = None


# A job's runs, read from the database at `now` (past-due ones run at once)
DueReader = Callable[[Session, datetime], Sequence[Due]]


def each_due(session: Session, readers: Sequence[DueReader], now: datetime) -> list[Sequence[Due]]:
    """Each reader's runs at `now`, in their order; without an event, none."""
    runs: list[Sequence[Due]] = []
    for read in readers:
        try:
            runs.append(read(session, now))
        except NoEvent:
            runs.append(())
    return runs
