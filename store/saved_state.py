"""Opaque per-key values the bot keeps between restarts (see bot/persistence.py)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session, col, select

from store.models import SavedState


def load(session: Session, kind: str) -> dict[str, bytes]:
    rows = session.exec(select(SavedState).where(SavedState.kind == kind)).all()
    return {row.key: row.value for row in rows}


def save(session: Session, kind: str, key: str, value: bytes) -> None:
    row = session.get(SavedState, (kind, key))
    if row is None:
        row = SavedState(kind=kind, key=key, value=value)
    row.value = value
    session.add(row)


def forget(session: Session, kind: str, key: str) -> None:
    session.execute(
        sa.delete(SavedState).where(col(SavedState.kind) == kind, col(SavedState.key) == key)
    )
