"""Finding companies: one page of the list with 3,000 companies in the database.

`python -m bench.search [--database-url URL] [--companies N] [--repeat N] [--plan]` fills a
database (750 buyers, 2,250 sellers, 10 requests from each buyer and 4 from each seller), then
prints the median and worst milliseconds of one page (count and rows, as `store.search.search`
runs them, each in its own session like the bot) for typical searches by a buyer and a seller,
and of the filter lists. Target: every page under 100 ms. `--plan` also prints the database's
query plan of the unfiltered page.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlmodel import col, select

from bench.fair import EVENT, fresh_database
from store.db import session_scope
from store.event import parse_config, setup_event
from store.models import MeetingRequest, Participant, Role
from store.participants import new_invite_token
from store.search import Filters, facets, search
from views.vocabulary import vocabulary

INDUSTRIES = ("cosmetics", "food", "consumer-goods", "it", "medical", "fashion", "화장품", "식품")
COUNTRIES = ("US", "JP", "VN", "DE", "FR", "AE", "TH", "MX")
PRODUCTS = ("skin care, 마스크팩", "김치, kimchi, sauces", "Sheet masks", "반도체 칩", "tumblers")
LIMIT = 8
TARGET_MS = 100.0
SENT_AT = datetime(2029, 12, 1, tzinfo=UTC)


def fill(engine: sa.Engine, companies: int, seed: int = 2023) -> None:
    generator = random.Random(seed)
    buyers = companies // 4
    with session_scope(engine) as session:
        setup_event(session, parse_config(EVENT))
        for i in range(companies):
            buyer = i < buyers
            session.add(
                Participant(
                    code=f"B{i:05}" if buyer else f"S{i:05}",
                    role=Role.buyer if buyer else Role.seller,
                    company=f"Buyer {i} Trading" if buyer else f"한빛 {i} 주식회사",
                    country=generator.choice(COUNTRIES) if buyer else "KR",
                    industry=generator.choice(INDUSTRIES),
                    products=generator.choice(PRODUCTS),
                    invite_token=new_invite_token(),
                    active=generator.random() > 0.02,
                )
            )
    with session_scope(engine) as session:
        ids = {
            role: list(session.exec(select(Participant.id).where(Participant.role == role)).all())
            for role in Role
        }
        for role, per_sender in ((Role.buyer, 10), (Role.seller, 4)):
            for sender in ids[role]:
                for rank, target in enumerate(generator.sample(ids[role.other], per_sender), 1):
                    at = SENT_AT + timedelta(minutes=generator.randrange(10_000))
                    session.add(
                        MeetingRequest(
                            from_id=sender, to_id=target, sent_at=at, updated_at=at, rank=rank
                        )
                    )


def timed(operation: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Median and worst milliseconds of `repeat` runs, after one warm-up run."""
    operation()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        operation()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), max(times)


def first_of(engine: sa.Engine, role: Role) -> int:
    with session_scope(engine) as session:
        query = select(Participant.id).where(Participant.role == role, Participant.active)
        return session.exec(query.order_by(col(Participant.id))).first()


def print_plan(engine: sa.Engine, me: int) -> None:
    """The plan of the unfiltered page's row query, as the database reports it."""
    statements: list[tuple[str, object]] = []

    def capture(_conn, _cursor, statement, parameters, _context, _many) -> None:  # type: ignore[no-untyped-def]
        statements.append((statement, parameters))

    sa.event.listen(engine, "before_cursor_execute", capture)
    with session_scope(engine) as session:
        search(session, me, Filters(), vocabulary(), 0, LIMIT)
    sa.event.remove(engine, "before_cursor_execute", capture)
    statement, parameters = statements[-1]
    explain = "EXPLAIN QUERY PLAN " if engine.dialect.name == "sqlite" else "EXPLAIN ANALYZE "
    with engine.connect() as connection:
        for row in connection.exec_driver_sql(explain + statement, parameters):
            print("  " + " | ".join(str(v) for v in row))


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.search")
    parser.add_argument("--database-url", help="default: a temporary SQLite file")
    parser.add_argument("--companies", type=int, default=3000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--plan", action="store_true", help="print the query plan too")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        engine = fresh_database(args.database_url or f"sqlite:///{folder}/bench.db")
        fill(engine, args.companies)
        if engine.dialect.name == "postgresql":
            with engine.begin() as connection:
                connection.exec_driver_sql("ANALYZE")
        buyer, seller = first_of(engine, Role.buyer), first_of(engine, Role.seller)
        cases = [
            ("buyer: first page", buyer, Filters(), 0),
            ("buyer: page 100", buyer, Filters(), 800),
            ("buyer: industry + page 10", buyer, Filters(industry="food"), 80),
            ("buyer: keyword in Korean", buyer, Filters(keyword="마스크"), 0),
            ("buyer: keyword SHEET masks", buyer, Filters(keyword="SHEET masks"), 0),
            ("buyer: keyword = industry name", buyer, Filters(keyword="화장품"), 0),
            ("buyer: keyword, no match", buyer, Filters(keyword="nothing like it"), 0),
            ("seller: first page", seller, Filters(), 0),
            ("seller: country + industry", seller, Filters(industry="it", country="JP"), 0),
            ("seller: keyword trading", seller, Filters(keyword="trading"), 40),
        ]
        print(f"database: {engine.dialect.name}, {args.companies} companies, page of {LIMIT}")
        print(f"{'search':32} {'median ms':>9} {'worst ms':>9}  target < {TARGET_MS:.0f} ms")
        for label, me, filters, offset in cases:

            def page(me: int = me, filters: Filters = filters, offset: int = offset) -> None:
                with session_scope(engine) as session:
                    search(session, me, filters, vocabulary(), offset, LIMIT)

            median, worst = timed(page, args.repeat)
            verdict = "ok" if worst < TARGET_MS else "SLOW"
            print(f"{label:32} {median:9.2f} {worst:9.2f}  {verdict}")

        def filter_lists() -> None:
            with session_scope(engine) as session:
                facets(session, buyer)

        median, worst = timed(filter_lists, args.repeat)
        print(f"{'buyer: industry/country lists':32} {median:9.2f} {worst:9.2f}")
        if args.plan:
            print("plan of the buyer's first page:")
            print_plan(engine, buyer)
        engine.dispose()


if __name__ == "__main__":
    main()
