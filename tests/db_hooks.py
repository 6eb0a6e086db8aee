"""Instrumenting the test database: something happening at a precise moment of a store
operation, without touching the operation's code."""

import time
from contextlib import contextmanager

import sqlalchemy as sa
from sqlmodel import select

from builders import ADMIN
from store.db import session_scope
from store.manual_matching import assign
from store.models import Participant, UnscheduledPair


@contextmanager
def before_each_lock(engine, action, times: int):
    """Runs `action` (its own session) when a matching run is about to take the event's write
    lock, i.e. after its solve: as if an admin's change landed while the engine was thinking.
    If the run held a write lock at that point, the action could not commit (SQLite would
    report the database locked, PostgreSQL would wait for ever on the same thread)."""
    landed = []

    def before(connection, cursor, statement, parameters, context, executemany):
        locking = statement.lstrip().upper().startswith("UPDATE") and "matching_runs" in statement
        if locking and len(landed) < times:
            landed.append(statement)
            action()

    sa.event.listen(engine, "before_cursor_execute", before)
    try:
        yield landed
    finally:
        sa.event.remove(engine, "before_cursor_execute", before)


def book_left_out_pair(engine: sa.Engine) -> None:
    """An admin's /assign of a pair the last matching left out."""
    with session_scope(engine) as session:
        pair = session.exec(select(UnscheduledPair)).first()
        codes = [session.get(Participant, i).code for i in (pair.buyer_id, pair.seller_id)]
        assign(session, ADMIN, *codes, over_cap=True)


@contextmanager
def locked_once(engine: sa.Engine, table: str, setting: str):
    """The first UPDATE of `table` that sets `setting` finds the table write-locked by another
    connection for longer than it waits: a real SQLite "database is locked" (its wait cut from
    the busy timeout's 10 s to 0.2 s for that statement) or PostgreSQL lock timeout. The lock
    is let go as the error comes back, so trying again succeeds. Yields the statements that
    failed so (none if the lock was let go before that UPDATE met it)."""
    tried: list[str] = []
    failed: list[str] = []
    postgres = engine.dialect.name == "postgresql"
    held: dict[str, object] = {}

    def before(connection, cursor, statement, parameters, context, executemany):
        head = statement.split(" WHERE ")[0]
        if tried or not head.startswith(f"UPDATE {table} SET") or setting not in head:
            return
        tried.append(statement)
        if postgres:
            held["blocker"] = blocker = engine.raw_connection()
            blocker.cursor().execute(f"LOCK TABLE {table} IN EXCLUSIVE MODE")
            cursor.execute("SET LOCAL lock_timeout = '200ms'")
        else:
            # Its own statement first: a statement outside a transaction ends the turn it took.
            cursor.execute("PRAGMA busy_timeout=200")
            held["waiting"] = cursor.connection
            # This connection takes its turn among the process's writers (store/db.py) before
            # the lock is taken and keeps it until this UPDATE: a writer that took the turn
            # meanwhile would wait on the lock for the whole busy timeout, and this UPDATE,
            # whose error lets the lock go, behind it; that writer's error then let the lock
            # go, and no reminder's record met it (a clean-clone CI run, with the PRAGMA after
            # the turn was taken).
            cursor.connection.take_turn(statement)
            held["blocker"] = blocker = engine.raw_connection()
            blocker.cursor().execute("BEGIN IMMEDIATE")

    def let_go(context):
        blocker = held.pop("blocker", None)
        if blocker is None:
            return
        if context is not None and context.statement in tried:
            failed.append(context.statement)
        blocker.rollback()
        blocker.close()
        waiting = held.pop("waiting", None)
        if waiting is not None:
            waiting.execute("PRAGMA busy_timeout=10000")

    sa.event.listen(engine, "before_cursor_execute", before)
    sa.event.listen(engine, "handle_error", let_go)
    try:
        yield failed
    finally:
        sa.event.remove(engine, "before_cursor_execute", before)
        sa.event.remove(engine, "handle_error", let_go)
        let_go(None)


@contextmanager
def dies_after(engine: sa.Engine, write: str):
    """As if the process using `engine` were killed (`kill -9`) right after it committed the
    transaction that ran a statement starting with `write` (say "INSERT INTO
    meetingcancellation"): every later statement and commit of the engine fails, so nothing
    the process would have done after that commit reaches the database. Yields a list that
    holds the statement once that commit happened."""
    died: list[str] = []

    def before(connection, cursor, statement, parameters, context, executemany):
        if died:
            raise RuntimeError("the process was killed")
        if statement.lstrip().startswith(write):
            connection.info["dies_after"] = statement

    def commit(connection):
        # A transaction of another thread whose statement began before the death (on SQLite it
        # then waited for the process's write turn, store/db.py) would otherwise commit after
        # it: say a sender's claim of a notice the dying commit queued, held for ever by a
        # process that no longer sends it, under a clock that stands still.
        if died:
            raise RuntimeError("the process was killed")
        if "dies_after" in connection.info:
            died.append(connection.info.pop("dies_after"))

    def rollback(connection):
        connection.info.pop("dies_after", None)

    with listening(engine, before_cursor_execute=before, commit=commit, rollback=rollback):
        yield died


@contextmanager
def refused(engine: sa.Engine, fragment: str):
    """The statements with `fragment` in them that failed on `engine` (say, refused by
    `dies_after`): a test waits for one to know that the dead process got that far."""
    failed: list[str] = []

    def note(context) -> None:
        if context.statement and fragment in context.statement:
            failed.append(context.statement)

    sa.event.listen(engine, "handle_error", note)
    try:
        yield failed
    finally:
        sa.event.remove(engine, "handle_error", note)


@contextmanager
def slowed(engine: sa.Engine, write: str, seconds: float):
    """Each statement of `engine` starting with `write` runs `seconds` late: the moment
    before it stretched out. Yields a list that holds each such statement once it ran."""
    ran: list[str] = []

    def before(connection, cursor, statement, parameters, context, executemany):
        if statement.lstrip().startswith(write):
            time.sleep(seconds)  # a store thread's, not the event loop's

    def after(connection, cursor, statement, parameters, context, executemany):
        if statement.lstrip().startswith(write):
            ran.append(statement)

    with listening(engine, before_cursor_execute=before, after_cursor_execute=after):
        yield ran


@contextmanager
def listening(engine: sa.Engine, **listeners):
    """`engine`'s events (by name) go to `listeners` while inside."""
    for name, listener in listeners.items():
        sa.event.listen(engine, name, listener)
    try:
        yield
    finally:
        for name, listener in listeners.items():
            sa.event.remove(engine, name, listener)
