"""Engines, sessions and schema upgrades for SQLite and PostgreSQL."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

import sqlalchemy as sa
from sqlmodel import Session

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).with_name("migrations")
T = TypeVar("T")


def normalize_url(url: str) -> str:
    """Routes plain `postgresql://` URLs to the psycopg 3 driver we ship."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url


# How long a writer waits for another: SQLite's busy timeout, and as long for this process's
# own writers to take turns (then it goes on and SQLite's busy handler decides).
BUSY_SECONDS = 10.0
# The statements before which Python's sqlite3 begins a transaction of its own (its "legacy"
# transaction control, which SQLAlchemy's pysqlite dialect uses): the first one takes
# SQLite's write lock, held until commit or rollback.
_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets readers go on while one writer commits; busy_timeout makes writers queue.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={int(BUSY_SECONDS * 1000)}")
    cursor.close()


def _taking_turns(turn: threading.Lock) -> type[sqlite3.Connection]:
    """A sqlite3 connection class whose write transactions in this process take turns on
    `turn`, one lock per engine.

    Only one connection at a time may write to an SQLite file; another one that tries meets
    SQLite's busy handler, which sleeps and tries again after 1, 2, 5, 10 ... 100 ms, however
    soon the lock is free. The bot's worker threads write at every update (the user's state
    is held and put back, bot/user_state.py), so under `python -m bench.load` their writes
    waited on each other: p50 0.07 ms, p90 11 ms, p99 137 ms per UPDATE. Waiting on a lock of
    this process instead wakes the next writer as soon as the last one committed. Reads do
    not take turns (WAL lets them go on); other processes still meet the busy handler."""

    class TakingTurns(sqlite3.Connection):
        holds = False

        def cursor(self, factory: Any = None) -> sqlite3.Cursor:
            return super().cursor(factory or TurnCursor)

        def take_turn(self, statement: str) -> None:
            if self.holds or self.in_transaction:
                return
            head = statement.lstrip()[:9].upper()
            if head.startswith((*_WRITES, "SAVEPOINT")):
                self.holds = turn.acquire(timeout=BUSY_SECONDS)
            if head.startswith("SAVEPOINT"):
                # sqlite3 begins no transaction before a SAVEPOINT, so SQLite would begin one of
                # the savepoint's own, which its RELEASE commits: a `begin_nested()` as the first
                # write would outlive a rollback of the rest (SQLAlchemy's pysqlite notes).
                self.execute("BEGIN")

        def end_turn(self) -> None:
            if self.holds and not self.in_transaction:
                self.holds = False
                turn.release()

        def commit(self) -> None:
            try:
                super().commit()
            finally:
                self.end_turn()

        def rollback(self) -> None:
            try:
                super().rollback()
            finally:
                self.end_turn()

        def close(self) -> None:
            try:
                super().close()
            finally:
                if self.holds:
                    self.holds = False
                    turn.release()

    class TurnCursor(sqlite3.Cursor):
        connection: TakingTurns

        def execute(self, sql: str, parameters: Any = (), /) -> sqlite3.Cursor:
            self.connection.take_turn(sql)
            try:
                return super().execute(sql, parameters)
            finally:
                self.connection.end_turn()  # unless a transaction began (or still runs)

        def executemany(self, sql: str, parameters: Any, /) -> sqlite3.Cursor:
            self.connection.take_turn(sql)
            try:
                return super().executemany(sql, parameters)
            finally:
                self.connection.end_turn()

        def executescript(self, script: str, /) -> sqlite3.Cursor:
            try:
                return super().executescript(script)  # commits first, not through commit()
            finally:
                self.connection.end_turn()

    return TakingTurns


def make_engine(url: str) -> sa.Engine:
    url = normalize_url(url)
    if url.startswith("sqlite"):
        connect_args = {"check_same_thread": False, "factory": _taking_turns(threading.Lock())}
        engine = sa.create_engine(url, connect_args=connect_args)
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return sa.create_engine(url, pool_size=10, max_overflow=10, pool_pre_ping=True)


def alembic_config(engine: sa.Engine) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def head_revision() -> str:
    """The newest migration's revision id, which starts its file's name (`0027_....py`;
    tests/store/test_migrations.py checks it is alembic's head)."""
    return max(path.name.split("_", 1)[0] for path in (MIGRATIONS / "versions").glob("*_*.py"))


def at_head(engine: sa.Engine) -> bool:
    """Whether the schema is already the newest migration's. Connecting fails as it would in
    alembic; only a missing version table (an empty database) means "not yet"."""
    with engine.connect() as connection:
        try:
            found = connection.execute(sa.text("SELECT version_num FROM alembic_version"))
        except sa.exc.DBAPIError:
            return False
        return found.scalars().all() == [head_revision()]


def upgrade(engine: sa.Engine) -> None:
    """Brings the schema up to the newest migration (creating it on an empty database).
    Alembic, its migration scripts and its environment are a tenth of the CPU that a start of
    `python -m bot` takes: they are loaded only when there is something to upgrade."""
    if at_head(engine):
        return
    from alembic import command

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
