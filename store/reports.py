"""/stats's figures: every count the organizer's numbers show, read in one transaction so
that they are one moment's figures, and the admin's look audited in that same transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, func, select

from store.audit import record
from store.event import event_if_any
from store.fairday import DayCounts, day_counts
from store.models import Event, NoticeKind, Participant
from store.notices import Tally, question_tallies
from store.outcomes import OutcomeCounts, outcome_counts
from store.refill import refill_counts
from store.stats import Stats, stats


@dataclass(frozen=True)
class Figures:
    numbers: Stats
    fair_day: DayCounts
    refills: dict[str, int]
    outcomes: OutcomeCounts
    questions: dict[NoticeKind, Tally]


def figures_now(session: Session, now: datetime, admin_id: int | None = None) -> Figures:
    """All /stats reads in one transaction: one moment's figures, recorded with them (and the
    admin's look audited)."""
    if admin_id is not None:
        record(session, admin_id, "stats")
    return Figures(
        stats(session),
        day_counts(session),
        refill_counts(session),
        outcome_counts(session, now),
        question_tallies(session),
    )


@dataclass(frozen=True)
class AdminOverview:
    """The organizer's home: the event, its participants and how many opened the bot."""

    event: Event
    participants: int
    joined: int


def admin_overview(session: Session) -> AdminOverview | None:
    """None before an event is set up."""
    event = event_if_any(session)
    if event is None:
        return None
    people = select(func.count()).select_from(Participant).where(col(Participant.active))
    total = session.exec(people).one()
    joined = session.exec(people.where(col(Participant.telegram_id).is_not(None))).one()
    return AdminOverview(event, total, joined)
