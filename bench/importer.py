"""Importing the organizer's workbook: 4,000 participants (1,000 buyers, 3,000 sellers).

`python -m bench.importer [--database-url URL] [--rows N]` prints the time to read, check and
store the workbook, the first time (all new) and again (all updates), and this process's CPU time
(which other work on a shared machine inflates less). Target: under 10 s.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from openpyxl import Workbook

from bench.fair import EVENT, fresh_database
from store.db import session_scope
from store.event import parse_config, setup_event
from store.importer import import_participants
from views.vocabulary import vocabulary

INDUSTRIES = ("cosmetics", "food", "consumer-goods", "it", "medical", "fashion")


def workbook(path: Path, rows: int) -> None:
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(["id", "role", "company", "country", "industry", "products", "email", "booth"])
    buyers = rows // 4
    for i in range(rows):
        buyer = i < buyers
        sheet.append(
            [
                f"B{i:05}" if buyer else f"S{i:05}",
                "buyer" if buyer else "국내기업",
                f"Buyer {i} Trading" if buyer else f"한빛 {i} 주식회사",
                "US" if buyer else "KR",
                INDUSTRIES[i % len(INDUSTRIES)],
                "skin care, 마스크팩",
                f"contact{i}@example.com",
                f"T-{i:04}" if buyer else None,
            ]
        )
    book.save(path)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.importer")
    parser.add_argument("--database-url", help="default: a temporary SQLite file")
    parser.add_argument("--rows", type=int, default=4000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        engine = fresh_database(args.database_url or f"sqlite:///{folder}/bench.db")
        with session_scope(engine) as session:
            setup_event(session, parse_config(EVENT))
        path = Path(folder) / "participants.xlsx"
        workbook(path, args.rows)
        print(f"database: {engine.dialect.name}, {args.rows} rows")
        for label in ("first import (all new)", "second import (all updates)"):
            started, cpu = time.perf_counter(), time.process_time()
            with session_scope(engine) as session:
                result = import_participants(session, path, vocabulary())
            elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
            print(
                f"{label:30} {elapsed:6.2f} s, {cpu:5.2f} s CPU"
                f"  ({result.created} new, {result.updated} updated)"
            )
        engine.dispose()


if __name__ == "__main__":
    main()
