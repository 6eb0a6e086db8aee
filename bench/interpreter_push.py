"""The interpreters' push job at size M: what one interval reads.

`python -m bench.interpreter_push [--database-url URL] [--repeat N] [--interpreters N]
[--buyers B --sellers S --requests R]` stores the refill benchmark's event M (or the size
given) with its greedy schedule (bench/refill.py), gives buyers an interpreter language until
about 7,500 meetings need one (a fifth of those buyers online), imports 250 (or N)
joined interpreters speaking one or two of the 8 languages and assigns them (`reassign`,
timed). Then it times one interval of the push job's store work, each call in its own
session as the bot runs it:

- before (every interpreter's schedule read each interval, as the job did): `schedule` and
  `digest` for each joined interpreter;
- now, nothing changed: `changed_interpreters`, the one query of an interval with no change;
- now, after an organizer removes one interpreted meeting (`unassign`, which re-assigns):
  `changed_interpreters` and the schedules of those it names.

Prints the median and worst milliseconds of each (wall clock and CPU), and the load average.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from collections import Counter
from collections.abc import Callable

import sqlalchemy as sa
from sqlmodel import col, select

from bench.fair import add_size_options, fresh_database, size_of
from bench.interpreters import LANGUAGES, WEIGHTS
from bench.refill import fill
from store.db import session_scope
from store.interpreters import changed_interpreters, claim_change, digest, reassign, schedule
from store.manual_matching import unassign
from store.models import Attendance, Event, Interpreter, Meeting, Participant, Role
from store.participants import new_invite_token

INTERPRETED = 7_500
INTERPRETERS = 250


def hybrid(engine: sa.Engine, interpreters: int, seed: int = 1) -> int:
    """Interpreter languages and interpreters on top of the stored fair; the meetings that
    need one."""
    rng = random.Random(seed)
    with session_scope(engine) as session:
        session.exec(select(Event)).one().video_link = "https://meet.jit.si/Bench-{room}"
        per_buyer = Counter(m.buyer_id for m in session.exec(select(Meeting)).all())
        buyers = session.exec(
            select(Participant).where(Participant.role == Role.buyer).order_by(col(Participant.id))
        ).all()
        needed = 0
        for buyer in buyers:
            if needed >= INTERPRETED:
                break
            buyer.interpreter_language = rng.choices(LANGUAGES, WEIGHTS)[0]
            if rng.random() < 0.2:
                buyer.attendance = Attendance.online
            needed += per_buyer[buyer.id]
        for n in range(interpreters):
            speaks = set(rng.choices(LANGUAGES, WEIGHTS, k=rng.choice((1, 1, 2))))
            session.add(
                Interpreter(
                    code=f"I{n:03}",
                    name=f"Interpreter {n}",
                    languages=",".join(sorted(speaks)),
                    attendance=Attendance.online if rng.random() < 0.15 else Attendance.onsite,
                    invite_token=new_invite_token(),
                    telegram_id=20_000_000 + n,
                )
            )
    return needed


def timed(work: Callable[[], object], repeat: int) -> tuple[list[float], list[float], object]:
    walls, cpus, result = [], [], None
    for _ in range(repeat):
        began, began_cpu = time.perf_counter(), time.process_time()
        result = work()
        walls.append((time.perf_counter() - began) * 1000)
        cpus.append((time.process_time() - began_cpu) * 1000)
    return walls, cpus, result


def every_schedule(engine: sa.Engine) -> list[tuple[int, str]]:
    """The job's interval as it was: each joined interpreter's schedule, read and digested."""
    with session_scope(engine) as session:
        ids = session.exec(
            select(Interpreter.id).where(col(Interpreter.telegram_id).is_not(None))
        ).all()
    found = []
    for interpreter_id in ids:
        with session_scope(engine) as session:
            found.append((interpreter_id, digest(schedule(session, interpreter_id))))
    return found


def changed_schedules(engine: sa.Engine) -> list[tuple[int, str]]:
    """The job's interval now: the marked interpreters, and only their schedules."""
    with session_scope(engine) as session:
        ids = changed_interpreters(session)
    found = []
    for interpreter_id in ids:
        with session_scope(engine) as session:
            found.append((interpreter_id, digest(schedule(session, interpreter_id))))
    return found


def line(name: str, walls: list[float], cpus: list[float], read: int) -> str:
    return (
        f"{name:<44} {statistics.median(walls):>9.1f} {max(walls):>9.1f}"
        f" {statistics.median(cpus):>9.1f} {read:>10}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.interpreter_push")
    parser.add_argument("--database-url", help="default: a temporary SQLite file")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--interpreters", type=int, default=INTERPRETERS)
    add_size_options(parser)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        engine = fresh_database(args.database_url or f"sqlite:///{folder}/bench.db")
        fill(engine, size_of(args))
        needed = hybrid(engine, args.interpreters)
        with session_scope(engine) as session:
            began = time.perf_counter()
            covered = reassign(session).covered
            assigning = time.perf_counter() - began
        # Re-assigning with nothing changed still moves some meetings once (the engine keeps
        # the previous assignment only from the second run on): the fair after its first
        # change, from which the job's intervals are timed.
        with session_scope(engine) as session:
            again = reassign(session)
        # The first interval after the announcement sends everyone theirs: from then on the
        # last sent is each one's schedule.
        for interpreter_id, current in every_schedule(engine):
            with session_scope(engine) as session:
                person = session.get(Interpreter, interpreter_id)
                seen, known = person.schedule_digest, person.schedule_fingerprint
                claim_change(session, interpreter_id, seen, current, known)
        print(
            f"{needed} meetings need an interpreter, {covered} covered by {args.interpreters}"
            f" interpreters; reassign (with the fingerprints) {assigning:.2f} s; once more"
            f" with nothing changed, {len(again.gained)} meetings changed interpreter"
        )
        heading = ("one interval", "median ms", "worst ms", "cpu ms", "schedules")
        print("{:<44} {:>9} {:>9} {:>9} {:>10}".format(*heading))
        walls, cpus, read = timed(lambda: every_schedule(engine), args.repeat)
        print(line("before: every interpreter's schedule", walls, cpus, len(read)))
        walls, cpus, read = timed(lambda: changed_schedules(engine), args.repeat)
        print(line("now, nothing changed", walls, cpus, len(read)))
        with session_scope(engine) as session:
            interpreted = session.exec(
                select(Meeting)
                .join(Participant, col(Participant.id) == col(Meeting.buyer_id))
                .where(col(Participant.interpreter_language).is_not(None))
                .order_by(col(Meeting.id))
            ).first()
            began = time.perf_counter()
            unassign(session, 0, interpreted.id)
            removing = time.perf_counter() - began
        walls, cpus, read = timed(lambda: changed_schedules(engine), 1)
        print(line("now, after one meeting removed", walls, cpus, len(read)))
        print(
            f"removing the meeting (unassign, with reassign) took {removing:.2f} s;"
            f" load average {os.getloadavg()[0]:.1f}"
        )


if __name__ == "__main__":
    main()
