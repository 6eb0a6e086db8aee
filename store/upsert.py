"""INSERT ... ON CONFLICT DO NOTHING on SQLite and PostgreSQL alike."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, SQLModel


def insert_if_missing(
    session: Session | sa.Connection, table: type[SQLModel], **values: Any
) -> bool:
    """Inserts the row unless its primary key is taken; True if this call inserted it."""
    bind = session if isinstance(session, sa.Connection) else session.get_bind()
    dialect = postgresql if bind.dialect.name == "postgresql" else sqlite
    primary = [column.name for column in table.__table__.primary_key]
    inserted = session.execute(
        dialect.insert(table)
        .values(**values)
        .on_conflict_do_nothing(index_elements=primary)
        .returning(*(getattr(table, name) for name in primary))  # psycopg: no rowcount here
    )
    return inserted.first() is not None
