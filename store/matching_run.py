"""Running the matching engine on the event: export -> solve -> store, and the deadline.

Both entry points start with a conditional UPDATE of the event row. That statement takes the
row's write lock (PostgreSQL) or the database's write lock (SQLite) before anything is read,
so two bot processes never run a matching at the same time, and the deadline transition
(`WHERE phase = 'open'`) happens in exactly one of them: the other finds nothing to update.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select, update

from matching import check, parse_instance, schedule_to_dict, solve
from store.audit import record
from store.errors import StoreError
from store.event import get_event, slots
from store.exchange import export_instance, store_schedule
from store.models import Event, Meeting, Participant, Phase, Tier

MODE = "greedy"


class ApplicationsOpen(StoreError):
    """A stored matching would race the participants still changing their requests."""

    key = "applications_open"


class ScheduleInvalid(StoreError):
    """The engine produced a schedule that breaks a rule: never stored."""

    key = "schedule_invalid"


@dataclass(frozen=True)
class Summary:
    """What a matching run produced, for the admins."""

    meetings: dict[str, int]  # per tier
    unscheduled: dict[str, int]  # per reason
    # industry -> [participants with 0, 1, 2 meetings]
    low: dict[str, list[int]] = field(default_factory=dict)
    added: int = 0  # automatic meetings not in the stored schedule before
    removed: int = 0  # stored automatic meetings the run drops
    stored: bool = False

    @property
    def total(self) -> int:
        return sum(self.meetings.values())


def _current_automatic(session: Session) -> set[tuple[int, int, int]]:
    rows = session.exec(select(Meeting).where(col(Meeting.tier) != Tier.fixed)).all()
    return {(m.buyer_id, m.seller_id, m.slot_id) for m in rows}


def _solve(session: Session) -> dict[str, Any]:
    instance = parse_instance(export_instance(session))
    schedule = solve(instance, mode=MODE)
    problems = check(instance, schedule)
    if problems:
        raise ScheduleInvalid(count=len(problems), first=str(problems[0]))
    return schedule_to_dict(schedule)


def summarize(session: Session, schedule: dict[str, Any], stored: bool) -> Summary:
    """Counts a schedule; `added`/`removed` compare it with the meetings stored right now."""
    people = session.exec(select(Participant).where(Participant.active == True)).all()  # noqa: E712
    per_person: Counter[str] = Counter()
    for m in schedule["meetings"]:
        per_person[m["buyer"]] += 1
        per_person[m["seller"]] += 1
    low: dict[str, list[int]] = {}
    for p in sorted(people, key=lambda p: p.industry):
        count = per_person[p.code]
        if count <= 2:
            low.setdefault(p.industry, [0, 0, 0])[count] += 1
    ids = {p.code: p.id for p in people}
    slot_id = {s.code: s.id for s in slots(session)}
    new = {
        (ids[m["buyer"]], ids[m["seller"]], slot_id[m["slot"]])
        for m in schedule["meetings"]
        if m["tier"] != Tier.fixed
    }
    current = _current_automatic(session)
    tiers = Counter(m["tier"] for m in schedule["meetings"])
    return Summary(
        meetings={tier.value: tiers.get(tier.value, 0) for tier in Tier},
        unscheduled=dict(sorted(Counter(u["reason"] for u in schedule["unscheduled"]).items())),
        low=low,
        added=len(new - current),
        removed=len(current - new),
        stored=stored,
    )


def _lock_event(session: Session) -> None:
    """Takes the write lock first thing in the transaction (see the module's docstring)."""
    session.execute(update(Event).values(matching_runs=col(Event.matching_runs) + 1))


def run_matching(session: Session, now: datetime, admin_id: int, *, dry: bool = False) -> Summary:
    """The admin's /match: replaces the automatic meetings (fixed ones stay) with a fresh
    greedy run. `dry` computes and counts without storing anything. Refused while
    applications are still open: move the deadline first."""
    if dry:
        return summarize(session, _solve(session), stored=False)
    _lock_event(session)
    event = get_event(session)
    if event.phase == Phase.open and now < event.deadline:
        raise ApplicationsOpen(deadline=event.deadline)
    summary = _store(session, event)
    record(
        session,
        admin_id,
        "match",
        meetings=summary.total,
        added=summary.added,
        removed=summary.removed,
    )
    return summary


def _store(session: Session, event: Event) -> Summary:
    schedule = _solve(session)
    summary = summarize(session, schedule, stored=True)
    store_schedule(session, schedule)
    if event.phase in (Phase.open, Phase.closed):
        event.phase = Phase.matched
        session.add(event)
    session.flush()
    return summary


def close_at_deadline(session: Session, now: datetime) -> Summary | None:
    """The deadline: closes applications and runs the matching, once. Returns None when the
    deadline has not come yet, or when another process (or an earlier run) already did it."""
    closed = session.execute(
        update(Event)
        .where(col(Event.phase) == Phase.open, col(Event.deadline) <= now)
        .values(phase=Phase.closed, matching_runs=col(Event.matching_runs) + 1)
    )
    if closed.rowcount != 1:
        return None
    return _store(session, get_event(session))
