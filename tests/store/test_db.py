"""The engine's SQLite connections: the writers of one process take turns (store/db.py)."""

import threading

import pytest
import sqlalchemy as sa
from sqlmodel import Session

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
