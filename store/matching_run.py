"""Running the matching engine on the event: export -> solve -> store, and the deadline.

Every run solves both modes, so the admins see greedy and optimal side by side: the mode asked
for (by default the event's `match_mode`) gives the schedule, the other only its figures.

No solve ever runs under a lock: the optimal mode may think for up to the event's
`match_time_limit`, and on SQLite a held write lock would stall every other writer (on
PostgreSQL, everyone touching the event row). So a run solves first, with plain reads only,
then takes the lock with a conditional UPDATE of the event row: the row's write lock
(PostgreSQL) or the database's write lock (SQLite), so two bot processes never store a
matching at the same time, and the deadline transition (`WHERE phase = 'open'`) happens in
exactly one of them. Under the lock the event is exported again and compared with what was
solved (the export is the fingerprint: every input of the engine); if it changed meanwhile (an
admin's /assign), the transaction is rolled back, releasing the lock, and the run solves again
outside it, at most `ATTEMPTS` times; then it gives up with `EventKeptChanging`, nothing stored.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select, update

from matching import Instance, Schedule, check, parse_instance, schedule_to_dict, solve
from store.audit import record
from store.errors import StoreError
from store.event import get_event, slots
from store.exchange import export_instance, store_schedule
from store.models import Event, MatchMode, Meeting, Participant, Phase, Tier


class ApplicationsOpen(StoreError):
    """A stored matching would race the participants still changing their requests."""

    key = "applications_open"


class EventKeptChanging(StoreError):
    """The event changed during every solve of a run: nothing was stored."""

    key = "event_kept_changing"


# Solves per run before giving up: each one long enough for an admin's /assign to land.
ATTEMPTS = 3


class ScheduleInvalid(StoreError):
    """The engine produced a schedule that breaks a rule: never stored."""

    key = "schedule_invalid"


@dataclass(frozen=True)
class ModeFigures:
    """One mode's result on the event."""

    meetings: dict[str, int]  # per tier, fixed included
    idle_periods: int  # runs of free slots between two meetings of one participant on one day
    seconds: float

    @property
    def total(self) -> int:
        return sum(self.meetings.values())


@dataclass(frozen=True)
class Comparison:
    """Greedy and optimal on the same event, with the optimal mode's upper bound per tier."""

    greedy: ModeFigures
    optimal: ModeFigures
    bound: dict[str, int]  # per requested tier (mutual, buyer, seller): no schedule does better
    ratio: dict[str, float]  # optimal / bound, per requested tier
    time_limit: int  # the optimal mode's, in seconds

    def of(self, mode: str) -> ModeFigures:
        return self.optimal if mode == MatchMode.optimal else self.greedy


@dataclass(frozen=True)
class Summary:
    """What a matching run produced, for the admins."""

    mode: MatchMode  # the mode of the schedule counted here
    meetings: dict[str, int]  # per tier
    unscheduled: dict[str, int]  # per reason
    comparison: Comparison
    # industry -> [participants with 0, 1, 2 meetings]
    low: dict[str, list[int]] = field(default_factory=dict)
    added: int = 0  # automatic meetings not in the stored schedule before
    removed: int = 0  # stored automatic meetings the run drops
    before: int = 0  # automatic meetings stored before the run (0: the first matching)
    stored: bool = False
    event_mode: MatchMode = MatchMode.greedy  # what the deadline and a plain /match run

    @property
    def total(self) -> int:
        return sum(self.meetings.values())


@dataclass(frozen=True)
class Solved:
    instance: dict[str, Any]  # the event as the engine saw it
    schedule: dict[str, Any]  # the chosen mode's schedule file
    comparison: Comparison


def _current_automatic(session: Session) -> set[tuple[int, int, int]]:
    # plain rows: 25,000 ORM objects took a second and a half of a stored /match
    rows = session.execute(
        select(Meeting.buyer_id, Meeting.seller_id, Meeting.slot_id).where(
            col(Meeting.tier) != Tier.fixed
        )
    ).all()
    return {(buyer, seller, slot) for buyer, seller, slot in rows}


def _timed(instance: Instance, mode: MatchMode, time_limit: int | None) -> tuple[Schedule, float]:
    started = time.perf_counter()
    schedule = solve(instance, mode=mode, time_limit=time_limit)
    return schedule, round(time.perf_counter() - started, 3)


def _solve(session: Session, mode: MatchMode, time_limit: int) -> Solved:
    document = export_instance(session)
    instance = parse_instance(document)
    greedy, greedy_seconds = _timed(instance, MatchMode.greedy, None)
    optimal, optimal_seconds = _timed(instance, MatchMode.optimal, time_limit)
    chosen = optimal if mode == MatchMode.optimal else greedy
    problems = check(instance, chosen)
    if problems:
        raise ScheduleInvalid(count=len(problems), first=str(problems[0]))
    details = optimal.details
    comparison = Comparison(
        greedy=ModeFigures(
            greedy.stats()["scheduled"], details["idle_periods"]["greedy"], greedy_seconds
        ),
        optimal=ModeFigures(
            optimal.stats()["scheduled"], details["idle_periods"]["polished"], optimal_seconds
        ),
        bound=details["bound"],
        ratio=details["ratio"],
        time_limit=time_limit,
    )
    return Solved(document, schedule_to_dict(chosen), comparison)


