"""What the senders' look every few seconds finds to do (jobs/schedule.py `resume_job`), read
in one transaction: every process asks this every few seconds, and every start at once. Asked
as six store calls, each its own thread hand-off and transaction, it cost 8.8 ms of CPU at
each test bot's start; this costs 3.7 (docs/benchmarks.md). The claims stay the callers':
each decides again in its own transaction, so what this read says may be out of date then."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session

from store import announce, broadcast, notices


@dataclass(frozen=True)
class Unsent:
    round: int | None  # the announcement round whose deliveries wait for a sender
    round_report: int | None  # the round all sent whose final count has not gone out
    broadcasts: list[int]  # broadcasts with recipients nobody sends to
    unreported: list[int]  # broadcasts whose final count has not gone out
    notices: bool  # some notice waits for a sender
    survey_report: bool  # the survey's final count may be due


def unsent(session: Session, now: datetime, lease: timedelta) -> Unsent:
    return Unsent(
        round=announce.claimable_round(session, now, lease),
        round_report=announce.report_due(session),
        broadcasts=broadcast.waiting(session, now, lease),
        unreported=broadcast.unreported(session),
        notices=notices.claimable(session, now, lease),
        survey_report=notices.survey_report_may_be_due(session),
    )
