"""Telegram's budget of bulk messages (about 30 a second for the whole bot), shared by every
bot process through one row: the wall-clock time of the next free sending slot.

A sender reserves `count` slots `interval` apart with one UPDATE ... RETURNING; the slots of
different processes never overlap, so their combined pace stays under the budget.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session, col, update

from store.models import SendPace
from store.upsert import insert_if_missing

ROW = 1


def reserve(session: Session, count: int, interval: float, now: float) -> float:
    """The time (seconds since the epoch) of the first of `count` slots now reserved."""
    span = count * interval
    start = sa.case((col(SendPace.next_at) > now, col(SendPace.next_at)), else_=now)
    ends = session.execute(
        update(SendPace)
        .where(col(SendPace.id) == ROW)
        .values(next_at=start + span)
        .returning(SendPace.next_at)
    ).first()
    if ends is None:  # a fresh database: the first sender creates the row
        if insert_if_missing(session, SendPace, id=ROW, next_at=now + span):
            return now
        return reserve(session, count, interval, now)
    return ends[0] - span
