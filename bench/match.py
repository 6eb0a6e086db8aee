"""/match at a real fair's size: bench.load's fair (1,200 buyers, 3,000 sellers, 30,000
requests, 3 days × 14 slots), matched as the admin's /match does it, through
`store.matching_run.run_matching`: export the event, solve both modes (greedy, and optimal with
the event's time limit), check, and store the optimal schedule (or, with `--dry`, only count).

    .venv/bin/python -m bench.match [--database-url URL] [--repeat 3] [--dry]
        [--buyers B --sellers S --requests R]      # a smaller fair: a smoke run, no target
    scripts/with-postgres .venv/bin/python -m bench.match      # PostgreSQL (TEST_DATABASE_URL)

Each run prints its whole time (and this process's CPU time, which varies less with other load
on the machine) and its parts: the two solves as the store timed them, and the
rest (export, check, storing, counting). Target (issue 15): ≤ 10 s in all. A given database is
emptied first. Default: a temporary SQLite file.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from datetime import timedelta

from bench.fair import add_size_options, size_of
from bench.load import empty, populate
from store.db import make_engine, session_scope
from store.event import get_event
from store.matching_run import run_matching
from store.models import MatchMode

TARGET_SECONDS = 10.0
ADMIN_ID = 1


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.match")
    parser.add_argument("--database-url", help="default: TEST_DATABASE_URL, else temporary SQLite")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--dry", action="store_true", help="count only, store nothing")
    parser.add_argument("--seed", type=int, default=7)
    add_size_options(parser)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or os.environ.get("TEST_DATABASE_URL")
        engine = make_engine(url or f"sqlite:///{folder}/match.db")
        empty(engine)
        populate(engine, random.Random(args.seed), size_of(args))
        with session_scope(engine) as session:
            after_deadline = get_event(session).deadline + timedelta(minutes=1)
        print(f"database: {engine.dialect.name}; /match {'dry' if args.dry else 'stored'}")
        wholes = []
        for run in range(1, args.repeat + 1):
            started, cpu = time.perf_counter(), time.process_time()
            with session_scope(engine) as session:
                summary = run_matching(
                    session, after_deadline, ADMIN_ID, dry=args.dry, mode=MatchMode.optimal
                )
            whole, cpu = time.perf_counter() - started, time.process_time() - cpu
            wholes.append(whole)
            figures = summary.comparison
            solving = figures.greedy.seconds + figures.optimal.seconds
            print(
                f"run {run}: {whole:.2f} s in all (CPU {cpu:.2f} s): "
                f"greedy {figures.greedy.seconds:.2f} s, "
                f"optimal {figures.optimal.seconds:.2f} s, export, check and "
                f"{'counting' if args.dry else 'storing'} {whole - solving:.2f} s; "
                f"{summary.total:,} meetings, idle periods {figures.greedy.idle_periods:,} → "
                f"{figures.optimal.idle_periods:,}",
                flush=True,
            )
        median = statistics.median(wholes)
        verdict = "ok" if max(wholes) <= TARGET_SECONDS else "MISSED"
        print(
            f"median {median:.2f} s, worst {max(wholes):.2f} s "
            f"(target ≤ {TARGET_SECONDS:g} s): {verdict}"
        )
        engine.dispose()


if __name__ == "__main__":
    main()
