"""Per-user state kept between updates, and the per-user lock that orders a user's updates
across bot processes.

Each update of a user runs between `take` and `put_back`: `take` is one conditional UPDATE
that holds the user's row for this process until `put_back` (or until the hold runs out,
should the process die), returning the saved JSON; a second process handling the same user
meanwhile finds the row held and waits (bot/processing.py). Two short transactions per update,
no connection kept open while handlers run, the same statements on SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col, update

from store.models import UserState
from store.upsert import insert_if_missing


def _free(now: datetime) -> sa.ColumnElement[bool]:
    return sa.or_(col(UserState.holder) == "", col(UserState.held_until) < now)


def take(
    session: Session, telegram_id: int, holder: str, now: datetime, hold: timedelta
) -> str | None:
    """The user's saved JSON if this holder now holds the user ("{}" for a new user), or
    None while another holder has them."""
    taken = session.execute(
        update(UserState)
        .where(col(UserState.telegram_id) == telegram_id, _free(now))
        .values(holder=holder, held_until=now + hold)
        .returning(UserState.data)
    ).first()
    if taken is not None:
        return taken[0]
    created = insert_if_missing(
        session, UserState, telegram_id=telegram_id, data="{}", holder=holder, held_until=now + hold
    )
    return "{}" if created else None


def put_back(session: Session, telegram_id: int, holder: str, data: str | None) -> bool:
    """Saves the user's JSON (None: unchanged) and lets the next update of theirs go; False if
    the hold had run out and another holder took the user meanwhile (nothing is written)."""
    values: dict[str, object] = {"holder": "", "held_until": None}
    if data is not None:
        values["data"] = data
    released = session.execute(
        update(UserState)
        .where(col(UserState.telegram_id) == telegram_id, col(UserState.holder) == holder)
        .values(**values)
        .returning(UserState.telegram_id)
    )
    return released.first() is not None


def load(session: Session, telegram_id: int) -> str | None:
    row = session.get(UserState, telegram_id)
    return None if row is None else row.data
