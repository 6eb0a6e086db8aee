"""`Services.run_core`: the core operations asked at the same time run together, in one
transaction (the users' takes in one statement, their put-backs in another), each caller
getting its own result or its own error."""

import asyncio
import threading
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from handlers.services import Services
from store.db import session_scope, upgrade
from store.models import UserState
from store.user_state import put_back, take_with_participant
from tests import builders

NOW = datetime(2026, 6, 1, tzinfo=UTC)
HOLD = timedelta(seconds=60)


def commits(engine: sa.Engine) -> list[object]:
    """A list that gains an entry at every commit on `engine`."""
    seen: list[object] = []
    sa.event.listen(engine, "commit", seen.append)
    return seen


def holders(engine: sa.Engine) -> dict[int, str]:
    with engine.connect() as connection:
        rows = connection.execute(sa.select(UserState.telegram_id, UserState.holder)).all()
    return dict(rows)


async def test_operations_asked_at_once_share_one_transaction_in_the_users_order(engine):
    upgrade(engine)
    svc = Services(engine, frozenset())
    ran: list[int] = []

    def take(connection: sa.Connection, user: int, holder: str) -> bool:
        ran.append(user)
        return take_with_participant(connection, user, holder, NOW, HOLD) is not None

    committed = commits(engine)
    taken = await asyncio.gather(*(svc.run_core(take, user, "me") for user in (3, 1, 2)))
    assert taken == [True, True, True]
    assert ran == [1, 2, 3]  # the order two processes' batches both lock rows in
    assert len(committed) == 1
    assert holders(engine) == {1: "me", 2: "me", 3: "me"}

    back = await asyncio.gather(*(svc.run_core(put_back, user, "me", None) for user in (1, 2)))
    assert back == [True, True]
    assert len(committed) == 2
    assert holders(engine) == {1: "", 2: "", 3: "me"}


async def test_a_failing_operation_fails_its_own_caller_only(engine):
    upgrade(engine)
    svc = Services(engine, frozenset())

    def broken(connection: sa.Connection, user: int) -> None:
        take_with_participant(connection, user, "me", NOW, HOLD)
        raise ValueError(f"user {user} broke")

    def take(user: int) -> asyncio.Future:
        return svc.run_core(take_with_participant, user, "me", NOW, HOLD)

    first, failed, last = await asyncio.gather(
        take(1), svc.run_core(broken, 2), take(3), return_exceptions=True
    )
    assert isinstance(failed, ValueError) and str(failed) == "user 2 broke"
    assert first is not None and last is not None
    assert holders(engine) == {1: "me", 3: "me"}  # user 2's take went with its error


class Slow:
    """A take that waits, in the database, until the test lets it go on."""

    def __init__(self) -> None:
        self.in_database, self.go_on = threading.Event(), threading.Event()

    def take(self, connection: sa.Connection, user: int) -> object:
        self.in_database.set()
        assert self.go_on.wait(10)
        return take_with_participant(connection, user, "me", NOW, HOLD)


async def test_operations_asked_while_a_batch_runs_make_the_next_one(engine):
    upgrade(engine)
    svc = Services(engine, frozenset())
    slow = Slow()

    committed = commits(engine)
    first = asyncio.ensure_future(svc.run_core(slow.take, 1))
    assert await asyncio.to_thread(slow.in_database.wait, 10)
    later = [
        asyncio.ensure_future(svc.run_core(take_with_participant, user, "me", NOW, HOLD))
        for user in (2, 3)
    ]
    await asyncio.sleep(0)  # both are asked while the first batch is in the database
    slow.go_on.set()
    await asyncio.wait_for(asyncio.gather(first, *later), timeout=10)
    assert len(committed) == 2  # the first batch, then the two asked meanwhile together
    assert holders(engine) == {1: "me", 2: "me", 3: "me"}


async def test_postgresql_runs_a_batch_beside_one_in_the_database_sqlite_after_it(engine):
    upgrade(engine)
    svc = Services(engine, frozenset())
    slow = Slow()

    first = asyncio.ensure_future(svc.run_core(slow.take, 1))
    assert await asyncio.to_thread(slow.in_database.wait, 10)
    later = asyncio.ensure_future(svc.run_core(take_with_participant, 2, "me", NOW, HOLD))
    try:
        if engine.dialect.name == "sqlite":  # one writer at a time whatever the threads
            done, _ = await asyncio.wait([later], timeout=0.2)
            assert not done
        else:
            await asyncio.wait_for(later, timeout=10)
    finally:
        slow.go_on.set()
    await asyncio.wait_for(asyncio.gather(first, later), timeout=10)
    assert holders(engine) == {1: "me", 2: "me"}


async def test_takes_and_put_backs_asked_at_once_are_one_statement_each(engine):
    with session_scope(engine) as session:
        builders.fair(session, buyers=2, sellers=1)  # B1, B2: Telegram 1001, 1002
    svc = Services(engine, frozenset())

    def take(user: int, holder: str = "me") -> asyncio.Future:
        return svc.run_core(take_with_participant, user, holder, NOW, HOLD)

    await asyncio.gather(take(1001), take(1002), take(7, "another process"))
    updates: list[str] = []
    sa.event.listen(
        engine,
        "before_cursor_execute",
        lambda *args: updates.append(args[2]) if args[2].startswith("UPDATE") else None,
    )
    committed = commits(engine)
    let_go, seller, newcomer, held, *back = await asyncio.gather(
        svc.run_core(put_back, 1001, "me", None),
        take(2001),
        take(8),
        take(7),
        svc.run_core(put_back, 1002, "me", '{"step": 1}'),
        svc.run_core(put_back, 7, "me", None),
    )
    assert len(committed) == 1
    assert let_go is True and back == [True, False]  # 7 is another process's
    assert seller.account.participant.code == "S1" and seller.data == "{}"
    assert newcomer.account.participant is None and newcomer.data == "{}"
    assert held is None
    assert len(updates) == 3  # the takes, the unchanged put-backs, the one saved
    assert holders(engine) == {1001: "", 1002: "", 2001: "me", 7: "another process", 8: "me"}
