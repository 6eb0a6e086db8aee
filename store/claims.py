"""Claiming queued deliveries (announcement and broadcast rows) for one sender at a time.

A claim takes up to `limit` pending rows that nobody holds, or whose holder's lease ran out
(a process that died), and returns their ids. On PostgreSQL the rows are chosen with
`SELECT ... FOR UPDATE SKIP LOCKED`, so concurrent claimers get disjoint rows instead of
queueing on the same first ones, then updated; SQLite has one writer at a time, so a single
UPDATE choosing its rows in a subquery is already disjoint.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select, update

from store.models import DeliveryStatus


def waiting(table: Any, now: datetime, lease: timedelta) -> sa.ColumnElement[bool]:
    """Rows to send that nobody sends: never claimed, given back, or held by a process whose
    lease ran out (it died)."""
    return sa.and_(
        table.status == DeliveryStatus.pending,
        sa.or_(table.claimed_at.is_(None), table.claimed_at < now - lease),
    )


def claim_rows(
    session: Session,
    table: Any,
    scope: sa.ColumnElement[bool],
    holder: str,
    now: datetime,
    lease: timedelta,
    limit: int,
) -> list[int]:
    claimable = sa.and_(scope, waiting(table, now, lease))
    chosen = select(table.id).where(claimable).order_by(table.id).limit(limit)
    if session.get_bind().dialect.name == "postgresql":
        # Two statements: inside an UPDATE's IN (...), PostgreSQL may run a SKIP LOCKED
        # subquery more than once and update more rows than the LIMIT.
        ids = session.exec(chosen.with_for_update(skip_locked=True)).all()
        if not ids:
            return []
        chosen_ids: Any = ids
    else:
        chosen_ids = chosen.scalar_subquery()
    taken = session.execute(
        update(table)
        .where(table.id.in_(chosen_ids), claimable)
        .values(claimed_at=now, claimed_by=holder)
        .returning(table.id)
        .execution_options(synchronize_session=False)
    )
    return sorted(taken.scalars().all())


def renew(session: Session, table: Any, row_id: int, holder: str, now: datetime) -> bool:
    """Extends the holder's lease on a row it is still sending; False if the lease ran out and
    another sender took the row (this one must stop)."""
    renewed = session.execute(
        update(table)
        .where(table.id == row_id, table.claimed_by == holder)
        .values(claimed_at=now)
        .returning(table.id)
        .execution_options(synchronize_session=False)
    )
    return renewed.first() is not None


def release_all(session: Session, table: Any, holder: str, keep: Collection[int] = ()) -> None:
    """Gives back the holder's unfinished claims (a clean stop), for others to take at once;
    except `keep`: rows sent but not recorded, which others take only once the lease ran out."""
    session.execute(
        update(table)
        .where(
            table.claimed_by == holder,
            table.status == DeliveryStatus.pending,
            table.id.not_in(keep),
        )
        .values(claimed_at=None, claimed_by="")
        .execution_options(synchronize_session=False)
    )
