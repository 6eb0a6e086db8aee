"""What the benchmarks share: a two-day fair, a generated fair's size and a database to fill
from scratch."""

from __future__ import annotations

import argparse
from dataclasses import dataclass

import sqlalchemy as sa

from store.db import make_engine, upgrade

# Two days, 09:00-17:00 in 30-minute slots with lunch: 14 slots a day, as at Boom Up Korea.
EVENT = {
    "name": "Bench fair",
    "deadline": "2030-01-01 18:00",
    "days": ["2030-01-10", "2030-01-11"],
    "start": "09:00",
    "end": "17:00",
    "slot_minutes": 30,
    "breaks": [["12:00", "13:00"]],
}


def fresh_database(url: str) -> sa.Engine:
    """An empty, migrated database; a server database given by URL is wiped first, with
    what the migrations made beside the tables (the event version's trigger functions: a
    second bench on the same database could not migrate it again)."""
    engine = make_engine(url)
    if not url.startswith("sqlite"):
        with engine.begin() as connection:
            connection.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    upgrade(engine)
    return engine


@dataclass(frozen=True)
class Size:
    """A generated fair's size. The targets are for the default, the size M of a real fair;
    a few participants are for a smoke run (CI: scripts/bench-smoke), whose figures say nothing."""

    buyers: int = 1_200
    sellers: int = 3_000
    requests: int = 30_000

    def __str__(self) -> str:
        return f"{self.buyers:,} buyers, {self.sellers:,} sellers, {self.requests:,} requests"


def add_size_options(parser: argparse.ArgumentParser) -> None:
    """--buyers, --sellers and --requests, read back with `size_of`."""
    default = Size()
    parser.add_argument("--buyers", type=int, default=default.buyers)
    parser.add_argument("--sellers", type=int, default=default.sellers)
    parser.add_argument("--requests", type=int, default=default.requests)


def size_of(args: argparse.Namespace) -> Size:
    return Size(args.buyers, args.sellers, args.requests)
