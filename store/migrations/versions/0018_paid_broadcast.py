"""the organizer's choice of Telegram's paid broadcast pace, per announcement round and broadcast

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06 19:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMN (no table rebuild on SQLite): the event row's triggers (0015) stay.
    op.add_column(
        "event",
        sa.Column("announce_paid", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.add_column(
        "broadcast", sa.Column("paid", sa.Boolean(), nullable=False, server_default=sa.false())
    )


def downgrade() -> None:
    # Plain DROP COLUMN (SQLite 3.35+): rebuilding the event table would trip its triggers.
    op.execute("ALTER TABLE broadcast DROP COLUMN paid")
    op.execute("ALTER TABLE event DROP COLUMN announce_paid")