def _canonical(document: dict[str, Any]) -> dict[str, Any]:
    """The instance with its lists in a fixed order: rows may come back in any order."""
    return {
        key: sorted(json.dumps(item, sort_keys=True) for item in value)
        if isinstance(value, list)
        else value
        for key, value in document.items()
    }


def _unchanged(session: Session, solved: Solved) -> bool:
    """Under the lock: the event is still what was solved."""
    return _canonical(export_instance(session)) == _canonical(solved.instance)


def summarize(session: Session, solved: Solved, mode: MatchMode, stored: bool) -> Summary:
    """Counts a schedule; `added`/`removed` compare it with the meetings stored right now."""
    schedule = solved.schedule
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
        mode=mode,
        meetings={tier.value: tiers.get(tier.value, 0) for tier in Tier},
        unscheduled=dict(sorted(Counter(u["reason"] for u in schedule["unscheduled"]).items())),
        comparison=solved.comparison,
        low=low,
        added=len(new - current),
        removed=len(current - new),
        before=len(current),
        stored=stored,
        event_mode=get_event(session).match_mode,
    )


def _lock_event(session: Session) -> Event:
    """Takes the write lock (see the module's docstring) and reads the event under it."""
    session.execute(update(Event).values(matching_runs=col(Event.matching_runs) + 1))
    event = get_event(session)
    session.refresh(event)
    return event


def _refuse_while_open(event: Event, now: datetime) -> None:
    if event.phase == Phase.open and now < event.deadline:
        raise ApplicationsOpen(deadline=event.deadline)


def run_matching(
    session: Session,
    now: datetime,
    admin_id: int,
    *,
    dry: bool = False,
    mode: MatchMode | None = None,
    attempts: int = ATTEMPTS,
) -> Summary:
    """The admin's /match: replaces the automatic meetings (fixed ones stay) with a fresh run
    in `mode` (by default the event's). `dry` computes and counts without storing anything.
    Refused while applications are still open: move the deadline first."""
    for _ in range(attempts):
        event = get_event(session)
        mode = mode or event.match_mode
        if not dry:
            _refuse_while_open(event, now)
        solved = _solve(session, mode, event.match_time_limit)  # no lock held
        if dry:
            return summarize(session, solved, mode, stored=False)
        event = _lock_event(session)
        _refuse_while_open(event, now)
        if _unchanged(session, solved):
            summary = _store(session, event, solved, mode)
            record(
                session,
                admin_id,
                "match",
                mode=mode.value,
                meetings=summary.total,
                added=summary.added,
                removed=summary.removed,
            )
            return summary
        session.rollback()  # releases the lock before solving again
    raise EventKeptChanging(attempts=attempts)


def _store(session: Session, event: Event, solved: Solved, mode: MatchMode) -> Summary:
    summary = summarize(session, solved, mode, stored=True)
    store_schedule(session, solved.schedule)
    if event.phase in (Phase.open, Phase.closed):
        event.phase = Phase.matched
        session.add(event)
    session.flush()
    return summary


def close_at_deadline(session: Session, now: datetime, attempts: int = ATTEMPTS) -> Summary | None:
    """The deadline: closes applications and runs the matching in the event's mode, once.
    Returns None when the deadline has not come yet, or when another process (or an earlier
    run) already did it."""
    for _ in range(attempts):
        event = get_event(session)
        if event.phase != Phase.open or now < event.deadline:
            return None
        mode = event.match_mode
        solved = _solve(session, mode, event.match_time_limit)  # no lock held
        closed = session.execute(
            update(Event)
            .where(col(Event.phase) == Phase.open, col(Event.deadline) <= now)
            .values(phase=Phase.closed, matching_runs=col(Event.matching_runs) + 1)
        )
        if closed.rowcount != 1:
            return None
        session.refresh(event)
        if _unchanged(session, solved):
            return _store(session, event, solved, mode)
        # Past the deadline participants are refused by time, whatever the phase says.
        session.rollback()
    raise EventKeptChanging(attempts=attempts)


def set_match_mode(
    session: Session, admin_id: int, mode: MatchMode, time_limit: int | None = None
) -> Event:
    """The admin's /matchmode: the mode of the deadline's matching and of a plain /match."""
    event = get_event(session)
    event.match_mode = mode
    if time_limit is not None:
        event.match_time_limit = time_limit
    session.add(event)
    record(session, admin_id, "match_mode", mode=mode.value, time_limit=event.match_time_limit)
    session.flush()
    return event
