"""Per-user state kept between updates, and the per-user lock that orders a user's updates
across bot processes.

Each update of a user runs between `take` and `put_back`: `take` is one conditional UPDATE
that holds the user's row for this process until `put_back` (or until the hold runs out,
should the process die), returning the saved JSON; a second process handling the same user
meanwhile finds the row held and waits (bot/processing.py). Two short transactions per update
(each shared with other users' takes and put-backs asked at the same time, `Services.run_core`:
all their takes one statement, all their put-backs another, `TOGETHER`),
no connection kept open while handlers run, the same statements on SQLite and PostgreSQL;
`take_with_participant` also reads the user's participant record in the first of them, which
saves the update's handlers a transaction of their own (handlers/services.py `who`).

The statements are built once, with bound parameters, and run on a plain connection
(`Services.run_core`), with no ORM session: SQLAlchemy's ORM bulk UPDATE path cost more CPU
per update than any handler's own query, and a session's own set-up and commit 170 µs of CPU
per update more than a connection's (py-spy and a loop of 2,000 on `python -m bench.load`'s
fair, SQLite).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from store.colleagues import Account, account_on, accounts_on
from store.models import UserState
from store.upsert import insert_if_missing

STATE = UserState.__table__.c
TAKE = (
    sa.update(UserState.__table__)
    .where(
        STATE.telegram_id == sa.bindparam("user"),
        sa.or_(STATE.holder == "", STATE.held_until < sa.bindparam("now")),
    )
    .values(holder=sa.bindparam("taker"), held_until=sa.bindparam("until"))
    .returning(STATE.data)
)
RELEASE = (
    sa.update(UserState.__table__)
    .where(STATE.telegram_id == sa.bindparam("user"), STATE.holder == sa.bindparam("me"))
    .values(holder="", held_until=None)
    .returning(STATE.telegram_id)
)
SAVE = RELEASE.values(data=sa.bindparam("saved"))
# The same for several users at once (`TOGETHER`).
_USERS = STATE.telegram_id.in_(sa.bindparam("users", expanding=True))
TAKE_MANY = (
    sa.update(UserState.__table__)
    .where(_USERS, sa.or_(STATE.holder == "", STATE.held_until < sa.bindparam("now")))
    .values(holder=sa.bindparam("taker"), held_until=sa.bindparam("until"))
    .returning(STATE.telegram_id, STATE.data)
)
RELEASE_MANY = (
    sa.update(UserState.__table__)
    .where(_USERS, STATE.holder == sa.bindparam("me"))
    .values(holder="", held_until=None)
    .returning(STATE.telegram_id)
)


@dataclass(frozen=True)
class Held:
    """A user held for one update: their saved JSON and whom they act for (no participant for
    someone who has not joined)."""

    data: str
    account: Account


def take(
    connection: sa.Connection, telegram_id: int, holder: str, now: datetime, hold: timedelta
) -> str | None:
    """The user's saved JSON if this holder now holds the user ("{}" for a new user), or
    None while another holder has them."""
    values = {"user": telegram_id, "now": now, "taker": holder, "until": now + hold}
    taken = connection.execute(TAKE, values).first()
    return taken[0] if taken is not None else _create(connection, telegram_id, holder, now, hold)


def _create(
    connection: sa.Connection, telegram_id: int, holder: str, now: datetime, hold: timedelta
) -> str | None:
    """A new user's row, held by `holder` ("{}"); None if the row exists (another holder has
    the user)."""
    created = insert_if_missing(
        connection,
        UserState,
        telegram_id=telegram_id,
        data="{}",
        holder=holder,
        held_until=now + hold,
    )
    return "{}" if created else None


def take_with_participant(
    connection: sa.Connection, telegram_id: int, holder: str, now: datetime, hold: timedelta
) -> Held | None:
    """`take`, and the user's participant record (and colleague row) read in the same
    transaction."""
    data = take(connection, telegram_id, holder, now, hold)
    return None if data is None else Held(data, account_on(connection, telegram_id))


def put_back(connection: sa.Connection, telegram_id: int, holder: str, data: str | None) -> bool:
    """Saves the user's JSON (None: unchanged) and lets the next update of theirs go; False if
    the hold had run out and another holder took the user meanwhile (nothing is written)."""
    values = {"user": telegram_id, "me": holder}
    if data is None:
        released = connection.execute(RELEASE, values)
    else:
        released = connection.execute(SAVE, {**values, "saved": data})
    return released.first() is not None


# One user's call: their Telegram id and the operation's other arguments.
Call = tuple[int, tuple[Any, ...]]


def take_many(connection: sa.Connection, calls: Sequence[Call]) -> list[Held | None]:
    """`take_with_participant` for each call, the free users taken in one statement and the
    participants read in one: per user, those two statements cost about as much CPU as the
    rest of a batch. A user without a row yet gets one as in `take`. Calls of
    one holder and hold (one process's) share the latest `now` among them."""
    taken: dict[int, str] = {}
    for (holder, hold), now in _latest_now(calls).items():
        users = [user for user, (taker, _, held) in calls if (taker, held) == (holder, hold)]
        values = {"users": users, "now": now, "taker": holder, "until": now + hold}
        taken.update(connection.execute(TAKE_MANY, values).all())
    for user, (holder, now, hold) in calls:
        if user not in taken and (data := _create(connection, user, holder, now, hold)):
            taken[user] = data
    accounts = accounts_on(connection, sorted(taken))
    return [Held(taken[user], accounts[user]) if user in taken else None for user, _ in calls]


def _latest_now(calls: Sequence[Call]) -> dict[tuple[str, timedelta], datetime]:
    latest: dict[tuple[str, timedelta], datetime] = {}
    for _, (holder, now, hold) in calls:
        key = (holder, hold)
        latest[key] = max(now, latest.get(key, now))
    return latest


def put_back_many(connection: sa.Connection, calls: Sequence[Call]) -> list[bool]:
    """`put_back` for each call: the users whose data is unchanged let go in one statement per
    holder, the others saved one by one."""
    kept: set[int] = set()
    for holder in {holder for _, (holder, data) in calls if data is None}:
        users = [user for user, (me, data) in calls if me == holder and data is None]
        kept.update(connection.execute(RELEASE_MANY, {"users": users, "me": holder}).scalars())
    return [
        user in kept if data is None else put_back(connection, user, holder, data)
        for user, (holder, data) in calls
    ]


# The operations `Services.run_core` runs for many users at once, with their forms for many
# calls, in the order a batch runs them: the takes first, so that a batch locks only free
# users' rows (a take does not lock a row another holder has) before its own users' rows (the
# put-backs), and two batches, in this process or another, never wait on each other in a
# circle.
TOGETHER: dict[Callable[..., Any], Callable[[sa.Connection, Sequence[Call]], list[Any]]] = {
    take_with_participant: take_many,
    put_back: put_back_many,
}


def saved_values(session: Session, telegram_ids: Iterable[int], key: str) -> dict[int, object]:
    """`key` of each user's saved state, for the users whose state has it."""
    rows = session.exec(
        select(UserState.telegram_id, UserState.data).where(
            col(UserState.telegram_id).in_(list(telegram_ids))
        )
    ).all()
    found: dict[int, object] = {}
    for telegram_id, data in rows:
        value = (saved_data(data) or {}).get(key)
        if value is not None:
            found[telegram_id] = value
    return found


def saved_data(raw: str) -> dict[str, Any] | None:
    """The user data saved in `raw`; None if it can't be read as a JSON object."""
    try:
        data = json.loads(raw)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None
