"""The engine's connections: SQLite's writers of one process take turns, PostgreSQL's idle ones
are tested before use (store/db.py)."""

import threading

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from store.db import make_engine
from store.models import UserState


@pytest.fixture
def sqlite(engine):
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite's write lock")
    return engine


def write(connection: sa.Connection, telegram_id: int) -> None:
    connection.execute(sa.insert(UserState), {"telegram_id": telegram_id, "data": "{}"})


def in_thread(action) -> tuple[threading.Event, list[Exception]]:
    done, errors = threading.Event(), []

    def run():
        try:
            action()
        except Exception as error:  # the test reads it
            errors.append(error)
        done.set()

    threading.Thread(target=run, daemon=True).start()
    return done, errors


def test_a_writer_waits_its_turn_instead_of_meeting_sqlites_busy_handler(sqlite):
    def second_writer():
        with sqlite.begin() as connection:
            # Without turns, this writer would meet SQLite's lock and fail at once.
            connection.exec_driver_sql("PRAGMA busy_timeout=0")
            write(connection, 2)

    with sqlite.begin() as first:
        write(first, 1)  # holds SQLite's write lock until the commit
        done, errors = in_thread(second_writer)
        assert not done.wait(0.2)  # it waits for the first to commit
    assert done.wait(5) and not errors, errors
    with sqlite.connect() as connection:
        assert connection.scalar(sa.select(sa.func.count()).select_from(UserState)) == 2


def test_a_failed_write_or_a_rollback_ends_the_turn(sqlite):
    with sqlite.begin() as connection:
        write(connection, 1)
    with pytest.raises(sa.exc.IntegrityError), sqlite.begin() as connection:
        write(connection, 1)
    with sqlite.connect() as connection:
        write(connection, 2)
        connection.rollback()

    def next_writer():
        with sqlite.begin() as connection:
            write(connection, 3)

    done, errors = in_thread(next_writer)
    assert done.wait(5) and not errors, errors  # not the turn's 10 s


def test_a_savepoint_as_the_first_write_is_undone_with_its_transaction(engine):
    with Session(engine) as session:
        with session.begin_nested():
            write(session.connection(), 1001)
        session.execute(sa.insert(UserState), {"telegram_id": 1002, "data": "{}"})
        session.rollback()
    with engine.connect() as connection:
        assert connection.execute(sa.select(sa.func.count()).select_from(UserState)).scalar() == 0


@pytest.fixture
def postgres_url(database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL's pooled connections")
    return database_url


def kill_pooled_connection(engine: sa.Engine, admin: sa.Engine) -> None:
    """Ends, on the server, the one connection `engine` holds in its pool."""
    with engine.connect() as connection:
        pid = connection.scalar(sa.text("SELECT pg_backend_pid()"))
    with admin.connect() as connection:
        connection.scalar(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})


def test_a_connection_that_died_while_idle_is_replaced_before_use(postgres_url, engine):
    idle = make_engine(postgres_url, idle_ping=0.0)
    try:
        kill_pooled_connection(idle, engine)
        with idle.connect() as connection:
            assert connection.scalar(sa.text("SELECT 1")) == 1
    finally:
        idle.dispose()


def test_a_connection_used_a_moment_ago_is_not_tested_again(postgres_url, engine):
    """No round trip of its own for a connection back from use a moment ago: should it have
    died meanwhile, its next use fails once, and the pool connects anew for the one after."""
    busy = make_engine(postgres_url, idle_ping=60.0)
    try:
        kill_pooled_connection(busy, engine)
        with pytest.raises(sa.exc.OperationalError), busy.connect() as connection:
            connection.scalar(sa.text("SELECT 1"))
        with busy.connect() as connection:
            assert connection.scalar(sa.text("SELECT 1")) == 1
    finally:
        busy.dispose()
