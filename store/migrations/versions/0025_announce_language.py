"""the language of the organizer who started the announcement round (its progress message)

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-07 08:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0025"
down_revision: str | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMN (no table rebuild on SQLite): the event row's triggers (0015) stay.
    # NULL, for the rounds before: the bot's default language.
    op.add_column(
        "event", sa.Column("announce_language", sqlmodel.sql.sqltypes.AutoString(length=8))
    )


def downgrade() -> None:
    # Plain DROP COLUMN (SQLite 3.35+): rebuilding the event table would trip its triggers.
    op.execute("ALTER TABLE event DROP COLUMN announce_language")
