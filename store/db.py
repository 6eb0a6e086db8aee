"""Engines, sessions and schema upgrades for SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol, TypeVar

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlmodel import Session

MIGRATIONS = Path(__file__).with_name("migrations")
T = TypeVar("T")


def normalize_url(url: str) -> str:
    """Routes plain `postgresql://` URLs to the psycopg 3 driver we ship."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets readers go on while one writer commits; busy_timeout makes writers queue.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def make_engine(url: str) -> sa.Engine:
    url = normalize_url(url)
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, connect_args={"check_same_thread": False})
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return sa.create_engine(url, pool_size=10, max_overflow=10, pool_pre_ping=True)


def alembic_config(engine: sa.Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: sa.Engine) -> None:
    """Brings the schema up to the newest migration (creating it on an empty database)."""
    command.upgrade(alembic_config(engine), "head")


@contextmanager
def session_scope(engine: sa.Engine) -> Iterator[Session]:
    """One unit of work: commits on success, rolls back on any error."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


class Run(Protocol):
    """`run(operation, *args)`: the store operation `operation(session, *args)`, in the unit of
    work `transaction` opened."""

    def __call__(self, operation: Callable[..., T], *args: Any, **kwargs: Any) -> T: ...


@contextmanager
def transaction(engine: sa.Engine) -> Iterator[Run]:
    """One unit of work for callers outside store/ (the organizer's command line, the demo):
    the store operations they `run` in it commit together when the block ends, or none of
    them when it raises (a file that could not be written leaves no audit line)."""
    with session_scope(engine) as session:

        def run(operation: Callable[..., T], *args: Any, **kwargs: Any) -> T:
            return operation(session, *args, **kwargs)

        yield run
