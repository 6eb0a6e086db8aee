"""What the benchmarks share: a two-day fair and a database to fill from scratch."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import SQLModel

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
    """An empty, migrated database; a server database given by URL is wiped first."""
    engine = make_engine(url)
    if not url.startswith("sqlite"):
        SQLModel.metadata.drop_all(engine)
        with engine.begin() as connection:
            connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
    upgrade(engine)
    return engine
