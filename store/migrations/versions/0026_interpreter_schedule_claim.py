"""interpreters: when a process took their changed schedule to send (a lease, as deliveries have)

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-07 13:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import store.models

revision: str = "0026"
down_revision: str | None = "0025"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # NULL: nobody is sending one; the schedule last sent stays in schedule_digest.
    op.add_column(
        "interpreter",
        sa.Column("schedule_claimed_at", store.models.UTCDateTime(), nullable=True),
    )


def downgrade() -> None:
    op.execute("ALTER TABLE interpreter DROP COLUMN schedule_claimed_at")
